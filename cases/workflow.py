"""What an agent may do with a case: the business rules of the workspace, out of the views.

Every function takes the acting user, checks the rule it enforces and raises
`PermissionDenied` or `ValidationError` with a French message the view shows
as is. Every change writes a `CaseEvent` whose `data["changes"]` lists the
changed fields as display strings (`label`, `old`, `new`), so the timeline
reads the history without knowing the models, and keeps it when lists change.

Who may do what (the original's rules, with its unassignment bug fixed):
- any agent or main agent of the case's authority reads and edits the case,
  takes an unassigned case, changes its status, closes and reopens it;
- unassigning: the assignee or the main agent (the original let anyone);
- assigning or transferring to someone else: the main agent;
- deleting the case or removing one of its documents: the assignee or the
  main agent (the original allowed the assignee only, which left a case
  nobody could delete once its assignee had gone).
Callers reach the case through `cases.access.get_case_or_404`; the checks here
are the second lock, for the rules inside an authority.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst

from authorities.models import AGENT_ROLES, Role
from authorities.permissions import memberships_of
from cases import audit
from cases.choices import Status
from cases.mail.outbound import queue_email
from cases.models import Case, CaseEvent, Citizen, InboundEmail, Message, MessageCase

NOT_AN_AGENT = "Vous n'êtes pas médiateur de la collectivité de ce dossier."
EMPTY = "—"

# Fields an agent edits on the case page, by model; the others belong to actions.
CASE_FIELDS = frozenset(
    {
        "channel",
        "originator",
        "prior_complaint",
        "prior_complaint_answered",
        "description",
        "competent",
        "domain",
        "competent_third_party",
        "due_date",
        "outcome",
        "face_to_face",
        "agreement",
        "court_next",
        "conclusion",
    }
)
# The citizen's contact details, in the order the case page shows them.
CONTACT_FIELDS = ("gender", "first_name", "last_name", "email", "phone", "street", "postal_code", "city", "country")
CITIZEN_FIELDS = frozenset({"representation", *CONTACT_FIELDS})


@dataclass(frozen=True)
class Rights:
    """What one user may do with one case (from the user's memberships, for pages and actions alike)."""

    role: str | None
    is_assignee: bool

    @property
    def is_agent(self) -> bool:
        return self.role in AGENT_ROLES

    @property
    def is_main_agent(self) -> bool:
        return self.role == Role.MAIN_AGENT

    @property
    def can_manage(self) -> bool:
        """Unassign, delete the case, remove a document."""
        return self.is_agent and (self.is_assignee or self.is_main_agent)


def rights(user, case: Case) -> Rights:
    """Read from the memberships the request's user already carries (`memberships_of`): no query of its own."""
    role = next((m.role for m in memberships_of(user) if m.authority_id == case.authority_id), None)
    return Rights(role=role, is_assignee=case.assignee_id is not None and case.assignee_id == user.pk)


def require_agent(user, case: Case) -> Rights:
    case.refuse_if_anonymised()
    user_rights = rights(user, case)
    if not user_rights.is_agent:
        raise PermissionDenied(NOT_AN_AGENT)
    return user_rights


def require_manager(user, case: Case, action: str) -> Rights:
    user_rights = require_agent(user, case)
    if not user_rights.can_manage:
        raise PermissionDenied(f"Seuls le médiateur assigné et le médiateur principal peuvent {action}.")
    return user_rights


# Display strings --------------------------------------------------------------


def display(instance: models.Model, name: str) -> str:
    """The value of a field as a person reads it (labels of choices, Oui/Non, dates in French).

    A model tells how one of its plain fields reads with a `get_<name>_display` method, as Django
    does for fields with choices (`Citizen.get_phone_display`)."""
    field = instance._meta.get_field(name)
    value = getattr(instance, name)
    if value is None or value == "":
        return EMPTY
    if field.choices or hasattr(instance, f"get_{name}_display"):
        return str(getattr(instance, f"get_{name}_display")())
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "d/m/Y H:i")
    if isinstance(value, datetime.date):
        return date_format(value, "d/m/Y")
    return str(value)


def label(instance: models.Model, name: str) -> str:
    return capfirst(str(instance._meta.get_field(name).verbose_name))


def snapshot(instance: models.Model, names: Iterable[str]) -> dict[str, str]:
    return {name: display(instance, name) for name in names}


def changes_between(instance: models.Model, before: dict[str, str]) -> list[dict[str, str]]:
    return [
        {"field": name, "label": label(instance, name), "old": old, "new": display(instance, name)}
        for name, old in before.items()
        if display(instance, name) != old
    ]


def record(case: Case, kind: str, actor, changes: list[dict[str, str]] | None = None, **data: Any) -> CaseEvent:
    if changes:
        data["changes"] = changes
    return CaseEvent.objects.create(case=case, kind=kind, actor=actor, data=data)


def locked(case: Case) -> Case:
    """The case row, locked until the end of the transaction (two agents acting at once wait in turn),
    read with what the actions and their emails show (authority, assignee, citizen)."""
    related = ("authority", "assignee", "citizen")
    return Case.objects.select_for_update(of=("self",)).select_related(*related).get(pk=case.pk)


def validate(instance: models.Model) -> None:
    """The model's rules, without asking the database whether the rows its foreign keys point at exist:
    they were just read (the case's authority and assignee, list items chosen from the case's own lists)."""
    relations = [field.name for field in instance._meta.concrete_fields if field.is_relation]
    instance.full_clean(exclude=relations, validate_unique=False)


def person(user) -> str:
    return (user.get_full_name() or user.email) if user else EMPTY


# Assignment -------------------------------------------------------------------


def case_url(case: Case) -> str:
    return settings.SITE_URL + reverse("case:detail", args=[case.number])


def notify_member(template: str, recipient, actor, case: Case) -> None:
    """An email to a member about a case; kept out of the case's thread, which is the citizen's."""
    context = {"recipient": recipient, "actor": actor, "case": case, "case_url": case_url(case)}
    queue_email(template, [recipient.email], context, sent_by=actor)


def assignment_event(case: Case, actor, previous, assignee) -> CaseEvent:
    """The unsaved « assigné » / « désassigné » event of a change of assignee."""
    change = {"field": "assignee", "label": "Médiateur assigné", "old": person(previous), "new": person(assignee)}
    kind = CaseEvent.Kind.ASSIGNED if assignee else CaseEvent.Kind.UNASSIGNED
    return CaseEvent(case=case, kind=kind, actor=actor, data={"changes": [change]})


def set_assignee(actor, case: Case, assignee) -> None:
    previous = case.assignee
    if previous == assignee:
        return
    case.assignee = assignee
    case.save(update_fields=["assignee", "updated_at"])
    assignment_event(case, actor, previous, assignee).save()
    if assignee is not None and assignee != actor:
        notify_member("case_assigned", assignee, actor, case)
    if previous is not None and previous != actor:
        notify_member("case_unassigned", previous, actor, case)


@transaction.atomic
def assign_to_me(actor, case: Case) -> Case:
    case = locked(case)
    require_agent(actor, case)
    if case.assignee_id == actor.pk:
        raise ValidationError("Ce dossier vous est déjà assigné.")
    if case.assignee_id is not None:
        raise ValidationError(f"Ce dossier est déjà assigné à {person(case.assignee)}.")
    set_assignee(actor, case, actor)
    return case


@transaction.atomic
def unassign(actor, case: Case) -> Case:
    case = locked(case)
    require_manager(actor, case, "désassigner ce dossier")
    if case.assignee_id is None:
        raise ValidationError("Ce dossier n'est assigné à personne.")
    set_assignee(actor, case, None)
    return case


def assignable_agents(case: Case) -> models.QuerySet:
    """The agents and main agent of the case's authority, who may receive it."""
    from authorities.models import User

    return User.objects.filter(
        memberships__authority_id=case.authority_id, memberships__role__in=AGENT_ROLES, is_active=True
    ).order_by("last_name", "first_name", "email")


@transaction.atomic
def assign(actor, case: Case, assignee) -> Case:
    """Assign or transfer the case to an agent of its authority: the main agent's right."""
    case = locked(case)
    if not require_agent(actor, case).is_main_agent:
        raise PermissionDenied("Seul le médiateur principal peut assigner ou transférer un dossier.")
    if not assignable_agents(case).filter(pk=assignee.pk).exists():
        raise ValidationError("Ce dossier ne peut être assigné qu'à un médiateur de sa collectivité.")
    if case.assignee_id == assignee.pk:
        raise ValidationError(f"Ce dossier est déjà assigné à {person(assignee)}.")
    set_assignee(actor, case, assignee)
    return case


# Status, fields, closing --------------------------------------------------------


def require_open(case: Case, message: str) -> None:
    if case.is_closed:
        raise ValidationError(message)


@transaction.atomic
def change_status(actor, case: Case, status: str) -> Case:
    case = locked(case)
    require_agent(actor, case)
    if status not in Status.values:
        raise ValidationError("Avancement inconnu.")
    require_open(case, "Le dossier est clôturé : rouvrez-le pour changer son avancement.")
    if status == Status.CLOSED:
        raise ValidationError("Pour clôturer le dossier, utilisez « Clôturer le dossier » et indiquez son issue.")
    before = snapshot(case, ["status"])
    case.status = status
    case.save(update_fields=["status", "updated_at"])
    changes = changes_between(case, before)
    if changes:
        record(case, CaseEvent.Kind.STATUS_CHANGED, actor, changes)
    return case


def validate_list_items(case: Case) -> None:
    """Domains and third parties must be platform items or additions of the case's own authority."""
    errors = {}
    for name in ("domain", "competent_third_party"):
        item = getattr(case, name)
        if item is not None and item.authority_id not in (None, case.authority_id):
            errors[name] = "Cet élément appartient à la liste d'une autre collectivité."
    if errors:
        raise ValidationError(errors)


def apply(instance: models.Model, values: dict[str, Any], allowed: frozenset[str]) -> dict[str, str]:
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"Champs non modifiables ici : {', '.join(sorted(unknown))}")
    before = snapshot(instance, values)
    for name, value in values.items():
        setattr(instance, name, value)
    return before


@transaction.atomic
def update_fields(actor, case: Case, values: dict[str, Any] | None = None, citizen_values: dict | None = None) -> Case:
    """Edit fields of the case and its citizen with the model's cross-field rules; one event lists the changes."""
    case = locked(case)
    require_agent(actor, case)
    old_due_date = case.due_date
    before = apply(case, values or {}, CASE_FIELDS)
    if case.due_date and case.due_date != old_due_date and case.due_date < timezone.localdate():
        raise ValidationError({"due_date": "L'échéance ne peut pas être une date passée."})
    validate(case)
    validate_list_items(case)
    case.save()
    changes = changes_between(case, before)
    if citizen_values:
        citizen = Citizen.objects.select_for_update().get(pk=case.pk)
        citizen_before = apply(citizen, citizen_values, CITIZEN_FIELDS)
        validate(citizen)
        citizen.save()
        changes += changes_between(citizen, citizen_before)
    if changes:
        record(case, CaseEvent.Kind.UPDATED, actor, changes)
    return case


KEEP = object()  # `update_facts`: leave the assignee as it is


@transaction.atomic
def update_facts(actor, case: Case, values: dict[str, Any], status: str | None = None, assignee=KEEP) -> Case:
    """The case page's side column, saved at once (status, assignee, fields): every change is made, or none.

    Each change keeps its own rule and event (`change_status`, `assign` / `unassign`, `update_fields`); a
    refusal of any of them rolls the others back, so the agent sees the form again with nothing half-saved.
    """
    if status is not None and status != case.status:
        change_status(actor, case, status)
    if assignee is not KEEP and assignee != case.assignee:
        if assignee is None:
            unassign(actor, case)
        else:
            assign(actor, case, assignee)
    return update_fields(actor, case, values)


CLOSING_FIELDS = ("outcome", "face_to_face", "agreement", "court_next", "conclusion")


@transaction.atomic
def close(actor, case: Case, closing: dict[str, Any]) -> Case:
    """Close with an outcome; the closing date is set once, the citizen is told by email on this transition only."""
    case = locked(case)
    require_agent(actor, case)
    require_open(case, "Ce dossier est déjà clôturé.")
    if not closing.get("outcome"):
        raise ValidationError({"outcome": "Le type de clôture est obligatoire pour clôturer le dossier."})
    before = apply(case, {name: closing[name] for name in CLOSING_FIELDS if name in closing}, CASE_FIELDS)
    before.update(snapshot(case, ["status", "closed_at"]))
    case.status = Status.CLOSED
    case.closed_at = timezone.now()
    validate(case)
    case.save()
    record(case, CaseEvent.Kind.CLOSED, actor, changes_between(case, before))
    citizen = getattr(case, "citizen", None)
    if citizen is not None and citizen.email:
        queue_email("case_closed", [citizen.email], {"case": case, "citizen": citizen}, case=case, sent_by=actor)
    return case


@transaction.atomic
def reopen(actor, case: Case) -> Case:
    """Back to « Finalisation »; the closing fields stay, to be amended before closing again."""
    case = locked(case)
    require_agent(actor, case)
    if not case.is_closed:
        raise ValidationError("Ce dossier n'est pas clôturé.")
    before = snapshot(case, ["status", "closed_at"])
    case.status = Status.ABOUT_TO_CLOSE
    case.closed_at = None
    case.save(update_fields=["status", "closed_at", "updated_at"])
    record(case, CaseEvent.Kind.REOPENED, actor, changes_between(case, before))
    return case


# Deletion ---------------------------------------------------------------------


@transaction.atomic
def delete_case(actor, case: Case) -> int:
    """Delete the case and every row about it, leaving no orphan; returns the deleted case's number.

    The citizen, notes, documents (and their bytes), message links and events
    cascade with the case. Messages are shared between cases (an email may name
    several), so those linked to this case only are deleted with it, their
    attachments and the raw inbound emails they came from too; a message that
    still belongs to another case stays there.
    """
    case = locked(case)
    require_manager(actor, case, "supprimer ce dossier")
    shared = MessageCase.objects.exclude(case=case).values("message_id")
    own_message_pks = list(
        Message.objects.filter(case_links__case=case).exclude(pk__in=shared).values_list("pk", flat=True)
    )
    InboundEmail.objects.filter(message_id__in=own_message_pks).delete()
    Message.objects.filter(pk__in=own_message_pks).delete()
    number, target = case.number, audit.describe(case)
    case.delete()
    audit.record_many(actor, audit.Action.CASE_DELETED, [target])
    return number


def similar_cases(user, case: Case, limit: int = 10) -> models.QuerySet[Case]:
    """Other cases of the same authority whose citizen has the same name or the same email (one query)."""
    from cases.access import cases_for

    citizen = case.citizen
    same = Q(citizen__first_name__iexact=citizen.first_name, citizen__last_name__iexact=citizen.last_name)
    if citizen.email:
        same |= Q(citizen__email__iexact=citizen.email)
    return (
        cases_for(user)
        .filter(same, authority_id=case.authority_id)
        .exclude(pk=case.pk)
        .select_related("citizen")
        .order_by("-number")[:limit]
    )
