"""Downloads of the review pages' lists, the public list, the audit log and a batch's full data,
as XLSX or CSV. Each follows exactly the permissions of the page it comes from.

The review queue, the audit log, a batch's full data, decisions and summary grow with the
province: one of more
than ``EXPORT_INLINE_MAX_ROWS`` rows is not written within the request. Its link then opens a
page that offers to have it built by a worker (a POST to the same address), which shows its
progress and a download link when it is ready (``export_job_views``)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from review.selectors import published_batches
from review.views import province_batch

from . import export_selectors as frames
from . import papers
from .export_job_views import export_job_started
from .export_jobs import export_is_inline
from .export_sources import export_source
from .exports import export_response
from .models import ExportKind


def table_export(request, *, kind: str, params: dict, fmt: str):
    """Written now when small; otherwise offered to (GET) or queued for (POST) a worker."""
    try:
        source = export_source(kind, user=request.user, params=params)
    except ValidationError as exc:
        return HttpResponseBadRequest(
            "\n".join(exc.messages), content_type="text/plain; charset=utf-8"
        )
    if request.method == "POST":
        return export_job_started(request, kind=kind, params=params, fmt=fmt)
    if not export_is_inline(source):
        context = {
            "title": source.sheet,
            "fmt": fmt,
            "rows": source.rows(),
            "limit": settings.EXPORT_INLINE_MAX_ROWS,
        }
        return render(request, "reports/export_offer.html", context)
    return export_response(source.frame(), fmt=fmt, filename=source.filename, sheet=source.sheet)


def _of_batch(frame, *, fmt: str, batch, title: str):
    """Named after the batch, e.g. 2026年度申报-认定决定.xlsx."""
    return export_response(frame, fmt=fmt, filename=f"{batch}-{title}", sheet=title)


@require_http_methods(["GET", "POST"])
@login_required
def review_queue_export(request, fmt: str):
    """The queue with the filters of the page's query string, every page of it."""
    params = {"query": request.GET.urlencode()}
    return table_export(request, kind=ExportKind.REVIEW_QUEUE, params=params, fmt=fmt)


@require_http_methods(["GET", "POST"])
@login_required
def batch_data_export(request, pk: int, fmt: str):
    """Everything about each assessment of the batch the user may see (the province all of
    them, a city reviewer its city's submissions)."""
    return table_export(request, kind=ExportKind.BATCH_DATA, params={"batch": pk}, fmt=fmt)


@require_http_methods(["GET", "POST"])
@login_required
def batch_decisions_export(request, pk: int, fmt: str):
    return table_export(request, kind=ExportKind.DECISIONS, params={"batch": pk}, fmt=fmt)


@require_http_methods(["GET", "POST"])
@login_required
def batch_summary_export(request, pk: int, fmt: str):
    """The batch's summary for the province's decision meeting."""
    return table_export(request, kind=ExportKind.SUMMARY, params={"batch": pk}, fmt=fmt)


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


@require_http_methods(["GET", "POST"])
@login_required
def audit_log_export(request, fmt: str):
    """Every entry the page's filters (the same query string) select, not only its page."""
    params = {"query": request.GET.urlencode()}
    return table_export(request, kind=ExportKind.AUDIT_LOG, params=params, fmt=fmt)
