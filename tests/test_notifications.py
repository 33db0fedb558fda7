"""Agents told of the citizens' answers (issue 11, item 5): at once to the assignee (unassigned: the agents who
opted in), grouped within minutes, per-user setting, the admin menu's count, a reply marking the message processed."""

import datetime
import html
import re
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from authorities.models import Role
from cases.mail import inbound
from cases.models import InboundEmail, Message, MessageCase
from cases.notify import service
from cases.notify.models import Mode, NotificationSetting, PendingNotification
from tests.conftest import member_of
from tests.draftail import typed
from tests.factories import CaseFactory
from tests.workspace_factories import MessageFactory, fast_passwords  # noqa: F401

CITIZEN = "camille.martin@exemple.fr"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    HUEY.flush()
    yield
    HUEY.flush()


@pytest.fixture
def case(authority, agent, mail_settings):
    return CaseFactory(authority=authority, assignee=agent, citizen__email=CITIZEN)


def answer(case, text: str = "Voici la facture.", door: str = InboundEmail.Door.MTA) -> Message:
    """The citizen's answer through the inbound pipeline (an email, or the online answer's door « web »)."""
    email = EmailMessage()
    email["From"] = f"Camille Martin <{CITIZEN}>"
    email["To"] = case.reply_address
    email["Subject"] = "Re: Nouveau message pour votre dossier"
    email["Message-ID"] = make_msgid("camille", "exemple.fr")
    email.set_content(text)
    stored = inbound.store_raw(email.as_bytes(), door)
    inbound.process(stored.pk)
    return InboundEmail.objects.get(pk=stored.pk).message


def sent_notifications() -> list:
    return [email for email in mail.outbox if "réponse" in email.subject]


@pytest.mark.parametrize("door", [InboundEmail.Door.MTA, InboundEmail.Door.WEB])
def test_the_assignee_is_told_once_the_group_delay_is_over(case, agent, door, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = answer(case, door=door)
    [pending] = PendingNotification.objects.all()
    assert (pending.user, pending.case, pending.message) == (agent, case, message)
    [scheduled] = HUEY.scheduled()
    assert scheduled.name.endswith("notify_user") and scheduled.args == (agent.pk,)
    assert scheduled.eta - timezone.now().replace(tzinfo=None) > datetime.timedelta(minutes=2)

    with django_capture_on_commit_callbacks(execute=True):
        assert service.send_pending(agent.pk) == 1
    [email] = sent_notifications()
    assert email.to == [agent.email]
    assert email.subject == f"Nouvelle réponse sur le dossier n°{case.number}"
    assert "Camille Martin" in email.body and reverse("case:detail", args=[case.number]) in email.body
    assert service.send_pending(agent.pk) == 0, "sent once"


def test_answers_within_minutes_make_one_email(case, agent, authority, django_capture_on_commit_callbacks):
    other = CaseFactory(authority=authority, assignee=agent, citizen__email=CITIZEN)
    with django_capture_on_commit_callbacks(execute=True):
        answer(case, "Premier message.")
        answer(case, "J'ai oublié la pièce jointe.")
        answer(other, "Et pour mon autre dossier.")
    assert len(HUEY.scheduled()) == 1, "one send for the burst"
    with django_capture_on_commit_callbacks(execute=True):
        assert service.send_pending(agent.pk) == 3
    [email] = sent_notifications()
    assert email.subject == "3 nouvelles réponses sur vos dossiers"
    assert f"Dossier n°{case.number}" in email.body and f"Dossier n°{other.number}" in email.body


def test_a_message_processed_meanwhile_is_left_out(case, agent, django_capture_on_commit_callbacks):
    message = answer(case)
    MessageCase.objects.filter(message=message).update(processed=True)
    assert service.send_pending(agent.pk) == 0
    assert sent_notifications() == []


def test_auto_replies_notify_nobody(case):
    MessageFactory(cases=[], kind=Message.Kind.AUTO_REPLY)
    service.messages_arrived(Message.objects.get(kind=Message.Kind.AUTO_REPLY), [case])
    assert not PendingNotification.objects.exists()


def test_an_unassigned_case_tells_the_agents_who_opted_in(authority, agent, mail_settings, other_agent):
    case = CaseFactory(authority=authority, citizen__email=CITIZEN)
    volunteer, quiet, late = (member_of(authority, Role.AGENT) for _ in range(3))
    NotificationSetting.objects.create(user=volunteer, unassigned=True)
    NotificationSetting.objects.create(user=late, unassigned=True, mode=Mode.DIGEST)
    NotificationSetting.objects.create(user=other_agent, unassigned=True)  # another authority's
    answer(case)
    assert list(PendingNotification.objects.values_list("user", flat=True)) == [volunteer.pk]


@pytest.mark.parametrize("mode", [Mode.DIGEST, Mode.NEVER])
def test_an_assignee_who_chose_otherwise_is_not_emailed(case, agent, mode):
    NotificationSetting.objects.create(user=agent, mode=mode)
    answer(case)
    assert not PendingNotification.objects.exists()
    expected = [{"number": case.number, "count": 1, "url": service.case_url(case.pk)}] if mode == Mode.DIGEST else []
    assert service.digest_cases(agent) == expected


def test_the_digest_lists_the_answers_of_those_who_chose_it(case, agent, django_capture_on_commit_callbacks):
    from cases.mail.digest import send_digests

    NotificationSetting.objects.create(user=agent, mode=Mode.DIGEST)
    answer(case)
    with django_capture_on_commit_callbacks(execute=True):
        send_digests(timezone.localdate())
    [digest] = [email for email in mail.outbox if email.to == [agent.email]]
    assert "RÉPONSES À TRAITER" in digest.body and f"Dossier n°{case.number} : 1 message à traiter" in digest.body


def test_an_agent_chooses_on_mes_notifications(client, agent):
    client.force_login(agent)
    page = client.get(reverse("notify_settings"))
    assert page.status_code == 200 and "Immédiatement, par courriel" in page.content.decode()
    response = client.post(reverse("notify_settings"), {"mode": Mode.DIGEST, "unassigned": "on"})
    assert response.status_code == 302
    setting = NotificationSetting.objects.get(user=agent)
    assert (setting.mode, setting.unassigned) == (Mode.DIGEST, True)
    assert "Mes notifications" in client.get(reverse("wagtailadmin_account")).content.decode()


def test_the_sweeper_sends_what_waited_too_long(case, agent, django_capture_on_commit_callbacks):
    answer(case)
    PendingNotification.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=30))
    with django_capture_on_commit_callbacks(execute=True):
        assert service.sweep() == 1
    assert len(sent_notifications()) == 1


def menu_count(client) -> int | None:
    """The count on the sidebar's « À traiter » item (its props are JSON in the page)."""
    content = html.unescape(client.get("/admin/").content.decode())
    found = re.search(r'"a-traiter"[^}]*?traiter(?: \((\d+)\))?"', content)
    assert found, "the menu item is there"
    return int(found.group(1)) if found.group(1) else None


def test_the_admin_menu_counts_the_messages_to_process(
    client, agent, authority, case, other_authority, django_capture_on_commit_callbacks
):
    """The agent's own cases and the unassigned ones of their authorities; not a colleague's, not closed ones,
    not another authority's; right again as soon as one is marked processed."""
    mine = MessageFactory(cases=[case])
    MessageFactory(cases=[CaseFactory(authority=authority)])  # unassigned
    MessageFactory(cases=[CaseFactory(authority=authority, assignee=member_of(authority, Role.AGENT))])
    MessageFactory(
        cases=[CaseFactory(authority=authority, closed_at=timezone.now(), status="closed", outcome="partial")]
    )
    MessageFactory(cases=[CaseFactory(authority=other_authority)])
    client.force_login(agent)
    assert menu_count(client) == 2
    with django_capture_on_commit_callbacks(execute=True):  # the count's version moves after commit
        client.post(reverse("case:message_processed", args=[case.number, mine.pk]), {"processed": "1"})
    assert menu_count(client) == 1


def test_replying_marks_the_message_processed_and_it_can_be_undone(client, agent, case):
    received = MessageFactory(cases=[case], from_email=f"Camille Martin <{CITIZEN}>")
    client.force_login(agent)
    compose = reverse("case:message_compose", args=[case.number]) + f"?reply_to={received.pk}"
    response = client.post(
        compose, {"to": CITIZEN, "subject": "Votre facture", "body": typed("Bien reçu.")}, follow=True
    )
    assert MessageCase.objects.get(case=case, message=received).processed is True
    assert "est marqué comme traité" in response.content.decode()
    assert f"#message-{received.pk}" in response.content.decode(), "the message's « Marquer à traiter », one click away"
    client.post(reverse("case:message_processed", args=[case.number, received.pk]), {"processed": "0"})
    assert MessageCase.objects.get(case=case, message=received).processed is False


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("platform_admin", 404),
        ("main_agent", 200),
        ("agent", 200),
        ("editor", 404),
        ("other_agent", 200),
        ("anonymous", 302),
    ],
)
def test_mes_notifications_access(client, request, authority, role, status):
    """Everyone's own setting only: agents of any authority open theirs; others find nothing; anonymous signs in."""
    from tests.test_case_access_matrix import sign_in

    if role != "anonymous":
        sign_in(client, request.getfixturevalue(role))
    for method in ("get", "post"):
        response = getattr(client, method)(reverse("notify_settings"), {"mode": Mode.NEVER})
        assert response.status_code == (302 if status == 200 and method == "post" else status), method
    if role == "anonymous":
        assert response.url.startswith(reverse("wagtailadmin_login"))
    changed = NotificationSetting.objects.filter(mode=Mode.NEVER)
    assert changed.count() == (1 if status == 200 else 0)
