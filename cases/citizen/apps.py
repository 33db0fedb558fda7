from django.apps import AppConfig


class CitizenConfig(AppConfig):
    """The citizen's case page is an app of its own (label `citizen`) inside the cases package: its tables
    and migrations stay apart from the cases app's, as the referrals' and the audit log's do."""

    name = "cases.citizen"
    label = "citizen"
    verbose_name = "Suivi en ligne des requérants"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cases.citizen import tasks  # noqa: F401  (huey discovers only an app's top-level `tasks`)
