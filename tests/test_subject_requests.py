"""Subject requests (issue #14, item 5): a main agent finds a person's cases, exports them, erases them.

Only the main agent's authorities are searched; the ZIP holds a synthesis PDF and the documents of each case
and a JSON of the raw fields; erasure anonymises, and is refused while a case is under legal hold or open.
"""

import io
import json
import threading
import zipfile

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from authorities.models import Role
from cases.audit.models import AuditEntry
from cases.choices import Outcome, Status
from cases.models import Case
from cases.privacy import hold
from tests.conftest import member_of
from tests.factories import CaseFactory
from tests.workspace_factories import AttachmentFactory, MessageFactory, NoteFactory, fast_passwords  # noqa: F401

SEARCH = reverse("case_subject_requests")
EXPORT = reverse("case_subject_export")
ERASE = reverse("case_subject_erase")
EMAIL = "jeanne.martin@exemple.fr"


def closed(case: Case) -> Case:
    Case.objects.filter(pk=case.pk).update(
        closed_at=timezone.now() - relativedelta(months=2), status=Status.CLOSED, outcome=Outcome.values[0]
    )
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def person_cases(authority, other_authority):
    """Two cases of Jeanne Martin here (one with a note, a message and two documents), one at another authority."""
    first = CaseFactory(
        authority=authority, citizen__first_name="Jeanne", citizen__last_name="Martin", citizen__email=EMAIL
    )
    NoteFactory(case=first, content="<p>Appel de Mme Martin au sujet de sa facture.</p>")
    message = MessageFactory(cases=[first], subject="Ma facture d'eau", text="Voici la facture.")
    AttachmentFactory(case=first, name="courrier.pdf", data=b"%PDF-1.4 courrier")
    AttachmentFactory(case=None, message=message, name="facture.pdf", data=b"%PDF-1.4 facture")
    second = CaseFactory(
        authority=authority, citizen__first_name="Jeanne", citizen__last_name="MARTIN", citizen__email=EMAIL.upper()
    )
    elsewhere = CaseFactory(authority=other_authority, citizen__last_name="Martin", citizen__email=EMAIL)
    CaseFactory(authority=authority, citizen__first_name="Paul", citizen__last_name="Durand")
    return first, second, elsewhere


@pytest.mark.parametrize("term", [EMAIL, EMAIL.upper(), "Jeanne Martin", "martin jeanne", "Martin"])
def test_the_main_agent_finds_the_person_s_cases_of_their_authority_only(client, main_agent, person_cases, term):
    first, second, elsewhere = person_cases
    client.force_login(main_agent)
    page = client.get(SEARCH, {"q": term}).content.decode()
    assert f"Dossier n°{first.number}<" in page and f"Dossier n°{second.number}<" in page
    assert f"Dossier n°{elsewhere.number}<" not in page and "Durand" not in page


def test_an_unknown_person_finds_nothing(client, main_agent, person_cases):
    client.force_login(main_agent)
    page = client.get(SEARCH, {"q": "personne@exemple.fr"}).content.decode()
    assert "Aucun dossier de vos collectivités" in page


def test_the_zip_holds_a_pdf_per_case_the_documents_and_the_raw_fields(client, main_agent, person_cases):
    first, second, _ = person_cases
    client.force_login(main_agent)
    response = client.post(EXPORT, {"q": EMAIL})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    documents = {document.name: document for document in first.attachments.all()} | {
        a.name: a for a in first.message_links.get().message.attachments.all()
    }
    assert sorted(archive.namelist()) == sorted(
        [
            f"dossier-{first.number}/synthese-dossier-{first.number}.pdf",
            f"dossier-{first.number}/documents/{documents['courrier.pdf'].pk}-courrier.pdf",
            f"dossier-{first.number}/documents/{documents['facture.pdf'].pk}-facture.pdf",
            f"dossier-{second.number}/synthese-dossier-{second.number}.pdf",
            "donnees.json",
        ]
    )
    assert archive.read(f"dossier-{first.number}/documents/{documents['facture.pdf'].pk}-facture.pdf") == (
        b"%PDF-1.4 facture"
    )
    assert archive.read(f"dossier-{second.number}/synthese-dossier-{second.number}.pdf").startswith(b"%PDF")
    data = json.loads(archive.read("donnees.json"))
    by_number = {case["dossier"]["numero"]: case for case in data["dossiers"]}
    assert set(by_number) == {first.number, second.number}
    assert by_number[first.number]["requerant"]["email"] == EMAIL
    assert by_number[first.number]["messages"][0]["subject"] == "Ma facture d'eau"
    assert "facture" in by_number[first.number]["notes"][0]["contenu"]
    exported = AuditEntry.objects.filter(action="exported").values_list("case_number", "actor_id", "authority_id")
    assert sorted(exported) == sorted([(case.number, main_agent.pk, case.authority_id) for case in (first, second)])


def test_erasure_anonymises_every_case_after_a_confirmation(client, main_agent, person_cases):
    first, second, elsewhere = (closed(case) for case in person_cases)
    client.force_login(main_agent)
    confirm = client.get(ERASE, {"q": "Jeanne Martin"}).content.decode()
    assert "Effacer définitivement (2 dossiers)" in confirm
    assert Case.objects.filter(anonymised_at__isnull=False).count() == 0
    response = client.post(ERASE, {"q": "Jeanne Martin"})
    assert response.status_code == 302
    assert set(Case.objects.filter(anonymised_at__isnull=False).values_list("number", flat=True)) == {
        first.number,
        second.number,
    }
    assert Case.objects.get(pk=first.pk).citizen.email == ""
    assert Case.objects.get(pk=elsewhere.pk).citizen.email == EMAIL
    assert "Aucun dossier" in client.get(SEARCH, {"q": EMAIL}).content.decode()


def test_erasure_is_refused_under_a_legal_hold_and_names_the_case(client, main_agent, person_cases):
    first, second, _ = (closed(case) for case in person_cases)
    hold.place_hold(main_agent, second, "Recours contentieux")
    client.force_login(main_agent)
    confirm = client.get(ERASE, {"q": EMAIL}).content.decode()
    assert f"Dossier n°{second.number} sous conservation légale" in confirm
    assert "Effacer définitivement" not in confirm
    page = client.post(ERASE, {"q": EMAIL}, follow=True).content.decode()
    assert f"Dossier n°{second.number} sous conservation légale" in page
    assert not Case.objects.filter(anonymised_at__isnull=False).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: SQLite locks the whole table")
@pytest.mark.django_db(transaction=True)
def test_a_case_changed_at_that_very_moment_is_not_erased_and_the_agent_is_told(client, main_agent, person_cases):
    """The erasure skips a row an agent holds locked rather than wait: it must not claim a complete erasure."""
    first, second, _ = (closed(case) for case in person_cases)
    locked, release = threading.Event(), threading.Event()

    def agent_saving_the_case():
        with transaction.atomic():
            Case.objects.select_for_update().get(pk=second.pk)
            locked.set()
            release.wait(timeout=30)
        connection.close()

    saving = threading.Thread(target=agent_saving_the_case)
    saving.start()
    try:
        assert locked.wait(timeout=30)
        client.force_login(main_agent)
        response = client.post(ERASE, {"q": EMAIL}, follow=True)
    finally:
        release.set()
        saving.join()
    page = response.content.decode()
    assert f"1 dossier(s) anonymisé(s), mais pas Dossier n°{second.number}" in page
    assert "Effacer définitivement (1 dossier)" in page  # the confirmation again, for what is left
    assert Case.objects.get(pk=first.pk).anonymised_at is not None
    assert Case.objects.get(pk=second.pk).anonymised_at is None


def test_erasure_of_an_open_case_is_refused(client, main_agent, person_cases):
    client.force_login(main_agent)
    client.post(ERASE, {"q": EMAIL})
    assert not Case.objects.filter(anonymised_at__isnull=False).exists()
    assert "encore ouvert" in client.get(ERASE, {"q": EMAIL}).content.decode()


def test_the_menu_shows_the_page_to_main_agents_only(client, main_agent, agent):
    client.force_login(agent)
    assert SEARCH not in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(main_agent)
    assert SEARCH in client.get(reverse("wagtailadmin_home")).content.decode()


@pytest.mark.parametrize(
    "role", ["main_agent", "agent", "other_agent", "other_main_agent", "editor", "platform_admin", "anonymous"]
)
def test_subject_request_pages_access(client, request, other_authority, person_cases, role):
    first, _, _ = (closed(case) for case in person_cases)
    if role == "other_main_agent":
        client.force_login(member_of(other_authority, Role.MAIN_AGENT))
    elif role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    responses = [
        client.get(SEARCH, {"q": "Jeanne Martin"}),
        client.post(EXPORT, {"q": "Jeanne Martin"}),
        client.get(ERASE, {"q": "Jeanne Martin"}),
        client.post(ERASE, {"q": "Jeanne Martin"}),
    ]
    for response in responses:
        if role == "anonymous":
            assert response.status_code == 302 and response.url.startswith(reverse("wagtailadmin_login"))
        elif role == "main_agent":
            assert response.status_code in (200, 302)
        elif role == "other_main_agent":  # their own authority has another Martin, never this one's cases
            assert f"dossier-{first.number}" not in response.content.decode(errors="replace")
            assert f"Dossier n°{first.number}" not in response.content.decode(errors="replace")
        else:
            assert response.status_code == 404
            assert "Jeanne" not in response.content.decode()
    assert (Case.objects.get(pk=first.pk).anonymised_at is not None) is (role == "main_agent")
