"""Countries and telephone regions named in French, from libphonenumber's data.

One source for the phone field's country list, the citizen's country and how
both read on the case page, in the timeline and in the PDF synthesis.
"""

import unicodedata
from functools import cache

import phonenumbers

from cases.region_names import FRENCH_NAMES

HOME_REGION = "FR"


def region_name(region: str) -> str:
    """French name of a region, from the table copied out of libphonenumber's data (cases/region_names.py)."""
    return FRENCH_NAMES.get(region, "")


def sort_key(label: str) -> str:
    """Alphabetical order the French way: accents and case ignored."""
    return unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().casefold()


@cache
def country_choices() -> list[tuple[str, str]]:
    """Every region libphonenumber knows, by its French name (a callable, so migrations don't copy the list)."""
    choices = [(region, region_name(region) or region) for region in phonenumbers.SUPPORTED_REGIONS]
    return sorted(choices, key=lambda choice: sort_key(choice[1]))


@cache
def phone_region_choices() -> list[tuple[str, str]]:
    """The same regions as « France (+33) », for the country half of a phone field."""
    choices = [
        (region, f"{name} (+{phonenumbers.country_code_for_region(region)})") for region, name in country_choices()
    ]
    return sorted(choices, key=lambda choice: sort_key(choice[1]))


def readable_phone(e164: str) -> str:
    """A stored E.164 number as people write it: national form at home, international form abroad."""
    try:
        number = phonenumbers.parse(e164)
    except phonenumbers.NumberParseException:
        return e164
    if phonenumbers.region_code_for_number(number) == HOME_REGION:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
