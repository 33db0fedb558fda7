"""Rendering tests for the 27 transactional emails (templates/emails/)."""

import re
from dataclasses import dataclass
from datetime import date, datetime
from html import unescape
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.utils import timezone
from django.utils.html import escape

from cases.mail.rendering import render_email

EMAILS_DIR = Path(__file__).resolve().parent.parent / "templates" / "emails"
PARIS = ZoneInfo("Europe/Paris")

EMAIL_NAMES = (
    "case_acknowledgement",
    "case_closed",
    "case_message_to_citizen",
    "case_message_to_third_party",
    "rejected_attachments",
    "case_assigned",
    "case_unassigned",
    "agent_digest",
    "invitation_member",
    "invitation_admin",
    "signup_confirmation",
    "welcome_member",
    "access_removed",
    "admin_granted",
    "admin_revoked",
    "account_deleted",
    "password_reset_request",
    "password_reset_done",
    "password_changed",
    "case_referred",
    "referral_answered",
    "referral_proposed",
    "citizen_link",
    "citizen_withdrew",
    "document_ready",
    "replies_received",
    "referral_consent_request",
)

HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>|<!")
HTML_ENTITY = re.compile(r"&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);")
EVIL = '<script>alert("Médiature")</script>'


def person(first_name, last_name, title=""):
    return SimpleNamespace(
        first_name=first_name,
        last_name=last_name,
        title=title,
        get_full_name=lambda: f"{first_name} {last_name}",
    )


def make_case(authority_name="Mairie de L'Haÿ-les-Roses"):
    return SimpleNamespace(
        number=42,
        authority=SimpleNamespace(name=authority_name),
        reply_address="dossier-42@mediature.example",
        outcome="partial",
    )


CASE = make_case()
CITIZEN = person("Camille", "D'Almeida", title="Mme")
AGENT = person("Jeanne", "Martin")
ADMIN = person("Marc", "Lefèvre")
AUTHORITY = SimpleNamespace(name="Communauté d'agglomération « Grand Paris Sud »")
MESSAGE = SimpleNamespace(
    subject="Votre rendez-vous à l'accueil",
    html="<p>Bonjour,</p><p>Je vous propose un rendez-vous <strong>le 12 mars à 10h</strong>.</p>",
    text="Bonjour,\n\nJe vous propose un rendez-vous le 12 mars à 10h.",
)
ANSWERS = [
    ("Nom", "D'Almeida"),
    ("Description", 'Ma demande d\'aide au logement est "bloquée" depuis mars.\nMerci.'),
    ("Téléphone", ""),
]
EXPIRES_AT = datetime(2026, 3, 14, 18, 30, tzinfo=PARIS)
INVITE_URL = "https://mediature.example/auth/inscription?token=abc123&email=jeanne%40example.fr"
SIGNIN_URL = "https://mediature.example/auth/connexion"
CASE_URL = "https://mediature.example/dashboard/dossiers/42"
UNASSIGNED_URL = "https://mediature.example/dashboard/collectivite/7/dossiers?assigne=non"
DUE_URL = "https://mediature.example/dashboard/dossiers/17"
CASE_FACTS = ("Dossier n°42", CASE.authority.name, CASE.reply_address)
# The neutral « Suivre mon dossier » link, made personal as the email leaves (cases/citizen/links.py).
FOLLOW_URL = f"{settings.SITE_URL}/suivi/retrouver/?dossier=42"
FOLLOW_FACTS = ("Suivre mon dossier",)
ASSIGN_CONTEXT = {"recipient": AGENT, "actor": ADMIN, "case": CASE, "case_url": CASE_URL}
DIGEST_AUTHORITY = SimpleNamespace(name=AUTHORITY.name, unassigned_count=3, unassigned_url=UNASSIGNED_URL)
DUE_CASE = SimpleNamespace(number=17, citizen_name="Paul N'Diaye", due_date=date(2026, 3, 16), url=DUE_URL)
SUBJECTS = dict(
    zip(
        EMAIL_NAMES,
        (
            "Dossier n°42 — Demande de médiation reçue",
            "Dossier n°42 — Clôture de votre dossier",
            "Dossier n°42 — Nouveau message du médiateur",
            "Un médiateur vous a écrit",
            "Erreur suite à l'envoi de votre message",
            "Nouveau dossier assigné",
            "Dossier désassigné",
            "Récapitulatif du médiateur",
            "Inscription sur la plateforme",
            "Inscription sur la plateforme",
            "Confirmation d'inscription",
            "Bienvenue !",
            "Changement d'accès",
            "Nouveaux droits sur la plateforme",
            "Droits révoqués sur la plateforme",
            "Compte désactivé",
            "Renouvellement de mot de passe",
            "Mot de passe réinitialisé",
            "Mot de passe mis à jour",
            "Dossier n°42 — Votre demande est désormais suivie par Mairie de L'Haÿ-les-Roses",
            "Transmission du dossier n°42 refusée par Mairie de L'Haÿ-les-Roses",
            "Communauté d'agglomération « Grand Paris Sud » vous propose le dossier n°42",
            "Dossier n°42 — Votre lien pour suivre votre dossier",
            "Dossier n°42 — Le requérant a retiré sa demande",
            "Votre export est prêt",
            "2 nouvelles réponses sur vos dossiers",
            "Dossier n°42 — Votre accord est demandé pour transmettre votre dossier",
        ),
        strict=True,
    )
)


@dataclass(frozen=True)
class Spec:
    """One rendering scenario: `facts` must appear in both parts, `links` as hrefs
    in HTML, `html_only` verbatim in HTML, `absent` in neither part."""

    name: str
    context: dict
    facts: tuple = ()
    links: tuple = ()
    html_only: tuple = ()
    absent: tuple = ()
    variant: str = ""

    @property
    def id(self):
        return f"{self.name}[{self.variant}]" if self.variant else self.name


def message_spec(name, attachment_count, facts, absent=(), **context):
    return Spec(
        name,
        {"case": CASE, "message": MESSAGE, "attachment_count": attachment_count, **context},
        facts=(*CASE_FACTS, "Sujet", MESSAGE.subject, "le 12 mars à 10h", *facts),
        html_only=("<strong>le 12 mars à 10h</strong>",),
        absent=absent,
        variant=f"{attachment_count} PJ",
    )


SPECS = [
    Spec(
        "case_acknowledgement",
        {"case": CASE, "citizen": CITIZEN, "answers": ANSWERS, "send_copy": True},
        facts=(*CASE_FACTS, *FOLLOW_FACTS, "Mme D'Almeida", "Copie de votre demande", "Description", '"bloquée"'),
        links=(FOLLOW_URL,),
        variant="copie",
    ),
    Spec(
        "case_acknowledgement",
        {"case": CASE, "citizen": person("Camille", "D'Almeida"), "answers": ANSWERS, "send_copy": False},
        facts=(*CASE_FACTS, "Camille D'Almeida", "répondre à ce courriel"),
        absent=("Copie de votre demande", '"bloquée"'),
        variant="sans copie",
    ),
    Spec(
        "case_closed",
        {"case": CASE, "citizen": CITIZEN},
        facts=(
            *CASE_FACTS,
            *FOLLOW_FACTS,
            "Mme D'Almeida",
            "clôturé",
            "une solution intermédiaire",
            "peut être rouvert",
        ),
        links=(FOLLOW_URL,),
    ),
    message_spec(
        "case_message_to_citizen",
        1,
        ("Mme D'Almeida", "Vous pouvez répondre directement à ce courriel", "d'une pièce jointe", *FOLLOW_FACTS),
        citizen=CITIZEN,
    ),
    message_spec("case_message_to_third_party", 3, ("3 pièces jointes", "médiateur")),
    message_spec("case_message_to_third_party", 0, ("médiateur",), absent=("pièce jointe", "pièces jointes")),
    Spec(
        "rejected_attachments",
        {
            "rejected": [
                SimpleNamespace(name="facture.exe", reason="Ce type de fichier n'est pas accepté."),
                SimpleNamespace(name="scan d'avis.tiff", reason="Le fichier dépasse la taille maximale autorisée."),
            ],
            "max_size_label": "5 Mo",
            "accepted_kinds_label": "images, PDF, documents bureautiques, tableurs et présentations",
        },
        facts=(
            "facture.exe",
            "Ce type de fichier n'est pas accepté.",
            "scan d'avis.tiff",
            "5 Mo",
            "images, PDF, documents bureautiques, tableurs et présentations",
            "bien été reçu",
        ),
    ),
    Spec("case_assigned", ASSIGN_CONTEXT, facts=("Jeanne", "Marc Lefèvre", *CASE_FACTS[:2]), links=(CASE_URL,)),
    Spec("case_unassigned", ASSIGN_CONTEXT, facts=("Jeanne", "Marc Lefèvre", *CASE_FACTS[:2]), links=(CASE_URL,)),
    Spec(
        "agent_digest",
        {"recipient": AGENT, "authorities": [DIGEST_AUTHORITY], "due_cases": [DUE_CASE]},
        facts=(AUTHORITY.name, "3 dossiers non assignés", "16/03/2026", "Dossier n°17 de Paul N'Diaye"),
        links=(UNASSIGNED_URL, DUE_URL),
        variant="complet",
    ),
    Spec(
        "agent_digest",
        {"recipient": AGENT, "authorities": [], "due_cases": [DUE_CASE]},
        facts=("Jeanne", "Dossier n°17 de Paul N'Diaye"),
        links=(DUE_URL,),
        absent=("à assigner", "non assigné", UNASSIGNED_URL),
        variant="échéances seules",
    ),
    Spec(
        "agent_digest",
        {
            "recipient": AGENT,
            "authorities": [SimpleNamespace(name="Mairie de Lyon", unassigned_count=1, unassigned_url=UNASSIGNED_URL)],
            "due_cases": [],
        },
        facts=("Mairie de Lyon", "1 dossier non assigné"),
        links=(UNASSIGNED_URL,),
        absent=("chéance", "Dossier n°"),
        variant="à assigner seuls",
    ),
    Spec(
        "invitation_member",
        {
            "issuer": ADMIN,
            "authority": AUTHORITY,
            "role_label": "médiateur principal",
            "accept_url": INVITE_URL,
            "expires_at": EXPIRES_AT,
        },
        facts=(
            "Marc Lefèvre",
            AUTHORITY.name,
            "médiateur principal",
            "14/03/2026 à 18h30",
            "S'inscrire sur la plateforme",
            "messagerie intégrée",
            "statistiques",
        ),
        links=(INVITE_URL,),
    ),
    Spec(
        "invitation_admin",
        {"issuer": ADMIN, "accept_url": INVITE_URL, "expires_at": EXPIRES_AT},
        facts=("Marc Lefèvre", "administrateur", "14/03/2026 à 18h30", "S'inscrire sur la plateforme"),
        links=(INVITE_URL,),
    ),
    Spec(
        "signup_confirmation",
        {"user": AGENT, "signin_url": SIGNIN_URL},
        facts=("Jeanne", "ne communiquez jamais votre mot de passe", "Nous ne vous le demanderons jamais"),
        links=(SIGNIN_URL,),
    ),
    Spec(
        "welcome_member",
        {"user": AGENT, "authority": AUTHORITY, "role_label": "éditeur", "signin_url": SIGNIN_URL},
        facts=("Jeanne", AUTHORITY.name, "« éditeur »"),
        links=(SIGNIN_URL,),
    ),
    Spec(
        "access_removed",
        {"user": AGENT, "authority": AUTHORITY},
        facts=("Jeanne", AUTHORITY.name, "vous étaient assignés ne le sont plus"),
    ),
    Spec(
        "admin_granted",
        {"user": AGENT, "admin_url": "https://mediature.example/admin/"},
        facts=("Jeanne", "administrateur"),
        links=("https://mediature.example/admin/",),
    ),
    Spec("admin_revoked", {"user": AGENT}, facts=("Jeanne", "plus administrateur")),
    Spec("account_deleted", {"user": AGENT}, facts=("Jeanne", "désactivé")),
    Spec(
        "password_reset_request",
        {
            "user": AGENT,
            "reset_url": "https://mediature.example/auth/mot-de-passe/reset?token=x&uid=7",
            "valid_minutes": 60,
        },
        facts=("Jeanne", "60 minutes", "vous pouvez ignorer ce courriel"),
        links=("https://mediature.example/auth/mot-de-passe/reset?token=x&uid=7",),
    ),
    Spec(
        "password_reset_done",
        {"user": AGENT, "signin_url": SIGNIN_URL},
        facts=("Jeanne", "réinitialisé", "support"),
        links=(SIGNIN_URL,),
    ),
    Spec(
        "password_changed",
        {"user": AGENT, "signin_url": SIGNIN_URL},
        facts=("Jeanne", "modifié", "réinitialisez immédiatement votre mot de passe"),
        links=(SIGNIN_URL,),
    ),
]
REFERRAL_URL = "https://mediature.example/admin/dossiers/transmissions/"
SPECS += [
    Spec(
        "case_referred",
        {"case": CASE, "citizen": CITIZEN, "previous": AUTHORITY},
        facts=(
            *CASE_FACTS,
            *FOLLOW_FACTS,
            "Mme D'Almeida",
            AUTHORITY.name,
            "désormais suivie par le service de médiation de",
        ),
        links=(FOLLOW_URL,),
    ),
    Spec(
        "citizen_link",
        {"case": CASE, "citizen": CITIZEN},
        facts=(*CASE_FACTS[:2], *FOLLOW_FACTS, "Mme D'Almeida", "ne le transmettez pas"),
        links=(FOLLOW_URL,),
    ),
    Spec(
        "referral_consent_request",
        {"case": CASE, "citizen": CITIZEN, "to_authority": AUTHORITY},
        facts=(
            *CASE_FACTS[:2],
            *FOLLOW_FACTS,
            "Mme D'Almeida",
            AUTHORITY.name,
            "Rien ne sera transmis sans votre accord",
        ),
        links=(FOLLOW_URL,),
    ),
    Spec(
        "citizen_withdrew",
        {"case": CASE, "case_url": CASE_URL},
        facts=(*CASE_FACTS[:2], "a retiré sa demande", "Renonciation de la médiation"),
        links=(CASE_URL,),
        absent=("Suivre mon dossier",),
    ),
    Spec(
        "referral_answered",
        {
            "recipient": AGENT,
            "actor": ADMIN,
            "referral": SimpleNamespace(
                case_id=42, status="declined", to_authority=CASE.authority, answer_reason="Hors de notre territoire"
            ),
            "url": CASE_URL,
        },
        facts=("Jeanne", "dossier n°42", CASE.authority.name, "a refusé", "Hors de notre territoire"),
        links=(CASE_URL,),
        variant="refusée",
    ),
    Spec(
        "referral_answered",
        {
            "recipient": AGENT,
            "actor": ADMIN,
            "referral": SimpleNamespace(case_id=42, status="accepted", to_authority=CASE.authority, answer_reason=""),
            "url": REFERRAL_URL,
        },
        facts=("Jeanne", "dossier n°42", CASE.authority.name, "a accepté", "n'y a plus accès"),
        links=(REFERRAL_URL,),
        absent=("Motif",),
        variant="acceptée",
    ),
]
SPECS.append(
    Spec(
        "referral_proposed",
        {
            "recipient": AGENT,
            "referral": SimpleNamespace(
                case_id=42,
                from_authority=AUTHORITY,
                to_authority=CASE.authority,
                get_reason_display="Hors du territoire",
            ),
            "url": REFERRAL_URL,
        },
        facts=("Jeanne", AUTHORITY.name, "dossier n°42", "Hors du territoire", "accepter ou la refuser"),
        links=(REFERRAL_URL,),
    )
)
EXPORTS_URL = "https://mediature.example/admin/statistiques/exports/"
SPECS += [
    Spec(
        "document_ready",
        {
            "recipient": AGENT,
            "job": SimpleNamespace(kind="xlsx", label="Ville de Démo, année 2026", done=1250),
            "url": EXPORTS_URL,
            "days": 7,
        },
        facts=("Jeanne", "Ville de Démo, année 2026", "1250 dossiers", "Mes exports", "7 jours"),
        links=(EXPORTS_URL,),
    ),
    Spec(
        "document_ready",
        {
            "recipient": AGENT,
            "job": SimpleNamespace(kind="report", label="Ville de Démo, 2026", done=0),
            "url": EXPORTS_URL,
            "days": 7,
        },
        facts=("Jeanne", "rapport annuel", "Mes exports"),
        links=(EXPORTS_URL,),
        absent=("dossiers",),
        variant="rapport",
    ),
]
RECEIVED_AT = datetime(2026, 3, 12, 9, 5, tzinfo=PARIS)
REPLIES = [
    SimpleNamespace(number=42, sender="Camille D'Almeida", received_at=RECEIVED_AT, url=CASE_URL),
    SimpleNamespace(number=17, sender="paul@exemple.fr", received_at=RECEIVED_AT, url=DUE_URL),
]
SPECS += [
    Spec(
        "replies_received",
        {"recipient": AGENT, "items": REPLIES},
        facts=("Jeanne", "2 messages sont arrivés", "Dossier n°42", "Camille D'Almeida", "12/03/2026 à 09:05"),
        links=(CASE_URL, DUE_URL),
    ),
    Spec(
        "replies_received",
        {"recipient": AGENT, "items": REPLIES[:1]},
        facts=("Un message est arrivé", "Dossier n°42", "Mes notifications"),
        links=(CASE_URL,),
        absent=("Dossier n°17",),
        variant="une",
    ),
    Spec(
        "agent_digest",
        {
            "recipient": AGENT,
            "authorities": [],
            "due_cases": [],
            "replies": [SimpleNamespace(number=42, count=2, url=CASE_URL)],
        },
        facts=("Dossier n°42", "2 messages à traiter"),
        links=(CASE_URL,),
        variant="réponses",
    ),
]
SPEC_PARAMS = [pytest.param(spec, id=spec.id) for spec in SPECS]

# Every user-controlled value, replaced by a hostile one (only for keys the email uses).
EVIL_OVERRIDES = {
    **dict.fromkeys(("citizen", "recipient", "actor", "issuer", "user"), person(EVIL, EVIL, title=EVIL)),
    "case": make_case(authority_name=EVIL),
    "authority": SimpleNamespace(name=EVIL),
    "answers": [(EVIL, EVIL)],
    "message": SimpleNamespace(subject=EVIL, html="<p>Bonjour</p>", text="Bonjour"),
    "rejected": [SimpleNamespace(name=EVIL, reason="Ce type de fichier n'est pas accepté.")],
    "due_cases": [SimpleNamespace(number=17, citizen_name=EVIL, due_date=date(2026, 3, 16), url=DUE_URL)],
    "items": [SimpleNamespace(number=42, sender=EVIL, received_at=RECEIVED_AT, url=CASE_URL)],
}


def render(name, context):
    with timezone.override(PARIS):
        return render_email(name, context)


def visible(html):
    """The HTML part as the reader sees its characters (entities decoded)."""
    return unescape(html).replace("\xa0", " ")


def test_every_email_has_its_three_templates():
    assert sorted(path.name for path in EMAILS_DIR.iterdir() if path.is_dir()) == sorted(EMAIL_NAMES)
    for name in EMAIL_NAMES:
        assert {path.name for path in (EMAILS_DIR / name).iterdir()} == {"subject.txt", "body.txt", "body.html"}


def test_every_email_is_covered():
    assert {spec.name for spec in SPECS} == set(EMAIL_NAMES)


@pytest.mark.parametrize("spec", SPEC_PARAMS)
def test_subject(spec):
    expected = SUBJECTS[spec.name]
    if spec.variant == "acceptée":
        expected = expected.replace("refusée", "acceptée")
    if spec.variant == "rapport":
        expected = "Votre rapport annuel est prêt"
    if spec.name == "replies_received" and spec.variant == "une":
        expected = "Nouvelle réponse sur le dossier n°42"
    assert render(spec.name, spec.context).subject == expected


@pytest.mark.parametrize("spec", SPEC_PARAMS)
def test_key_facts_appear_in_both_parts(spec):
    email = render(spec.name, spec.context)
    for fact in spec.facts:
        assert fact in email.text
        assert fact in visible(email.html)
    for url in spec.links:
        assert url in email.text
        assert f'href="{escape(url)}"' in email.html
    for snippet in spec.html_only:
        assert snippet in email.html
    for missing in spec.absent:
        assert missing not in email.text
        assert missing not in visible(email.html)


@pytest.mark.parametrize("spec", SPEC_PARAMS)
def test_text_part_is_plain_and_tidy(spec):
    text = render(spec.name, spec.context).text
    assert not HTML_TAG.search(text)
    assert not HTML_ENTITY.search(text)
    assert "\n\n\n" not in text
    assert not text.startswith(("\n", " "))
    assert "2026 © Médiature" in text
    assert "service public de médiation" in text


@pytest.mark.parametrize("spec", SPEC_PARAMS)
def test_html_part_uses_the_shared_layout(spec):
    html = render(spec.name, spec.context).html
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="fr"' in html
    assert "max-width:600px" in html
    assert "Service public de médiation" in html
    assert "2026 © Médiature" in html
    assert "{{" not in html and "{%" not in html


@pytest.mark.parametrize("spec", SPEC_PARAMS)
def test_user_input_is_escaped_in_html_only(spec):
    context = {key: EVIL_OVERRIDES.get(key, value) for key, value in spec.context.items()}
    email = render(spec.name, context)
    assert "<script" not in email.html
    assert escape(EVIL) in email.html
    assert EVIL in email.text


@pytest.mark.parametrize("name", ["case_assigned", "invitation_member", "password_reset_request"])
def test_buttons_are_blue_with_white_text(name):
    spec = next(spec for spec in SPECS if spec.name == name)
    html = render(name, spec.context).html
    assert 'bgcolor="#000091"' in html
    assert "color:#ffffff" in html
