"""Keep the public page tree and the admin groups in step with authorities and memberships."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from authorities.models import Authority, Membership
from authorities.permissions import editors_group, sync_admin_groups


@receiver(post_save, sender=Authority, dispatch_uid="create_authority_section")
def create_authority_section(sender, instance: Authority, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        from pages.tree import build_authority_section

        build_authority_section(instance)


@receiver(post_save, sender=Authority, dispatch_uid="sync_authority_editors_group")
def sync_authority_editors_group(sender, instance: Authority, raw: bool = False, **kwargs) -> None:
    """Registered after `create_authority_section`, so the section exists to grant permissions on."""
    if not raw:
        editors_group(instance)


@receiver(post_save, sender=Membership, dispatch_uid="sync_groups_on_membership_save")
@receiver(post_delete, sender=Membership, dispatch_uid="sync_groups_on_membership_delete")
def sync_groups_of_member(sender, instance: Membership, raw: bool = False, **kwargs) -> None:
    if not raw:
        sync_admin_groups(instance.user)
