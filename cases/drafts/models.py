from django.conf import settings
from django.db import models


class Draft(models.Model):
    class Kind(models.TextChoices):
        REPLY = "reponse", "Réponse"
        NOTE = "note", "Note"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    fields = models.JSONField(default=dict, help_text="The composer's values; rich text as sanitised HTML.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "case", "kind"], name="one_draft_per_composer")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.case_id} ({self.user_id})"
