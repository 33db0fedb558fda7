from django.apps import AppConfig


class RepliesConfig(AppConfig):
    """Reply templates are an app of their own (label `replies`) inside the cases package, their migrations apart."""

    name = "cases.replies"
    label = "replies"
    verbose_name = "Modèles de réponse"
    default_auto_field = "django.db.models.BigAutoField"
