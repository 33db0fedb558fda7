"""Exports and annual reports, built in the background (`Job`, its file in `FilePart` rows), and the public
`StatisticsPage`.

A job is its own record (who asked, when, for which scope and criteria, how many rows): the row stays
when its file is deleted, 7 days after it was ready (`FILE_DAYS`, the nightly clean-up of
cases/privacy/cleanup.py). The file lives in the database, as case documents do (web and worker
processes share no disk on a buildpack platform), cut in parts of `PART_BYTES`, so that neither writing
nor downloading ever holds a whole file in memory.
"""

import datetime

from django.conf import settings
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from cases.insight import public
from pages.blocks import RICH_TEXT_FEATURES
from pages.models import AuthorityPage, PublicPage

FILE_DAYS = 7
PART_BYTES = 1024 * 1024


class Kind(models.TextChoices):
    XLSX = "xlsx", _("Export Excel (.xlsx)")
    CSV = "csv", _("Export CSV (.csv)")
    REPORT = "report", _("Rapport annuel d'activité (PDF)")


class State(models.TextChoices):
    QUEUED = "queued", _("En attente")
    RUNNING = "running", _("En cours")
    READY = "ready", _("Prêt")
    FAILED = "failed", _("Échec")
    DELETED = "deleted", _("Fichier supprimé")


CONTENT_TYPES = {
    Kind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    Kind.CSV: "text/csv; charset=utf-8",
    Kind.REPORT: "application/pdf",
}


class Job(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("demandé par"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    state = models.CharField(_("état"), max_length=10, choices=State.choices, default=State.QUEUED)
    # The scope when it was asked (re-checked when it runs): the authorities, or none for every authority.
    authority_ids = models.JSONField(_("collectivités"), default=list, blank=True)
    every_authority = models.BooleanField(_("toutes les collectivités"), default=False)
    # The period and the index's filters, or the case numbers of a selection (`numbers`).
    criteria = models.JSONField(_("critères"), default=dict, blank=True)
    label = models.CharField(_("périmètre"), max_length=500)
    total = models.PositiveIntegerField(_("lignes à écrire"), default=0)
    done = models.PositiveIntegerField(_("lignes écrites"), default=0)
    file_name = models.CharField(_("nom du fichier"), max_length=200, blank=True)
    file_size = models.PositiveBigIntegerField(_("taille"), default=0)
    error = models.TextField(_("erreur"), blank=True)
    # The annual report's authority, year and introduction.
    authority = models.ForeignKey(
        "authorities.Authority", verbose_name=_("collectivité"), null=True, blank=True, on_delete=models.CASCADE
    )
    year = models.PositiveSmallIntegerField(_("année"), null=True, blank=True)
    introduction = models.TextField(_("introduction"), blank=True)
    created_at = models.DateTimeField(_("demandé le"), auto_now_add=True)
    started_at = models.DateTimeField(_("commencé le"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    file_deleted_at = models.DateTimeField(_("fichier supprimé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "created_at"]),
            models.Index(fields=["state", "finished_at"]),
            models.Index(fields=["authority", "year"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} n°{self.pk}"

    @property
    def percent(self) -> int:
        if self.state in (State.READY, State.DELETED):
            return 100
        return min(99, self.done * 100 // self.total) if self.total else 0

    @property
    def is_ready(self) -> bool:
        return self.state == State.READY

    @property
    def is_pending(self) -> bool:
        return self.state in (State.QUEUED, State.RUNNING)

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]

    @property
    def expires_at(self) -> datetime.datetime | None:
        return self.finished_at + datetime.timedelta(days=FILE_DAYS) if self.is_ready and self.finished_at else None


class FilePart(models.Model):
    """A part of a job's file, in order (`index`), at most `PART_BYTES` long."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="parts")
    index = models.PositiveIntegerField()
    data = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["job", "index"], name="one_file_part_per_index")]

    def __str__(self) -> str:
        return f"Partie {self.index} de {self.job_id}"


class StatisticsPage(RoutablePageMixin, PublicPage):
    """Open data: an authority's yearly figures (under its section) or the platform's (under the home page).

    Editors add it under their authority's section, platform admins one at platform level; its title and
    introduction are theirs to write, its figures are computed (cases/insight/public.py), suppressed under
    5 cases, with the same charts as the agents' page and a CSV under Licence Ouverte 2.0 (`donnees/`).
    """

    introduction = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction")]

    parent_page_types = ["pages.HomePage", "pages.AuthorityPage"]
    subpage_types = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("page de statistiques")

    @cached_property
    def authority(self):
        """The section's authority, or None at platform level."""
        section = AuthorityPage.objects.ancestor_of(self).select_related("authority").first()
        return section.authority if section else None

    def year_of(self, request: HttpRequest) -> int:
        years = public.years_offered()
        asked = request.GET.get("annee", "")
        return int(asked) if asked.isdigit() and int(asked) in years else years[1]

    @path("", name="figures")
    def figures_view(self, request: HttpRequest) -> HttpResponse:
        year = self.year_of(request)
        context = {
            "published": public.figures_of_year(self.authority, year),
            "years": public.years_offered(),
            "year": year,
            "csv_url": f"{self.get_url(request)}{self.reverse_subpage('figures_csv')}?annee={year}",
            "licence_url": public.LICENCE_URL,
            "licence_name": public.LICENCE_NAME,
        }
        return self.render(request, context_overrides=context)

    @path("donnees/", name="figures_csv")
    def figures_csv(self, request: HttpRequest) -> HttpResponse:
        year = self.year_of(request)
        published = public.figures_of_year(self.authority, year)
        response = HttpResponse(public.as_csv(published), content_type="text/csv; charset=utf-8")
        slug = self.authority.slug if self.authority else "plateforme"
        response["Content-Disposition"] = f'attachment; filename="statistiques-{slug}-{year}.csv"'
        response["Link"] = f'<{public.LICENCE_URL}>; rel="license"'
        return response
