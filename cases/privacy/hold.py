"""Legal hold: a main agent keeps a case from anonymisation (litigation, complaint, archive request).

The hold and its lifting are written on the timeline with their reason; the
case row carries the hold itself (`held_since`, `hold_reason`), so the nightly
job and the case page read it without another query. Both are also written to the audit log (without
the reason, a free text). An anonymised case can
no longer be held: there is nothing left to keep.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cases import audit
from cases.models import Case, CaseEvent
from cases.workflow import locked, record, require_agent

MAX_REASON = 2000


def require_main_agent(actor, case: Case) -> None:
    if not require_agent(actor, case).is_main_agent:
        raise PermissionDenied("Seul le médiateur principal peut décider ou lever une conservation légale.")


@transaction.atomic
def place_hold(actor, case: Case, reason: str) -> Case:
    case = locked(case)
    require_main_agent(actor, case)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Indiquez le motif de la conservation (contentieux, plainte, archives…)."})
    if len(reason) > MAX_REASON:
        raise ValidationError({"reason": f"Le motif fait au plus {MAX_REASON} caractères."})
    if case.is_held:
        raise ValidationError("Ce dossier est déjà sous conservation légale.")
    case.held_since = timezone.now()
    case.hold_reason = reason
    case.save(update_fields=["held_since", "hold_reason", "updated_at"])
    record(case, CaseEvent.Kind.HOLD_PLACED, actor, detail=reason)
    audit.record(actor, audit.Action.HOLD_PLACED, obj=case)  # the reason is free text: the timeline keeps it
    return case


@transaction.atomic
def lift_hold(actor, case: Case) -> Case:
    case = locked(case)
    require_main_agent(actor, case)
    if not case.is_held:
        raise ValidationError("Ce dossier n'est pas sous conservation légale.")
    reason = case.hold_reason
    case.held_since = None
    case.hold_reason = ""
    case.save(update_fields=["held_since", "hold_reason", "updated_at"])
    record(case, CaseEvent.Kind.HOLD_LIFTED, actor, detail=reason)
    audit.record(actor, audit.Action.HOLD_LIFTED, obj=case)
    return case
