"""Quoted-history stripping, on the markers each mail client writes (French and English)."""

import pytest

from cases.mail.quotes import is_forward, strip_html, strip_text

TEXT_REPLIES = [
    "Merci.\n\nLe mar. 12 mars 2024 à 10:15, Médiature <dossier-1@x.fr> a écrit :\n> Bonjour",
    "Merci.\n\nLe mar. 12 mars 2024 à 10:15, Médiature <dossier-1@x.fr> a\nécrit :\n> Bonjour",
    "Merci.\n\nOn Tue, Mar 12, 2024 at 10:15 AM Médiature <dossier-1@x.fr> wrote:\n> Hello",
    "Merci.\n\n-----Message d'origine-----\nDe : Médiature\nEnvoyé : mardi\nObjet : x\n\nBonjour",
    "Merci.\n\n-----Original Message-----\nFrom: Médiature\nSent: Tuesday\nSubject: x\n\nHello",
    "Merci.\n\n________________________________\nDe : Médiature <dossier-1@x.fr>\nEnvoyé : mardi 12 mars 2024 10:15\n",
    "Merci.\n\nDe : Médiature <dossier-1@x.fr>\nEnvoyé : mardi 12 mars 2024 10:15\nÀ : moi\nObjet : x\n\nBonjour",
    "Merci.\n\nLe 12/03/2024 à 10:15, Le médiateur a écrit :\n> Bonjour",
    "Merci.\n\n> Bonjour\n> Pourriez-vous ?\n",
]


@pytest.mark.parametrize("text", TEXT_REPLIES)
def test_text_replies_keep_only_what_was_written(text):
    assert strip_text(text) == "Merci."


def test_text_without_quote_is_kept_whole_and_a_sentence_mentioning_writing_is_not_a_marker():
    text = "Bonjour,\n\nLe maire a écrit :\nil faut attendre.\n\nMerci"
    assert strip_text(text) == text


def test_a_forward_with_nothing_of_its_own_is_kept_whole():
    text = "-----Original Message-----\nFrom: x\nSent: y\n\nContenu transféré"
    assert strip_text(text) == text


HTML_REPLIES = {
    "gmail": '<div dir="ltr">Merci.</div><br><div class="gmail_quote"><div class="gmail_attr">Le mar. 12 mars 2024, X a écrit :</div><blockquote class="gmail_quote">Bonjour</blockquote></div>',  # noqa: E501
    "outlook web": '<div>Merci.</div><div id="appendonsend"></div><hr><div id="divRplyFwdMsg"><b>De :</b> X<br><b>Envoyé :</b> mardi</div><div>Bonjour</div>',  # noqa: E501
    "outlook desktop": '<div class="WordSection1"><p class="MsoNormal">Merci.</p><div style="border:none;border-top:solid #E1E1E1 1.0pt"><p class="MsoNormal"><b>From:</b> X<br><b>Sent:</b> Tuesday</p></div><p class="MsoNormal">Bonjour</p></div>',  # noqa: E501
    "apple mail": '<div>Merci.</div><div><br><blockquote type="cite">Le 12 mars 2024 à 10:15, X a écrit :<br></blockquote></div><blockquote type="cite"><div>Bonjour</div></blockquote>',  # noqa: E501
    "thunderbird": '<p>Merci.</p><div class="moz-cite-prefix">Le 12/03/2024 à 10:15, X a écrit :<br></div><blockquote type="cite">Bonjour</blockquote>',  # noqa: E501
    "english attribution": "<p>Merci.</p><div>On Tue, Mar 12, 2024 at 10:15 AM X wrote:</div><blockquote>Bonjour</blockquote>",  # noqa: E501
}


@pytest.mark.parametrize("client", HTML_REPLIES)
def test_html_replies_keep_only_what_was_written(client):
    kept = strip_html(f"<html><body>{HTML_REPLIES[client]}</body></html>")
    assert "Merci." in kept
    assert "Bonjour" not in kept and "X" not in kept


def test_html_without_quote_is_unchanged():
    html = "<p>Bonjour</p><blockquote>Une citation voulue</blockquote>"
    assert strip_html(html) == html


FORWARDS = [
    "Voici leur réponse.\n\n---------- Message transféré ---------\nDe : Mairie <contact@mairie.fr>\nDate : 3 mars\n"
    "Objet : Votre demande\n\nMadame, votre demande est refusée.",
    "Voici leur réponse.\n\n-------- Forwarded Message --------\nSubject: Votre demande\nFrom: Mairie\n\n"
    "Madame, votre demande est refusée.",
    "Voici leur réponse.\n\nDébut du message réexpédié :\n\nDe: Mairie <contact@mairie.fr>\nObjet: Votre demande\n\n"
    "Madame, votre demande est refusée.",
]


@pytest.mark.parametrize("text", FORWARDS)
def test_a_forward_keeps_what_it_forwards(text):
    """Quote stripping removes a reply's history, never a forward (issue #12): the town hall's answer stays."""
    assert strip_text(text) == text


def test_a_forward_in_html_is_kept_whole():
    html = (
        '<div dir="ltr">Voici leur réponse.</div><div class="gmail_quote"><div class="gmail_attr">'
        "---------- Message transféré ---------<br>De : Mairie</div><div>Madame, votre demande est refusée.</div></div>"
    )
    assert strip_html(html) == html


@pytest.mark.parametrize("subject", ["TR : Votre demande", "Fwd: Votre demande", "Fw: x", "WG: x"])
def test_forward_subjects(subject):
    assert is_forward(subject)


@pytest.mark.parametrize("subject", ["RE: TR : Votre demande", "Transfert de mon dossier", "Réponse"])
def test_other_subjects_are_no_forward(subject):
    assert not is_forward(subject)
