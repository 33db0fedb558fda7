"""The nightly clean-ups of what belongs to no case (issue #14, item 4): files and inbound emails.

Old enough and belonging to no case: removed; younger, or attached: kept. The log says how many, never what.
"""

import datetime
import logging

import pytest
from django.utils import timezone

from cases.models import Attachment, AttachmentContent, InboundEmail
from cases.privacy.cleanup import (
    UNTHREADED_INBOUND_DAYS,
    UPLOAD_DAYS,
    purge_unattached_uploads,
    purge_unthreaded_inbound,
)
from tests.factories import CaseFactory
from tests.workspace_factories import AttachmentFactory, MessageFactory

pytestmark = pytest.mark.django_db


def aged(queryset, field: str, days: int) -> None:
    queryset.update(**{field: timezone.now() - datetime.timedelta(days=days)})


def test_files_never_attached_to_a_case_go_after_7_days(caplog):
    loose_old = AttachmentFactory(case=None, name="Dupont-avis-imposition.pdf")
    loose_young = AttachmentFactory(case=None)
    on_a_case = AttachmentFactory()
    on_a_case_message = AttachmentFactory(case=None, message=MessageFactory(cases=[CaseFactory()]))
    on_a_lone_message = AttachmentFactory(case=None, message=MessageFactory())
    old = [loose_old, on_a_case, on_a_case_message, on_a_lone_message]
    aged(Attachment.objects.filter(pk__in=[a.pk for a in old]), "created_at", UPLOAD_DAYS + 1)
    aged(Attachment.objects.filter(pk=loose_young.pk), "created_at", UPLOAD_DAYS - 1)

    with caplog.at_level(logging.INFO, logger="cases.privacy.cleanup"):
        assert purge_unattached_uploads(timezone.now()) == 2

    kept = set(Attachment.objects.values_list("pk", flat=True))
    assert kept == {loose_young.pk, on_a_case.pk, on_a_case_message.pk}
    assert not AttachmentContent.objects.filter(attachment_id__in=[loose_old.pk, on_a_lone_message.pk]).exists()
    assert "2 fichier(s) jamais joint(s)" in caplog.text
    assert "Dupont" not in caplog.text
    assert purge_unattached_uploads(timezone.now()) == 0


def inbound(state: str, days: int, **fields) -> InboundEmail:
    email = InboundEmail.objects.create(
        door=InboundEmail.Door.MTA,
        raw=b"From: jeanne.dupont@exemple.fr\r\nSubject: Ma facture\r\n\r\nBonjour",
        size=60,
        state=state,
        subject="Ma facture",
        **fields,
    )
    aged(InboundEmail.objects.filter(pk=email.pk), "received_at", days)
    return email


def test_inbound_emails_never_threaded_go_after_30_days(caplog):
    old = UNTHREADED_INBOUND_DAYS + 1
    kept_aside = inbound(InboundEmail.State.KEPT_ASIDE, old, reason=InboundEmail.Reason.UNKNOWN_RECIPIENT)
    ignored = inbound(InboundEmail.State.IGNORED, old)
    young = inbound(InboundEmail.State.KEPT_ASIDE, UNTHREADED_INBOUND_DAYS - 1)
    threaded = inbound(InboundEmail.State.THREADED, old, message=MessageFactory(cases=[CaseFactory()]))
    waiting = inbound(InboundEmail.State.RECEIVED, old)

    with caplog.at_level(logging.INFO, logger="cases.privacy.cleanup"):
        assert purge_unthreaded_inbound(timezone.now()) == 2

    assert set(InboundEmail.objects.values_list("pk", flat=True)) == {young.pk, threaded.pk, waiting.pk}
    assert not InboundEmail.objects.filter(pk__in=[kept_aside.pk, ignored.pk]).exists()
    assert "2 courriel(s) reçu(s) jamais rattaché(s)" in caplog.text
    assert "facture" not in caplog.text and "dupont" not in caplog.text.lower()
