"""Saved views of the case index: a name for a list's filters and sort (cases/workspace/saved_views.py)."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class SavedView(models.Model):
    """A list of the index under a name, shown as a tab: an agent's own (`owner` set) or, saved by a main
    agent, shared with every agent of `authority` (`owner` empty). `query` is the list's canonical query
    string (`ListState.query_string`), never a page number."""

    name = models.CharField("nom", max_length=60)
    query = models.CharField("filtres et tri", max_length=1000, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="saved_case_views"
    )
    authority = models.ForeignKey(
        "authorities.Authority", null=True, blank=True, on_delete=models.CASCADE, related_name="saved_case_views"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "vue enregistrée"
        verbose_name_plural = "vues enregistrées"
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner__isnull=False) | Q(authority__isnull=False), name="saved_view_owner_or_authority"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def shared(self) -> bool:
        return self.owner_id is None
