"""France's départements and regions (INSEE codes, French names), commune codes and postal codes.

Static data, as of the 2016 regions: 101 départements in 18 regions. Saint-Pierre-et-Miquelon,
Saint-Barthélemy, Saint-Martin and the Pacific territories are not départements and are not served.
"""

import re

REGIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "84": ("Auvergne-Rhône-Alpes", ("01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74")),
    "27": ("Bourgogne-Franche-Comté", ("21", "25", "39", "58", "70", "71", "89", "90")),
    "53": ("Bretagne", ("22", "29", "35", "56")),
    "24": ("Centre-Val de Loire", ("18", "28", "36", "37", "41", "45")),
    "94": ("Corse", ("2A", "2B")),
    "44": ("Grand Est", ("08", "10", "51", "52", "54", "55", "57", "67", "68", "88")),
    "32": ("Hauts-de-France", ("02", "59", "60", "62", "80")),
    "11": ("Île-de-France", ("75", "77", "78", "91", "92", "93", "94", "95")),
    "28": ("Normandie", ("14", "27", "50", "61", "76")),
    "75": ("Nouvelle-Aquitaine", ("16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87")),
    "76": ("Occitanie", ("09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82")),
    "52": ("Pays de la Loire", ("44", "49", "53", "72", "85")),
    "93": ("Provence-Alpes-Côte d'Azur", ("04", "05", "06", "13", "83", "84")),
    "01": ("Guadeloupe", ("971",)),
    "02": ("Martinique", ("972",)),
    "03": ("Guyane", ("973",)),
    "04": ("La Réunion", ("974",)),
    "06": ("Mayotte", ("976",)),
}

DEPARTEMENTS: dict[str, str] = {
    "01": "Ain", "02": "Aisne", "03": "Allier", "04": "Alpes-de-Haute-Provence", "05": "Hautes-Alpes",
    "06": "Alpes-Maritimes", "07": "Ardèche", "08": "Ardennes", "09": "Ariège", "10": "Aube", "11": "Aude",
    "12": "Aveyron", "13": "Bouches-du-Rhône", "14": "Calvados", "15": "Cantal", "16": "Charente",
    "17": "Charente-Maritime", "18": "Cher", "19": "Corrèze", "2A": "Corse-du-Sud", "2B": "Haute-Corse",
    "21": "Côte-d'Or", "22": "Côtes-d'Armor", "23": "Creuse", "24": "Dordogne", "25": "Doubs", "26": "Drôme",
    "27": "Eure", "28": "Eure-et-Loir", "29": "Finistère", "30": "Gard", "31": "Haute-Garonne", "32": "Gers",
    "33": "Gironde", "34": "Hérault", "35": "Ille-et-Vilaine", "36": "Indre", "37": "Indre-et-Loire",
    "38": "Isère", "39": "Jura", "40": "Landes", "41": "Loir-et-Cher", "42": "Loire", "43": "Haute-Loire",
    "44": "Loire-Atlantique", "45": "Loiret", "46": "Lot", "47": "Lot-et-Garonne", "48": "Lozère",
    "49": "Maine-et-Loire", "50": "Manche", "51": "Marne", "52": "Haute-Marne", "53": "Mayenne",
    "54": "Meurthe-et-Moselle", "55": "Meuse", "56": "Morbihan", "57": "Moselle", "58": "Nièvre", "59": "Nord",
    "60": "Oise", "61": "Orne", "62": "Pas-de-Calais", "63": "Puy-de-Dôme", "64": "Pyrénées-Atlantiques",
    "65": "Hautes-Pyrénées", "66": "Pyrénées-Orientales", "67": "Bas-Rhin", "68": "Haut-Rhin", "69": "Rhône",
    "70": "Haute-Saône", "71": "Saône-et-Loire", "72": "Sarthe", "73": "Savoie", "74": "Haute-Savoie",
    "75": "Paris", "76": "Seine-Maritime", "77": "Seine-et-Marne", "78": "Yvelines", "79": "Deux-Sèvres",
    "80": "Somme", "81": "Tarn", "82": "Tarn-et-Garonne", "83": "Var", "84": "Vaucluse", "85": "Vendée",
    "86": "Vienne", "87": "Haute-Vienne", "88": "Vosges", "89": "Yonne", "90": "Territoire de Belfort",
    "91": "Essonne", "92": "Hauts-de-Seine", "93": "Seine-Saint-Denis", "94": "Val-de-Marne", "95": "Val-d'Oise",
    "971": "Guadeloupe", "972": "Martinique", "973": "Guyane", "974": "La Réunion", "976": "Mayotte",
}  # fmt: skip

REGION_OF: dict[str, str] = {
    departement: region for region, (_, departements) in REGIONS.items() for departement in departements
}

INSEE_SHAPE = re.compile(r"^(\d{5}|2[AB]\d{3})$")
POSTAL_SHAPE = re.compile(r"^\d{5}$")


def departement_choices() -> list[tuple[str, str]]:
    return [(code, f"{code} — {name}") for code, name in DEPARTEMENTS.items()]


def region_choices() -> list[tuple[str, str]]:
    return sorted(((code, name) for code, (name, _) in REGIONS.items()), key=lambda choice: choice[1])


def departement_of_insee(code: str) -> str:
    """The département of a commune code: its first three characters overseas (97x), else its first two."""
    return code[:3] if code.startswith("97") else code[:2]


def insee_code_error(code: str) -> str | None:
    """Why `code` (already upper-cased) is not the INSEE code of a commune of a département, or None."""
    if not INSEE_SHAPE.match(code):
        return f"« {code} » n'est pas un code INSEE de commune : 5 caractères attendus (ex. 29019, 2A004, 97411)."
    if code.startswith("20"):
        return f"« {code} » : les codes des communes de Corse commencent par 2A ou 2B."
    if departement_of_insee(code) not in DEPARTEMENTS:
        return f"« {code} » : ce code ne correspond à aucun département (01 à 95, 2A, 2B, 971 à 976)."
    return None


def departement_of_postal_code(postal_code: str) -> str | None:
    """The département a postal code is in, or None: first two digits; Corsica 200xx–201xx 2A, 202xx–206xx 2B;
    overseas the first three (971 to 976).

    A postal code now and then serves a commune of the neighbouring département: the commune's INSEE code,
    when known, is the better guide.
    """
    if not POSTAL_SHAPE.match(postal_code):
        return None
    if postal_code.startswith("20"):
        return "2A" if postal_code[2] in "01" else "2B" if postal_code[2] in "23456" else None
    code = postal_code[:3] if postal_code.startswith("97") else postal_code[:2]
    return code if code in DEPARTEMENTS else None
