"""French everywhere in the agents' admin (issue 11, item 9): our titles, not Wagtail's generic strings.

Wagtail's French catalogue writes « Le(la) %s … créé(e) », « Nouvel(le) : %s », « Ajouter un(e) %s »;
locale/fr/LC_MESSAGES/django.po replaces them with neutral sentences, and every admin title ends with
« Médiature », not « Wagtail ».
"""

import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import CaseFactory

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES"
GENERIC = re.compile(r"\((?:e|le|la|tte|elle)\)|Le/la |Wagtail</title>|[Rr]éouvr|Rechercher toutes les pages")


def assert_french(content: str) -> None:
    found = GENERIC.findall(content)
    assert not found, found


def test_the_compiled_catalogue_matches_its_source(tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(compiled), str(CATALOGUE / "django.po")], check=True)
    assert compiled.read_bytes() == (CATALOGUE / "django.mo").read_bytes(), "run msgfmt on locale/fr (README)"


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/dossiers/",
        "/admin/dossiers/?mediateur=moi",
        "/admin/listes/domaines/",
        "/admin/listes/domaines/create/",
        "/admin/listes/tiers-competents/create/",
    ],
)
def test_main_agent_pages(client, main_agent, authority, url):
    CaseFactory(authority=authority)
    client.force_login(main_agent)
    response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode()
    assert_french(content)
    assert "- Médiature</title>" in content


def test_a_refused_form_and_a_saved_item_speak_french(client, main_agent):
    client.force_login(main_agent)
    refused = client.post("/admin/listes/domaines/create/", {"name": ""})
    assert_french(refused.content.decode())
    saved = client.post("/admin/listes/domaines/create/", {"name": "Voirie"}, follow=True)
    content = saved.content.decode()
    assert_french(content)
    assert "« Voirie » : enregistrement fait." in content


def test_platform_admin_creating_an_authority(client, platform_admin):
    client.force_login(platform_admin)
    response = client.get("/admin/collectivites/new/")
    assert response.status_code == 200
    assert_french(response.content.decode())
    refused = client.post("/admin/collectivites/new/", {"name": ""})
    assert_french(refused.content.decode())


def test_a_closed_case_is_reopened_not_reouvert(client, main_agent, authority):
    case = CaseFactory(authority=authority, status="closed", closed_at="2026-01-02T10:00Z", outcome="partial")
    client.force_login(main_agent)
    for path in ("", "reouvrir/"):
        content = client.get(f"/admin/dossiers/{case.number}/{path}").content.decode()
        assert_french(content)
        assert "Rouvrir le dossier" in content
