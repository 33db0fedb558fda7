from django.apps import AppConfig


class ReferralConfig(AppConfig):
    """Referrals are an app of their own (label `referral`) inside the cases package: their table and
    migrations stay apart from the cases app's, as the audit log's do."""

    name = "cases.referral"
    label = "referral"
    verbose_name = "Transmissions de dossiers"
    default_auto_field = "django.db.models.BigAutoField"
