from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Dossiers"

    def ready(self) -> None:
        from cases.mail.signals import connect

        connect()
