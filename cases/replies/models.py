from django.db import models
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from cases.mail.sanitize import sanitize_html
from cases.workflow import person

PLACEHOLDERS = {
    "{requerant}": "le nom du requérant",
    "{numero}": "le numéro du dossier",
    "{collectivite}": "le nom de la collectivité",
    "{mediateur}": "votre nom",
}


class ReplyTemplate(models.Model):
    authority = models.ForeignKey("authorities.Authority", on_delete=models.CASCADE, related_name="reply_templates")
    title = models.CharField(_("titre"), max_length=120)
    body = models.TextField(_("texte"), help_text="Sanitised HTML.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("modèle de réponse")
        verbose_name_plural = _("modèles de réponse")

    def __str__(self) -> str:
        return self.title

    def render(self, case, agent) -> str:
        """The body for this case, its placeholders replaced by escaped values (the body is sanitised HTML)."""
        values = {
            "{requerant}": f"{case.citizen.title} {case.citizen.full_name}".strip(),
            "{numero}": str(case.number),
            "{collectivite}": case.authority.name,
            "{mediateur}": person(agent),
        }
        html = sanitize_html(self.body)
        for placeholder, value in values.items():
            html = html.replace(placeholder, escape(value))
        return html
