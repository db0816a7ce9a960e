"""Reopening a decision (an objection upheld during the 公示 period): the decision is withdrawn
and the province decides again."""

from django.db import transaction
from django.utils.translation import gettext as _

from evaluation.models import Assessment, State
from portal.audit import audit_diff, audit_values

from ..models import Decision
from .common import lock_in_state, log, require_province_admin

REOPENABLE = (State.APPROVED, State.REJECTED)


@transaction.atomic
def decision_reopen(*, assessment: Assessment, actor, reason: str, data=None) -> Assessment:
    """Withdraw the province's decision on ``assessment``: the decision row goes (its outcome,
    tier, reason, who and when kept in the audit entry), and the assessment returns to expert review with its
    reviews as they were, where the province decides again. It is no longer on the public
    list. ``data`` adds to the audit entry (what caused it)."""
    require_province_admin(actor)
    assessment = lock_in_state(assessment, REOPENABLE, _("撤回认定决定"))
    decision = Decision.objects.filter(assessment=assessment).first()
    withdrawn = {}
    if decision is not None:
        # the entry is on the enterprise's own log and export: not the score figures the
        # decision was taken on (the applicant never sees scores) nor its flags and
        # justification; the reviews they came from stay with the assessment
        withdrawn = {
            k: v
            for k, v in audit_values(decision).items()
            if k not in Decision.PROVINCE_ONLY_FIELDS
        }
        decision.delete()
    assessment.state = State.UNDER_REVIEW
    assessment.decided_tier = ""
    assessment.decided_at = None
    assessment.save(update_fields=["state", "decided_tier", "decided_at", "updated_at"])
    log(
        actor,
        "review.reopen",
        assessment,
        reason,
        {
            "model": "review.decision",
            "changed": audit_diff(withdrawn, None),  # the log page shows it
            "withdrawn_decision": withdrawn,
            **(data or {}),
        },
    )
    return assessment
