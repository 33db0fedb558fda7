"""The public pages render with the DSFR, under a strict Content Security Policy."""

import re

import pytest
from django.views.defaults import server_error
from dsfr.models import DsfrConfig

from pages.models import AuthorityPage
from pages.tree import ensure_site

PLATFORM_PAGES = [
    "/accessibilite/",
    "/mentions-legales/",
    "/conditions-generales-d-utilisation/",
    "/politique-de-confidentialite/",
]
AUTHORITY_PAGES = ["/demo/", "/demo/faire-une-demande/", "/demo/aide/", "/demo/donnees-personnelles/"]


@pytest.mark.parametrize("url", ["/", *AUTHORITY_PAGES, *PLATFORM_PAGES])
def test_public_page_renders_with_dsfr_and_strict_csp(client, authority, url):
    response = client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr"' in html
    for marker in ('class="fr-header"', 'class="fr-footer"', 'class="fr-skiplinks"', 'id="content"', "dsfr.min.css"):
        assert marker in html
    assert "Service public de médiation" in html
    assert "Accessibilité : partiellement conforme" in html
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert " style=" not in html
    assert "<style" not in html


def test_every_script_of_a_public_page_carries_the_nonce(client, authority):
    response = client.get("/demo/faire-une-demande/")

    nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    scripts = re.findall(r"<script[^>]*>", response.content.decode())
    assert len(scripts) >= 3  # DSFR module and nomodule, request form enhancements
    assert all(f'nonce="{nonce}"' in script for script in scripts)


def test_footer_links_to_the_four_platform_pages(client, db):
    html = client.get("/").content.decode()

    for url in PLATFORM_PAGES:
        assert f'href="{url}"' in html


def test_home_page_lists_the_authorities(client, authority, other_authority):
    html = client.get("/").content.decode()

    assert 'href="/demo/"' in html and "Ville de Démo" in html
    assert 'href="/autre/"' in html and "Autre Ville" in html
    assert "fr-tile" in html
    assert "fr-breadcrumb" not in html


def test_authority_page_leads_to_its_request_form_and_pages(client, authority):
    html = client.get("/demo/").content.decode()

    assert 'href="/demo/faire-une-demande/"' in html
    assert "Faire une demande de médiation" in html
    assert 'href="/demo/aide/"' in html and 'href="/demo/donnees-personnelles/"' in html
    assert 'class="fr-breadcrumb"' in html


def test_navigation_shows_the_current_section_only(client, authority, other_authority):
    html = client.get("/demo/aide/").content.decode()

    nav = html.split('id="fr-navigation"')[1].split("</nav>")[0]
    assert 'href="/demo/aide/" aria-current="page"' in nav
    assert 'href="/demo/faire-une-demande/"' in nav
    assert "/autre/" not in nav


def test_faq_block_renders_as_dsfr_accordions(client, authority):
    html = client.get("/demo/aide/").content.decode()

    assert html.count('class="fr-accordion"') == 3
    assert "Qui peut saisir le médiateur ?" in html
    assert 'aria-controls="faq-1-1"' in html and 'id="faq-1-1"' in html


def test_breadcrumb_shows_the_path_below_the_home(client, authority):
    html = client.get("/demo/aide/").content.decode()

    breadcrumb = html.split('class="fr-breadcrumb"')[1].split("</nav>")[0]
    assert 'href="/demo/"' in breadcrumb
    assert 'aria-current="page">Aide et contact' in breadcrumb


def test_page_titles_are_escaped(client, authority):
    section = AuthorityPage.objects.get(authority=authority)
    section.title = "<script>alert(1)</script>"
    section.save_revision().publish()

    html = client.get("/demo/").content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_dsfr_configuration_is_created_once(db):
    ensure_site()
    ensure_site()

    config = DsfrConfig.objects.get()
    assert (config.language, config.site_title, config.site_tagline) == (
        "fr",
        "Médiature",
        "Service public de médiation",
    )
    assert config.accessibility_status == "PART"


def test_public_pages_stay_french_for_a_browser_asking_for_english(client, authority):
    response = client.get("/demo/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    content = response.content.decode()
    assert 'lang="fr"' in content
    assert "Accueil" in content
    assert "Home page" not in content


@pytest.mark.parametrize("url", ["/nexiste-pas/", "/demo/nexiste-pas/"])
def test_an_unknown_address_gets_the_french_dsfr_not_found_page(client, authority, url):
    response = client.get(url, headers={"accept-language": "en"})
    assert response.status_code == 404
    html = response.content.decode()
    assert "<title>Page non trouvée — Médiature</title>" in html
    assert 'class="fr-header"' in html and "Erreur 404" in html


def test_a_failing_page_gets_a_french_error_page_that_tells_nothing_of_the_error(rf):
    response = server_error(rf.get("/demo/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "<title>Erreur inattendue — Médiature</title>" in html and "dsfr.min.css" in html
    assert "Traceback" not in html
