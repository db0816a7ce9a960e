"""Reads of the reports app. Reports are reached only through an assessment the user may see
(``evaluation.selectors.assessments_for``): these functions never widen that."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from evaluation.models import Assessment

from .models import IN_PROGRESS, ExportJob, Report


def reports_for(assessment: Assessment) -> QuerySet[Report]:
    return Report.objects.filter(assessment=assessment)


def stale_report_requests(*, requested_before) -> QuerySet[Report]:
    """Queued or rendering since before the given time: a message that was never queued
    (the broker was down) or was lost with its worker. Oldest first."""
    return Report.objects.filter(
        status__in=IN_PROGRESS, requested_at__lt=requested_before
    ).order_by("requested_at", "pk")


def report_download_name(report: Report) -> str:
    assessment = report.assessment
    suffix = _("草稿") if report.draft else report.digest[:8]
    return _("申报书-%(name)s-%(batch)s-%(suffix)s.pdf") % {
        "name": assessment.applicant_name,
        "batch": assessment.batch.year,
        "suffix": suffix,
    }


def export_jobs_for(user) -> QuerySet[ExportJob]:
    """The exports a user asked for: nobody else's, whatever their role."""
    if not user.is_authenticated:
        return ExportJob.objects.none()
    return ExportJob.objects.filter(requested_by=user)
