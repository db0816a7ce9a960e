"""Until when an application may be submitted: the batch's submission deadline, or after a
return its own resubmission deadline when that is later. The submit service, the pages and the
API all ask here."""

from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import EDITABLE_STATES, Assessment, State


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
