"""The root URL configuration: each app's own ``urls.py``, the API, the admin site and Django's
account pages."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from portal.urls import account_urlpatterns

handler500 = "portal.errors.server_error"
handler404 = "portal.errors.not_found"

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
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
