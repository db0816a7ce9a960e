"""Writes of the reports app: requesting an application report and rendering it.

``report_request`` is what the page, the API and anything else call; it reuses a rendered
file whose cache key still matches, and otherwise queues ``report_render`` for a worker.
"""

import logging
import re
import time
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from evaluation.models import Assessment
from portal.exceptions import StateConflict
from portal.task_queue import task_publish_on_commit

from .application import (
    ApplicationReport,
    NotEvaluatedYet,
    ReportSource,
    application_report,
    report_source,
)
from .models import Report, ReportStatus
from .pdf import RenderedPdf, html_to_pdf
from .selectors import stale_report_requests

logger = logging.getLogger(__name__)


def page_counter_css() -> str:
    """The footer's "第 x 页 / 共 y 页" as a CSS ``content`` value, in the active language."""
    label = _("第 {page} 页 / 共 {pages} 页")
    tokens = []
    for part in re.split(r"(\{pages?\})", label):
        if part in ("{page}", "{pages}"):
            tokens.append(f"counter({part[1:-1]})")
        elif part:
            tokens.append('"' + part.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return " ".join(tokens)


def report_html(report: ApplicationReport) -> str:
    return render_to_string(
        "reports/application.html", {"report": report, "page_counter": page_counter_css()}
    )


def report_pdf(assessment: Assessment, source: ReportSource) -> RenderedPdf:
    """Render without any cache (the task, and the benchmark)."""
    return html_to_pdf(report_html(application_report(assessment, source)))


NOT_EVALUATED = gettext_lazy("评估结果正在计算，请稍后再生成申报书。")


def _source_or_error(assessment: Assessment, language: str) -> ReportSource:
    try:
        return report_source(assessment, language=language)
    except NotEvaluatedYet:
        raise StateConflict(NOT_EVALUATED) from None


def _enqueue(report: Report) -> None:
    from .tasks import render_report

    task_publish_on_commit(render_report, report.pk)


def _stale_before():
    return timezone.now() - timedelta(seconds=settings.REPORT_STALE_AFTER)


def _is_stale(report: Report) -> bool:
    """A request no worker picked up in time (a lost message): queue it again."""
    return report.in_progress and report.requested_at < _stale_before()


def _requeue(report: Report, **changes) -> None:
    report.status = ReportStatus.PENDING
    report.error = ""
    report.requested_at = timezone.now()
    for field, value in changes.items():
        setattr(report, field, value)
    report.save(update_fields=["status", "error", "requested_at", *changes])
    _enqueue(report)


@transaction.atomic
def report_request(*, assessment: Assessment, actor, language: str | None = None) -> Report:
    """The report of the assessment as it is now: rendered already, or queued."""
    language = language or get_language()
    source = _source_or_error(assessment, language)
    report, created = Report.objects.select_for_update().get_or_create(
        cache_key=source.cache_key,
        defaults={
            "assessment": assessment,
            "digest": source.digest,
            "draft": source.draft,
            "language": language,
            "requested_by": actor,
            "requested_at": timezone.now(),
        },
    )
    if created:
        _enqueue(report)
    elif report.status == ReportStatus.FAILED or _is_stale(report):
        _requeue(report, requested_by=actor)
    return report


def reports_sweep(*, limit: int | None = None) -> list[int]:
    """Queue again the requests no worker finished within ``REPORT_STALE_AFTER`` seconds;
    returns their ids."""
    requeued = []
    stale = stale_report_requests(requested_before=_stale_before())
    for report_id in stale.values_list("pk", flat=True)[: limit or settings.SWEEP_BATCH_SIZE]:
        with transaction.atomic():
            # skip one a user is requesting again at this very moment
            report = stale.select_for_update(skip_locked=True).filter(pk=report_id).first()
            if report is not None:
                _requeue(report)
                requeued.append(report.pk)
    if requeued:
        logger.warning("sweep: queued %s report requests again", len(requeued))
    return requeued


def _fail(report: Report, message: str) -> Report:
    report.status = ReportStatus.FAILED
    report.error = message[:1000]
    report.finished_at = timezone.now()
    report.save(update_fields=["status", "error", "finished_at"])
    return report


def _forget_older_drafts(report: Report) -> None:
    """A draft's previews are replaced by the newest one; submitted reports are kept."""
    older = Report.objects.filter(
        assessment_id=report.assessment_id, language=report.language, draft=True
    ).exclude(pk=report.pk)
    for old in older:
        if old.file:
            old.file.delete(save=False)
    older.delete()


def report_render(*, report_id: int) -> Report | None:
    """Render a queued report; running it again once it is ready does nothing."""
    report = (
        Report.objects.select_related("assessment__enterprise", "assessment__batch")
        .filter(pk=report_id)
        .first()
    )
    if report is None or report.is_ready:
        return report
    with translation.override(report.language):
        try:
            source = report_source(report.assessment, language=report.language)
        except NotEvaluatedYet:
            return _fail(report, str(NOT_EVALUATED))
        if source.cache_key != report.cache_key:
            return _fail(report, _("申报数据在排队期间已更改，请重新生成。"))
        Report.objects.filter(pk=report.pk).update(status=ReportStatus.RENDERING)
        started = time.monotonic()
        try:
            rendered = report_pdf(report.assessment, source)
        except Exception as exc:  # a broken template or font must not leave it "rendering"
            logger.exception("report %s failed to render", report.pk)
            return _fail(report, f"{type(exc).__name__}: {exc}")
    report.file.save(f"{report.pk}.pdf", ContentFile(rendered.content), save=False)
    report.status = ReportStatus.READY
    report.size = len(rendered.content)
    report.pages = rendered.pages
    report.render_ms = int((time.monotonic() - started) * 1000)
    report.error = ""
    report.finished_at = timezone.now()
    report.save(
        update_fields=["file", "status", "size", "pages", "render_ms", "error", "finished_at"]
    )
    if report.draft:
        _forget_older_drafts(report)
    return report
