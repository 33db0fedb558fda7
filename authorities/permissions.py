"""Who may enter Wagtail's admin, derived from memberships.

Wagtail lets in only users holding `wagtailadmin.access_admin`, and page
permissions are granted to groups. Rather than asking anyone to manage
groups by hand, the groups below follow memberships (authorities/signals.py):

- « Médiateurs »: everyone with an agent or main agent membership somewhere;
  what they see inside is scoped by cases/access.py, not by the group.
- « Éditeurs — <collectivité> »: one per authority, with page permissions on
  that authority's section only, so editors never touch another section.

Platform admins are superusers, or members of the « Administrateurs de la
plateforme » group, which is managed by hand and never touched by the sync.
"""

from django.contrib.auth import get_permission_codename
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from wagtail.models import GroupPagePermission, Page
from wagtail.models.content_types import get_default_page_content_type

from authorities.models import AGENT_ROLES, Authority, Role

MEDIATORS_GROUP = "Médiateurs"
EDITORS_GROUP_PREFIX = "Éditeurs — "
PLATFORM_ADMINS_GROUP = "Administrateurs de la plateforme"

# Enough to write and publish pages; deleting or moving a section stays with platform admins.
EDITOR_PAGE_ACTIONS = ("add", "change", "publish", "lock", "unlock")
GROUP_NAME_MAX_LENGTH = Group._meta.get_field("name").max_length


def is_platform_admin(user) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_superuser or user.groups.filter(name=PLATFORM_ADMINS_GROUP).exists()


def access_admin_permission() -> Permission:
    return Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")


def group_with_admin_access(name: str) -> Group:
    """Get or create the group, and make sure it opens the admin."""
    group, _ = Group.objects.get_or_create(name=name)
    group.permissions.add(access_admin_permission())
    return group


def mediators_group() -> Group:
    return group_with_admin_access(MEDIATORS_GROUP)


def editors_group_name(authority: Authority) -> str:
    return (EDITORS_GROUP_PREFIX + authority.name)[:GROUP_NAME_MAX_LENGTH]


def editor_page_permissions() -> list[Permission]:
    codenames = [get_permission_codename(action, Page._meta) for action in EDITOR_PAGE_ACTIONS]
    return list(Permission.objects.filter(content_type=get_default_page_content_type(), codename__in=codenames))


@transaction.atomic
def editors_group(authority: Authority) -> Group:
    """The authority's editors group, with page permissions on its section (created or renamed if needed).

    The group is found through its permissions on the section rather than by
    name, so renaming the authority renames the group instead of orphaning it.
    """
    section = authority.page
    group = Group.objects.filter(name__startswith=EDITORS_GROUP_PREFIX, page_permissions__page=section).first()
    if group is None:
        group = group_with_admin_access(editors_group_name(authority))
    elif group.name != editors_group_name(authority):
        group.name = editors_group_name(authority)
        group.save(update_fields=["name"])
    for permission in editor_page_permissions():
        GroupPagePermission.objects.get_or_create(group=group, page=section, permission=permission)
    return group


def managed_groups(user) -> set[Group]:
    """The groups the sync owns that the user currently belongs to."""
    return set(user.groups.filter(Q(name=MEDIATORS_GROUP) | Q(name__startswith=EDITORS_GROUP_PREFIX)))


def qualifying_groups(user) -> set[Group]:
    """The groups the user's memberships call for."""
    memberships = user.memberships.select_related("authority")
    groups = {editors_group(m.authority) for m in memberships if m.role == Role.EDITOR}
    if any(m.role in AGENT_ROLES for m in memberships):
        groups.add(mediators_group())
    return groups


@transaction.atomic
def sync_admin_groups(user) -> None:
    """Add the user to the groups their memberships call for and remove them from the others."""
    wanted = qualifying_groups(user)
    current = managed_groups(user)
    user.groups.remove(*(current - wanted))
    user.groups.add(*(wanted - current))
