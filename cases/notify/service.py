"""Who is told about a received message, when, and the admin menu's count of messages to process.

Grouping: the first message for an agent schedules one send GROUP_DELAY later; whatever else reaches them
meanwhile waits for it, so a citizen sending three emails in a row (or a reply and its forgotten file) is
one notification. A message an agent has already marked processed by then is left out of it.

The menu's count is on every admin page: it is read from the cache (UNREAD_TTL), under a version that
every new message to process and every « traité » toggle moves, so it is right as soon as the inbox
changes; a change of assignee shows within UNREAD_TTL.
"""

from collections.abc import Iterable
from datetime import timedelta
from email.utils import parseaddr

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from authorities.models import AGENT_ROLES, Membership, User
from cases.access import agent_authorities
from cases.mail.outbound import queue_email
from cases.models import Case, Message, MessageCase
from cases.notify.models import Mode, NotificationSetting, PendingNotification

GROUP_DELAY = timedelta(minutes=3)
SWEEP_GRACE = timedelta(minutes=5)
UNREAD_TTL = 60
VERSION_KEY = "notify:inbox-version"


def setting_for(user) -> NotificationSetting:
    return NotificationSetting.objects.filter(user=user).first() or NotificationSetting(user=user)


def recipients(cases: Iterable[Case]) -> dict[int, list[int]]:
    """Case pk → the user pks to tell at once: its assignee unless they chose otherwise; for an unassigned
    case, the agents of its authority who asked for those (two queries whatever the number of cases)."""
    cases = list(cases)
    assignees = {case.assignee_id for case in cases if case.assignee_id}
    not_now = set(
        NotificationSetting.objects.filter(user_id__in=assignees)
        .exclude(mode=Mode.IMMEDIATE)
        .values_list("user_id", flat=True)
    )
    open_authorities = {case.authority_id for case in cases if not case.assignee_id}
    volunteers: dict[int, list[int]] = {}
    for authority_id, user_id in Membership.objects.filter(
        authority_id__in=open_authorities,
        role__in=AGENT_ROLES,
        user__is_active=True,
        user__notification_setting__unassigned=True,
        user__notification_setting__mode=Mode.IMMEDIATE,
    ).values_list("authority_id", "user_id"):
        volunteers.setdefault(authority_id, []).append(user_id)
    return {
        case.pk: ([] if case.assignee_id in not_now else [case.assignee_id])
        if case.assignee_id
        else volunteers.get(case.authority_id, [])
        for case in cases
    }


def messages_arrived(message: Message, cases: list[Case]) -> None:
    """A received message has just reached these cases (inside the pipeline's transaction)."""
    bump_inbox_version()
    if message.kind == Message.Kind.AUTO_REPLY or not cases:
        return
    rows = [
        PendingNotification(user_id=user_pk, case=case, message=message)
        for case in cases
        for user_pk in recipients([case])[case.pk]
    ]
    if not rows:
        return
    users = {row.user_id for row in rows}
    waiting = set(
        PendingNotification.objects.filter(user_id__in=users, sent_at__isnull=True).values_list("user_id", flat=True)
    )
    PendingNotification.objects.bulk_create(rows, ignore_conflicts=True)
    from cases.notify.tasks import notify_user  # the task module imports this one

    for user_pk in users - waiting:  # the others' send is already scheduled: they join it
        transaction.on_commit(lambda pk=user_pk: notify_user.schedule((pk,), delay=GROUP_DELAY.total_seconds()))


def sender_name(from_header: str) -> str:
    """« Camille Martin » of « Camille Martin <camille@…> », else the address."""
    name, address = parseaddr(from_header)
    return name or address or from_header


def case_url(case_pk: int) -> str:
    return settings.SITE_URL + reverse("case:detail", args=[case_pk])


@transaction.atomic
def send_pending(user_pk: int) -> int:
    """One email for every notification waiting for this agent; returns how many it names (0: none sent)."""
    rows = list(
        PendingNotification.objects.select_for_update(skip_locked=True)
        .filter(user_id=user_pk, sent_at__isnull=True)
        .select_related("case", "message", "user")
        .order_by("created_at", "pk")
    )
    if not rows:
        return 0
    still = set(
        MessageCase.objects.filter(
            processed=False, message_id__in=[row.message_id for row in rows], case_id__in=[row.case_id for row in rows]
        ).values_list("message_id", "case_id")
    )
    PendingNotification.objects.filter(pk__in=[row.pk for row in rows]).update(sent_at=timezone.now())
    items = [
        {
            "number": row.case.number,
            "sender": sender_name(row.message.from_email),
            "received_at": timezone.localtime(row.message.created_at),
            "url": case_url(row.case_id),
        }
        for row in rows
        if (row.message_id, row.case_id) in still and row.user.is_active
    ]
    if not items:
        return 0
    queue_email("replies_received", [rows[0].user.email], {"recipient": rows[0].user, "items": items})
    return len(items)


def sweep(now=None) -> int:
    """Send what waited too long (its task lost with a stopped worker); returns the agents emailed."""
    limit = (now or timezone.now()) - GROUP_DELAY - SWEEP_GRACE
    users = (
        PendingNotification.objects.filter(sent_at__isnull=True, created_at__lt=limit)
        .values_list("user_id", flat=True)
        .distinct()
    )
    return sum(1 for user_pk in list(users) if send_pending(user_pk))


def digest_cases(agent: User) -> list[dict]:
    """For an agent who chose the morning digest: their open cases with messages to process, and how many."""
    if setting_for(agent).mode != Mode.DIGEST:
        return []
    rows = (
        MessageCase.objects.filter(processed=False, case__assignee=agent, case__closed_at__isnull=True)
        .values("case_id")
        .annotate(total=Count("pk"))
        .order_by("case_id")
    )
    return [{"number": row["case_id"], "count": row["total"], "url": case_url(row["case_id"])} for row in rows]


def bump_inbox_version() -> None:
    """Every count cached by `unread_count` is read again (after the transaction, so never a stale recount)."""
    transaction.on_commit(lambda: cache.set(VERSION_KEY, timezone.now().timestamp(), None))


def unread_query(user):
    """Messages to process on the user's open cases and on the unassigned ones of their authorities."""
    authority_ids = [authority.pk for authority in agent_authorities(user)]
    return MessageCase.objects.filter(
        Q(case__assignee=user) | Q(case__assignee__isnull=True),
        processed=False,
        case__authority_id__in=authority_ids,
        case__closed_at__isnull=True,
    )


def unread_count(user) -> int:
    key = f"notify:unread:{user.pk}:{cache.get(VERSION_KEY, 0)}"
    count = cache.get(key)
    if count is None:
        count = unread_query(user).count()
        cache.set(key, count, UNREAD_TTL)
    return count
