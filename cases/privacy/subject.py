"""Subject requests (GDPR articles 15 and 17), for the main agent acting for the data protection officer.

`find_cases` finds every case of the given authorities by the citizen's email (exact, any case) or name
(the lookups of cases/models.py's UPPER indexes); `subject_archive` is everything held on that person as
a ZIP: per case the synthesis PDF (cases/synthesis.py: fields, notes, messages) and the documents' bytes,
and one `donnees.json` of the raw fields; `erase` anonymises those cases now, refusing the whole request
while one of them is under legal hold (or still open: a case being mediated is closed first), so that a
partial erasure is never mistaken for a complete one; for the same reason it names back the cases it could
not lock (being changed at that moment: the batch skips them rather than wait).
"""

import io
import json
import zipfile
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q, QuerySet
from django.forms.models import model_to_dict
from django.utils import timezone

from cases.documents import case_documents
from cases.models import AttachmentContent, Case, Message
from cases.privacy.anonymise import anonymise_batch
from cases.privacy.retention import awaiting
from cases.synthesis import build_synthesis
from cases.uploads import display_name

ARCHIVE_DATA = "donnees.json"
MESSAGE_FIELDS = ("direction", "from_email", "to", "cc", "subject", "text", "created_at")


def citizen_filter(term: str) -> Q:
    """An email matches exactly (any case); a name matches as « prénom nom » or « nom prénom », or a last name."""
    term = " ".join(term.split())
    if "@" in term:
        return Q(citizen__email__iexact=term)
    words = term.split(" ")
    match = Q(citizen__last_name__iexact=term)
    for cut in range(1, len(words)):
        first, last = " ".join(words[:cut]), " ".join(words[cut:])
        match |= Q(citizen__first_name__iexact=first, citizen__last_name__iexact=last)
        match |= Q(citizen__last_name__iexact=first, citizen__first_name__iexact=last)
    return match


def find_cases(authority_ids: Iterable[int], term: str) -> QuerySet[Case]:
    if not term.strip():
        return Case.objects.none()
    found = Case.objects.filter(citizen_filter(term), authority_id__in=list(authority_ids), anonymised_at__isnull=True)
    return found.select_related("citizen", "authority", "domain", "assignee").order_by("-created_at", "-number")


def case_messages(case: Case) -> list[Message]:
    return list(Message.objects.filter(case_links__case=case).order_by("created_at", "pk"))


def raw_fields(case: Case, messages: list[Message]) -> dict:
    citizen = getattr(case, "citizen", None)
    return {
        "dossier": model_to_dict(case) | {"numero": case.number, "cree_le": case.created_at},
        "requerant": model_to_dict(citizen) if citizen else None,
        "notes": [{"date": note.date, "type": note.kind, "contenu": note.content} for note in case.notes.all()],
        "messages": [{name: getattr(message, name) for name in MESSAGE_FIELDS} for message in messages],
        "historique": [{"type": e.kind, "date": e.created_at, "donnees": e.data} for e in case.events.all()],
    }


def subject_archive(cases: Iterable[Case]) -> bytes:
    """The ZIP: `dossier-N/synthese-dossier-N.pdf`, `dossier-N/documents/<id>-<name>`, and `donnees.json`."""
    buffer, data = io.BytesIO(), []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for case in cases:
            messages = case_messages(case)
            folder = f"dossier-{case.number}"
            notes = list(case.notes.select_related("author"))
            archive.writestr(f"{folder}/synthese-{folder}.pdf", build_synthesis(case, notes, messages))
            documents = list(case_documents(case))
            contents = dict(
                AttachmentContent.objects.filter(attachment__in=documents).values_list("attachment_id", "data")
            )
            for document in documents:
                name = f"{folder}/documents/{document.pk}-{display_name(document.name)}"
                archive.writestr(name, bytes(contents.get(document.pk, b"")))
            data.append(raw_fields(case, messages))
        payload = {"exporte_le": timezone.now(), "dossiers": data}
        archive.writestr(ARCHIVE_DATA, json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
    return buffer.getvalue()


def erasure_refusal(cases: list[Case]) -> str:
    """Why these cases cannot be erased now, or an empty string."""
    held = [case.label for case in cases if case.is_held]
    if held:
        return (
            f"Effacement refusé : {', '.join(held)} sous conservation légale. Levez-la d'abord, ou ne donnez pas suite."
        )
    still_open = [case.label for case in cases if not case.is_closed]
    if still_open:
        return f"Effacement refusé : {', '.join(still_open)} encore ouvert(s). Clôturez-les d'abord."
    return ""


def erase(cases: list[Case], actor) -> list[Case]:
    """Anonymise these cases now (the nightly job's own steps, `actor` named in the audit log).

    Returns the cases left as they were, so that the agent is told: a case changed by someone at that very
    moment (the batch skips a locked row rather than wait) or placed under hold since it was read.
    """
    refusal = erasure_refusal(cases)
    if refusal:
        raise ValidationError(refusal)
    numbers = [case.number for case in cases]
    if anonymise_batch(numbers, timezone.now(), eligible=awaiting(), actor=actor) == len(numbers):
        return []
    left = set(awaiting().filter(number__in=numbers).values_list("number", flat=True))
    return [case for case in cases if case.number in left]
