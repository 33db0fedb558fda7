from django.apps import AppConfig


class DraftsConfig(AppConfig):
    """Drafts are an app of their own (label `drafts`) inside the cases package, their migrations apart."""

    name = "cases.drafts"
    label = "drafts"
    verbose_name = "Brouillons"
    default_auto_field = "django.db.models.BigAutoField"
