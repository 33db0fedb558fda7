"""« Retrouver mon dossier »: a case number and an email get a fresh link by email when they match.

The page answers the same whatever was typed, and takes the same time: it only counts the attempt
and queues `send_link_task` (cases/citizen/tasks.py), which looks the case up in the background and
emails the link only if the email is the case's citizen's. The attempts are limited per client IP and
per case number, matching or not (a limit reached only by existing cases would tell which exist). The
letter code form (a case number and a code, for citizens without email) shares the limits.
"""

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest

from cases.citizen.keys import citizen_email
from cases.citizen.models import AccessEvent
from cases.mail.outbound import queue_email
from cases.models import Case, CaseEvent
from cases.ratelimit import allow, client_ip

SENT_BY_CITIZEN = "à la demande du requérant (« Retrouver mon dossier »)"


def allow_recovery(request: HttpRequest, number: int | None) -> bool:
    """Count the attempt against the client and against the case number (both counters always move)."""
    window = settings.CITIZEN_RECOVERY_WINDOW_SECONDS
    by_ip = allow(f"citizen-recovery-ip:{client_ip(request)}", settings.CITIZEN_RECOVERY_LIMIT_PER_IP, window)
    by_case = allow(f"citizen-recovery-case:{number}", settings.CITIZEN_RECOVERY_LIMIT_PER_CASE, window)
    return by_ip and by_case


def request_link(number: int, email: str) -> None:
    """Queue the lookup; the page must not know its result."""
    from cases.citizen.tasks import send_link_task

    transaction.on_commit(lambda: send_link_task(number, email))


@transaction.atomic
def send_link(case: Case, *, actor=None, detail: str = "") -> None:
    """Email the citizen a new personal link (made when the email leaves: cases/citizen/links.py)."""
    email = citizen_email(case)
    queue_email("citizen_link", [email], {"case": case, "citizen": case.citizen}, case=case, sent_by=actor)
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.CITIZEN_LINK_SENT, actor=actor, data={"detail": detail})
    if actor is None:
        AccessEvent.objects.create(case=case, kind=AccessEvent.Kind.LINK_REQUESTED)


def send_if_matching(number: int, email: str) -> bool:
    case = Case.objects.select_related("citizen", "authority").filter(number=number, anonymised_at__isnull=True).first()
    expected = citizen_email(case) if case is not None else ""
    if not expected or expected.strip().lower() != email.strip().lower():
        return False
    send_link(case, detail=SENT_BY_CITIZEN)
    return True
