"""What each export holds and who may have it, in one place for the page, the API, the worker
that builds it and the view that hands the file over.

``export_source(kind, user=…, params=…)`` asks the same gate as the page the export comes from
(a role refused: PermissionDenied; an object out of the user's sight: Http404; bad filters:
ValidationError naming the field) and answers with how to count and build the export. It is
called when the export is asked for, again by the worker (as the requester), and again at the
download, so a user who lost the right to see the data cannot fetch a file built earlier.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import QueryDict
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluation.selectors import assessments_for
from portal.selectors import enterprises_for, user_administers_enterprise, user_can_see_audit_log
from review.filters import review_queue_filter
from review.selectors import in_or_past_expert_review, review_batches
from review.views import require_province, require_reviewer

from . import export_selectors as frames
from .audit_filters import audit_log_filter, audit_log_filter_errors
from .models import ExportKind


@dataclass(frozen=True)
class ExportSource:
    """``rows()`` counts cheaply what ``frame()`` builds (None for the enterprise's archive,
    which is no table); ``filename`` has no extension."""

    filename: str
    rows: Callable[[], int | None]
    frame: Callable | None = None
    sheet: str = ""
    enterprise: object = None


def _dated(name: str) -> str:
    return f"{name}-{timezone.localdate():%Y%m%d}"


def _query(params: dict) -> QueryDict:
    return QueryDict(params.get("query", ""))


def _review_queue(user, params: dict) -> ExportSource:
    require_reviewer(user)
    title = _("申报审核")
    return ExportSource(
        filename=_dated(title),
        sheet=title,
        rows=lambda: review_queue_filter(user=user, data=_query(params)).qs.count(),
        frame=lambda: frames.review_queue_frame(user=user, data=_query(params)),
    )


def _batch_data(user, params: dict) -> ExportSource:
    require_reviewer(user)
    batch = get_object_or_404(review_batches(), pk=params.get("batch"))
    title = _("完整数据")
    return ExportSource(
        filename=f"{batch}-{title}",
        sheet=title,
        rows=lambda: assessments_for(user).filter(batch=batch).count(),
        frame=lambda: frames.batch_data_frame(user=user, batch=batch),
    )


def _province_batch(user, params: dict, *, title: str, frame) -> ExportSource:
    """A batch's table for the province's decision meeting, one row per assessment in or
    past expert review."""
    require_province(user)
    batch = get_object_or_404(review_batches(), pk=params.get("batch"))
    return ExportSource(
        filename=f"{batch}-{title}",
        sheet=title,
        rows=in_or_past_expert_review(batch).count,
        frame=lambda: frame(batch=batch),
    )


def _decisions(user, params: dict) -> ExportSource:
    return _province_batch(user, params, title=_("认定决定"), frame=frames.decisions_frame)


def _summary(user, params: dict) -> ExportSource:
    return _province_batch(user, params, title=_("批次汇总"), frame=frames.batch_summary_frame)


def _audit_log(user, params: dict) -> ExportSource:
    if not user_can_see_audit_log(user):
        raise PermissionDenied
    filters = audit_log_filter(user=user, data=_query(params))
    if not filters.is_valid():
        raise ValidationError(audit_log_filter_errors(filters))
    title = _("审计日志")
    return ExportSource(
        filename=_dated(title),
        sheet=title,
        rows=filters.qs.count,
        frame=lambda: frames.audit_log_frame(entries=filters.qs),
    )


def _enterprise(user, params: dict) -> ExportSource:
    """Another enterprise is a 404; anyone else who sees it but is not its admin gets a 403."""
    enterprise = get_object_or_404(enterprises_for(user), pk=params.get("enterprise"))
    if not user_administers_enterprise(user, enterprise):
        raise PermissionDenied(_("只有本企业的管理员可以导出企业数据。"))
    name = _("企业数据-%(name)s-%(date)s") % {
        "name": enterprise.name,
        "date": f"{timezone.localdate():%Y%m%d}",
    }
    return ExportSource(filename=name, rows=lambda: None, enterprise=enterprise)


SOURCES = {
    ExportKind.REVIEW_QUEUE: _review_queue,
    ExportKind.BATCH_DATA: _batch_data,
    ExportKind.AUDIT_LOG: _audit_log,
    ExportKind.DECISIONS: _decisions,
    ExportKind.SUMMARY: _summary,
    ExportKind.ENTERPRISE: _enterprise,
}


def export_source(kind: str, *, user, params: dict) -> ExportSource:
    return SOURCES[kind](user, params)
