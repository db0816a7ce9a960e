"""Downloads of the review pages' lists, the public list, the audit log and a batch's full data,
as XLSX or CSV. Each follows exactly the permissions of the page it comes from."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from portal.selectors import user_can_see_audit_log
from review.selectors import published_batches, review_batches
from review.views import province_batch, require_reviewer

from . import export_selectors as frames
from . import papers
from .audit_filters import audit_log_filter, audit_log_filter_errors
from .exports import export_response


def _dated(name: str) -> str:
    return f"{name}-{timezone.localdate():%Y%m%d}"


def _of_batch(frame, *, fmt: str, batch, title: str):
    """Named after the batch, e.g. 2026年度申报-认定决定.xlsx."""
    return export_response(frame, fmt=fmt, filename=f"{batch}-{title}", sheet=title)


@require_GET
@login_required
def review_queue_export(request, fmt: str):
    """The queue with the filters of the page's query string, every page of it."""
    require_reviewer(request.user)
    frame = frames.review_queue_frame(user=request.user, data=request.GET)
    return export_response(frame, fmt=fmt, filename=_dated(_("申报审核")))


def batch_data_download(*, user, batch, fmt: str):
    """Everything about each assessment of the batch the user may see (the province all of
    them, a city reviewer its city's submissions), for the page and the API alike."""
    frame = frames.batch_data_frame(user=user, batch=batch)
    return _of_batch(frame, fmt=fmt, batch=batch, title=_("完整数据"))


@require_GET
@login_required
def batch_data_export(request, pk: int, fmt: str):
    require_reviewer(request.user)
    batch = get_object_or_404(review_batches(), pk=pk)
    return batch_data_download(user=request.user, batch=batch, fmt=fmt)


@require_GET
@login_required
def batch_decisions_export(request, pk: int, fmt: str):
    batch = province_batch(request, pk)
    frame = frames.decisions_frame(batch=batch)
    return _of_batch(frame, fmt=fmt, batch=batch, title=_("认定决定"))


@require_GET
@login_required
def batch_summary_export(request, pk: int, fmt: str):
    """The batch's summary for the province's decision meeting."""
    batch = province_batch(request, pk)
    frame = frames.batch_summary_frame(batch=batch)
    return _of_batch(frame, fmt=fmt, batch=batch, title=_("批次汇总"))


@require_GET
@login_required
def batch_summary_pdf(request, pk: int):
    batch = province_batch(request, pk)
    response = HttpResponse(papers.batch_summary_pdf(batch).content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        True, f"{batch}-{_('批次汇总')}.pdf"
    )
    return response


@require_GET
@login_required
def batch_loads_export(request, pk: int, fmt: str):
    batch = province_batch(request, pk)
    frame = frames.expert_loads_frame(batch=batch)
    return _of_batch(frame, fmt=fmt, batch=batch, title=_("专家工作量"))


@require_GET
def public_list_export(request, pk: int, fmt: str):
    """Without login, like the public page; a list not published is a 404."""
    batch = get_object_or_404(published_batches(), pk=pk)
    frame = frames.public_list_frame(batch=batch)
    return _of_batch(frame, fmt=fmt, batch=batch, title=_("公示名单"))


@require_GET
@login_required
def audit_log_export(request, fmt: str):
    """Every entry the page's filters (the same query string) select, not only its page."""
    if not user_can_see_audit_log(request.user):
        raise PermissionDenied
    filters = audit_log_filter(user=request.user, data=request.GET)
    if not filters.is_valid():
        return HttpResponseBadRequest(
            "\n".join(audit_log_filter_errors(filters)), content_type="text/plain; charset=utf-8"
        )
    frame = frames.audit_log_frame(entries=filters.qs)
    return export_response(frame, fmt=fmt, filename=_dated(_("审计日志")))
