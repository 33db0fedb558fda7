"""Seed the platform lists of the original product (domains and competent third parties)."""

from django.db import migrations

DOMAINS = {
    "Assurance, responsabilité civile": [],
    "Marché public": ["Contrat", "Achat"],
    "Finances et tarifs": [],
    "Fiscalité": [],
    "RH (hors agent en fonction)": [],
    "Accès aux archives": [],
    "Vie associative": [],
    "Lutte contre les exclusions": [],
    "Prévention et gestion des risques": [],
    "Santé": [],
    "Sport et loisir": [],
    "Éducation": [],
    "Jeunesse": [],
    "Enfance": ["Protection (ASE)", "Mode de garde", "PMI"],
    "Action sociale": ["Aide financière"],
    "Habitat, Logement": ["FSL", "Insalubrité/péril", "Logement social", "Gestion immobilière"],
    "Facture impayée": [],
    "Emploi, entreprise, insertion": [
        "Entreprise/ESS/Commerce et Artisanat",
        "Formation",
        "Financement des formations",
    ],
    "RSA": [],
    "Handicap": ["Autonomie", "MDPH"],
    "Personne âgée": [],
    "Propreté": ["Déchets, collecte et gestion"],
    "Déplacement": [
        "Voirie",
        "Signalétique",
        "Circulation",
        "Mobilité durable",
        "Transport collectif",
        "Transport de marchandises",
        "Stationnement",
        "Fourrière",
    ],
    "Urbanisme-Foncier": [
        "Bâtiment/local/équipement",
        "Accessibilité",
        "Aménagement/impact des travaux",
        "Espace public",
        "Permis de construire",
        "Cadre de vie/contestation de travaux",
        "Éclairage public",
        "Protection du patrimoine",
    ],
    "Culture-Patrimoine": [],
    "Sécurité, tranquillité": ["Problème de voisinage", "Nuisance sonore", "Incendie"],
    "Eau et assainissement": [],
    "Environnement": [
        "Patrimoine naturel",
        "Plan de sauvegarde",
        "Entretien des espaces publics",
        "Agriculture",
    ],
    "Autre service à la population": [
        "État civil",
        "Service funéraire",
        "Accès aux services publics",
        "Accès à l'information",
    ],
    "Numérique, Téléphonie": [
        "Lutte contre la fracture numérique",
        "Infrastructure",
        "Accès aux services publics",
    ],
    "Tourisme": [],
    "Autre": [],
}

COMPETENT_THIRD_PARTIES = {
    "Médiateur institutionnel": [
        "Défenseur des droits",
        "Enseignement/formation",
        "Autre Collectivité",
        "CAF",
        "Retraite",
        "CPAM",
        "Médiateur URSSAF",
        "Médiateur UDAFF",
        "Pôle Emploi",
        "Communication postale ou électronique",
        "Entreprises",
        "Médiateur en Entreprise",
        "Médiateur Économique et financier",
        "Médiateur Énergie",
        "Médiateur Eau",
        "Banque/Assurance/Mutuelle",
        "Santé",
        "Transport",
        "Médiateur MSAP",
        "Médiateur CCI",
        "Médiateur DIRECCTE",
        "DGFIP Conciliateur fiscal",
        "Médiateur FBF",
        "Médiateur Notariat",
        "Médiateur Consommation",
        "Conciliateur de justice",
        "Médiateur Familial",
        "Médiateur Médical",
        "Médiateur Social",
        "Médiateur Tourisme",
    ],
    "Hors Médiateur": [
        "Bailleur",
        "Tribunal administratif",
        "Trésorerie",
        "Centre Hospitalier",
        "Centre de gestion",
        "Maison de la justice et du droit",
        "ADIL",
        "Collectivité sans médiateur",
        "Opérateur de téléphonie",
        "Tribunal",
        "Huissier de justice",
        "Mutuelle S.Agricole",
        "Transport",
        "ARCEP",
        "ARCOM",
        "ACNUSA",
        "Régulation de la concurrence",
        "Autre Autorité de régulation",
        "CNIL",
        "Préfecture",
        "Officier du ministère public",
        "Prud'homme",
    ],
}


def seed(apps, schema_editor):
    for model_name, tree in (("Domain", DOMAINS), ("CompetentThirdParty", COMPETENT_THIRD_PARTIES)):
        model = apps.get_model("cases", model_name)
        for parent_name, children in tree.items():
            parent, _ = model.objects.get_or_create(name=parent_name, parent=None, authority=None)
            for child_name in children:
                model.objects.get_or_create(name=child_name, parent=parent, authority=None)


def unseed(apps, schema_editor):
    for model_name in ("Domain", "CompetentThirdParty"):
        model = apps.get_model("cases", model_name)
        model.objects.filter(authority=None, parent__isnull=False).delete()
        model.objects.filter(authority=None).delete()


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
