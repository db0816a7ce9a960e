"""Public pages without login: the published lists of approved enterprises (公示名单)."""

from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404


public_lists = public_list = _todo
