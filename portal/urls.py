"""The one place that wires every app's views and APIs together."""

from django.contrib import admin
from django.urls import include, path, register_converter
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from evaluation import apis as evaluation_apis
from evaluation import editor, expert_views, public_views, review_apis, review_views
from evaluation import views as evaluation_views
from indicators import apis as indicator_apis
from indicators import views as indicator_views
from reports import (
    dashboard_views,
    enterprise_export_views,
    export_apis,
    export_views,
    report_apis,
    report_views,
)
from reports.exports import FormatConverter

from . import apis, health_views, views
from .api import TokenApi

register_converter(FormatConverter, "export")

router = DefaultRouter()
router.register("enterprises", apis.EnterpriseViewSet, basename="enterprise")
router.register("assessments", evaluation_apis.AssessmentViewSet, basename="assessment")
router.register(
    "review/assessments", review_apis.ReviewAssessmentViewSet, basename="review-api-assessment"
)
router.register(
    "review/assignments", review_apis.AssignmentViewSet, basename="review-api-assignment"
)
router.register("review/batches", review_apis.ReviewBatchViewSet, basename="review-api-batch")
router.register("notifications", review_apis.NotificationViewSet, basename="notification-api")

api_v1 = [
    path("auth/token/", TokenApi.as_view(), name="api-token"),
    path("catalog/", indicator_apis.CatalogApi.as_view(), name="api-catalog"),
    path("indicators/compute/", indicator_apis.IndicatorComputeApi.as_view(), name="api-compute"),
    path(
        "indicators/calculators/energy/",
        indicator_apis.EnergyCalculatorApi.as_view(),
        name="api-calculator-energy",
    ),
    path(
        "indicators/calculators/co2/",
        indicator_apis.Co2CalculatorApi.as_view(),
        name="api-calculator-co2",
    ),
    path("evaluation/tier/", evaluation_apis.TierApi.as_view(), name="api-tier"),
    path(
        "assessments/<int:pk>/report.pdf",
        report_apis.AssessmentReportApi.as_view(),
        name="api-assessment-report",
    ),
    path(
        "public/batches/<int:pk>/list/",
        review_apis.PublicListApi.as_view(),
        name="api-public-list",
    ),
    path(
        "review/batches/<int:pk>/export/",
        export_apis.BatchDataExportApi.as_view(),
        name="api-batch-data-export",
    ),
    path(
        "enterprises/<int:pk>/export/",
        enterprise_export_views.EnterpriseExportApi.as_view(),
        name="api-enterprise-export",
    ),
    path("", include(router.urls)),
]

assessment_editor = [
    path("scenarios/", editor.scenarios_page, name="editor-scenarios"),
    path("scenarios/<int:no>/", editor.scenario_save, name="editor-scenario-save"),
    path("support/", editor.support_page, name="editor-support"),
    path("support/<int:no>/", editor.support_save, name="editor-support-save"),
    path("indicators/", editor.indicators_page, name="editor-indicators"),
    path("years/", editor.years_save, name="editor-years-save"),
    path("inputs/<slug:code>/", editor.input_save, name="editor-input-save"),
    path("calculators/<slug:kind>/", editor.calculator, name="editor-calculator"),
    path("evidence/", editor.evidence_add, name="editor-evidence-add"),
    path(
        "evidence/<int:evidence_id>/delete/",
        editor.evidence_delete,
        name="editor-evidence-delete",
    ),
    path("preview/", editor.preview, name="editor-preview"),
    path("import/", editor.import_page, name="editor-import"),
    path("inputs.xlsx", editor.inputs_workbook, name="editor-workbook"),
    path("submit/", editor.submit_page, name="editor-submit"),
    path("report/", report_views.report_page, name="assessment-report"),
    path("report/generate/", report_views.report_generate, name="assessment-report-generate"),
    path(
        "report/<int:report_id>/status/",
        report_views.report_status,
        name="assessment-report-status",
    ),
    path(
        "report/<int:report_id>.pdf",
        report_views.report_download,
        name="assessment-report-download",
    ),
]

review = [
    path("", review_views.review_queue, name="review-queue"),
    path("export.<export:fmt>", export_views.review_queue_export, name="review-export"),
    path("assessments/<int:pk>/", review_views.review_detail, name="review-detail"),
    path(
        "assessments/<int:pk>/recommend/",
        review_views.review_recommend,
        name="review-recommend",
    ),
    path("assessments/<int:pk>/return/", review_views.review_return, name="review-return"),
    path("assessments/<int:pk>/assign/", review_views.review_assign, name="review-assign"),
    path("assessments/<int:pk>/decide/", review_views.review_decide, name="review-decide"),
    path("assignments/", expert_views.expert_assignments, name="expert-assignments"),
    path("assignments/<int:pk>/", expert_views.assignment_page, name="assignment-page"),
    path(
        "assignments/<int:pk>/submit/",
        expert_views.assignment_submit,
        name="assignment-submit",
    ),
    path(
        "assignments/<int:pk>/conflict/",
        expert_views.assignment_conflict,
        name="assignment-conflict",
    ),
    path("assignments/<int:pk>/remove/", review_views.review_unassign, name="review-unassign"),
    path("batches/", review_views.batch_list, name="review-batches"),
    path("batches/<int:pk>/settings/", review_views.batch_settings, name="batch-settings"),
    path(
        "batches/<int:pk>/assignments/",
        review_views.batch_assignments,
        name="batch-assignments",
    ),
    path(
        "batches/<int:pk>/assignments/auto/",
        review_views.batch_auto_assign,
        name="batch-auto-assign",
    ),
    path("batches/<int:pk>/decisions/", review_views.batch_decisions, name="batch-decisions"),
    path("batches/<int:pk>/publish/", review_views.batch_publish, name="batch-publish"),
    path(
        "batches/<int:pk>/export.<export:fmt>",
        export_views.batch_data_export,
        name="batch-data-export",
    ),
    path(
        "batches/<int:pk>/decisions.<export:fmt>",
        export_views.batch_decisions_export,
        name="batch-decisions-export",
    ),
    path(
        "batches/<int:pk>/assignments.<export:fmt>",
        export_views.batch_loads_export,
        name="batch-loads-export",
    ),
]

handler500 = "portal.errors.server_error"
handler404 = "portal.errors.not_found"

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", health_views.health, name="health"),
    path("health/db/", health_views.health_db, name="health-db"),
    path("health/worker/", health_views.health_worker, name="health-worker"),
    path("catalog/", indicator_views.catalog_browser, name="catalog"),
    path("rules/", evaluation_views.tier_rules, name="tier-rules"),
    path("evidence/<int:pk>/", evaluation_views.evidence_download, name="evidence-download"),
    path("assessments/start/", evaluation_views.assessment_start, name="assessment-start"),
    path("assessments/<int:pk>/", evaluation_views.assessment_overview, name="assessment-overview"),
    path("assessments/<int:pk>/", include(assessment_editor)),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise-page"),
    path("enterprises/<int:pk>/edit/", views.enterprise_edit, name="enterprise-edit"),
    path(
        "enterprises/<int:pk>/export/",
        enterprise_export_views.enterprise_export,
        name="enterprise-export",
    ),
    path("enterprises/<int:pk>/members/", views.member_list, name="member-list"),
    path("enterprises/<int:pk>/members/invite/", views.member_invite, name="member-invite"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("audit-log/", views.audit_log, name="audit-log"),
    path("audit-log.<export:fmt>", export_views.audit_log_export, name="audit-log-export"),
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("review/", include(review)),
    path("verify/", report_views.verify, name="verify-form"),
    path("verify/<str:code>/", report_views.verify, name="verify"),
    path("public/lists/", public_views.public_lists, name="public-lists"),
    path("public/lists/<int:pk>/", public_views.public_list, name="public-list"),
    path(
        "public/lists/<int:pk>.<export:fmt>",
        export_views.public_list_export,
        name="public-list-export",
    ),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications-read"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
