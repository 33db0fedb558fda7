"""« Enregistrer une saisine »: agents record a request on a citizen's behalf (issue #3, item 9)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from authorities.models import Role
from cases.admin_intake import case_intake  # noqa: F401  (the view module must import cleanly)
from cases.choices import Channel, Originator
from cases.models import Attachment, Case, CaseEvent, Message
from tests.conftest import member_of
from tests.factories import MembershipFactory
from tests.test_request_form import valid_data

URL = "/admin/dossiers/nouveau/"


def intake_data(authority, **changes) -> dict:
    """The public form's valid data, as an agent records a phone call (no email, no copy)."""
    agent_fields = {
        "authority": authority.pk,
        "channel": Channel.PHONE,
        "originator": Originator.RIGHTS_DEFENDER,
        "assign_to_me": "on",
        "gender": "",
        "email": "",
        "email_copy_wanted": None,
        "prior_complaint": "False",
        "prior_complaint_answered": None,
        "description": "Appel au sujet d'une facture d'eau contestée.",
    }
    return valid_data(**{**agent_fields, **changes})


def test_url_is_the_named_intake_url():
    assert reverse("case_intake") == URL


def test_form_shows_channel_originator_and_citizen_fields(client, agent):
    client.force_login(agent)
    content = client.get(URL).content.decode()
    for label in (
        "Enregistrer une saisine",
        "Mode de saisine",
        "Origine de la demande",
        "Téléphone",
        "Motif de la demande",
    ):
        assert label in content
    for channel in Channel:
        assert f'value="{channel.value}"' in content


def test_agent_records_a_phone_request_and_lands_on_the_case(client, agent, authority):
    client.force_login(agent)
    response = client.post(URL, intake_data(authority))
    case = Case.objects.get()
    assert response.status_code == 302
    detail = reverse("case:detail", args=[case.number])
    assert response.url == detail
    assert (case.authority, case.channel, case.originator) == (authority, Channel.PHONE, Originator.RIGHTS_DEFENDER)
    assert case.assignee == agent
    assert case.citizen.full_name == "Camille Durand"
    assert case.citizen.phone == "+33612345678"
    created = case.events.get(kind=CaseEvent.Kind.CREATED)
    assert created.actor == agent
    assert created.data["channel"] == Channel.PHONE
    assert case.events.filter(kind=CaseEvent.Kind.ASSIGNED).exists()


def test_without_assign_to_me_the_case_stays_unassigned(client, agent, authority):
    client.force_login(agent)
    client.post(URL, intake_data(authority, assign_to_me=None, channel=Channel.MAIL))
    case = Case.objects.get()
    assert case.assignee is None
    assert case.channel == Channel.MAIL


def test_citizen_with_an_email_gets_the_acknowledgement(client, agent, authority):
    client.force_login(agent)
    client.post(URL, intake_data(authority, email="camille@exemple.fr", channel=Channel.OFFICE))
    case = Case.objects.get()
    message = Message.objects.get()
    assert message.to == ["camille@exemple.fr"]
    assert message.cases.get() == case


def test_documents_are_stored_with_the_case(client, agent, authority):
    client.force_login(agent)
    upload = SimpleUploadedFile("courrier.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    client.post(URL, {**intake_data(authority, channel=Channel.MAIL), "documents": [upload]})
    assert Attachment.objects.get().case == Case.objects.get()


def test_model_rules_apply_a_way_to_reach_the_citizen_is_required(client, agent, authority):
    client.force_login(agent)
    response = client.post(URL, intake_data(authority, street="", postal_code="", city="", phone_numero=""))
    assert response.status_code == 200
    assert Case.objects.count() == 0
    assert "Indiquez au moins un moyen de vous contacter" in response.content.decode()
    assert "La saisine n&#x27;a pas pu être enregistrée" in response.content.decode()


def test_channel_must_be_one_of_the_choices(client, agent, authority):
    client.force_login(agent)
    assert client.post(URL, intake_data(authority, channel="pigeon")).status_code == 200
    assert Case.objects.count() == 0


def test_authority_is_hidden_for_an_agent_of_one_authority(client, agent):
    client.force_login(agent)
    assert 'type="hidden" name="authority"' in client.get(URL).content.decode()


def test_agent_of_several_authorities_chooses_among_their_own(client, agent, authority, other_authority):
    MembershipFactory(user=agent, authority=other_authority, role=Role.MAIN_AGENT)
    client.force_login(agent)
    content = client.get(URL).content.decode()
    assert "Ville de Démo" in content and "Autre Ville" in content
    client.post(URL, intake_data(other_authority))
    assert Case.objects.get().authority == other_authority


def test_cannot_record_a_case_for_an_authority_where_one_is_not_an_agent(client, agent, other_authority):
    client.force_login(agent)
    response = client.post(URL, intake_data(other_authority))
    assert response.status_code == 200
    assert Case.objects.count() == 0


def test_an_editor_membership_does_not_count(client, agent, other_authority):
    MembershipFactory(user=agent, authority=other_authority, role=Role.EDITOR)
    client.force_login(agent)
    client.post(URL, intake_data(other_authority))
    assert Case.objects.count() == 0


@pytest.mark.django_db  # the users come from getfixturevalue: without the mark it would run after transactional tests
@pytest.mark.parametrize("who", ["editor", "platform_admin"])
def test_non_agents_get_a_404(client, request, who):
    user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(URL).status_code == 404
    assert client.post(URL, {}).status_code == 404


def test_anonymous_is_sent_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("wagtailadmin_login"))


def test_main_agent_can_record_too(client, authority):
    main = member_of(authority, Role.MAIN_AGENT)
    client.force_login(main)
    client.post(URL, intake_data(authority))
    assert Case.objects.get().assignee == main
