"""The Draftail fields of the case pages (cases/views/rich_text.py): what they accept, and their link form."""

import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import Page

from cases.views.rich_text import UNREADABLE, RichTextField
from tests.draftail import block, contentstate, link, typed
from tests.workspace_factories import fast_passwords  # noqa: F401


def clean(posted: str | None) -> str:
    field = RichTextField()
    return field.clean(field.widget.value_from_datadict({"content": posted}, {}, "content"))


def test_contentstate_becomes_wagtail_html_before_nh3():
    """The field gives the services Wagtail's database format; they clean it (tests/test_notes.py)."""
    posted = contentstate(block("Voir ici", links=[(0, 5, 3)]), entities={"0": link("https://exemple.fr")})
    assert re.fullmatch(r'<p data-block-key="\w+">Voir <a href="https://exemple.fr">ici</a></p>', clean(posted))
    assert clean(typed("a", "b")).count("data-block-key") == 2


@pytest.mark.parametrize("posted", ["<p>html</p>", "texte", "[]", "1", '{"blocks": 3}', '{"blocks": [{"text": 1}]'])
def test_anything_but_contentstate_is_a_form_error(posted):
    with pytest.raises(ValidationError) as error:
        clean(posted)
    assert error.value.messages == [UNREADABLE]


@pytest.mark.parametrize("posted", [None, "", "null", "{}"])
def test_nothing_is_required_error(posted):
    with pytest.raises(ValidationError, match="Champ requis"):
        clean(posted)


def test_the_editor_is_named_after_its_label_and_offers_only_the_small_feature_set():
    html = RichTextField(help_text="Aide").widget.render("content", "<p>x</p>", {"id": "id_content"})
    options = json.loads(html.split('data-w-init-detail-value="')[1].split('"')[0].replace("&quot;", '"'))
    assert options["ariaLabelledBy"] == "id_content-label"
    assert [style["type"] for style in options["inlineStyles"]] == ["BOLD", "ITALIC"]
    assert [kind["type"] for kind in options["blockTypes"]] == ["ordered-list-item", "unordered-list-item"]
    loaded = json.loads(RichTextField().widget.format_value("<p><strong>a</strong> <em>b</em></p>"))
    assert [style["style"] for style in loaded["blocks"][0]["inlineStyleRanges"]] == ["BOLD", "ITALIC"], "old notes"
    [entity] = options["entityTypes"]
    assert entity["type"] == "LINK"
    assert set(entity["chooserUrls"].values()) == {reverse("case_link_chooser")}


def modal(response) -> dict:
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_link_form_gives_a_web_address(client, agent):
    client.force_login(agent)
    chooser = reverse("case_link_chooser")
    form = modal(client.get(chooser, {"link_text": "barème", "allow_external_link": "true"}))
    assert form["step"] == "external_link"
    assert "Adresse du lien" in form["html"] and "Lien interne" not in form["html"]

    chosen = modal(client.post(chooser, {"case-link-url": "service-public.fr/bareme", "case-link-link_text": ""}))
    assert chosen["step"] == "external_link_chosen"
    assert chosen["result"]["url"] == "https://service-public.fr/bareme"

    home = Page.objects.filter(depth=2).first()
    own_site = home.get_site().root_url + "/"
    chosen = modal(client.post(chooser, {"case-link-url": own_site}))
    assert chosen["result"]["url"] == own_site, "an address of our site stays an address, never a page link"
    assert "id" not in chosen["result"]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://exemple.fr/x", "/admin/"])
def test_the_link_form_refuses_anything_but_web_addresses(client, agent, url):
    client.force_login(agent)
    refused = modal(client.post(reverse("case_link_chooser"), {"case-link-url": url}))
    assert refused["step"] == "external_link"
    assert "error" in refused["html"]
