"""The rules of a referral: who proposes, withdraws, accepts and declines, and what each step does.

Every step locks the case row first (`cases.workflow.locked`), then the referral: two agents answering
at once, or a withdrawal racing an acceptance, wait in turn and the second finds the referral answered.
Each step writes a `CaseEvent` on the case's timeline; the case's own rights come from
`cases.workflow.require_agent` (agents of the case's authority), the answer's from the memberships of
the receiving authority.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from authorities.models import AGENT_ROLES, Authority, Membership
from authorities.permissions import authority_ids_as
from cases import audit
from cases.choices import Status
from cases.citizen import consent as consent_on_page
from cases.mail.outbound import OutgoingEmail, queue_email, queue_emails
from cases.models import Case, CaseEvent
from cases.referral.models import Referral, State
from cases.workflow import changes_between, locked, record, require_agent, require_open, snapshot

MAX_TEXT = 2000
# What a case starts again with at its new authority: nobody assigned, « À traiter », no due date (as a
# new request), and the competence to be judged again (the previous authority's own list items dropped).
RESET_FIELDS = ("authority", "assignee", "status", "due_date", "competent", "domain", "competent_third_party")
NOT_RECEIVING = "Vous n'êtes pas médiateur de la collectivité à qui ce dossier est proposé."


def destinations(case: Case) -> QuerySet[Authority]:
    """The platform's other authorities, by name."""
    return Authority.objects.exclude(pk=case.authority_id).order_by("name")


def receiving_agents(authority: Authority) -> list:
    """The authority's active agents, who answer a proposal (and are told of it by email)."""
    memberships = Membership.objects.filter(authority=authority, role__in=AGENT_ROLES, user__is_active=True)
    return [membership.user for membership in memberships.select_related("user").order_by("user_id")]


def open_referral(case: Case) -> Referral | None:
    return Referral.objects.filter(case=case, status=State.PROPOSED).select_related("to_authority").first()


def required_text(value: str, field: str, missing: str) -> str:
    value = value.strip()
    if not value:
        raise ValidationError({field: missing})
    if len(value) > MAX_TEXT:
        raise ValidationError({field: f"Ce texte fait au plus {MAX_TEXT} caractères."})
    return value


@transaction.atomic
def propose(actor, case: Case, to_authority: Authority, reason: str, note: str, consent: str) -> Referral:
    case = locked(case)
    require_agent(actor, case)
    require_open(case, "Ce dossier est clôturé : rouvrez-le pour le transmettre.")
    if to_authority.pk == case.authority_id:
        raise ValidationError({"to_authority": "Choisissez une autre collectivité que celle du dossier."})
    agents = receiving_agents(to_authority)
    if not agents:
        raise ValidationError(
            {
                "to_authority": f"{to_authority.name} n'a encore aucun médiateur sur la plateforme : "
                "le dossier ne peut pas lui être transmis. Orientez le requérant vers elle directement."
            }
        )
    if Referral.objects.filter(case=case, status=State.PROPOSED).exists():
        raise ValidationError("Une proposition de transmission de ce dossier attend déjà une réponse.")
    note = required_text(note, "note", "Écrivez une note pour la collectivité destinataire.")
    referral = Referral(
        case=case,
        from_authority=case.authority,
        to_authority=to_authority,
        reason=reason,
        note=note,
        consent=consent,
        proposed_by=actor,
    )
    referral.full_clean(exclude=["case", "from_authority", "to_authority", "proposed_by"], validate_constraints=False)
    referral.save()
    consent = referral.get_consent_display().lower()
    detail = f"À {to_authority.name} — {referral.get_reason_display()} ; accord du requérant recueilli {consent}"
    record(case, CaseEvent.Kind.REFERRAL_PROPOSED, actor, detail=detail, referral=referral.pk)
    tell_receiving_agents(referral, agents, actor)
    consent_on_page.ask(referral)
    audit.record(actor, audit.Action.REFERRAL_PROPOSED, obj=case, detail={"to": to_authority.pk})
    return referral


def tell_receiving_agents(referral: Referral, agents: list, actor) -> None:
    """Each agent of the receiving authority learns of the proposal at once: it waits on their dashboard,
    but nobody there would look for it otherwise. The email names the authorities and the reason only."""
    url = settings.SITE_URL + reverse("referral_detail", args=[referral.pk])
    queue_emails(
        [
            OutgoingEmail("referral_proposed", [agent.email], {"recipient": agent, "referral": referral, "url": url})
            for agent in agents
            if agent.email
        ]
    )


def answerable(referral: Referral, case: Case) -> Referral:
    """The referral read again under the case's lock: it must still wait for an answer."""
    related = ("from_authority", "to_authority", "proposed_by")
    referral = Referral.objects.select_for_update(of=("self",)).select_related(*related).get(pk=referral.pk)
    if referral.status != State.PROPOSED:
        raise ValidationError(f"Cette proposition de transmission est déjà {referral.get_status_display().lower()}.")
    return referral


def close_referral(referral: Referral, actor, status: str, reason: str = "") -> None:
    referral.status = status
    referral.answered_by = actor
    referral.answered_at = timezone.now()
    referral.answer_reason = reason
    referral.save(update_fields=["status", "answered_by", "answered_at", "answer_reason"])


@transaction.atomic
def withdraw(actor, referral: Referral) -> Referral:
    """An agent of the sending authority withdraws the proposal before its answer."""
    case = locked(referral.case)
    require_agent(actor, case)
    referral = answerable(referral, case)
    close_referral(referral, actor, State.WITHDRAWN)
    record(case, CaseEvent.Kind.REFERRAL_WITHDRAWN, actor, detail=f"À {referral.to_authority.name}")
    audit.record(actor, audit.Action.REFERRAL_WITHDRAWN, obj=case, detail={"to": referral.to_authority_id})
    return referral


def require_receiving_agent(actor, referral: Referral) -> None:
    if referral.to_authority_id not in authority_ids_as(actor, AGENT_ROLES):
        raise PermissionDenied(NOT_RECEIVING)


def tell_proposer(referral: Referral, actor, case: Case) -> None:
    """The proposing agent learns the answer by email (nothing about the case once it has left)."""
    proposer = referral.proposed_by
    if proposer is None or not proposer.is_active or not proposer.email:
        return
    # Accepted, the case is no longer theirs: the list of referrals keeps its line.
    accepted = referral.status == State.ACCEPTED
    url = reverse("referrals") if accepted else reverse("case:detail", args=[case.number])
    context = {"recipient": proposer, "actor": actor, "referral": referral, "url": settings.SITE_URL + url}
    queue_email("referral_answered", [proposer.email], context, sent_by=actor)


@transaction.atomic
def accept(actor, referral: Referral) -> Case:
    """The case moves to the receiving authority and starts again there; the citizen is told by email."""
    require_receiving_agent(actor, referral)
    case = locked(referral.case)
    referral = answerable(referral, case)
    consent_on_page.require_consent(referral)
    require_open(
        case, "Ce dossier a été clôturé depuis la proposition : sa collectivité doit le rouvrir pour le transmettre."
    )
    before = snapshot(case, RESET_FIELDS)
    case.authority = referral.to_authority
    case.assignee = None
    case.status = Status.TO_PROCESS
    case.due_date = None
    case.competent = None
    for name in ("domain", "competent_third_party"):
        item = getattr(case, name)
        if item is not None and item.authority_id is not None:
            setattr(case, name, None)
    case.save(update_fields=[*RESET_FIELDS, "updated_at"])
    close_referral(referral, actor, State.ACCEPTED)
    detail = f"De {referral.from_authority.name} à {referral.to_authority.name}"
    record(case, CaseEvent.Kind.REFERRAL_ACCEPTED, actor, changes_between(case, before), detail=detail)
    citizen = case.citizen
    if citizen.email:
        context = {"case": case, "citizen": citizen, "previous": referral.from_authority}
        queue_email("case_referred", [citizen.email], context, case=case, sent_by=actor)
    tell_proposer(referral, actor, case)
    # The case's access moves from one authority to the other: both logs keep the event.
    for authority in (referral.from_authority, referral.to_authority):
        audit.record(actor, audit.Action.REFERRAL_ACCEPTED, obj=case, authority=authority, detail=moved(referral))
    return case


def moved(referral: Referral) -> dict:
    return {"from": referral.from_authority_id, "to": referral.to_authority_id}


@transaction.atomic
def decline(actor, referral: Referral, reason: str) -> Referral:
    """The case stays where it is; the proposing agent is told why."""
    require_receiving_agent(actor, referral)
    reason = required_text(reason, "answer_reason", "Indiquez le motif du refus.")
    case = locked(referral.case)
    referral = answerable(referral, case)
    close_referral(referral, actor, State.DECLINED, reason)
    record(case, CaseEvent.Kind.REFERRAL_DECLINED, actor, detail=f"Par {referral.to_authority.name} : {reason}")
    tell_proposer(referral, actor, case)
    audit.record(actor, audit.Action.REFERRAL_DECLINED, obj=case, detail={"to": referral.to_authority_id})
    return referral


REFERRAL_EVENTS = (
    CaseEvent.Kind.REFERRAL_PROPOSED,
    CaseEvent.Kind.REFERRAL_WITHDRAWN,
    CaseEvent.Kind.REFERRAL_ACCEPTED,
    CaseEvent.Kind.REFERRAL_DECLINED,
)


def pending_event(events: list[CaseEvent]) -> CaseEvent | None:
    """The proposal waiting for its answer, read from the case's timeline (newest first) that the case
    page loads anyway: each step of a referral writes its event, so the newest one tells the state."""
    latest = next((event for event in events if event.kind in REFERRAL_EVENTS), None)
    return latest if latest is not None and latest.kind == CaseEvent.Kind.REFERRAL_PROPOSED else None
