import uuid

from cases.models import Case, Message, MessageCase
from tests.factories import CaseFactory


def link(case, processed):
    direction = Message.Direction.OUT if processed is None else Message.Direction.IN
    message = Message.objects.create(
        direction=direction,
        status="received",
        from_email="usager@exemple.fr",
        message_id=f"<{uuid.uuid4()}@exemple.fr>",
    )
    MessageCase.objects.create(message=message, case=case, processed=processed)


def test_unprocessed_count_counts_only_inbound_messages_to_process(db):
    busy, quiet = CaseFactory(), CaseFactory()
    link(busy, False)
    link(busy, False)
    link(busy, True)
    link(busy, None)
    link(quiet, True)
    counts = dict(Case.objects.with_unprocessed_count().values_list("number", "unprocessed_count"))
    assert counts == {busy.number: 2, quiet.number: 0}


def test_open_and_closed(db):
    from django.utils import timezone

    open_case = CaseFactory()
    closed_case = CaseFactory(closed_at=timezone.now(), outcome="partial", status="closed")
    assert list(Case.objects.open()) == [open_case]
    assert list(Case.objects.closed()) == [closed_case]
