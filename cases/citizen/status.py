"""A case's status and outcome as the citizen reads them: plain words, what happens next, how long.

The delays are those a mediation service usually states to the public; they are indications, said so
on the page, never deadlines.
"""

from dataclasses import dataclass

from cases.choices import Outcome, Status
from cases.models import Case


@dataclass(frozen=True)
class CitizenStatus:
    title: str
    next_step: str
    delay: str


STATUSES = {
    Status.TO_PROCESS: CitizenStatus(
        "Votre demande a bien été reçue",
        "Un médiateur va l'étudier, vérifier qu'elle relève bien de la médiation de la collectivité, "
        "puis vous contacter.",
        "En général sous 15 jours.",
    ),
    Status.CONTACT_REQUESTER: CitizenStatus(
        "Un médiateur étudie votre demande",
        "Il va prendre contact avec vous pour en savoir plus sur votre situation.",
        "Dans les prochains jours.",
    ),
    Status.WAITING_FOR_REQUESTER: CitizenStatus(
        "Le médiateur attend votre réponse",
        "Répondez à son dernier message, ici ou par courriel, en joignant les documents demandés.",
        "Sans nouvelles de votre part pendant 3 mois, le dossier peut être clôturé.",
    ),
    Status.CONTACT_ADMINISTRATION: CitizenStatus(
        "Le médiateur va interroger l'administration concernée",
        "Il lui expose votre situation et lui demande ses explications.",
        "En général 2 à 4 semaines.",
    ),
    Status.WAITING_FOR_ADMINISTRATION: CitizenStatus(
        "Le médiateur attend la réponse de l'administration",
        "Il vous informera dès qu'elle aura répondu.",
        "L'administration répond en général en 1 à 2 mois.",
    ),
    Status.ABOUT_TO_CLOSE: CitizenStatus(
        "La médiation touche à sa fin",
        "Le médiateur prépare sa conclusion et vous en informera.",
        "Dans les prochaines semaines.",
    ),
}

# What each outcome means for the citizen (closing email and page).
OUTCOMES = {
    Outcome.FAVORABLE_TO_CITIZEN: "La médiation vous a donné raison : l'administration revient sur sa position.",
    Outcome.PARTIAL: "La médiation a abouti à une solution intermédiaire entre votre demande et la position "
    "de l'administration.",
    Outcome.FAVORABLE_TO_ADMINISTRATION: "Après examen, la position de l'administration a été jugée fondée : "
    "elle est maintenue.",
    Outcome.INTERNAL_FORWARD: "Votre demande a été confiée au service de la collectivité chargé de ce sujet, "
    "qui reprendra contact avec vous.",
    Outcome.EXTERNAL_FORWARD: "Votre demande relève d'un autre organisme, vers lequel le médiateur vous a orienté.",
    Outcome.CITIZEN_WAIVER: "Vous avez renoncé à la médiation.",
    Outcome.CITIZEN_INACTIVITY: "Le dossier a été clôturé faute de réponse de votre part depuis plus de 3 mois.",
}

AGAIN = (
    "Si votre situation évolue ou si vous avez une question, écrivez au médiateur : un dossier clôturé peut être "
    "rouvert."
)


def citizen_status(case: Case) -> CitizenStatus:
    if case.is_closed:
        return CitizenStatus("Votre dossier est clôturé", OUTCOMES.get(case.outcome, ""), AGAIN)
    return STATUSES.get(case.status, STATUSES[Status.TO_PROCESS])


def outcome_sentence(case: Case) -> str:
    return OUTCOMES.get(case.outcome, "")
