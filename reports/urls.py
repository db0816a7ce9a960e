"""The application report, its verification, the dashboard and every export; their API."""

from django.urls import path, register_converter

from . import (
    audit_views,
    dashboard_views,
    export_apis,
    export_job_apis,
    export_job_views,
    export_views,
    paper_views,
    report_apis,
    report_views,
)
from .exports import FormatConverter

register_converter(FormatConverter, "export")

urlpatterns = [
    path("assessments/<int:pk>/report/", report_views.report_page, name="assessment-report"),
    path(
        "assessments/<int:pk>/report/generate/",
        report_views.report_generate,
        name="assessment-report-generate",
    ),
    path(
        "assessments/<int:pk>/report/<int:report_id>/status/",
        report_views.report_status,
        name="assessment-report-status",
    ),
    path(
        "assessments/<int:pk>/report/<int:report_id>.pdf",
        report_views.report_download,
        name="assessment-report-download",
    ),
    path(
        "assessments/<int:pk>/receipt.pdf",
        report_views.receipt_download,
        name="assessment-receipt",
    ),
    path(
        "enterprises/<int:pk>/export/",
        export_job_views.enterprise_export,
        name="enterprise-export",
    ),
    path("exports/", export_job_views.export_job_list, name="export-jobs"),
    path("exports/<int:pk>/", export_job_views.export_job_page, name="export-job"),
    path("exports/<int:pk>/status/", export_job_views.export_job_status, name="export-job-status"),
    path(
        "exports/<int:pk>/download/",
        export_job_views.export_job_download,
        name="export-job-download",
    ),
    path("audit-log/", audit_views.audit_log, name="audit-log"),
    path("audit-log.<export:fmt>", export_views.audit_log_export, name="audit-log-export"),
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("review/export.<export:fmt>", export_views.review_queue_export, name="review-export"),
    path(
        "review/batches/<int:pk>/export.<export:fmt>",
        export_views.batch_data_export,
        name="batch-data-export",
    ),
    path(
        "review/batches/<int:pk>/decisions.<export:fmt>",
        export_views.batch_decisions_export,
        name="batch-decisions-export",
    ),
    path(
        "review/batches/<int:pk>/recommendation-letter.pdf",
        paper_views.recommendation_letter,
        name="city-recommendation-letter",
    ),
    path(
        "review/batches/<int:pk>/recommendation-table.xlsx",
        paper_views.recommendation_table,
        name="city-recommendation-table",
    ),
    path(
        "review/batches/<int:pk>/summary.pdf",
        export_views.batch_summary_pdf,
        name="batch-summary-pdf",
    ),
    path(
        "review/batches/<int:pk>/summary.<export:fmt>",
        export_views.batch_summary_export,
        name="batch-summary-export",
    ),
    path(
        "review/batches/<int:pk>/assignments.<export:fmt>",
        export_views.batch_loads_export,
        name="batch-loads-export",
    ),
    path("verify/", report_views.verify, name="verify-form"),
    path("verify/<str:code>/", report_views.verify, name="verify"),
    path(
        "public/lists/<int:pk>.<export:fmt>",
        export_views.public_list_export,
        name="public-list-export",
    ),
]

api_urlpatterns = [
    path(
        "assessments/<int:pk>/report.pdf",
        report_apis.AssessmentReportApi.as_view(),
        name="api-assessment-report",
    ),
    path(
        "review/batches/<int:pk>/export/",
        export_apis.BatchDataExportApi.as_view(),
        name="api-batch-data-export",
    ),
    path(
        "enterprises/<int:pk>/export/",
        export_job_apis.EnterpriseExportApi.as_view(),
        name="api-enterprise-export",
    ),
    path("exports/", export_job_apis.ExportJobListApi.as_view(), name="api-export-job-list"),
    path("exports/<int:pk>/", export_job_apis.ExportJobApi.as_view(), name="api-export-job"),
    path(
        "exports/<int:pk>/download/",
        export_job_apis.ExportJobDownloadApi.as_view(),
        name="api-export-job-download",
    ),
]
