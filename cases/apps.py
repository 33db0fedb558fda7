from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Dossiers"

    def ready(self) -> None:
        from cases.checks import require_webhook_secret

        require_webhook_secret()  # here, not as a system check: gunicorn runs none

        from cases.mail.signals import connect

        connect()

        # Keep the cases' search index fresh when citizens, notes or messages change.
        from cases import search  # noqa: F401

        # Periodic tasks living next to their service (huey only discovers the app's own `tasks` module).
        from cases.privacy import tasks  # noqa: F401
