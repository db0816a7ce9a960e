"""``{% submission_window assessment as window %}``: its (re)submission deadline, whether it
has passed and, when it is closed, why, and the days left; the header (the overview and each
tab of the editor), the enterprise's home page and the submit page show it."""

from django import template

from evaluation import submission_window as window
from evaluation.models import State

register = template.Library()


@register.simple_tag
def submission_window(assessment) -> dict:
    refusal = window.submission_refusal(assessment)
    return {
        "due": window.submission_due(assessment),
        "resubmission": assessment.state == State.RETURNED and bool(assessment.resubmit_by),
        "open": refusal is None,
        "refusal": refusal,
        "overdue": window.submission_overdue(assessment),
        "days_left": window.days_left(assessment),
    }


@register.filter
def days_until(due) -> int | None:
    """``{{ batch.closes_at|days_until }}``: the countdown to a batch's closing."""
    return window.days_until(due)
