"""The API's version 1, composed of each app's routes: their plain paths first, then one router
holding every app's viewsets (so the API root lists them all, with the format suffixes)."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from evaluation import urls as evaluation
from indicators import urls as indicators
from portal import urls as portal
from reports import urls as reports
from review import urls as review

APPS = (portal, indicators, evaluation, review, reports)

router = DefaultRouter()
for app in APPS:
    if hasattr(app, "api_router"):
        router.registry.extend(app.api_router.registry)

urlpatterns = [
    *(pattern for app in APPS for pattern in app.api_urlpatterns),
    path("", include(router.urls)),
]
