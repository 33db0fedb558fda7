"""Territories of authorities: communes (pasted, CSV import), a département, a region; validation; read-only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from authorities.models import Authority, AuthorityCommune
from authorities.territory.geography import DEPARTEMENTS, REGION_OF, REGIONS, departement_of_postal_code

INDEX = "/admin/collectivites/"


def csv_file(text: str, name="communes.csv", encoding="utf-8"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def create(client, **data):
    return client.post(f"{INDEX}new/", {"name": "Territoire", "slug": "territoire", **data})


def communes_of(slug: str) -> list[str]:
    return list(AuthorityCommune.objects.filter(authority__slug=slug).values_list("insee_code", flat=True))


def errors(response) -> str:
    assert response.status_code == 200
    return str(response.context["form"].errors)


def test_geography_has_every_departement_in_one_region():
    assert len(DEPARTEMENTS) == 101
    assert set(REGION_OF) == set(DEPARTEMENTS)
    assert len(REGIONS) == 18
    assert REGION_OF["2A"] == REGION_OF["2B"] == "94"
    assert REGION_OF["976"] == "06"


@pytest.mark.parametrize(
    ("postal_code", "departement"),
    [
        ("29200", "29"),
        ("01000", "01"),
        ("20000", "2A"),
        ("20137", "2A"),
        ("20200", "2B"),
        ("20600", "2B"),
        ("97400", "974"),
        ("97600", "976"),
        ("97500", None),  # Saint-Pierre-et-Miquelon is no département
        ("98000", None),
        ("20700", None),
        ("2900", None),
        ("abcde", None),
    ],
)
def test_postal_code_to_departement(postal_code, departement):
    assert departement_of_postal_code(postal_code) == departement


def test_a_city_by_pasted_insee_codes(client, platform_admin):
    client.force_login(platform_admin)
    response = create(client, type="city", communes="29019,\n2a004 ; 97411  29019")
    assert response.status_code == 302, errors(response)
    assert communes_of("territoire") == ["29019", "2A004", "97411"]


def test_an_intercommunal_body_by_csv_import_added_to_the_pasted_codes(client, platform_admin):
    client.force_login(platform_admin)
    upload = csv_file("Nom;Code INSEE;Population\nGuipavas;29075;14000\nBrest;29019;140000\n\nPlougastel;29189;\n")
    response = create(client, type="federation_of_cities", communes="29019 29212", communes_file=upload)
    assert response.status_code == 302, errors(response)
    assert communes_of("territoire") == ["29019", "29075", "29189", "29212"]


@pytest.mark.parametrize(
    "text",
    ["29019\n29075\n", "code\n29019\n29075\n", "codgeo,libgeo\n29019,Brest\n29075,Guipavas\n"],
    ids=["no header", "unknown header", "INSEE's own column name"],
)
def test_csv_column_is_found_with_or_without_header(client, platform_admin, text):
    client.force_login(platform_admin)
    response = create(client, type="city", communes_file=csv_file(text))
    assert response.status_code == 302, errors(response)
    assert communes_of("territoire") == ["29019", "29075"]


def test_csv_in_windows_encoding(client, platform_admin):
    client.force_login(platform_admin)
    upload = csv_file("Commune;Code INSEE\nPlougastel-Daoulas;29189\nBrélès;29017\n", encoding="cp1252")
    response = create(client, type="city", communes_file=upload)
    assert response.status_code == 302, errors(response)
    assert communes_of("territoire") == ["29017", "29189"]


def test_csv_errors_name_their_line_and_nothing_is_saved(client, platform_admin):
    client.force_login(platform_admin)
    upload = csv_file("code_insee\n29019\n2901\n20004\n")
    response = create(client, type="city", communes_file=upload)
    message = errors(response)
    assert "Ligne 3 du fichier : « 2901 » n&#x27;est pas un code INSEE" in message
    assert "Ligne 4 du fichier : « 20004 » : les codes des communes de Corse commencent par 2A ou 2B." in message
    assert not Authority.objects.filter(slug="territoire").exists()


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("7501", "5 caractères attendus"),
        ("750561", "5 caractères attendus"),
        ("2C004", "5 caractères attendus"),
        ("20004", "commencent par 2A ou 2B"),
        ("97501", "aucun département"),
        ("98735", "aucun département"),
        ("00123", "aucun département"),
    ],
)
def test_pasted_codes_are_validated_in_french_and_kept_on_the_form(client, platform_admin, code, message):
    client.force_login(platform_admin)
    response = create(client, type="city", communes=f"29019 {code}")
    assert message in errors(response)
    assert f"29019 {code}" in response.content.decode()  # nothing typed is lost
    assert not Authority.objects.filter(slug="territoire").exists()


def test_many_wrong_codes_are_summed_up(client, platform_admin):
    client.force_login(platform_admin)
    response = create(client, type="city", communes=" ".join(f"9{n:03d}" for n in range(15)))
    assert "… et 5 autres codes invalides." in errors(response)


def test_a_departement(client, platform_admin):
    client.force_login(platform_admin)
    response = create(client, type="subdivision", departement_code="2B")
    assert response.status_code == 302, errors(response)
    authority = Authority.objects.get(slug="territoire")
    assert (authority.departement_code, authority.region_code, communes_of("territoire")) == ("2B", "", [])
    assert authority.get_departement_code_display() == "2B — Haute-Corse"


def test_a_region(client, platform_admin):
    client.force_login(platform_admin)
    response = create(client, type="region", region_code="53")
    assert response.status_code == 302, errors(response)
    assert Authority.objects.get(slug="territoire").get_region_code_display() == "Bretagne"


def test_unknown_departement_is_refused(client, platform_admin):
    client.force_login(platform_admin)
    assert "Sélectionnez un choix valide" in errors(create(client, type="subdivision", departement_code="20"))
    assert not Authority.objects.filter(slug="territoire").exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"type": "city", "departement_code": "29"}, "departement_code"),
        ({"type": "subdivision", "communes": "29019"}, "communes"),
        ({"type": "region", "departement_code": "29"}, "departement_code"),
        ({"type": "subdivision", "region_code": "53"}, "region_code"),
    ],
)
def test_territory_must_match_the_type(client, platform_admin, data, field):
    client.force_login(platform_admin)
    response = create(client, **data)
    assert field in response.context["form"].errors
    assert "changez le type" in errors(response)


def test_editing_replaces_the_communes(client, platform_admin, authority):
    AuthorityCommune.objects.bulk_create(
        AuthorityCommune(authority=authority, insee_code=c) for c in ("29019", "29075")
    )
    client.force_login(platform_admin)
    url = f"{INDEX}edit/{authority.pk}/"
    assert "29019, 29075" in client.get(url).content.decode()
    response = client.post(url, {"name": authority.name, "type": "city", "communes": "29075 29189"})
    assert response.status_code == 302, errors(response)
    assert communes_of("demo") == ["29075", "29189"]
    response = client.post(url, {"name": authority.name, "type": "city", "communes": ""})
    assert communes_of("demo") == []


def test_main_agent_sees_the_territory_read_only(client, authority, main_agent):
    AuthorityCommune.objects.create(authority=authority, insee_code="29019")
    client.force_login(main_agent)
    url = f"{INDEX}edit/{authority.pk}/"
    page = client.get(url)
    form = page.context["form"]
    assert form.fields["communes"].disabled and form.fields["departement_code"].disabled
    assert "communes_file" not in form.fields
    assert "29019" in page.content.decode()
    response = client.post(
        url,
        {"name": "Ville de Démo", "type": "federation_of_cities", "communes": "75056", "departement_code": "75"},
    )
    assert response.status_code == 302, errors(response)
    authority.refresh_from_db()
    assert (authority.type, authority.departement_code, communes_of("demo")) == ("federation_of_cities", "", ["29019"])


def test_main_agent_cannot_change_the_type_away_from_the_territory(client, authority, main_agent):
    AuthorityCommune.objects.create(authority=authority, insee_code="29019")
    client.force_login(main_agent)
    response = client.post(f"{INDEX}edit/{authority.pk}/", {"name": "Ville de Démo", "type": "region"})
    assert "seuls les administrateurs de la plateforme peuvent changer" in str(response.context["form"].errors["type"])
    authority.refresh_from_db()
    assert authority.type == "city"


def test_communes_are_searched_by_name_in_the_admin_s_browser_only_where_they_can_be_changed(
    client, authority, platform_admin, main_agent, settings
):
    url = f"{INDEX}edit/{authority.pk}/"
    client.force_login(platform_admin)
    page = client.get(url).content.decode()
    assert 'data-commune-picker="https://api-adresse.data.gouv.fr/search/"' in page
    assert "authorities/commune-picker.js" in page and "js/communes.js" in page
    settings.CITY_LOOKUP_URL = ""
    assert "data-commune-picker" not in client.get(url).content.decode()  # the list of codes alone
    settings.CITY_LOOKUP_URL = "https://api-adresse.data.gouv.fr/search/"
    client.force_login(main_agent)
    assert "data-commune-picker" not in client.get(url).content.decode()  # read-only for them
