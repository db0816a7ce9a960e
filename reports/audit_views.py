"""The audit log's page: the entries the user may see, filtered by actor, action, enterprise,
batch and dates (the same filters as its export, ``audit_log_filter``), newest first."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from portal.selectors import user_can_see_audit_log

from .audit_filters import audit_log_filter

PAGE_SIZE = 50


@login_required
def audit_log(request):
    if not user_can_see_audit_log(request.user):
        raise PermissionDenied
    filters = audit_log_filter(user=request.user, data=request.GET)
    for field in filters.form.fields.values():
        if hasattr(field, "empty_label"):
            field.empty_label = _("全部")
            field.widget.choices = list(field.choices)
    page = Paginator(filters.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/audit_log.html", {"filter": filters, "page": page})
