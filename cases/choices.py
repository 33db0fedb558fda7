"""Enumerations of the original product, with their French labels."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    TO_PROCESS = "to_process", _("À traiter")
    CONTACT_REQUESTER = "contact_requester", _("Contacter le requérant")
    WAITING_FOR_REQUESTER = "waiting_for_requester", _("En attente de réponse du requérant")
    CONTACT_ADMINISTRATION = "contact_administration", _("Solliciter l'administration")
    WAITING_FOR_ADMINISTRATION = "waiting_for_administration", _("En attente de réponse de l'administration")
    ABOUT_TO_CLOSE = "about_to_close", _("Finalisation")
    CLOSED = "closed", _("Clôture de la procédure")


class Channel(models.TextChoices):
    """« Mode de saisine »."""

    OFFICE = "office", _("Bureau / Permanence")
    MAIL = "mail", _("Courrier postal")
    PHONE = "phone", _("Téléphone")
    EMAIL = "email", _("Email")
    WEB = "web", _("Formulaire internet")


class Originator(models.TextChoices):
    """« Origine de la demande »."""

    CITIZEN = "citizen", _("Usager")
    ADMINISTRATIVE_COURT = "administrative_court", _("Tribunal administratif")
    INTERNAL_DEPARTMENT = "internal_department", _("Service interne")
    AUTHORITY_REPRESENTATIVE = "authority_representative", _("Élu de la collectivité")
    RIGHTS_DEFENDER = "rights_defender", _("Défenseur des droits")
    AGENT = "agent", _("Auto-saisine du médiateur")
    OTHER = "other", _("Autre partenaire")


class Outcome(models.TextChoices):
    """« Type de clôture »."""

    FAVORABLE_TO_CITIZEN = "favorable_to_citizen", _("Droit à l'Usager")
    PARTIAL = "partial", _("Droit partiel Usager/Administration")
    FAVORABLE_TO_ADMINISTRATION = "favorable_to_administration", _("Droit à l'Administration")
    INTERNAL_FORWARD = "internal_forward", _("Orientation vers un service en interne")
    EXTERNAL_FORWARD = "external_forward", _("Réorientation vers une autre institution")
    CITIZEN_WAIVER = "citizen_waiver", _("Renonciation de la médiation par l'Usager")
    CITIZEN_INACTIVITY = "citizen_inactivity", _("Pas de réponse de l'Usager depuis plus de 3 mois")


class Gender(models.TextChoices):
    MALE = "male", _("Homme")
    FEMALE = "female", _("Femme")
    NON_BINARY = "non_binary", _("Non-binaire")


GENDER_TITLES = {Gender.MALE: "M.", Gender.FEMALE: "Mme", Gender.NON_BINARY: "Mx"}


class Representation(models.TextChoices):
    """« Type de requérant »."""

    INDIVIDUAL = "individual", _("Particulier")
    BUSINESS = "business", _("Entreprise, Professionnel")
    PUBLIC_INSTITUTION = "public_institution", _("Établissement public")
    AUTHORITY = "authority", _("Collectivité territoriale")
    ASSOCIATION = "association", _("Association")
    OTHER = "other", _("Autre")


class Transmitter(models.TextChoices):
    CITIZEN = "citizen", _("Requérant")
    AGENT = "agent", _("Médiateur")
    ADMINISTRATION = "administration", _("Administration")


class NoteKind(models.TextChoices):
    NOTE = "note", _("Note")
    PHONE_CALL = "phone_call", _("Appel téléphonique")
    MEETING = "meeting", _("Rendez-vous")
