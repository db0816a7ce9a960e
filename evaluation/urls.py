"""The enterprise's self-assessment: the rules in force, starting an assessment, its overview and
editor, evidence downloads; the assessment API."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from . import apis, editor, views

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
    path("assignments/", editor.assignments_page, name="editor-assignments"),
]

urlpatterns = [
    path("rules/", views.tier_rules, name="tier-rules"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence-download"),
    path("assessments/start/", views.assessment_start, name="assessment-start"),
    path("assessments/<int:pk>/", views.assessment_overview, name="assessment-overview"),
    path("assessments/<int:pk>/withdraw/", views.assessment_withdraw, name="overview-withdraw"),
    path("assessments/<int:pk>/carry-over/", views.carry_over_page, name="carry-over-report"),
    path("assessments/<int:pk>/", include(assessment_editor)),
    path("enterprises/<int:pk>/comparison/", views.comparison_page, name="enterprise-comparison"),
]

api_router = SimpleRouter()
api_router.register("assessments", apis.AssessmentViewSet, basename="assessment")

api_urlpatterns = [
    path("evaluation/tier/", apis.TierApi.as_view(), name="api-tier"),
]
