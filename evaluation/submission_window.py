"""Until when an application may be submitted: the batch's submission deadline, or after a
return its own resubmission deadline when that is later; and until when a submission may be
withdrawn (before any reviewer acted on it). The services, the pages and the API all ask
here."""

from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import EDITABLE_STATES, Assessment, State
from .review_hooks import review_started


def when(value: datetime) -> str:
    return date_format(timezone.localtime(value), "Y-m-d H:i")


def submission_due(assessment: Assessment) -> datetime:
    """The deadline of its (re)submission: a returned application's ``resubmit_by`` when later
    than the batch's closing, else the batch's closing."""
    due = assessment.batch.closes_at
    if (
        assessment.state == State.RETURNED
        and assessment.resubmit_by
        and assessment.resubmit_by > due
    ):
        return assessment.resubmit_by
    return due


def submission_refusal(assessment: Assessment) -> str | None:
    """Why it cannot be submitted now for want of time, or None while the window is open."""
    now = timezone.now()
    if now < assessment.batch.opens_at:
        return _("申报批次尚未开始，不能提交。")
    due = submission_due(assessment)
    if now < due:
        return None
    if due == assessment.resubmit_by:
        return _("退回后的重新提交期限已截止（%(due)s），不能再提交。") % {"due": when(due)}
    return _("申报批次已截止（%(due)s），不能提交。") % {"due": when(due)}


def submission_open(assessment: Assessment) -> bool:
    return submission_refusal(assessment) is None


def submission_overdue(assessment: Assessment) -> bool:
    """Still to be (re)submitted, and its deadline passed."""
    return assessment.state in EDITABLE_STATES and timezone.now() >= submission_due(assessment)


def days_until(due: datetime) -> int | None:
    """Whole calendar days until ``due`` (0 on its day), None once it has passed."""
    if timezone.now() >= due:
        return None
    return (timezone.localdate(due) - timezone.localdate()).days


def days_left(assessment: Assessment) -> int | None:
    """Whole days until its (re)submission deadline while it is still to be submitted (0 on
    the last day), None otherwise or once passed."""
    if assessment.state not in EDITABLE_STATES:
        return None
    return days_until(submission_due(assessment))


def withdrawable(assessment: Assessment) -> bool:
    """Submitted and no reviewer has acted on it yet: its district (in a batch with the
    district step), its city, or the province's formal check for a direct applicant."""
    return assessment.state == State.SUBMITTED and not review_started(assessment)


def can_withdraw(actor, assessment: Assessment) -> bool:
    """The enterprise's administrator withdraws its own submission while ``withdrawable``."""
    return (
        actor.is_enterprise_admin
        and actor.enterprise_id == assessment.enterprise_id
        and withdrawable(assessment)
    )
