from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "pages"
    verbose_name = "Pages publiques"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(ensure_site_after_migrate, sender=self)


def ensure_site_after_migrate(sender, **kwargs) -> None:
    from pages.tree import ensure_site

    ensure_site()
