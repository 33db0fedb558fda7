from django.apps import AppConfig


class NotifyConfig(AppConfig):
    """Notifications are an app of their own (label `notify`) inside the cases package, their migrations apart."""

    name = "cases.notify"
    label = "notify"
    verbose_name = "Notifications des médiateurs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from cases.notify import tasks  # noqa: F401 (registers the tasks with huey)
