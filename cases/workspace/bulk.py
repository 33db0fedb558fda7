"""Bulk actions on the rows selected in the case index (issue 11, item 3), at /admin/dossiers/actions/.

Assign (to me, or — main agent — to an agent), change the status, set the due
date, mark the messages to process as processed, export the selection. The index
posts the selection here; a page lists the cases and the action, and one
« Confirmer » runs it:

- in one transaction: every case changes or none does;
- each case through the workflow's own rule (cases/workflow.py), so the
  permissions are checked per case, as if the action were made on its page, and each
  changed case gets its one timeline event (a case already in the asked state is
  left as is, without an event);
- a selection naming a case the user may not see (another authority's, or none)
  is refused whole before anything is read or changed, without saying which;
- any refusal on one case (a rule of the workflow) cancels the whole action, and
  the page names the cases refused and why.
The export changes nothing: it queues the statistics' pseudonymised export of the
selected cases (`cases.insight.export.export_cases`) and opens its progress page.
"""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import ngettext

from authorities.models import AGENT_ROLES, User
from cases import workflow
from cases.access import agent_authorities, cases_for
from cases.choices import Status
from cases.insight.export import export_cases
from cases.insight.models import Kind
from cases.models import Case, CaseEvent, MessageCase
from cases.views.common import error_text, safe_next
from cases.workspace.saved_views import main_agent_of
from cases.workspace.state import ME, index_url

MAX_SELECTION = 200
ASSIGN, STATUS, DUE_DATE, PROCESSED, EXPORT = "assigner", "avancement", "echeance", "traites", "exporter"
ACTIONS = {
    ASSIGN: "Assigner",
    STATUS: "Changer l'avancement",
    DUE_DATE: "Fixer l'échéance",
    PROCESSED: "Marquer les messages comme traités",
    EXPORT: "Exporter (tableur, sans données personnelles)",
}
UNREACHABLE = "Un dossier de la sélection est introuvable : aucun dossier n'a été modifié."


class Refused(Exception):
    """The whole action was cancelled; `reasons` say why, case by case."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__(" ".join(reasons))
        self.reasons = reasons


class BulkForm(forms.Form):
    """The action and its value; the selection is the `dossiers` checkboxes of the index's rows."""

    action = forms.ChoiceField(label="Action", choices=[("", "Choisir une action…"), *ACTIONS.items()])
    assignee = forms.ChoiceField(label="Assigner à", required=False)
    status = forms.ChoiceField(
        label="Nouvel avancement",
        required=False,
        choices=[("", "—"), *((value, label) for value, label in Status.choices if value != Status.CLOSED)],
    )
    due_date = forms.DateField(
        label="Nouvelle échéance", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, user, *args, **kwargs) -> None:
        super().__init__(*args, label_suffix="", **kwargs)
        self.user = user
        choices = [(ME, "Moi")]
        managed = [authority.pk for authority in main_agent_of(user)]
        if managed:
            agents = (
                User.objects.filter(memberships__authority_id__in=managed, memberships__role__in=AGENT_ROLES)
                .exclude(pk=user.pk)
                .filter(is_active=True)
                .distinct()
                .order_by("last_name", "first_name", "email")
            )
            choices += [(str(agent.pk), workflow.person(agent)) for agent in agents]
        self.fields["assignee"].choices = choices

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == STATUS and not data.get("status"):
            self.add_error("status", "Choisissez l'avancement.")
        if action == DUE_DATE:
            due = data.get("due_date")
            if not due:
                self.add_error("due_date", "Indiquez l'échéance.")
            elif due < timezone.localdate():
                self.add_error("due_date", "L'échéance ne peut pas être une date passée.")
        if action == ASSIGN:
            choice = data.get("assignee") or ME
            data["assignee_user"] = self.user if choice == ME else User.objects.get(pk=int(choice))
        return data

    def summary(self) -> str:
        """The action as the confirmation page says it."""
        data = self.cleaned_data
        action = data["action"]
        if action == ASSIGN:
            target = data["assignee_user"]
            return "M'assigner" if target == self.user else f"Assigner à {workflow.person(target)}"
        if action == STATUS:
            return f"Passer l'avancement à « {Status(data['status']).label} »"
        if action == DUE_DATE:
            return f"Fixer l'échéance au {date_format(data['due_date'], 'j F Y')}"
        return ACTIONS[action]


def selected_numbers(request: HttpRequest) -> list[int]:
    numbers = []
    for value in request.POST.getlist("dossiers"):
        try:
            numbers.append(int(value))
        except ValueError:
            raise Http404("Dossier introuvable.") from None
    return sorted(set(numbers))


def selection(user, numbers: list[int]) -> list[Case]:
    """The selected cases, all of them the user's, or `Refused` (nothing said of the others)."""
    cases = list(cases_for(user).filter(number__in=numbers).select_related("citizen").order_by("number"))
    if not numbers or len(cases) != len(numbers):
        raise Refused([UNREACHABLE])
    return cases


@transaction.atomic
def mark_messages_processed(actor, case: Case) -> bool:
    """Every inbound message of the case waiting to be processed is processed; one event says how many."""
    case = workflow.locked(case)
    workflow.require_agent(actor, case)
    done = MessageCase.objects.filter(case=case, processed=False).update(processed=True)
    if done:
        change = {"field": "messages", "label": "Messages à traiter", "old": str(done), "new": "0"}
        workflow.record(case, CaseEvent.Kind.UPDATED, actor, [change])
    return bool(done)


def assign(actor, case: Case, assignee) -> bool:
    if case.assignee_id == assignee.pk:
        return False
    if workflow.rights(actor, case).is_main_agent:
        workflow.assign(actor, case, assignee)
    elif assignee == actor:
        workflow.assign_to_me(actor, case)
    else:
        raise PermissionDenied("Seul le médiateur principal peut assigner un dossier à un autre médiateur.")
    return True


def change_status(actor, case: Case, status: str) -> bool:
    if case.status == status and not case.is_closed:
        return False
    workflow.change_status(actor, case, status)
    return True


def set_due_date(actor, case: Case, due: datetime.date) -> bool:
    if case.due_date == due:
        return False
    workflow.update_fields(actor, case, {"due_date": due})
    return True


def apply_one(actor, case: Case, data: dict) -> bool:
    action = data["action"]
    if action == ASSIGN:
        return assign(actor, case, data["assignee_user"])
    if action == STATUS:
        return change_status(actor, case, data["status"])
    if action == DUE_DATE:
        return set_due_date(actor, case, data["due_date"])
    return mark_messages_processed(actor, case)


def run(actor, numbers: list[int], data: dict) -> int:
    """Apply the action to every selected case in one transaction; how many changed, or `Refused`."""
    with transaction.atomic():
        cases = selection(actor, numbers)
        changed, reasons = 0, []
        for case in cases:
            try:
                changed += apply_one(actor, case, data)
            except (PermissionDenied, ValidationError) as error:
                reasons.append(f"{case.label} : {error_text(error)}")
        if reasons:
            raise Refused(reasons)  # leaves the transaction: nothing of the selection changed
    return changed


def bulk(request: HttpRequest) -> HttpResponse:
    """POST only: without `confirm`, the confirmation page; with it, the action, then back to the list."""
    if not agent_authorities(request.user):
        raise Http404("Dossiers introuvables.")
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    back = safe_next(request, index_url())
    numbers = selected_numbers(request)
    if not numbers:
        messages.error(request, "Sélectionnez au moins un dossier.")
        return redirect(back)
    if len(numbers) > MAX_SELECTION:
        messages.error(request, f"{MAX_SELECTION} dossiers au plus à la fois.")
        return redirect(back)
    form = BulkForm(request.user, request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
        return redirect(back)
    if request.POST.get("confirm") and form.cleaned_data["action"] == EXPORT:
        try:
            cases = selection(request.user, numbers)
        except Refused as refusal:
            messages.error(request, refusal.reasons[0])
            return redirect(back)
        job = export_cases(request.user, [case.number for case in cases], kind=Kind.XLSX)
        return redirect(reverse("insight_job", args=[job.pk]))
    if request.POST.get("confirm"):
        try:
            changed = run(request.user, numbers, form.cleaned_data)
        except Refused as refusal:
            messages.error(request, "Action annulée, aucun dossier n'a été modifié. " + " ".join(refusal.reasons))
            return redirect(back)
        left = len(numbers) - changed
        done = ngettext("%(count)d dossier modifié", "%(count)d dossiers modifiés", changed) % {"count": changed}
        messages.success(request, f"{form.summary()} : {done}{f' ({left} déjà dans cet état)' if left else ''}.")
        return redirect(back)
    try:
        cases = selection(request.user, numbers)
    except Refused as refusal:
        messages.error(request, refusal.reasons[0])
        return redirect(back)
    context = {
        "form": form,
        "summary": form.summary(),
        "cases": cases,
        "next": back,
        "page_title": "Confirmer l'action",
    }
    return TemplateResponse(request, "workspace/bulk_confirm.html", context)
