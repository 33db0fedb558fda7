"""`manage.py seed_demo`: two authorities, their teams and a few hundred realistic cases.

Idempotent, so `make run` can call it on every start: users and memberships
are fetched or created, and an authority that already has cases gets no more.
Generation is seeded, so two fresh databases get the same demo.
"""

import random
from dataclasses import dataclass
from datetime import timedelta

import phonenumbers
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from faker import Faker

from authorities.models import AGENT_ROLES, Authority, AuthorityCommune, Membership, Role, User
from cases.choices import Channel, Gender, Originator, Outcome, Representation, Status
from cases.models import Case, CaseEvent, Citizen, CompetentThirdParty, Domain
from cases.search import reindex_cases

DEFAULT_DEMO_PASSWORD = "demo-mediature-2025"  # noqa: S105 -- public on purpose, printed for demo users
HISTORY_DAYS = 548  # about 18 months


@dataclass(frozen=True)
class DemoAuthority:
    slug: str
    name: str
    case_count: int
    communes: tuple[str, ...] = ()  # its territory, by INSEE code (« Trouver mon médiateur »)


@dataclass(frozen=True)
class DemoUser:
    email: str
    first_name: str
    last_name: str
    authority_slug: str = ""
    role: str = ""


AUTHORITIES = [
    DemoAuthority("demo", "Ville de Démo", 300, ("29019",)),  # Brest: 29200
    DemoAuthority("autre", "Autre Ville", 60, ("35238",)),  # Rennes: 35000
]
PLATFORM_ADMIN = DemoUser("admin@demo.example", "Claire", "Lefèvre")
MEMBERS = [
    DemoUser("principal@demo.example", "Jean-Marc", "Moreau", "demo", Role.MAIN_AGENT),
    DemoUser("agent@demo.example", "Sophie", "Garnier", "demo", Role.AGENT),
    DemoUser("editeur@demo.example", "Lucas", "Bertrand", "demo", Role.EDITOR),
    DemoUser("agent@autre.example", "Nadia", "Benali", "autre", Role.AGENT),
    DemoUser("editeur@autre.example", "Hugo", "Perrin", "autre", Role.EDITOR),
]

# Most requests are still open; closed ones make the statistics worth looking at.
STATUS_WEIGHTS = {
    Status.TO_PROCESS: 18,
    Status.CONTACT_REQUESTER: 8,
    Status.WAITING_FOR_REQUESTER: 10,
    Status.CONTACT_ADMINISTRATION: 8,
    Status.WAITING_FOR_ADMINISTRATION: 12,
    Status.ABOUT_TO_CLOSE: 6,
    Status.CLOSED: 38,
}
CHANNEL_WEIGHTS = {Channel.WEB: 55, Channel.EMAIL: 15, Channel.PHONE: 12, Channel.MAIL: 10, Channel.OFFICE: 8}
ORIGINATOR_WEIGHTS = {Originator.CITIZEN: 80} | {
    originator: 4 for originator in Originator if originator != Originator.CITIZEN
}
REPRESENTATION_WEIGHTS = {Representation.INDIVIDUAL: 80} | {
    representation: 4 for representation in Representation if representation != Representation.INDIVIDUAL
}

REQUESTS = [
    "Depuis {month}, je reçois des factures d'eau anormalement élevées ({amount} €) "
    "alors que ma consommation n'a pas changé. Le service des eaux ne répond pas à mes courriers.",
    "Ma demande de place en crèche pour mon enfant est sans réponse depuis {months} mois malgré plusieurs relances.",
    "Mon véhicule a été mis en fourrière {street} alors qu'aucun panneau n'indiquait d'interdiction "
    "de stationner. Je demande le remboursement des {amount} € de frais.",
    "Les travaux de voirie devant mon commerce, {street}, durent depuis {months} mois "
    "et mon chiffre d'affaires a fortement baissé. Je souhaite être indemnisé.",
    "Ma demande de logement social déposée il y a {months} mois n'a jamais été examinée en commission.",
    "Le ramassage des ordures n'est plus assuré {street} depuis {month}, "
    "mais la taxe d'enlèvement des ordures ménagères m'est toujours réclamée.",
    "Mon permis de construire pour une extension a été refusé sans motivation claire "
    "et le service de l'urbanisme ne répond pas à mes demandes d'explication.",
    "La cantine scolaire m'a facturé {amount} € de repas non pris pendant la maladie de mon enfant, "
    "certificat médical à l'appui.",
    "Les nuisances sonores nocturnes de la salle municipale voisine, {street}, "
    "m'empêchent de dormir. Mes signalements restent sans suite.",
    "Ma demande d'aide sociale facultative a été rejetée alors que je remplis les conditions "
    "indiquées sur le site de la mairie.",
    "L'éclairage public {street} est en panne depuis {months} mois, ce qui pose des problèmes de sécurité.",
    "On me réclame le remboursement d'un trop-perçu de {amount} € sans m'expliquer comment il a été calculé.",
    "J'ai demandé la copie d'une délibération du conseil municipal il y a {months} mois, sans réponse à ce jour.",
    "Ma carte de stationnement résident n'a pas été renouvelée et je reçois des forfaits post-stationnement "
    "de {amount} €.",
]
FOLLOW_UPS = [
    "J'ai envoyé un courrier recommandé au service concerné en {month}.",
    "J'ai appelé la mairie à plusieurs reprises sans obtenir de réponse.",
    "Je joins les justificatifs dont je dispose.",
    "Je souhaite trouver une solution à l'amiable avant de saisir le tribunal administratif.",
]
CONCLUSIONS = [
    "Le service a reconnu l'erreur et procédé au remboursement.",
    "Rencontre organisée avec le service concerné ; un échéancier a été accordé.",
    "La décision de l'administration est conforme à la réglementation ; explications données au requérant.",
    "Le requérant a été orienté vers l'organisme compétent.",
    "Sans nouvelles du requérant malgré deux relances.",
]


class Command(BaseCommand):
    help = "Crée les collectivités, comptes et dossiers de démonstration (sans rien dupliquer)."

    @transaction.atomic
    def handle(self, *args, **options) -> None:
        password = settings.DEMO_PASSWORD or DEFAULT_DEMO_PASSWORD
        password_hash = make_password(password)  # hashing is slow on purpose: once for all accounts
        authorities = {spec.slug: ensure_authority(spec) for spec in AUTHORITIES}
        ensure_user(PLATFORM_ADMIN, password_hash, is_superuser=True, is_staff=True)
        for spec in MEMBERS:
            Membership.objects.get_or_create(
                user=ensure_user(spec, password_hash),
                authority=authorities[spec.authority_slug],
                defaults={"role": spec.role},
            )
        for spec in AUTHORITIES:
            authority = authorities[spec.slug]
            if not authority.cases.exists():
                CaseGenerator(authority).create(spec.case_count)
        self.print_summary(authorities, password)

    def print_summary(self, authorities: dict[str, Authority], password: str) -> None:
        self.stdout.write(self.style.SUCCESS("Données de démonstration prêtes."))
        for authority in authorities.values():
            self.stdout.write(
                f"- {authority.name} : {authority.cases.count()} dossiers, pages publiques sur "
                f"{settings.SITE_URL}{authority.page.url}"
            )
        self.stdout.write(f"Connexion à l'administration : {settings.SITE_URL}/admin/")
        self.stdout.write(f"- {PLATFORM_ADMIN.email} : administrateur de la plateforme")
        for spec in MEMBERS:
            role = Role(spec.role).label
            self.stdout.write(f"- {spec.email} : {role}, {authorities[spec.authority_slug].name}")
        if settings.DEMO_PASSWORD:
            self.stdout.write("Mot de passe des comptes de démonstration : celui de DEMO_PASSWORD.")
        else:
            self.stdout.write(f"Mot de passe des comptes de démonstration : {password}")


def ensure_authority(spec: DemoAuthority) -> Authority:
    """Creating the authority also builds its page section and editors group (authorities/signals.py)."""
    authority, _ = Authority.objects.get_or_create(
        slug=spec.slug, defaults={"name": spec.name, "type": Authority.Type.CITY}
    )
    AuthorityCommune.objects.bulk_create(
        (AuthorityCommune(authority=authority, insee_code=code) for code in spec.communes), ignore_conflicts=True
    )
    return authority


def ensure_user(spec: DemoUser, password_hash: str, **flags: bool) -> User:
    """Fetch the user, or create it with the demo password (an existing password is left alone)."""
    user, _ = User.objects.get_or_create(
        email=spec.email,
        defaults={"password": password_hash, "first_name": spec.first_name, "last_name": spec.last_name, **flags},
    )
    return user


def weighted(rng: random.Random, weights: dict) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def maybe(rng: random.Random, value, probability: float):
    return value if rng.random() < probability else None


class CaseGenerator:
    """Builds an authority's cases in memory, then writes them with a handful of bulk queries."""

    def __init__(self, authority: Authority) -> None:
        self.authority = authority
        self.rng = random.Random(authority.slug)
        self.fake = Faker("fr_FR")
        self.fake.seed_instance(authority.slug)
        self.now = timezone.now()
        self.agents = list(User.objects.filter(memberships__authority=authority, memberships__role__in=AGENT_ROLES))
        self.domains = list(Domain.objects.filter(authority__isnull=True))
        self.third_parties = list(CompetentThirdParty.objects.filter(authority__isnull=True))

    def create(self, count: int) -> None:
        # Every status at least once, then the realistic mix.
        statuses = list(Status) + self.rng.choices(
            list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()), k=count - len(Status)
        )
        self.rng.shuffle(statuses)
        # Numbers follow the dates, as they would have been given over time.
        cases = sorted((self.build_case(status) for status in statuses), key=lambda case: case.created_at)
        # created_at and updated_at are set by Django on insert: keep the generated dates aside.
        dates = [(case.created_at, case.updated_at) for case in cases]
        Case.objects.bulk_create(cases)
        for case, (created_at, updated_at) in zip(cases, dates, strict=True):
            case.created_at, case.updated_at = created_at, updated_at
        Case.objects.bulk_update(cases, ["created_at", "updated_at"])
        Citizen.objects.bulk_create([self.build_citizen(case) for case in cases])
        events = CaseEvent.objects.bulk_create(
            [CaseEvent(case=case, kind=CaseEvent.Kind.CREATED, data={"channel": case.channel}) for case in cases]
        )
        for event, case in zip(events, cases, strict=True):
            event.created_at = case.created_at
        CaseEvent.objects.bulk_update(events, ["created_at"])
        # Bulk writes send no signal: the cases are made searchable here, in the same transaction.
        reindex_cases(case.number for case in cases)

    def build_case(self, status: str) -> Case:
        rng = self.rng
        created_at = self.now - timedelta(days=rng.uniform(0, HISTORY_DAYS))
        prior_complaint = rng.choice([True, False, None])
        competent = rng.choice([True, True, True, False, None])
        case = Case(
            authority=self.authority,
            status=status,
            channel=weighted(rng, CHANNEL_WEIGHTS),
            originator=weighted(rng, ORIGINATOR_WEIGHTS),
            assignee=maybe(rng, rng.choice(self.agents), 0.2 if status == Status.TO_PROCESS else 0.9),
            prior_complaint=prior_complaint,
            prior_complaint_answered=rng.choice([True, False, None]) if prior_complaint else None,
            description=self.description(),
            email_copy_wanted=rng.random() < 0.3,
            competent=competent,
            domain=maybe(rng, rng.choice(self.domains), 0.85) if competent else None,
            competent_third_party=rng.choice(self.third_parties) if competent is False else None,
            created_at=created_at,
            updated_at=created_at,
        )
        if status == Status.CLOSED:
            self.close(case)
        else:
            # Around today, as on a live desk: a few overdue, some due this week, most later.
            case.due_date = maybe(rng, (self.now + timedelta(days=rng.randint(-7, 60))).date(), 0.5)
        return case

    def close(self, case: Case) -> None:
        rng = self.rng
        case.closed_at = min(self.now, case.created_at + timedelta(days=rng.randint(3, 150)))
        case.updated_at = case.closed_at
        case.outcome = rng.choice(list(Outcome))
        case.face_to_face = rng.random() < 0.2
        case.agreement = rng.choice([True, False, None])
        case.court_next = rng.choice([False, False, False, True, None])
        case.conclusion = rng.choice(CONCLUSIONS)

    def description(self) -> str:
        rng, fake = self.rng, self.fake
        details = {
            "month": fake.month_name().lower(),
            "months": rng.randint(2, 14),
            "amount": f"{rng.randint(40, 2400)},{rng.randint(0, 99):02d}",
            "street": fake.street_name(),
        }
        sentences = [rng.choice(REQUESTS)] + rng.sample(FOLLOW_UPS, k=rng.randint(0, 2))
        return " ".join(sentences).format(**details)

    def build_citizen(self, case: Case) -> Citizen:
        rng, fake = self.rng, self.fake
        gender = rng.choice([Gender.MALE, Gender.FEMALE, Gender.FEMALE, Gender.NON_BINARY, ""])
        first_name = fake.first_name_male() if gender == Gender.MALE else fake.first_name_female()
        last_name = fake.last_name()
        # At least one way to contact the citizen, as Citizen.clean requires.
        contact = rng.choice([{"email"}, {"phone"}, {"address"}, {"email", "phone"}, {"email", "phone", "address"}])
        citizen = Citizen(
            case=case,
            gender=gender,
            first_name=first_name,
            last_name=last_name,
            representation=weighted(rng, REPRESENTATION_WEIGHTS),
        )
        if "email" in contact:
            citizen.email = f"{slugify(first_name)}.{slugify(last_name)}@{fake.free_email_domain()}"
        if "phone" in contact:
            citizen.phone = self.phone_number()
        if "address" in contact:
            citizen.street, citizen.postal_code, citizen.city = fake.street_address(), fake.postcode(), fake.city()
        return citizen

    def phone_number(self) -> str:
        """A French number in E.164 that phonenumbers accepts (not every prefix is allocated)."""
        while True:
            number = f"+33{self.rng.choice('12345679')}{self.rng.randint(0, 99_999_999):08d}"
            if phonenumbers.is_valid_number(phonenumbers.parse(number)):
                return number
