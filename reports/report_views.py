"""Web pages of the application report: its page (charts, progress, download) and the public
verification of a printed code."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from evaluation.results import indicator_rows
from evaluation.selectors import assessments_for

from . import services
from .application import NotEvaluatedYet, report_charts, report_source
from .models import Report, ReportStatus
from .receipt import receipt_pdf
from .selectors import report_download_name, reports_for
from .verification import verification_lookup


def _assessment(request, pk: int):
    return get_object_or_404(assessments_for(request.user), pk=pk)


@login_required
def report_page(request, pk: int):
    """The report's charts as the PDF draws them, and its rendering state."""
    assessment = _assessment(request, pk)
    own = request.user.is_enterprise_user and request.user.enterprise_id == assessment.enterprise_id
    context = {"assessment": assessment, "section": "report", "tabs": own, "editable": False}
    try:
        source = report_source(assessment)
    except NotEvaluatedYet:
        source = None
    if source is not None:
        # only what the page shows: the charts, not the whole report's data
        context["source"] = source
        context["charts"] = report_charts(assessment, source, indicator_rows(source.evaluation))
        context["report"] = Report.objects.filter(cache_key=source.cache_key).first()
    context["issued"] = reports_for(assessment).filter(draft=False, status=ReportStatus.READY)
    return render(request, "reports/report_page.html", context)


def _status(request, assessment, report, *, error: str = "", status: int = 200):
    return render(
        request,
        "reports/_report_status.html",
        {"assessment": assessment, "report": report, "error": error},
        status=status,
    )


@login_required
@require_POST
def report_generate(request, pk: int):
    assessment = _assessment(request, pk)
    try:
        report = services.report_request(assessment=assessment, actor=request.user)
        report.refresh_from_db()  # rendered already if the task ran eagerly at commit
    except ValidationError as exc:
        if request.htmx:
            return _status(request, assessment, None, error=" ".join(exc.messages), status=409)
        messages.error(request, " ".join(exc.messages))
        return redirect("assessment-report", assessment.pk)
    if request.htmx:
        return _status(request, assessment, report)
    return redirect("assessment-report", assessment.pk)


@login_required
def report_status(request, pk: int, report_id: int):
    assessment = _assessment(request, pk)
    report = get_object_or_404(reports_for(assessment), pk=report_id)
    return _status(request, assessment, report)


@login_required
def report_download(request, pk: int, report_id: int):
    assessment = _assessment(request, pk)
    report = get_object_or_404(reports_for(assessment), pk=report_id)
    if not report.is_ready:
        raise Http404
    return FileResponse(
        report.file.open("rb"),
        as_attachment=True,
        filename=report_download_name(report),
        content_type="application/pdf",
    )


@require_GET
@login_required
def receipt_download(request, pk: int):
    """The receipt of the current submission, to whoever sees the assessment (its own users and
    the officials who see the submission); none for a draft."""
    assessment = _assessment(request, pk)
    if not assessment.snapshot_sha256:
        raise Http404
    pdf = receipt_pdf(assessment)
    response = HttpResponse(pdf.content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        True, f"{assessment.batch}-{assessment.applicant_name}-{_('申报回执')}.pdf"
    )
    return response


def verify(request, code: str = ""):
    """Public: does a printed verification code belong to a real submission?"""
    code = (code or request.GET.get("code", "")).strip().lower()
    if not code:
        return render(request, "reports/verify.html", {})
    found = verification_lookup(code)
    return render(
        request,
        "reports/verify.html",
        {"code": code, "found": found, "checked": True},
        status=200 if found else 404,
    )
