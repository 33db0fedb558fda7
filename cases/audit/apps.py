from django.apps import AppConfig


class AuditConfig(AppConfig):
    """The audit log is a Django app of its own (label `audit`) inside the cases package: its table, migrations,
    command and nightly task live together, and its migrations never interleave with the cases app's."""

    name = "cases.audit"
    label = "audit"
    verbose_name = "Journal d'audit"
    default_auto_field = "django.db.models.BigAutoField"
