"""The root URL configuration: each app's own ``urls.py``, the API, the admin site and Django's
account pages."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from portal.urls import account_urlpatterns

handler403 = "portal.errors.permission_denied"
handler404 = "portal.errors.not_found"
handler500 = "portal.errors.server_error"

urlpatterns = [
    path("", include("review.urls")),
    path("", include("portal.urls")),
    path("", include("indicators.urls")),
    path("", include("evaluation.urls")),
    path("", include("reports.urls")),
    path("accounts/", include(account_urlpatterns)),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI's set-up script is served from the same URL (?script), not inline: the
    # Content-Security-Policy allows scripts from the portal's own address only.
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api_docs.html"),
        name="api-docs",
    ),
]
