"""Record a new mediation request, whoever types it in.

The public form calls it for the citizen; agents will call it for requests
received by phone, post or at the office, with their own channel, originator
and themselves as actor. It knows nothing of pages or requests, only of
validated forms and checked files.
"""

from django.db import transaction

from cases.choices import Channel, Originator, Transmitter
from cases.forms import CaseForm, CitizenForm, form_answers
from cases.mail.outbound import queue_email
from cases.models import Case, CaseEvent
from cases.uploads import CheckedFile, store_attachments
from cases.workflow import assignment_event

ACKNOWLEDGEMENT_TEMPLATE = "case_acknowledgement"


@transaction.atomic
def create_case_from_request(
    authority,
    citizen_form: CitizenForm,
    case_form: CaseForm,
    files: list[CheckedFile],
    *,
    channel: str = Channel.WEB,
    originator: str = Originator.CITIZEN,
    actor=None,
    assign_to_actor: bool = False,
) -> Case:
    """Create the case, its citizen, documents and "created" event in one transaction.

    An agent who takes the case at once (`assign_to_actor`; the authority is one of theirs) gets it
    created assigned, with its « assigné » event beside the « créé » one: no second transaction to
    lock, check and update the row just written.

    The acknowledgement is queued in the same transaction (the outbox sends it
    only after commit), so either everything is recorded and the citizen is
    told, or nothing is. The queries are the same for the first case and the millionth:
    one INSERT per table, nothing counted or aggregated.
    """
    case = case_form.save(commit=False)
    case.authority = authority
    case.channel = channel
    case.originator = originator
    case.assignee = actor if assign_to_actor else None
    case.save()
    citizen = citizen_form.save(commit=False)
    citizen.case = case
    citizen.save(force_insert=True)  # its primary key is the case's: skip the UPDATE Django would try first
    store_attachments(files, transmitter=Transmitter.CITIZEN, case=case, uploaded_by=actor)
    events = [
        CaseEvent(
            case=case, kind=CaseEvent.Kind.CREATED, actor=actor, data={"channel": channel, "documents": len(files)}
        )
    ]
    if case.assignee is not None:
        events.append(assignment_event(case, actor, None, case.assignee))
    CaseEvent.objects.bulk_create(events)
    if citizen.email:
        queue_email(
            ACKNOWLEDGEMENT_TEMPLATE,
            [citizen.email],
            {
                "case": case,
                "citizen": citizen,
                "send_copy": case.email_copy_wanted,
                "answers": form_answers(citizen_form, case_form) if case.email_copy_wanted else [],
            },
            case=case,
            sent_by=actor,
        )
    return case
