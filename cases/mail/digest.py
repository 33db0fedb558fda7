"""The agents' daily digest (template agent_digest), at 07:30 in Paris on working days.

Each agent gets one email listing, for the authorities where they are an agent,
the unassigned open cases, and their own open cases due within one business
day (or overdue), with the same limit as the workspace (`cases.dates.due_soon_limit`);
main agents also get, per authority, how many closed cases will be anonymised within
30 days (cases/privacy/retention.py), a count and a link, never a name; agents who chose to hear of the
citizens' answers in the digest (cases/notify/) get their cases with messages to process.
Closed cases are never counted (the original counted them).
Nothing to say, no email. A digest already queued today for an agent is not
queued again, and a lock keeps two schedulers from sending at the same time.
"""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from authorities.models import AGENT_ROLES, Authority, Role, User
from cases.choices import Status
from cases.dates import due_soon_limit, is_business_day
from cases.mail.outbound import queue_email
from cases.models import Case, Message
from cases.notify.service import digest_cases
from cases.privacy.retention import due_within_notice
from cases.workspace.state import NOBODY, index_url

PARIS = ZoneInfo("Europe/Paris")
DIGEST_HOUR = 7


def send_digests_if_due(now: datetime.datetime | None = None) -> int:
    """Called at 05:30 and 06:30 UTC: only the run that is 07:30 in Paris, on a working day, sends."""
    local = timezone.localtime(now or timezone.now(), PARIS)
    if local.hour != DIGEST_HOUR or not is_business_day(local.date()):
        return 0
    with HUEY.lock_task("agent-digest"):
        return send_digests(local.date())


def open_cases():
    return Case.objects.filter(closed_at__isnull=True).exclude(status=Status.CLOSED)


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def send_digests(today: datetime.date) -> int:
    due_limit = due_soon_limit(today)
    start_of_day = datetime.datetime.combine(today, datetime.time.min, tzinfo=PARIS)
    unassigned_url = absolute(index_url(mediateur=NOBODY))
    agents = User.objects.filter(is_active=True, memberships__role__in=AGENT_ROLES).distinct().order_by("pk")
    sent = 0
    for agent in agents:
        already = Message.objects.filter(template="agent_digest", to=[agent.email], created_at__gte=start_of_day)
        if already.exists():
            continue
        authority_ids = agent.memberships.filter(role__in=AGENT_ROLES).values("authority_id")
        unassigned = (
            open_cases()
            .filter(authority_id__in=authority_ids, assignee__isnull=True)
            .values("authority_id")
            .annotate(total=Count("pk"))
        )
        counts = {row["authority_id"]: row["total"] for row in unassigned}
        authorities = [
            {"name": authority.name, "unassigned_count": counts[authority.pk], "unassigned_url": unassigned_url}
            for authority in Authority.objects.filter(pk__in=counts).order_by("name")
        ]
        due_cases = [
            {
                "number": case.number,
                "due_date": case.due_date,
                "citizen_name": case.citizen.full_name,
                "url": absolute(reverse("case:detail", args=[case.number])),
            }
            for case in open_cases()
            .filter(assignee=agent, authority_id__in=authority_ids, due_date__lte=due_limit)
            .select_related("citizen")
            .order_by("due_date", "number")
        ]
        anonymisation = anonymisation_notice(agent)
        replies = digest_cases(agent)
        if not authorities and not due_cases and not anonymisation and not replies:
            continue
        context = {"recipient": agent, "authorities": authorities, "due_cases": due_cases, "replies": replies}
        queue_email("agent_digest", [agent.email], context | {"anonymisation": anonymisation})
        sent += 1
    return sent


def anonymisation_notice(agent) -> list[dict]:
    """For a main agent: the authorities with cases anonymised within 30 days, and how many."""
    main_ids = agent.memberships.filter(role=Role.MAIN_AGENT).values("authority_id")
    rows = due_within_notice().filter(authority_id__in=main_ids).values("authority_id").annotate(total=Count("pk"))
    counts = {row["authority_id"]: row["total"] for row in rows}
    url = absolute(reverse("case_retention"))
    return [
        {"name": authority.name, "count": counts[authority.pk], "url": url}
        for authority in Authority.objects.filter(pk__in=counts).order_by("name")
    ]
