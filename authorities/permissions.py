"""Who may enter Wagtail's admin, derived from memberships.

Wagtail lets in only users holding `wagtailadmin.access_admin`, and page
permissions are granted to groups. Rather than asking anyone to manage
groups by hand, the groups below follow memberships (authorities/signals.py):

- « Médiateurs »: everyone with an agent or main agent membership somewhere;
  what they see inside is scoped by cases/access.py, not by the group.
- « Éditeurs — <collectivité> »: one per authority, with page permissions on
  that authority's section only, and image and document permissions on the
  authority's own collection, so editors never touch another section or file.

Documents: the authority's collection holds the files of its public pages, which
citizens download (/documents/<id>/<file>); its child « <collectivité> — interne »
is private (a Wagtail collection view restriction: its editors and the platform
admins only), for the files that are not meant to be published. Images have no
private place: they are only ever shown on public pages.

Platform admins are superusers, or members of the « Administrateurs de la
plateforme » group. Membership of that group is given by an accepted admin
invitation and taken back by a revocation (authorities/invitations.py), never
by the membership sync; the group itself opens the admin, the platform pages
(the home page and the pages under it), every collection and the platform lists.
"""

from django.contrib.auth import get_permission_codename
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
)
from wagtail.models.content_types import get_default_page_content_type

from authorities.models import AGENT_ROLES, Authority, Membership, Role

MEDIATORS_GROUP = "Médiateurs"
EDITORS_GROUP_PREFIX = "Éditeurs — "
PLATFORM_ADMINS_GROUP = "Administrateurs de la plateforme"
PRIVATE_COLLECTION_SUFFIX = " — interne"

# Enough to write and publish pages; deleting or moving a section stays with platform admins.
EDITOR_PAGE_ACTIONS = ("add", "change", "publish", "lock", "unlock")
GROUP_NAME_MAX_LENGTH = Group._meta.get_field("name").max_length
# Images and documents of the authority's collection: upload, edit and pick them in the page editor.
EDITOR_COLLECTION_PERMISSIONS = (
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
)
PLATFORM_ADMIN_PAGE_ACTIONS = ("add", "change", "publish", "lock", "unlock", "delete", "bulk_delete")
PLATFORM_ADMIN_COLLECTION_PERMISSIONS = (
    *EDITOR_COLLECTION_PERMISSIONS,
    ("wagtailimages", "delete_image"),
    ("wagtaildocs", "delete_document"),
)
# The platform-level lists of the case workspace.
PLATFORM_ADMIN_MODEL_PERMISSIONS = (
    ("cases", "add_domain"),
    ("cases", "change_domain"),
    ("cases", "delete_domain"),
    ("cases", "add_competentthirdparty"),
    ("cases", "change_competentthirdparty"),
    ("cases", "delete_competentthirdparty"),
)


def is_platform_admin(user) -> bool:
    """Superuser or member of the platform admins group, asked of the database once per user object.

    Like Django's permission cache, the answer lives on the user object, which the
    authentication middleware loads afresh for each request: the admin's menu, its
    middleware and its views ask the same question many times per page.
    """
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if not hasattr(user, "_is_platform_admin"):
        user._is_platform_admin = user.groups.filter(name=PLATFORM_ADMINS_GROUP).exists()
    return user._is_platform_admin


def memberships_of(user) -> list[Membership]:
    """The user's memberships with their authorities (by authority name), one query per user object.

    Who is an agent, a main agent or an editor where is asked by the menu items, the
    permission policies and the case views of every admin page; they all read this list.
    """
    if not user.is_authenticated:
        return []
    if not hasattr(user, "_memberships"):
        user._memberships = list(
            Membership.objects.filter(user=user).select_related("authority").order_by("authority__name", "pk")
        )
    return user._memberships


def authority_ids_as(user, roles) -> list[int]:
    """The authorities where the user holds one of `roles`, by authority name."""
    return [membership.authority_id for membership in memberships_of(user) if membership.role in roles]


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


def page_permissions(actions) -> list[Permission]:
    codenames = [get_permission_codename(action, Page._meta) for action in actions]
    return list(Permission.objects.filter(content_type=get_default_page_content_type(), codename__in=codenames))


def editor_page_permissions() -> list[Permission]:
    return page_permissions(EDITOR_PAGE_ACTIONS)


def permissions_named(pairs) -> list[Permission]:
    query = Q(pk__in=[])
    for app_label, codename in pairs:
        query |= Q(content_type__app_label=app_label, codename=codename)
    return list(Permission.objects.filter(query))


@transaction.atomic
def authority_collection(authority: Authority) -> Collection:
    """The authority's own collection of images and documents, created under the root collection if missing."""
    if authority.collection_id is None:
        root = Collection.get_first_root_node()
        collection = root.add_child(instance=Collection(name=authority.name))
        authority.collection = collection
        type(authority).objects.filter(pk=authority.pk).update(collection=collection)
    elif authority.collection.name != authority.name:
        authority.collection.name = authority.name
        authority.collection.save(update_fields=["name"])
    return authority.collection


@transaction.atomic
def private_collection(authority: Authority, readers: list[Group]) -> Collection:
    """The authority's private documents: a child of its collection that only `readers` (and superusers) download.

    Found as the child carrying a view restriction, so renaming the authority renames it. The parent is read
    again: collections are kept sorted by name, so adding another authority's moves this one in the tree.
    """
    parent = Collection.objects.get(pk=authority_collection(authority).pk)
    name = (authority.name + PRIVATE_COLLECTION_SUFFIX)[: Collection._meta.get_field("name").max_length]
    collection = parent.get_children().filter(view_restrictions__isnull=False).first()
    if collection is None:
        collection = parent.add_child(instance=Collection(name=name))
    elif collection.name != name:
        collection.name = name
        collection.save(update_fields=["name"])
    restriction, _ = CollectionViewRestriction.objects.get_or_create(
        collection=collection, defaults={"restriction_type": CollectionViewRestriction.GROUPS}
    )
    restriction.groups.set(readers)
    return collection


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
    collection = authority_collection(authority)
    for permission in permissions_named(EDITOR_COLLECTION_PERMISSIONS):
        GroupCollectionPermission.objects.get_or_create(group=group, collection=collection, permission=permission)
    private_collection(authority, readers=[group, group_with_admin_access(PLATFORM_ADMINS_GROUP)])
    return group


@transaction.atomic
def platform_admins_group() -> Group:
    """The platform admins group with its permissions (created if missing; safe to call again)."""
    from pages.tree import ensure_site

    group = group_with_admin_access(PLATFORM_ADMINS_GROUP)
    home = ensure_site()
    for permission in page_permissions(PLATFORM_ADMIN_PAGE_ACTIONS):
        GroupPagePermission.objects.get_or_create(group=group, page=home, permission=permission)
    root = Collection.get_first_root_node()
    for permission in permissions_named(PLATFORM_ADMIN_COLLECTION_PERMISSIONS):
        GroupCollectionPermission.objects.get_or_create(group=group, collection=root, permission=permission)
    group.permissions.add(*permissions_named(PLATFORM_ADMIN_MODEL_PERMISSIONS))
    return group


def platform_admins():
    """Every platform admin: superusers and members of the platform admins group."""
    from authorities.models import User

    return User.objects.filter(Q(is_superuser=True) | Q(groups__name=PLATFORM_ADMINS_GROUP), is_active=True).distinct()


def grant_platform_admin(user) -> None:
    user.groups.add(platform_admins_group())


def revoke_platform_admin(user) -> None:
    user.groups.remove(*Group.objects.filter(name=PLATFORM_ADMINS_GROUP))


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
