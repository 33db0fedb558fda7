"""Django groups follow memberships, so the admin opens to members only (authorities/permissions.py)."""

from django.contrib.auth.models import AnonymousUser, Group
from django.core.management import call_command
from wagtail.models import Collection, GroupPagePermission

from authorities.models import Role, User
from authorities.permissions import (
    MEDIATORS_GROUP,
    PLATFORM_ADMINS_GROUP,
    PRIVATE_COLLECTION_SUFFIX,
    editors_group,
    editors_group_name,
    is_platform_admin,
)
from tests.factories import MembershipFactory, UserFactory


def fresh(user) -> User:
    """Reload the user: Django caches permissions on the instance."""
    return User.objects.get(pk=user.pk)


def group_names(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def test_agent_membership_opens_the_admin_through_the_mediators_group(agent):
    assert group_names(agent) == {MEDIATORS_GROUP}
    assert fresh(agent).has_perm("wagtailadmin.access_admin")


def test_main_agent_is_a_mediator_too(main_agent):
    assert group_names(main_agent) == {MEDIATORS_GROUP}


def test_editor_membership_gives_the_authority_editors_group(editor, authority):
    assert group_names(editor) == {"Éditeurs — Ville de Démo"}
    assert fresh(editor).has_perm("wagtailadmin.access_admin")


def test_role_change_swaps_the_groups(agent, authority):
    membership = agent.memberships.get()
    membership.role = Role.EDITOR
    membership.save()
    assert group_names(agent) == {editors_group_name(authority)}


def test_deleting_the_membership_closes_the_admin(agent):
    agent.memberships.get().delete()
    assert group_names(agent) == set()
    assert not fresh(agent).has_perm("wagtailadmin.access_admin")


def test_a_mediator_elsewhere_stays_a_mediator(agent, other_authority):
    other = MembershipFactory(user=agent, authority=other_authority, role=Role.AGENT)
    agent.memberships.exclude(pk=other.pk).delete()
    assert group_names(agent) == {MEDIATORS_GROUP}


def test_sync_leaves_groups_it_does_not_manage(agent):
    admins, _ = Group.objects.get_or_create(name=PLATFORM_ADMINS_GROUP)
    agent.groups.add(admins)
    agent.memberships.get().delete()
    assert group_names(agent) == {PLATFORM_ADMINS_GROUP}


def test_each_authority_gets_its_editors_group_on_creation(authority, other_authority):
    assert set(Group.objects.filter(name__startswith="Éditeurs").values_list("name", flat=True)) == {
        "Éditeurs — Ville de Démo",
        "Éditeurs — Autre Ville",
    }


def test_editors_group_creation_is_idempotent(authority):
    first, second = editors_group(authority), editors_group(authority)
    assert first == second
    assert GroupPagePermission.objects.filter(group=first).count() == 5
    assert Group.objects.filter(name=editors_group_name(authority)).count() == 1


def test_renaming_the_authority_renames_its_editors_group(editor, authority):
    authority.name = "Ville de Démo-sur-Mer"
    authority.save()
    assert group_names(editor) == {"Éditeurs — Ville de Démo-sur-Mer"}


def test_editor_works_on_their_section_only(editor, authority, other_authority):
    editor = fresh(editor)
    own_section, other_section = authority.page, other_authority.page
    for page in [own_section, *own_section.get_children()]:
        permissions = page.permissions_for_user(editor)
        assert permissions.can_edit()
        assert permissions.can_publish()
        assert permissions.can_lock()
    assert own_section.permissions_for_user(editor).can_add_subpage()
    assert not own_section.permissions_for_user(editor).can_delete()  # no bulk_delete: the section stays
    for page in [other_section, *other_section.get_children(), own_section.get_parent()]:
        assert not page.permissions_for_user(editor).can_edit()


def test_agents_get_no_page_permission(agent, authority):
    assert not authority.page.permissions_for_user(fresh(agent)).can_edit()


def test_platform_admins_are_superusers_or_members_of_the_admins_group(agent, platform_admin):
    assert is_platform_admin(platform_admin)
    assert not is_platform_admin(agent)
    assert not is_platform_admin(AnonymousUser())
    staff = UserFactory()
    staff.groups.add(Group.objects.get_or_create(name=PLATFORM_ADMINS_GROUP)[0])
    assert is_platform_admin(staff)


def test_deleting_a_member_account_deletes_its_memberships_cleanly(agent):
    agent.delete()
    assert not User.objects.filter(pk=agent.pk).exists()
    assert Group.objects.filter(name=MEDIATORS_GROUP).exists()


def test_migrate_gives_authorities_created_before_a_change_what_new_ones_get(authority):
    """An authority saved before its private collection existed (as on a deployed database) gets it on migrate."""
    private = Collection.objects.get(name=authority.name + PRIVATE_COLLECTION_SUFFIX)
    private.delete()
    group = Group.objects.get(name=editors_group_name(authority))
    GroupPagePermission.objects.filter(group=group).delete()

    call_command("migrate", verbosity=0)

    restored = Collection.objects.get(name=authority.name + PRIVATE_COLLECTION_SUFFIX)
    assert list(restored.view_restrictions.get().groups.order_by("name")) == sorted(
        [group, Group.objects.get(name=PLATFORM_ADMINS_GROUP)], key=lambda g: g.name
    )
    assert GroupPagePermission.objects.filter(group=group, page=authority.page).exists()
