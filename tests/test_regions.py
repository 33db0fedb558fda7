"""Countries named in French (cases/regions.py): the copied table matches libphonenumber's data, and the
web process never loads that data (about 100 MB of every region's name in every language)."""

import subprocess
import sys
from pprint import pformat

import phonenumbers

from cases.region_names import FRENCH_NAMES
from cases.regions import country_choices, phone_region_choices


def french_name_in_libphonenumber(region: str) -> str:
    """As libphonenumber's geodata names a region in French ("*en": the same as the English name)."""
    from phonenumbers.geodata.locale import LOCALE_DATA

    names = LOCALE_DATA.get(region, {})
    name = names.get("fr") or names.get("en", "")
    return names.get(name[1:], "") if name.startswith("*") else name


def test_the_copied_names_are_libphonenumber_s():
    expected = {region: french_name_in_libphonenumber(region) for region in sorted(phonenumbers.SUPPORTED_REGIONS)}
    assert expected == FRENCH_NAMES, f"Recopier dans cases/region_names.py :\nFRENCH_NAMES = {pformat(expected)}"


def test_countries_read_in_french_order():
    choices = dict(country_choices())
    assert (choices["FR"], choices["DE"], choices["BE"]) == ("France", "Allemagne", "Belgique")
    labels = [label for _, label in country_choices()]
    assert labels.index("Algérie") < labels.index("Allemagne") < labels.index("Andorre")  # accents ignored
    assert dict(phone_region_choices())["FR"] == "France (+33)"


def test_the_web_process_does_not_load_libphonenumber_s_geodata():
    script = (
        "import django, sys; django.setup(); import mediature.urls, cases.forms, cases.regions;"
        "cases.regions.phone_region_choices(); print('phonenumbers.geodata.locale' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
