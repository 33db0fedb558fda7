"""An authority's team: who may manage it, naming the main agent, removing a member, resetting a member's
two-factor authentication (a lost phone: the member sets it up again, from their password).

Each change is written to the audit log last in its transaction (cases/audit/): a role changed (with
the former role), a member removed (with their role and how many cases became unassigned).
"""

from django.db import transaction
from django.db.models import Case as Choose
from django.db.models import Count, IntegerField, Q, Value, When
from django_otp import devices_for_user

from authorities.auth import confirmed_device_exists
from authorities.models import Authority, Membership, Role, User
from authorities.permissions import is_platform_admin
from cases import audit
from cases.mail.outbound import queue_email

RoleChanges = list[tuple[Membership, str]]  # memberships whose role changed, each with its former role


class TeamError(Exception):
    """A refused change to a team, with a message for the person who tried."""


def can_manage_team(user, authority: Authority) -> bool:
    """Platform admins manage every team; a main agent manages their authority's."""
    if not user.is_authenticated:
        return False
    if is_platform_admin(user):
        return True
    return Membership.objects.filter(user=user, authority=authority, role=Role.MAIN_AGENT).exists()


def managed_authorities(user):
    """The authorities whose team the user manages."""
    if is_platform_admin(user):
        return Authority.objects.all()
    return Authority.objects.filter(memberships__user=user, memberships__role=Role.MAIN_AGENT)


def members_with_counts(authority: Authority):
    """The authority's memberships, main agent first, each with the member's open and closed case counts there."""
    in_authority = Q(user__assigned_cases__authority=authority)
    return (
        authority.memberships.select_related("user")
        .annotate(
            open_cases=Count(
                "user__assigned_cases", filter=in_authority & Q(user__assigned_cases__closed_at__isnull=True)
            ),
            closed_cases=Count(
                "user__assigned_cases", filter=in_authority & Q(user__assigned_cases__closed_at__isnull=False)
            ),
            has_two_factor=confirmed_device_exists("user_id"),
        )
        .annotate(
            rank=Choose(
                When(role=Role.MAIN_AGENT, then=Value(0)),
                When(role=Role.AGENT, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "user__last_name", "user__first_name")
    )


@transaction.atomic
def name_main_agent(membership: Membership, *, by: User | None) -> Membership:
    """Make the member the authority's main agent; the previous one stays in the team as an agent."""
    membership, changes = promote(membership)
    record_role_changes(by, changes)
    return membership


def promote(membership: Membership) -> tuple[Membership, RoleChanges]:
    """`name_main_agent` inside the caller's transaction, without writing the audit log (the caller does,
    last): the member and the role changes it made.

    The authority row is locked so two concurrent namings run one after the
    other; the database's one-main-agent constraint holds at every step.
    """
    Authority.objects.select_for_update().get(pk=membership.authority_id)
    membership = Membership.objects.select_for_update(of=("self",)).select_related("user").get(pk=membership.pk)
    if membership.role == Role.MAIN_AGENT:
        return membership, []
    if membership.role != Role.AGENT:
        # An editor works on the public pages: opening every case to them takes an agent's invitation first.
        raise TeamError(f"{membership.user} est éditeur : seul un médiateur peut devenir médiateur principal.")
    changes = []
    for previous in (
        Membership.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(authority_id=membership.authority_id, role=Role.MAIN_AGENT)
    ):
        previous.role = Role.AGENT
        previous.save(update_fields=["role"])
        changes.append((previous, Role.MAIN_AGENT))
    membership.role = Role.MAIN_AGENT
    membership.save(update_fields=["role"])
    return membership, [*changes, (membership, Role.AGENT)]


def record_role_changes(actor, changes: RoleChanges) -> None:
    for membership, former in changes:
        detail = {"role": str(membership.role), "former_role": str(former)}
        audit.record(actor, audit.Action.ROLE_CHANGED, obj=membership, detail=detail)


@transaction.atomic
def remove_member(membership: Membership, *, removed_by: User) -> int:
    """Remove the member from the team, unassign their cases of that authority and tell them by email.

    Returns the number of cases that became unassigned. The main agent cannot be
    removed: another main agent must be named first, so a team always has one.
    """
    from cases.models import Case

    membership = Membership.objects.select_for_update().select_related("user", "authority").get(pk=membership.pk)
    if membership.role == Role.MAIN_AGENT:
        raise TeamError("Nommez d'abord un autre médiateur principal : une collectivité en a toujours un.")
    user, authority = membership.user, membership.authority
    unassigned = Case.objects.filter(authority=authority, assignee=user).update(assignee=None)
    target = audit.describe(membership)
    membership.delete()
    queue_email("access_removed", [user.email], {"user": user, "authority": authority}, sent_by=removed_by)
    detail = {"role": str(membership.role), "unassigned_cases": unassigned}
    audit.record_many(removed_by, audit.Action.MEMBER_REMOVED, [target], detail=detail)
    return unassigned


@transaction.atomic
def reset_two_factor(membership: Membership, *, by: User) -> None:
    """Delete the member's two-factor devices (authenticator and recovery codes).

    A platform admin's second factor guards every authority: only another platform admin resets it. One's
    own is turned off on one's account page, with a code.
    """
    user = membership.user
    if user.pk == by.pk:
        raise TeamError("Votre propre double authentification se gère depuis votre compte.")
    if is_platform_admin(user) and not is_platform_admin(by):
        raise TeamError(f"{user} est administrateur de la plateforme : seul un administrateur peut réinitialiser.")
    for device in devices_for_user(user, confirmed=None):
        device.delete()
    audit.record(by, audit.Action.TWO_FACTOR_RESET, obj=user, authority=membership.authority_id)
