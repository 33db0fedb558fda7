"""The authorities of the platform competent for a place, nearest level first.

A place is a département, and the commune (INSEE code) when the citizen chose one. Cities and
intercommunal bodies serve their communes; when only a postal code is known (no commune), those with a
commune in the département are listed apart, as competent depending on the commune.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q

from authorities.models import Authority, AuthorityCommune
from authorities.territory.geography import REGION_OF

LEVELS = {
    Authority.Type.CITY: 0,
    Authority.Type.FEDERATION_OF_CITIES: 1,
    Authority.Type.SUBDIVISION: 2,
    Authority.Type.REGION: 3,
}


@dataclass(frozen=True)
class Place:
    departement: str
    commune: str = ""  # INSEE code


@dataclass(frozen=True)
class Competent:
    authority: Authority
    depends_on_commune: bool  # a city or intercommunal body of the département, the commune unknown


def level_of(found: Competent) -> tuple[int, str]:
    """Communes first (a city before an intercommunal body), then the département, then the region."""
    if found.authority.serves_commune:
        return LEVELS.get(found.authority.type, 1), found.authority.name
    return (2 if found.authority.departement_code else 3), found.authority.name


def competent_authorities(place: Place) -> list[Competent]:
    """One query, whatever the number of authorities found."""
    communes = AuthorityCommune.objects.filter(authority=OuterRef("pk"))
    if place.commune:
        commune_match = communes.filter(insee_code=place.commune)
    else:
        commune_match = communes.filter(insee_code__startswith=place.departement)
    authorities = (
        Authority.objects.annotate(serves_commune=Exists(commune_match))
        .filter(
            Q(serves_commune=True) | Q(departement_code=place.departement) | Q(region_code=REGION_OF[place.departement])
        )
        .select_related("logo")
    )
    found = [
        Competent(authority, depends_on_commune=not place.commune and authority.serves_commune)
        for authority in authorities
    ]
    return sorted(found, key=level_of)
