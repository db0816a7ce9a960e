"""Reads of the reports app. Reports are reached only through an assessment the user may see
(``evaluation.selectors.assessments_for``): these functions never widen that."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from evaluation.models import Assessment

from .models import Report


def reports_for(assessment: Assessment) -> QuerySet[Report]:
    return Report.objects.filter(assessment=assessment)


def report_download_name(report: Report) -> str:
    assessment = report.assessment
    suffix = _("草稿") if report.draft else report.digest[:8]
    return _("申报书-%(name)s-%(batch)s-%(suffix)s.pdf") % {
        "name": assessment.enterprise.name,
        "batch": assessment.batch.year,
        "suffix": suffix,
    }
