"""Invitations: the only way in (issue, look up, accept, cancel).

- The link carries a random token (`secrets.token_urlsafe`); only its SHA-256
  is stored, so the database alone never opens an account.
- An invitation is valid 7 days and used once; cancelling it closes it.
- Inviting someone who already has an account gives them the role at once
  (welcome or admin-granted email): there is nothing to sign up for.
- Accepting applies every pending invitation for the same email, whatever
  authority or role each one carries.

Emails go through the outbox (`queue_email`), after commit, exactly once per
invitation; tokens are never logged. The audit log (cases/audit/) gets, last in each transaction, the
invitation sent, the member added (by an invitation accepted or at once), the role changes that naming a
main agent made, the invitation cancelled; a platform admin added is a member added without authority.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from authorities.models import Authority, Invitation, Membership, Role, User
from authorities.permissions import grant_platform_admin, is_platform_admin
from cases import audit
from cases.mail.outbound import queue_email

PLATFORM_ADMIN = "platform_admin"  # the role an audit row names for a platform admin added or removed

INVITATION_VALIDITY = timedelta(days=7)
TOKEN_BYTES = 32


class InvitationError(Exception):
    """A refused invitation, with a message for the person who tried."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def absolute_url(path: str) -> str:
    return settings.SITE_URL + path


def signin_url() -> str:
    return absolute_url(reverse("wagtailadmin_login"))


def normalise(email: str) -> str:
    return email.strip().lower()


def pending() -> "models.QuerySet[Invitation]":  # noqa: F821
    return Invitation.objects.filter(accepted_at__isnull=True, cancelled_at__isnull=True, expires_at__gt=timezone.now())


@dataclass
class Outcome:
    """What inviting did: an invitation sent, or the role given at once to an existing account."""

    invitation: Invitation | None = None
    user: User | None = None

    @property
    def added_directly(self) -> bool:
        return self.user is not None


@transaction.atomic
def invite(*, email: str, role: str, authority: Authority | None, issued_by: User) -> Outcome:
    """Invite to a role in an authority, or as platform admin when `authority` is None."""
    email = normalise(email)
    user = User.objects.filter(email=email).first()
    if user is not None:
        return Outcome(user=add_existing_user(user, role=role, authority=authority, issued_by=issued_by))
    already = pending().filter(email=email, authority=authority)
    if already.exists():
        raise InvitationError("Une invitation est déjà en attente pour cette adresse.")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    invitation = Invitation.objects.create(
        email=email,
        authority=authority,
        role="" if authority is None else role,
        issued_by=issued_by,
        token_hash=hash_token(token),
        expires_at=timezone.now() + INVITATION_VALIDITY,
    )
    context = {
        "issuer": issued_by,
        "authority": authority,
        "role_label": invitation.role_label,
        "accept_url": absolute_url(reverse("authorities_signup_token", args=[token])),
        "expires_at": timezone.localtime(invitation.expires_at),
    }
    template = "invitation_admin" if authority is None else "invitation_member"
    queue_email(template, [email], context, sent_by=issued_by)
    audit.record(
        issued_by, audit.Action.MEMBER_INVITED, obj=invitation, detail={"role": invitation.role or PLATFORM_ADMIN}
    )
    return Outcome(invitation=invitation)


def add_existing_user(user: User, *, role: str, authority: Authority | None, issued_by: User | None) -> User:
    """Give an existing account its role at once and tell them by email."""
    if authority is None:
        if is_platform_admin(user):
            raise InvitationError("Cette personne est déjà administratrice de la plateforme.")
        grant_platform_admin(user)
        queue_email(
            "admin_granted", [user.email], {"user": user, "admin_url": absolute_url(reverse("wagtailadmin_home"))}
        )
        audit.record(issued_by, audit.Action.MEMBER_ADDED, obj=user, detail={"role": PLATFORM_ADMIN})
        return user
    if Membership.objects.filter(user=user, authority=authority).exists():
        raise InvitationError("Cette personne fait déjà partie de l'équipe de cette collectivité.")
    membership, changes = add_membership(user, authority, role)
    context = {
        "user": user,
        "authority": authority,
        "role_label": membership.get_role_display(),
        "signin_url": signin_url(),
    }
    queue_email("welcome_member", [user.email], context)
    record_member_added(issued_by, membership, changes)
    return user


def add_membership(user: User, authority: Authority, role: str) -> tuple[Membership, list]:
    """Create the membership; a main agent takes over from the current one, who stays an agent.
    Returns it with the role changes of the others (for the caller's audit rows)."""
    from authorities.team import promote

    if role == Role.MAIN_AGENT:
        membership, changes = promote(Membership.objects.create(user=user, authority=authority, role=Role.AGENT))
        return membership, [(other, former) for other, former in changes if other.pk != membership.pk]
    return Membership.objects.create(user=user, authority=authority, role=role), []


def record_member_added(actor, membership: Membership, changes: list) -> None:
    from authorities.team import record_role_changes

    record_role_changes(actor, changes)
    audit.record(actor, audit.Action.MEMBER_ADDED, obj=membership, detail={"role": str(membership.role)})


def find(token: str) -> Invitation:
    """The invitation a link points to, if it can still be used; otherwise InvitationError says why."""
    invitation = (
        Invitation.objects.select_related("authority", "issued_by").filter(token_hash=hash_token(token)).first()
    )
    if invitation is None:
        raise InvitationError("Ce lien d'invitation n'est pas valide.")
    if invitation.accepted_at is not None:
        raise InvitationError("Cette invitation a déjà été utilisée. Connectez-vous avec votre compte.")
    if invitation.cancelled_at is not None:
        raise InvitationError("Cette invitation a été annulée.")
    if invitation.expires_at <= timezone.now():
        raise InvitationError(
            "Cette invitation a expiré. Demandez à la personne qui vous a invité de vous en envoyer une nouvelle."
        )
    if User.objects.filter(email=invitation.email).exists():
        raise InvitationError("Un compte existe déjà pour cette adresse. Connectez-vous avec votre compte.")
    return invitation


@transaction.atomic
def sign_up(token: str, *, email: str, first_name: str, last_name: str, password: str) -> User:
    """Create the account from an invitation and apply every pending invitation for its email.

    The invitation row is locked, so two submissions of the same link create one account.
    """
    invitation = find(token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at or invitation.cancelled_at:
        raise InvitationError("Cette invitation a déjà été utilisée. Connectez-vous avec votre compte.")
    if normalise(email) != invitation.email:
        raise InvitationError("L'adresse électronique ne correspond pas à l'invitation.")
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email=invitation.email, password=password, first_name=first_name.strip(), last_name=last_name.strip()
            )
    except IntegrityError:
        raise InvitationError("Un compte existe déjà pour cette adresse. Connectez-vous avec votre compte.") from None
    accept_all(user)
    queue_email("signup_confirmation", [user.email], {"user": user, "signin_url": signin_url()})
    return user


def accept_all(user: User) -> list[Invitation]:
    """Apply every pending invitation for the user's email (oldest first) and mark them accepted."""
    invitations = list(
        pending()
        .select_for_update(of=("self",))
        .filter(email=user.email)
        .select_related("authority")
        .order_by("created_at")
    )
    from authorities.team import promote, record_role_changes

    now, added, changes = timezone.now(), [], []
    for invitation in invitations:
        if invitation.authority is None:
            grant_platform_admin(user)
            added.append((user, PLATFORM_ADMIN))
        else:
            membership = Membership.objects.filter(user=user, authority=invitation.authority).first()
            if membership is None:
                membership, others = add_membership(user, invitation.authority, invitation.role)
                added.append((membership, str(membership.role)))
                changes += others
            elif invitation.role == Role.MAIN_AGENT and membership.role != Role.MAIN_AGENT:
                changes += promote(membership)[1]
        invitation.accepted_at = now
        invitation.save(update_fields=["accepted_at"])
    # Last, once every lock is taken: the new member acts, through the invitations they accept.
    record_role_changes(user, changes)
    for target, role in added:
        audit.record(user, audit.Action.MEMBER_ADDED, obj=target, detail={"role": role})
    return invitations


@transaction.atomic
def cancel(invitation: Invitation, *, by: User) -> bool:
    """Cancel a pending invitation; False if it was already used or cancelled."""
    cancelled = Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True, cancelled_at__isnull=True).update(
        cancelled_at=timezone.now()
    )
    if cancelled:
        audit.record(by, audit.Action.INVITATION_CANCELLED, obj=invitation)
    return bool(cancelled)


def can_invite(user: User, role: str, authority: Authority | None) -> bool:
    """Platform admins invite admins and every role; main agents invite agents and editors of their authority."""
    if is_platform_admin(user):
        return True
    if authority is None or role not in (Role.AGENT, Role.EDITOR):
        return False
    return Membership.objects.filter(user=user, authority=authority, role=Role.MAIN_AGENT).exists()
