from cases.drafts.models import Draft
from cases.mail.sanitize import sanitize_html

# What each composer keeps: its plain fields, and its rich-text one (stored as sanitised HTML).
FIELDS = {Draft.Kind.REPLY: (("to", "subject"), "body"), Draft.Kind.NOTE: (("kind", "date"), "content")}


def save(user, case, kind: str, form) -> None:
    """Keep what the composer holds: `form` is the composer's unbound form, whose rich-text widget reads
    Draftail's contentstate from `form.data`."""
    plain, rich = FIELDS[kind]
    values = {name: str(form.data.get(name, ""))[:2000] for name in plain}
    html = form.fields[rich].widget.value_from_datadict(form.data, None, rich) or ""
    values[rich] = sanitize_html(str(html))
    Draft.objects.update_or_create(user=user, case=case, kind=kind, defaults={"fields": values})


def drafts_of(user, case) -> dict[str, dict]:
    return dict(Draft.objects.filter(user=user, case=case).values_list("kind", "fields"))


def discard(user, case, kind: str) -> None:
    Draft.objects.filter(user=user, case=case, kind=kind).delete()
