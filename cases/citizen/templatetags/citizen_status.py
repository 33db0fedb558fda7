from django import template

from cases.citizen import status

register = template.Library()


@register.simple_tag
def outcome_sentence(case) -> str:
    """What the case's outcome means for the citizen, in plain words (cases/citizen/status.py)."""
    return status.outcome_sentence(case)
