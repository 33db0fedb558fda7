"""The search form of « Trouver mon médiateur »: a commune or a postal code, and the INSEE code the
browser's suggestions add."""

import re

from django import forms
from django.conf import settings
from dsfr.forms import DsfrBaseForm

from authorities.territory.geography import departement_of_insee, departement_of_postal_code, insee_code_error
from authorities.territory.lookup import Place

POSTAL_CODE_IN = re.compile(r"(?<!\d)(\d{5})(?!\d)")
NO_POSTAL_CODE = (
    "Indiquez le code postal de votre commune (5 chiffres, par exemple 29200), "
    "ou choisissez votre commune dans la liste des suggestions."
)


class FinderForm(DsfrBaseForm):
    lieu = forms.CharField(
        label="Votre commune ou son code postal",
        max_length=100,
        help_text="Par exemple : 29200, ou Brest en choisissant votre commune dans les suggestions.",
        error_messages={"required": NO_POSTAL_CODE},
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "spellcheck": "false"}),
    )
    commune = forms.CharField(required=False, max_length=5, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if settings.CITY_LOOKUP_URL:
            self.fields["lieu"].widget.attrs["data-city-lookup-url"] = settings.CITY_LOOKUP_URL
        self.place: Place | None = None
        self.postal_code = ""

    def clean(self):
        cleaned = super().clean()
        commune = cleaned.get("commune", "").strip().upper()
        if commune and not insee_code_error(commune):
            self.place = Place(departement_of_insee(commune), commune)
        elif match := POSTAL_CODE_IN.search(cleaned.get("lieu", "")):
            self.postal_code = match.group(1)
            departement = departement_of_postal_code(self.postal_code)
            self.place = Place(departement) if departement else None
        elif "lieu" in cleaned:
            self.add_error("lieu", NO_POSTAL_CODE)
        return cleaned

    @property
    def place_label(self) -> str:
        return self.cleaned_data["lieu"] if self.place and self.place.commune else f"le code postal {self.postal_code}"
