"""The portal's URLs, the same error handlers, and views that fail on purpose (test only)."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from config.urls import handler403, handler404, handler500
from config.urls import urlpatterns as portal_urlpatterns

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]


def fails(request):
    raise RuntimeError("an unexpected failure")


def refuses(request):
    raise PermissionDenied


urlpatterns = [
    path("fails/", fails),
    path("api/v1/fails/", fails),
    path("api/v1/refuses/", refuses),
    *portal_urlpatterns,
]
