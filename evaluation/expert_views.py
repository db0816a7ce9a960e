"""Web pages of the experts: their assignments and the scoring page."""

from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404


expert_assignments = assignment_page = assignment_submit = assignment_conflict = _todo
