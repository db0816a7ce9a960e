"""Exports built off the request by a worker: the enterprise's full data, and any table larger
than ``EXPORT_INLINE_MAX_ROWS`` rows.

``export_job_start`` is what the pages and the API call: it checks the requester may have the
export (``export_sources``), records the job and queues ``export_job_run`` for a worker, which
builds the file as the requester, reports its progress and stores it in the private storage.
The file is handed over only to its requester, and only while they may still see its data
(``export_job_download_check``); ``export_jobs_sweep`` (beat) removes jobs and files older
than ``EXPORT_RETENTION_HOURS`` and queues again the jobs no worker picked up.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from portal.services import audit_log_record, notify
from portal.task_queue import task_publish_on_commit

from .enterprise_export import enterprise_archive
from .export_sources import ExportSource, export_source
from .exports import CONTENT_TYPES, export_content
from .models import ExportJob, ExportKind, ExportStatus

logger = logging.getLogger(__name__)

ZIP = "application/zip"


def export_job_content_type(job: ExportJob) -> str:
    return ZIP if job.fmt == "zip" else CONTENT_TYPES[job.fmt]


def export_job_expires_at(job: ExportJob):
    return job.requested_at + timedelta(hours=settings.EXPORT_RETENTION_HOURS)


def export_is_inline(source: ExportSource) -> bool:
    """A table small enough to be written within the request."""
    rows = source.rows()
    return rows is not None and rows <= settings.EXPORT_INLINE_MAX_ROWS


def _enqueue(job: ExportJob) -> None:
    from .tasks import build_export

    task_publish_on_commit(build_export, job.pk)


@transaction.atomic
def export_job_start(*, kind: str, actor, params: dict, fmt: str, request=None) -> ExportJob:
    """Queue the export for a worker (PermissionDenied, Http404 or ValidationError as its page
    would answer). The same export still being built for the same user is not started twice."""
    params = {**params, "language": get_language()}
    source = export_source(kind, user=actor, params=params)
    running = ExportJob.objects.filter(
        requested_by=actor,
        kind=kind,
        params=params,
        fmt=fmt,
        status__in=(ExportStatus.PENDING, ExportStatus.RUNNING),
    ).first()
    if running is not None:
        return running
    job = ExportJob.objects.create(
        kind=kind,
        params=params,
        fmt=fmt,
        enterprise=source.enterprise,
        requested_by=actor,
        requested_at=timezone.now(),
    )
    if kind == ExportKind.ENTERPRISE:
        audit_log_record(
            actor=actor,
            action="enterprise.export",
            target=source.enterprise,
            summary=_("导出企业全部数据"),
            data={"job": job.pk},
            request=request,
        )
    _enqueue(job)
    logger.info("export job %s queued: %s as %s", job.pk, kind, fmt)
    return job


def _progress(job: ExportJob, share: float) -> None:
    percent = max(1, min(99, int(share * 100)))
    ExportJob.objects.filter(pk=job.pk).update(progress=percent)


def _tell(job: ExportJob) -> None:
    """The requester learns the export is ready (or failed), wherever they went meanwhile."""
    if job.status == ExportStatus.READY:
        title, body = gettext_lazy("导出已完成：%(name)s"), gettext_lazy("请在导出页面下载文件。")
    else:
        title, body = gettext_lazy("导出未完成：%(name)s"), gettext_lazy("%(error)s")
    notify(
        recipients=[job.requested_by],
        kind=f"export.{job.status}",
        title=title,
        body=body,
        params={"name": job.filename or job.get_kind_display(), "error": job.error},
        url=reverse("export-job", args=[job.pk]),
    )


def _fail(job: ExportJob, message: str) -> ExportJob:
    job.status = ExportStatus.FAILED
    job.error = message[:1000]
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])
    _tell(job)
    return job


def _build(job: ExportJob, source: ExportSource) -> File:
    if job.kind == ExportKind.ENTERPRISE:
        archive = enterprise_archive(
            enterprise=source.enterprise,
            viewer=job.requested_by,
            progress=lambda share: _progress(job, 0.05 + share * 0.85),
        )
        return File(archive, name=f"{source.filename}.zip")
    frame = source.frame()
    job.rows = len(frame)
    _progress(job, 0.6)
    return ContentFile(export_content(frame, fmt=job.fmt, sheet=source.sheet))


def export_job_run(*, job_id: int) -> ExportJob | None:
    """Build a queued export as its requester; running it again once it is done does nothing."""
    job = ExportJob.objects.select_related("requested_by").filter(pk=job_id).first()
    if job is None or not job.in_progress:
        return job
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, progress=1)
    with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
        try:
            source = export_source(job.kind, user=job.requested_by, params=job.params)
            content = _build(job, source)
        except (PermissionDenied, Http404, ValidationError):
            return _fail(job, _("您已无权导出这些数据。"))
        except Exception:  # a failure must not leave the job "running" for ever
            # the cause goes to the operators' log (and Sentry), not to the user's page
            logger.exception("export job %s failed", job.pk)
            return _fail(job, _("导出失败，请稍后重试；如仍失败，请联系管理员。"))
        filename = f"{source.filename}.{job.fmt}"
    with content:
        job.file.save(filename, content, save=False)
        job.size = job.file.size
    job.filename = filename
    job.status = ExportStatus.READY
    job.progress = 100
    job.error = ""
    job.finished_at = timezone.now()
    job.save(
        update_fields=["file", "filename", "size", "rows", "status", "progress", "error",
                       "finished_at"]
    )  # fmt: skip
    logger.info("export job %s ready: %s bytes", job.pk, job.size)
    _tell(job)
    return job


def export_job_download_check(*, job: ExportJob, user) -> None:
    """The file is the requester's, and only while they may still see what it holds:
    PermissionDenied or Http404 otherwise, as the export's own page would answer."""
    if job.requested_by_id != user.pk:
        raise Http404
    try:
        export_source(job.kind, user=user, params=job.params)
    except ValidationError:
        raise PermissionDenied from None


def export_jobs_sweep(*, limit: int | None = None) -> dict:
    """Remove the jobs (and their files) asked for more than ``EXPORT_RETENTION_HOURS`` ago, and
    queue again those still waiting after ``EXPORT_STALE_AFTER`` seconds (a lost message)."""
    now = timezone.now()
    limit = limit or settings.SWEEP_BATCH_SIZE
    expired = ExportJob.objects.filter(
        requested_at__lt=now - timedelta(hours=settings.EXPORT_RETENTION_HOURS)
    ).order_by("requested_at")[:limit]
    removed = 0
    for job in expired:
        if job.file:
            job.file.delete(save=False)
        job.delete()
        removed += 1
    stale = ExportJob.objects.filter(
        status=ExportStatus.PENDING,
        requested_at__lt=now - timedelta(seconds=settings.EXPORT_STALE_AFTER),
    ).order_by("requested_at")[:limit]
    requeued = 0
    for job in stale:
        with transaction.atomic():
            job.requested_at = now
            job.save(update_fields=["requested_at"])
            _enqueue(job)
        requeued += 1
    if removed or requeued:
        logger.info("export sweep: %s removed, %s queued again", removed, requeued)
    return {"removed": removed, "requeued": requeued}
