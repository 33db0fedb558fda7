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
) -> Case:
    """Create the case, its citizen, documents and "created" event in one transaction.

    The acknowledgement is queued in the same transaction (the outbox sends it
    only after commit), so either everything is recorded and the citizen is
    told, or nothing is.
    """
    case = case_form.save(commit=False)
    case.authority = authority
    case.channel = channel
    case.originator = originator
    case.save()
    citizen = citizen_form.save(commit=False)
    citizen.case = case
    citizen.save(force_insert=True)  # its primary key is the case's: skip the UPDATE Django would try first
    store_attachments(files, transmitter=Transmitter.CITIZEN, case=case, uploaded_by=actor)
    CaseEvent.objects.create(
        case=case, kind=CaseEvent.Kind.CREATED, actor=actor, data={"channel": channel, "documents": len(files)}
    )
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
