from django.apps import AppConfig


class InsightConfig(AppConfig):
    """Statistics, exports and reports are an app of their own (label `insight`) inside the cases package: their
    jobs' tables and migrations stay apart from the cases app's, as the audit log's and referrals' do."""

    name = "cases.insight"
    label = "insight"
    verbose_name = "Statistiques et exports"
    default_auto_field = "django.db.models.BigAutoField"
