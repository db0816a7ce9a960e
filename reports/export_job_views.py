"""Pages of the exports a worker builds: the enterprise's full data (start it, see it), an
export's progress (polled by the page), and its download, for its requester only."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from .export_jobs import (
    export_job_content_type,
    export_job_download_check,
    export_job_expires_at,
    export_job_start,
)
from .export_sources import export_source
from .models import ExportKind
from .selectors import export_jobs_for


def _job(request, pk: int):
    job = get_object_or_404(export_jobs_for(request.user), pk=pk)
    export_job_download_check(job=job, user=request.user)
    return job


def _context(job) -> dict:
    return {"job": job, "expires_at": export_job_expires_at(job)}


def export_job_started(request, *, kind: str, params: dict, fmt: str):
    """Queue the export and show its progress page."""
    job = export_job_start(kind=kind, actor=request.user, params=params, fmt=fmt, request=request)
    return redirect("export-job", job.pk)


@require_http_methods(["GET", "POST"])
@login_required
def enterprise_export(request, pk: int):
    """The enterprise's admin starts the export of all its data (POST) and finds the ones asked
    for lately (GET); another enterprise is a 404, anyone else who sees it a 403."""
    params = {"enterprise": pk}
    source = export_source(ExportKind.ENTERPRISE, user=request.user, params=params)
    if request.method == "POST":
        return export_job_started(request, kind=ExportKind.ENTERPRISE, params=params, fmt="zip")
    jobs = export_jobs_for(request.user).filter(
        kind=ExportKind.ENTERPRISE, enterprise=source.enterprise
    )
    return render(
        request,
        "reports/enterprise_export.html",
        {"enterprise": source.enterprise, "jobs": jobs[:20]},
    )


@require_GET
@login_required
def export_job_list(request):
    """The exports the user asked for that are still kept, newest first."""
    jobs = export_jobs_for(request.user).select_related("enterprise")[:50]
    context = {"jobs": jobs, "retention": settings.EXPORT_RETENTION_HOURS}
    return render(request, "reports/export_jobs.html", context)


@require_GET
@login_required
def export_job_page(request, pk: int):
    return render(request, "reports/export_job.html", _context(_job(request, pk)))


@require_GET
@login_required
def export_job_status(request, pk: int):
    return render(request, "reports/_export_job_status.html", _context(_job(request, pk)))


@require_GET
@login_required
def export_job_download(request, pk: int):
    job = _job(request, pk)
    if not job.is_ready:
        raise Http404
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=job.filename,
        content_type=export_job_content_type(job),
    )
