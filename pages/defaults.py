"""Default French texts of the pages created for the platform and for each authority.

Editors change them in Wagtail; these are only a sensible starting point. The retention period they
state is the platform's (`RETENTION_MONTHS`) when the page is created; the request form states the
authority's own period live (pages/request_form.py).
"""

import json

from cases.privacy.retention import period_label, platform_months


def stream(*blocks: dict) -> str:
    return json.dumps(list(blocks))


def block(block_type: str, value) -> dict:
    return {"type": block_type, "value": value}


# django-dsfr's site configuration (header, footer, accessibility status), kept in step with the code:
# it is not edited in Wagtail's admin.
DSFR_CONFIG = {
    "language": "fr",
    "site_title": "Médiature",
    "site_tagline": "Service public de médiation",
    "header_brand": "République française",
    "header_brand_html": "République<br>française",
    "footer_brand": "République française",
    "footer_brand_html": "République<br>française",
    "footer_description": (
        "Médiature permet de saisir gratuitement le médiateur de sa collectivité "
        "au sujet d'un différend avec un service public local."
    ),
    "accessibility_status": "PART",
}

HOME_PAGE = {
    "title": "Médiature",
    "slug": "accueil",
    "introduction": (
        "<p>Le service public de médiation entre les usagers et les collectivités. "
        "Vous rencontrez une difficulté avec une administration locale ? Le médiateur de votre "
        "collectivité vous écoute et recherche avec vous une solution amiable, gratuitement.</p>"
    ),
}


def platform_pages() -> list[dict]:
    """The platform's content pages (a function: the retention period is read from the settings)."""
    return [
        {
            "title": "Déclaration d'accessibilité",
            "slug": "accessibilite",
            "introduction": (
                "Médiature s'engage à rendre ses services accessibles conformément à l'article 47 "
                "de la loi n° 2005-102 du 11 février 2005."
            ),
            "body": stream(
                block("heading", {"text": "État de conformité", "level": "h2"}),
                block(
                    "paragraph",
                    "<p>Le site est partiellement conforme au référentiel général d'amélioration de "
                    "l'accessibilité (RGAA) : il n'a pas encore fait l'objet d'un audit.</p>",
                ),
                block("heading", {"text": "Voies de recours", "level": "h2"}),
                block(
                    "paragraph",
                    "<p>Si vous constatez un défaut d'accessibilité vous empêchant d'accéder à un contenu, vous pouvez "
                    "saisir le Défenseur des droits.</p>",
                ),
            ),
        },
        {
            "title": "Mentions légales",
            "slug": "mentions-legales",
            "introduction": "Informations sur l'éditeur et l'hébergeur de la plateforme.",
            "body": stream(
                block("heading", {"text": "Éditeur", "level": "h2"}),
                block("paragraph", "<p>Association des médiateurs des collectivités territoriales (AMCT).</p>"),
                block("heading", {"text": "Hébergement", "level": "h2"}),
                block("paragraph", "<p>La plateforme est hébergée en France.</p>"),
            ),
        },
        {
            "title": "Conditions générales d'utilisation",
            "slug": "conditions-generales-d-utilisation",
            "introduction": (
                "Les règles d'utilisation de la plateforme Médiature, pour les usagers et pour les médiateurs."
            ),
            "body": stream(
                block("heading", {"text": "Objet", "level": "h2"}),
                block(
                    "paragraph",
                    "<p>Médiature permet à toute personne de saisir gratuitement le médiateur d'une collectivité "
                    "au sujet d'un différend avec un service public local.</p>",
                ),
                block("heading", {"text": "Engagements de l'usager", "level": "h2"}),
                block(
                    "paragraph",
                    "<p>L'usager transmet des informations exactes et ne dépose que des documents utiles "
                    "à sa demande.</p>",
                ),
            ),
        },
        {
            "title": "Politique de confidentialité",
            "slug": "politique-de-confidentialite",
            "introduction": "Comment vos données personnelles sont traitées et protégées.",
            "body": stream(
                block("heading", {"text": "Base légale", "level": "h2"}),
                block(
                    "paragraph",
                    "<p>Le traitement relève d'une mission d'intérêt public (article 6-1 e du RGPD).</p>",
                ),
                block("heading", {"text": "Durée de conservation", "level": "h2"}),
                block(
                    "paragraph",
                    f"<p>Les données d'un dossier sont anonymisées {period_label(platform_months())} après sa clôture "
                    "(plus tôt si la collectivité a choisi une durée plus courte) : restent seules les informations "
                    "utiles aux statistiques. Un dossier faisant l'objet d'un contentieux peut être conservé jusqu'à "
                    "son terme.</p>",
                ),
                block("heading", {"text": "Services de l'État utilisés", "level": "h2"}),
                block(
                    "paragraph",
                    "<p>Pour vous proposer les communes correspondantes, le formulaire de demande envoie le code "
                    "postal saisi, et lui seul, à la Base Adresse Nationale (api-adresse.data.gouv.fr).</p>",
                ),
                block("heading", {"text": "Vos droits", "level": "h2"}),
                block(
                    "paragraph",
                    "<p>Vous pouvez accéder à vos données, les faire rectifier ou en demander l'effacement "
                    "en écrivant au médiateur de votre collectivité.</p>",
                ),
            ),
        },
    ]


def authority_page(authority) -> dict:
    return {
        "title": authority.name,
        "slug": authority.slug,
        "introduction": (
            f"<p>Le médiateur de {authority.name} vous aide à résoudre à l'amiable un différend avec "
            "les services de la collectivité. La démarche est gratuite et confidentielle.</p>"
        ),
    }


def request_form_page(authority) -> dict:
    return {
        "title": "Lancer ma démarche de médiation",
        "show_in_menus": True,
        "introduction": (
            "<p>Décrivez votre situation : un médiateur de "
            f"{authority.name} étudiera votre demande et vous recontactera.</p>"
        ),
        "thank_you_text": (
            "<p>Votre demande a bien été prise en compte, un médiateur va prendre contact avec vous "
            "sous quelques jours.</p>"
        ),
    }


def authority_content_pages(authority) -> list[dict]:
    return [
        {
            "title": "Aide et contact",
            "show_in_menus": True,
            "slug": "aide",
            "introduction": f"Comment fonctionne la médiation à {authority.name} et comment nous joindre.",
            "body": stream(
                block(
                    "faq",
                    {
                        "items": [
                            {
                                "question": "Qui peut saisir le médiateur ?",
                                "answer": "<p>Toute personne, particulier, entreprise ou association, en "
                                "différend avec un service de la collectivité.</p>",
                            },
                            {
                                "question": "Dois-je d'abord contacter le service concerné ?",
                                "answer": "<p>Oui, dans la mesure du possible : le médiateur intervient "
                                "après une première réclamation restée sans réponse satisfaisante.</p>",
                            },
                            {
                                "question": "La médiation est-elle payante ?",
                                "answer": "<p>Non, elle est entièrement gratuite.</p>",
                            },
                        ]
                    },
                ),
            ),
        },
        {
            "title": "Données personnelles",
            "show_in_menus": True,
            "slug": "donnees-personnelles",
            "introduction": f"Comment {authority.name} traite les données de votre demande de médiation.",
            "body": stream(
                block(
                    "paragraph",
                    f"<p>Les informations que vous transmettez sont destinées aux seuls médiateurs de "
                    f"{authority.name}. Elles sont anonymisées {period_label(platform_months())} après la clôture "
                    "de votre dossier.</p>",
                ),
            ),
        },
    ]
