"""The territory fields of the authority form: communes searched by name, pasted or imported from a CSV file, a
département, a region.

Platform admins set the territory; a main agent sees it, read-only, on the same form.
"""

import csv
import io
import re
import unicodedata

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from authorities.models import Authority, AuthorityCommune
from authorities.territory.geography import INSEE_SHAPE, insee_code_error

MAX_COMMUNES = 2000
CSV_MAX_BYTES = 2 * 1024 * 1024
MAX_ERRORS_SHOWN = 10
CODE_SEPARATORS = re.compile(r"[\s,;]+")
CSV_CODE_HEADERS = {"codgeo", "codecommune", "com", "depcom", "citycode"}

TERRITORY_FIELD = {
    Authority.Type.CITY: "communes",
    Authority.Type.FEDERATION_OF_CITIES: "communes",
    Authority.Type.SUBDIVISION: "departement_code",
    Authority.Type.REGION: "region_code",
}
MISMATCH = {
    "communes": "Seules une ville ou une intercommunalité se définissent par des communes : "
    "videz ce champ ou changez le type.",
    "departement_code": "Seul un département se définit par un département : retirez-le ou changez le type.",
    "region_code": "Seule une région se définit par une région : retirez-la ou changez le type.",
}


def checked_codes(codes: list[tuple[str, str]]) -> list[str]:
    """The distinct, sorted INSEE codes of (where, code) pairs, or every error, each saying where it is."""
    errors = [f"{where}{error}" for where, code in codes if (error := insee_code_error(code))]
    if errors:
        shown = errors[:MAX_ERRORS_SHOWN]
        if len(errors) > MAX_ERRORS_SHOWN:
            shown.append(f"… et {len(errors) - MAX_ERRORS_SHOWN} autres codes invalides.")
        raise ValidationError(shown)
    return sorted({code for _, code in codes})


def header_name(cell: str) -> str:
    plain = unicodedata.normalize("NFKD", cell).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", plain.lower())


def codes_from_csv(upload) -> list[str]:
    """The INSEE codes of a CSV file's column named like « code_insee » (else its first column)."""
    if upload.size > CSV_MAX_BYTES:
        raise ValidationError("Le fichier dépasse 2 Mio : gardez la seule colonne des codes INSEE.")
    data = upload.read()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = [row for row in csv.reader(io.StringIO(text), dialect)]
    if not rows:
        raise ValidationError("Le fichier est vide.")
    header = [header_name(cell) for cell in rows[0]]
    column = next((i for i, name in enumerate(header) if "insee" in name or name in CSV_CODE_HEADERS), None)
    if column is None:  # no known header: the first column, after its header if the first cell is no code
        column, first = 0, 0 if rows[0] and INSEE_SHAPE.match(rows[0][0].strip().upper()) else 1
    else:
        first = 1
    codes = [
        (f"Ligne {number} du fichier : ", row[column].strip().upper())
        for number, row in enumerate(rows[first:], start=first + 1)
        if len(row) > column and row[column].strip()
    ]
    if not codes:
        raise ValidationError("Aucun code INSEE trouvé dans le fichier.")
    return checked_codes(codes)


class CommunePicker(forms.Textarea):
    """The list of INSEE codes, which commune-picker.js crowns with a search box (suggestions from the
    national address API, asked by the admin's browser as the request form does) and removable tags.
    The codes stay the field's value: pasting them, or importing a CSV file, works without the script."""

    def __init__(self):
        super().__init__(attrs={"rows": 4, "spellcheck": "false", "autocapitalize": "characters"})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if settings.CITY_LOOKUP_URL and not context["widget"]["attrs"].get("disabled"):
            context["widget"]["attrs"]["data-commune-picker"] = settings.CITY_LOOKUP_URL
        return context

    class Media:
        js = ("js/communes.js", "authorities/commune-picker.js")
        css = {"all": ("authorities/commune-picker.css",)}


class TerritoryFields(forms.Form):
    """Mixed into the authority's ModelForm, whose Meta lists `departement_code` and `region_code`."""

    communes = forms.CharField(
        label="Communes (codes INSEE)",
        required=False,
        widget=CommunePicker(),
        help_text="Pour une ville ou une intercommunalité : les codes INSEE de ses communes (pas les codes "
        "postaux), séparés par des espaces, des virgules ou des retours à la ligne. Ex. 29019 pour Brest, "
        "2A004 pour Ajaccio, 97411 pour Saint-Denis (La Réunion).",
    )
    communes_file = forms.FileField(
        label="Importer les communes d'un fichier CSV",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        help_text="Une colonne de codes INSEE, intitulée par exemple « code_insee » (sinon la première colonne "
        "est lue). Les codes s'ajoutent à ceux de la liste ci-dessus.",
    )

    def setup_territory(self, editable: bool) -> None:
        """Shows the stored communes; read-only (and no import) for whoever is not a platform admin."""
        self.territory_editable = editable
        if self.instance.pk:
            codes = self.instance.communes.values_list("insee_code", flat=True)
            self.fields["communes"].initial = ", ".join(codes)
        self.fields["departement_code"].help_text = "Pour un département."
        self.fields["region_code"].help_text = "Pour une région : tous ses départements."
        if not editable:
            del self.fields["communes_file"]
            for name in ("communes", "departement_code", "region_code"):
                self.fields[name].disabled = True
                self.fields[name].help_text = "Défini par les administrateurs de la plateforme."

    def clean_communes(self) -> list[str]:
        codes = [("", code.upper()) for code in CODE_SEPARATORS.split(self.cleaned_data["communes"]) if code]
        return checked_codes(codes)

    def clean_communes_file(self) -> list[str]:
        upload = self.cleaned_data.get("communes_file")
        return codes_from_csv(upload) if upload else []

    def clean(self):
        cleaned = super().clean()
        if "communes" in cleaned and "communes_file" in cleaned:
            cleaned["communes"] = sorted({*cleaned["communes"], *cleaned.pop("communes_file")})
        if len(cleaned.get("communes", ())) > MAX_COMMUNES:
            self.add_error("communes", f"{MAX_COMMUNES} communes au plus.")
        expected = TERRITORY_FIELD.get(cleaned.get("type"))
        mismatched = [name for name in MISMATCH if expected and name != expected and cleaned.get(name)]
        if mismatched and not self.territory_editable:
            self.add_error(
                "type",
                "Ce type ne correspond pas au territoire de la collectivité, que seuls les administrateurs "
                "de la plateforme peuvent changer.",
            )
        elif mismatched:
            for name in mismatched:
                self.add_error(name, MISMATCH[name])
        return cleaned

    @transaction.atomic
    def save_territory(self, authority: Authority) -> None:
        if not self.territory_editable:
            return
        codes = set(self.cleaned_data["communes"])
        authority.communes.exclude(insee_code__in=codes).delete()
        kept = set(authority.communes.values_list("insee_code", flat=True))
        AuthorityCommune.objects.bulk_create(
            AuthorityCommune(authority=authority, insee_code=code) for code in sorted(codes - kept)
        )
