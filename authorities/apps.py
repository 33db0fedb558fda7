from django.apps import AppConfig


class AuthoritiesConfig(AppConfig):
    name = "authorities"
    verbose_name = "Collectivités et équipes"

    def ready(self) -> None:
        from authorities import signals  # noqa: F401
