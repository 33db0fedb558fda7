"""Keep the public page tree in step with authorities."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from authorities.models import Authority


@receiver(post_save, sender=Authority, dispatch_uid="create_authority_section")
def create_authority_section(sender, instance: Authority, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        from pages.tree import build_authority_section

        build_authority_section(instance)
