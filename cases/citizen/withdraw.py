"""The citizen withdraws their request from their page: the case closes as « Renonciation de la médiation
par l'Usager », the reason goes on the thread as the citizen's message (to process, anonymised with the
other messages), the agents are told by email and the citizen gets the closing email."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from authorities.models import AGENT_ROLES, Membership
from cases import workflow
from cases.choices import Outcome, Status
from cases.citizen import answer
from cases.citizen.models import AccessEvent, AccessKey
from cases.mail.outbound import queue_email
from cases.models import Case, CaseEvent

WITHDRAWN_DETAIL = "Demande retirée par le requérant depuis son suivi en ligne"


def agents_to_tell(case: Case) -> list[str]:
    """The assignee; an unassigned case's agents and main agent."""
    if case.assignee_id and case.assignee.is_active:
        return [case.assignee.email]
    members = Membership.objects.filter(authority_id=case.authority_id, role__in=AGENT_ROLES, user__is_active=True)
    return sorted(members.values_list("user__email", flat=True))


def withdraw(key: AccessKey, reason: str) -> Case:
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": "Indiquez pourquoi vous retirez votre demande."})
    with transaction.atomic():
        case = workflow.locked(key.case)
        case.refuse_if_anonymised()
        if case.is_closed:
            raise ValidationError("Ce dossier est déjà clôturé.")
        before = workflow.snapshot(case, ["status", "outcome", "closed_at"])
        case.status, case.outcome, case.closed_at = Status.CLOSED, Outcome.CITIZEN_WAIVER, timezone.now()
        case.save(update_fields=["status", "outcome", "closed_at", "updated_at"])
        workflow.record(
            case, CaseEvent.Kind.CLOSED, None, workflow.changes_between(case, before), detail=WITHDRAWN_DETAIL
        )
        AccessEvent.objects.create(case=case, key=key, kind=AccessEvent.Kind.WITHDREW)
        # The reason stays on the case (its thread), never in these emails, which belong to no case.
        context = {"case": case, "case_url": workflow.case_url(case)}
        for address in agents_to_tell(case):
            queue_email("citizen_withdrew", [address], context)
        if case.citizen.email:
            queue_email("case_closed", [case.citizen.email], {"case": case, "citizen": case.citizen}, case=case)
    text = f"Je retire ma demande de médiation.\n\nMotif : {reason}"
    answer.send(case, text, [], f"Dossier n°{case.number} — Retrait de ma demande")
    return case
