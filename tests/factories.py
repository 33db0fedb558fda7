"""factory_boy factories for the whole test suite (French data from Faker)."""

import factory
from factory.django import DjangoModelFactory

from authorities.models import Authority, Membership, Role, User
from cases.models import Case, Citizen

TEST_PASSWORD = "correct-horse-battery-staple-42"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"membre{n}@exemple.fr")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class AuthorityFactory(DjangoModelFactory):
    """Creating an authority also builds its public page section (authorities/signals.py)."""

    class Meta:
        model = Authority
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Ville numéro {n}")
    slug = factory.Sequence(lambda n: f"ville-{n}")
    type = Authority.Type.CITY


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    authority = factory.SubFactory(AuthorityFactory)
    role = Role.AGENT


class CaseFactory(DjangoModelFactory):
    class Meta:
        model = Case
        skip_postgeneration_save = True

    authority = factory.SubFactory(AuthorityFactory)
    description = factory.Faker("paragraph", locale="fr_FR")
    citizen = factory.RelatedFactory("tests.factories.CitizenFactory", factory_related_name="case")


class CitizenFactory(DjangoModelFactory):
    class Meta:
        model = Citizen

    case = factory.SubFactory(CaseFactory, citizen=None)
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.Faker("email", locale="fr_FR")
