"""The citizen's consent to a referral, asked on their case page (issue 16).

An agent who proposes a referral with the consent « par son suivi en ligne » (cases/referral/) leaves the
question to the citizen: their page asks it, and their email says so. Agreed, the receiving authority may
accept (`require_consent`, called by the referral service before it does); refused, the proposal is
withdrawn at once, on the timeline, and the case stays where it is.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from cases.citizen.models import ReferralAnswer
from cases.mail.outbound import queue_email
from cases.models import Case, CaseEvent
from cases.referral.models import Consent, Referral, State
from cases.workflow import locked, record

AWAITING = (
    "Le requérant n'a pas encore accepté la transmission sur son suivi en ligne : elle ne peut pas être acceptée."
)


def question(case: Case) -> Referral | None:
    """The proposal waiting for this citizen's answer, if one does."""
    return (
        Referral.objects.filter(case=case, status=State.PROPOSED, consent=Consent.PAGE, citizen_answer__isnull=True)
        .select_related("to_authority")
        .first()
    )


def ask(referral: Referral) -> None:
    """Email the citizen that a question waits on their page (its « Suivre mon dossier » link opens it)."""
    citizen = referral.case.citizen
    if referral.consent == Consent.PAGE and citizen.email:
        context = {"case": referral.case, "citizen": citizen, "to_authority": referral.to_authority}
        queue_email("referral_consent_request", [citizen.email], context, case=referral.case)


def require_consent(referral: Referral) -> None:
    if referral.consent != Consent.PAGE:
        return
    if not ReferralAnswer.objects.filter(referral=referral, agreed=True).exists():
        raise ValidationError(AWAITING)


@transaction.atomic
def answer(case: Case, referral: Referral, agreed: bool) -> None:
    case = locked(case)
    referral = Referral.objects.select_for_update().get(pk=referral.pk, case=case, status=State.PROPOSED)
    if ReferralAnswer.objects.filter(referral=referral).exists():
        raise ValidationError("Vous avez déjà répondu à cette proposition.")
    ReferralAnswer.objects.create(referral=referral, agreed=agreed)
    verdict = "accepte" if agreed else "refuse"
    detail = f"Le requérant {verdict} la transmission à {referral.to_authority.name}"
    record(case, CaseEvent.Kind.CITIZEN_REFERRAL_ANSWER, None, detail=detail)
    if not agreed:
        from cases.referral.service import close_referral

        close_referral(referral, None, State.WITHDRAWN, "Le requérant a refusé la transmission.")
        record(
            case,
            CaseEvent.Kind.REFERRAL_WITHDRAWN,
            None,
            detail=f"À {referral.to_authority.name}, refusée par le requérant",
        )
