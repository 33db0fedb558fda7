"""The case page (issue #3 §3): header, sections, section edits with the original's cross-field rules,
timeline, and a number of queries that does not grow with the rows shown."""

import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from authorities.models import Role
from cases import workflow
from cases.choices import Channel, Gender, Outcome, Status
from cases.models import Case, CaseEvent, Citizen, CompetentThirdParty, Domain
from tests.conftest import member_of
from tests.factories import AuthorityFactory, CaseFactory
from tests.workspace_factories import (
    fast_passwords,  # noqa: F401
    fill_case_page,
)


@pytest.fixture
def case(authority, agent):
    case = CaseFactory(authority=authority, assignee=agent, status=Status.WAITING_FOR_REQUESTER)
    Citizen.objects.filter(pk=case.pk).update(
        gender=Gender.FEMALE, first_name="Léa", last_name="Dupont", email="lea@exemple.fr", phone="+33612345678"
    )
    return Case.objects.get(pk=case.pk)


def url(name: str, case: Case, **kwargs) -> str:
    return reverse(f"case:{name}", kwargs={"number": case.number, **kwargs})


def page(client, user, case, name="detail", **kwargs) -> str:
    client.force_login(user)
    response = client.get(url(name, case, **kwargs))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def contact_data(**overrides) -> dict:
    data = {
        "gender": Gender.FEMALE,
        "first_name": "Léa",
        "last_name": "Dupont",
        "email": "lea@exemple.fr",
        "phone_pays": "FR",
        "phone_numero": "06 12 34 56 78",
        "street": "",
        "postal_code": "",
        "city": "",
        "country": "FR",
    }
    return data | overrides


def test_header_shows_citizen_number_status_due_date_and_assignee(client, agent, case):
    content = page(client, agent, case)
    assert f"Dossier n°{case.number}" in content
    assert "Mme Léa Dupont" in content
    assert '<option value="waiting_for_requester" selected>' in content
    assert agent.get_full_name() in content
    assert "Télécharger le dossier" in content
    assert "Se désassigner" in content
    for heading in ("Fil du dossier", "Informations du dossier", "Dates et origine", "Coordonnées", "Demande"):
        assert heading in content
    assert "Compétence" in content and "Clôture du dossier" in content


@pytest.mark.parametrize(("name", "label"), [("detail", "Envoi des fichiers…"), ("message_compose", "Envoi en cours…")])
def test_buttons_that_send_files_show_progress_and_work_once(client, agent, case, name, label):
    """Wagtail's « long-running » button: a spinner, this label, and disabled once clicked."""
    assert f'data-controller="w-progress" data-action="w-progress#activate" data-w-progress-active-value="{label}"' in (
        page(client, agent, case, name)
    )


def test_closed_status_is_read_only_and_not_offered_while_open(client, agent, case):
    assert 'value="closed"' not in page(client, agent, case)
    workflow.close(agent, case, {"outcome": Outcome.PARTIAL})
    content = page(client, agent, case)
    assert "Clôture de la procédure" in content
    assert 'name="status"' not in content
    assert "Rouvrir le dossier" in content


def test_overdue_due_date_is_flagged(client, agent, case):
    Case.objects.filter(pk=case.pk).update(due_date="2020-01-01")
    assert "Échéance dépassée" in page(client, agent, case)


def test_unassigned_case_offers_to_take_it_and_main_agent_to_assign(client, main_agent, case):
    Case.objects.filter(pk=case.pk).update(assignee=None)
    content = page(client, main_agent, case)
    assert "S'attribuer le dossier" in content
    assert "Assigner le dossier" in content


def test_contact_section_saves_and_the_timeline_shows_old_and_new(client, agent, case):
    client.force_login(agent)
    response = client.post(url("edit", case, section="coordonnees"), contact_data(city="Lyon", first_name="Léna"))
    assert response.url == url("detail", case) + "#coordonnees-section"
    citizen = Citizen.objects.get(pk=case.pk)
    assert (citizen.first_name, citizen.city, citizen.phone) == ("Léna", "Lyon", "+33612345678")
    event = case.events.get()
    assert event.kind == CaseEvent.Kind.UPDATED
    assert {(c["label"], c["old"], c["new"]) for c in event.data["changes"]} == {
        ("Prénom", "Léa", "Léna"),
        ("Ville", "—", "Lyon"),
    }
    content = page(client, agent, case)
    assert "Prénom : Léa → Léna" in content
    assert agent.get_full_name() in content


def test_phone_and_country_read_as_people_write_them(client, agent, case):
    content = page(client, agent, case)
    assert "06 12 34 56 78" in content and "+33612345678" not in content
    assert "<dd>France</dd>" in content
    client.post(
        url("edit", case, section="coordonnees"),
        contact_data(country="BE", phone_pays="BE", phone_numero="0470 12 34 56"),
    )
    content = page(client, agent, case)
    assert "+32 470 12 34 56" in content and "<dd>Belgique</dd>" in content
    assert "Téléphone : 06 12 34 56 78 → +32 470 12 34 56" in content
    assert "Pays : France → Belgique" in content


def test_unknown_country_is_refused(client, agent, case):
    client.force_login(agent)
    response = client.post(url("edit", case, section="coordonnees"), contact_data(country="ZZ"))
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in html.unescape(response.content.decode())
    assert Citizen.objects.get(pk=case.pk).country == "FR"


def test_contact_needs_a_way_to_reach_the_citizen(client, agent, case):
    client.force_login(agent)
    response = client.post(url("edit", case, section="coordonnees"), contact_data(email="", phone_numero=""))
    assert response.status_code == 200
    assert "Indiquez au moins un moyen de vous contacter" in html.unescape(response.content.decode())
    assert Citizen.objects.get(pk=case.pk).email == "lea@exemple.fr"
    assert not case.events.exists()


def test_invalid_phone_is_refused(client, agent, case):
    client.force_login(agent)
    response = client.post(url("edit", case, section="coordonnees"), contact_data(phone_numero="12"))
    assert "Ce numéro de téléphone n'est pas valide" in html.unescape(response.content.decode())


def test_answer_only_after_a_prior_complaint(client, agent, case):
    client.force_login(agent)
    data = {"description": "Litige", "prior_complaint": "false", "prior_complaint_answered": "true"}
    response = client.post(url("edit", case, section="demande"), data)
    assert response.status_code == 200
    assert "Indiquez d'abord qu'un premier recours a été effectué." in html.unescape(response.content.decode())
    data["prior_complaint"] = "true"
    client.post(url("edit", case, section="demande"), data)
    saved = Case.objects.get(pk=case.pk)
    assert (saved.prior_complaint, saved.prior_complaint_answered) == (True, True)


@pytest.fixture
def lists(authority):
    return {
        "domain": Domain.objects.create(name="Urbanisme (test)"),
        "third_party": CompetentThirdParty.objects.create(name="Préfecture (test)"),
        "foreign_domain": Domain.objects.create(name="Voirie d'ailleurs", authority=AuthorityFactory()),
        "own_domain": Domain.objects.create(name="Cantine", authority=authority),
    }


@pytest.mark.parametrize(
    ("competent", "item", "field", "message"),
    [
        ("true", "third_party", "competent_third_party", "Un tiers compétent ne s'indique que si"),
        ("false", "domain", "domain", "Un domaine ne s'indique que si"),
    ],
)
def test_competence_rules(client, agent, case, lists, competent, item, field, message):
    client.force_login(agent)
    response = client.post(url("edit", case, section="competence"), {"competent": competent, field: lists[item].pk})
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    assert Case.objects.get(pk=case.pk).competent is None


def test_competent_with_a_domain_of_the_authority_or_the_platform(client, agent, case, lists):
    client.force_login(agent)
    for domain in (lists["domain"], lists["own_domain"]):
        client.post(url("edit", case, section="competence"), {"competent": "true", "domain": domain.pk})
        assert Case.objects.get(pk=case.pk).domain == domain
    client.post(url("edit", case, section="competence"), {"competent": "false", "competent_third_party": ""})
    response = client.post(
        url("edit", case, section="competence"),
        {"competent": "false", "competent_third_party": lists["third_party"].pk},
    )
    assert response.status_code == 302
    saved = Case.objects.get(pk=case.pk)
    assert (saved.competent, saved.domain, saved.competent_third_party) == (False, None, lists["third_party"])


def test_a_domain_of_another_authority_is_not_offered(client, agent, case, lists):
    content = page(client, agent, case, "edit", section="competence")
    assert "Cantine" in content and "Urbanisme (test)" in content
    assert "Voirie d'ailleurs" not in content
    client.post(url("edit", case, section="competence"), {"competent": "true", "domain": lists["foreign_domain"].pk})
    assert Case.objects.get(pk=case.pk).domain is None


def test_origin_section_edits_channel_and_representation(client, agent, case):
    client.force_login(agent)
    client.post(
        url("edit", case, section="origine"),
        {"channel": Channel.PHONE, "originator": "rights_defender", "representation": "association"},
    )
    saved = Case.objects.get(pk=case.pk)
    assert (saved.channel, saved.originator, saved.citizen.representation) == (
        Channel.PHONE,
        "rights_defender",
        "association",
    )
    labels = {c["label"] for c in case.events.get().data["changes"]}
    assert labels == {"Mode de saisine", "Origine de la demande", "Type de requérant"}


def test_closing_section_of_a_closed_case_keeps_the_outcome_required(client, agent, case):
    workflow.close(agent, case, {"outcome": Outcome.PARTIAL})
    client.force_login(agent)
    response = client.post(url("edit", case, section="cloture"), {"outcome": "", "conclusion": "x"})
    assert response.status_code == 200
    assert "Le type de clôture est obligatoire" in html.unescape(response.content.decode())
    client.post(url("edit", case, section="cloture"), {"outcome": Outcome.EXTERNAL_FORWARD, "conclusion": "Vu."})
    assert Case.objects.get(pk=case.pk).conclusion == "Vu."


def test_unknown_section_is_404(client, agent, case):
    client.force_login(agent)
    assert client.get(url("edit", case, section="autre")).status_code == 404


def count_queries(client, case) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url("detail", case)).status_code == 200
    return len(queries)


def test_case_page_queries_do_not_grow_with_rows(client, authority, agent):
    small, large = CaseFactory(authority=authority), CaseFactory(authority=authority)
    colleagues = [member_of(authority, Role.AGENT) for _ in range(2)]
    fill_case_page(small, 2, colleagues[0])
    fill_case_page(large, 30, colleagues[1])
    client.force_login(agent)
    count_queries(client, small)  # warm the session and caches
    assert count_queries(client, small) == count_queries(client, large)
    assert count_queries(client, large) <= 40
