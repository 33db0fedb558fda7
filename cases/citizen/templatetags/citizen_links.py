from django import template

from cases.citizen.links import follow_placeholder

register = template.Library()


@register.simple_tag
def follow_url(case) -> str:
    """The neutral « Suivre mon dossier » link the email is written with (cases/citizen/links.py)."""
    return follow_placeholder(case.number)
