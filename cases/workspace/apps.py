from django.apps import AppConfig


class WorkspaceConfig(AppConfig):
    """The agents' workspace lists are an app of their own (label `workspace`) inside the cases package, so
    their saved views' table and migrations stay apart from the cases app's, as the audit log's do."""

    name = "cases.workspace"
    label = "workspace"
    verbose_name = "Espace de travail des médiateurs"
    default_auto_field = "django.db.models.BigAutoField"
