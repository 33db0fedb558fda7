from django.apps import AppConfig


class AuthoritiesConfig(AppConfig):
    name = "authorities"
    verbose_name = "Collectivités et équipes"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from authorities import signals  # noqa: F401

        post_migrate.connect(sync_authorities_after_migrate, sender=self)


def sync_authorities_after_migrate(sender, **kwargs) -> None:
    """Bring every authority's editors group and collections up to date on each deployment's `migrate`.

    What an authority gets is built when it is saved (authorities/signals.py); authorities created before a
    change (such as the private « — interne » collection) get it here, without a data migration copying
    the tree code. Idempotent, and a few queries per authority.
    """
    from authorities.models import Authority
    from authorities.permissions import editors_group

    for authority in Authority.objects.select_related("page", "collection").filter(page__isnull=False):
        editors_group(authority)
