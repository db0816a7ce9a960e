"""The one place that wires every app's views and APIs together."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from evaluation import apis as evaluation_apis
from evaluation import editor
from evaluation import views as evaluation_views
from indicators import apis as indicator_apis
from indicators import views as indicator_views

from . import apis, views
from .api import TokenApi

router = DefaultRouter()
router.register("enterprises", apis.EnterpriseViewSet, basename="enterprise")
router.register("assessments", evaluation_apis.AssessmentViewSet, basename="assessment")

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
]

urlpatterns = [
    path("", views.home, name="home"),
    path("catalog/", indicator_views.catalog_browser, name="catalog"),
    path("rules/", evaluation_views.tier_rules, name="tier-rules"),
    path("evidence/<int:pk>/", evaluation_views.evidence_download, name="evidence-download"),
    path("assessments/start/", evaluation_views.assessment_start, name="assessment-start"),
    path("assessments/<int:pk>/", evaluation_views.assessment_overview, name="assessment-overview"),
    path("assessments/<int:pk>/", include(assessment_editor)),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise-page"),
    path("enterprises/<int:pk>/edit/", views.enterprise_edit, name="enterprise-edit"),
    path("enterprises/<int:pk>/members/", views.member_list, name="member-list"),
    path("enterprises/<int:pk>/members/invite/", views.member_invite, name="member-invite"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("audit-log/", views.audit_log, name="audit-log"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
