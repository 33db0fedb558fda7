"""Whose figures a user reads: the authorities of the statistics, the exports and the annual report.

- An agent or a main agent reads the authorities where they are one (all of them, or one chosen);
- a platform admin reads every authority, and compares them;
- anyone else (an editor, a user without an agent membership) gets a 404, as does asking for an authority
  outside one's own: like a case of another authority, its figures do not exist for them.

Unlike the cases themselves (cases/access.py: platform admins open only the cases of their own
memberships), the statistics are pseudonymised (cases/insight/source.py): the platform's figures are
the platform admins' to read.
"""

from dataclasses import dataclass

from django.http import Http404

from authorities.models import Authority, Role
from authorities.permissions import authority_ids_as, is_platform_admin
from cases.access import agent_authorities


@dataclass(frozen=True)
class Scope:
    """The authorities whose figures are read (None: all of them) and what the reader may see of them."""

    authority_ids: list[int] | None
    choices: list[Authority]  # the authorities the reader may choose from
    platform: bool  # a platform admin: every authority, and the comparison between them
    load_authority_ids: list[int] | None  # whose load per agent is shown (None: all; empty: nobody's)

    @property
    def shows_load(self) -> bool:
        return self.load_authority_ids is None or bool(self.load_authority_ids)


def can_read_statistics(user) -> bool:
    return user.is_authenticated and (is_platform_admin(user) or bool(agent_authorities(user)))


def scope_for(user, authority_id: int | None = None) -> Scope:
    """The scope of `user`, narrowed to `authority_id` when given; a 404 for anything outside it."""
    if is_platform_admin(user):
        choices = list(Authority.objects.order_by("name"))
        if authority_id is None:
            return Scope(None, choices, platform=True, load_authority_ids=None)
        if authority_id not in {authority.pk for authority in choices}:
            raise Http404("Collectivité introuvable.")
        return Scope([authority_id], choices, platform=True, load_authority_ids=None)
    choices = agent_authorities(user)
    if not choices:
        raise Http404("Statistiques réservées aux médiateurs et aux administrateurs.")
    own = [authority.pk for authority in choices]
    if authority_id is not None:
        if authority_id not in own:
            raise Http404("Collectivité introuvable.")
        own = [authority_id]
    main = [pk for pk in authority_ids_as(user, (Role.MAIN_AGENT,)) if pk in own]
    return Scope(own, choices, platform=False, load_authority_ids=main)
