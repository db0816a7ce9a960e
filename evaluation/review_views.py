"""Web pages of the city reviewers and the province admin: the review queue, a submission's
dossier with its actions, and the batch's settings, assignments, decisions and public list."""

from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404


review_queue = review_detail = review_recommend = review_return = _todo
review_assign = review_unassign = review_decide = _todo
batch_list = batch_settings = batch_assignments = batch_auto_assign = _todo
batch_decisions = batch_publish = _todo
