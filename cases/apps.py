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

        # Tasks living next to their service (huey only discovers an app's own top-level `tasks` module).
        from cases.mail import tasks as mail_tasks  # noqa: F401
        from cases.privacy import tasks as privacy_tasks  # noqa: F401
