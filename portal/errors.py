"""Error answers: the 403, 404 and 500 pages in the portal's layout, and JSON under /api/ like
every other API error. A database that cannot be reached — restarting, or its connections cut
under the running app — is a 503 with Retry-After, not a 500 page: the request may simply be
tried again, and the next one reconnects."""

import sys

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views import defaults

RETRY_AFTER_SECONDS = 10
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def api_error(message: str, status: int) -> JsonResponse:
    return JsonResponse(
        {"detail": message}, status=status, json_dumps_params={"ensure_ascii": False}
    )


def database_unavailable(request) -> HttpResponse:
    # A broken connection is dropped now, so the next request opens a new one (even where
    # nothing runs the end-of-request cleanup).
    for connection in connections.all(initialized_only=True):
        connection.close_if_unusable_or_obsolete()
    message = _("数据库暂时无法访问，请稍后重试。")
    if is_api(request):
        response = api_error(message, 503)
    else:
        # rendered without the request: the navigation's context reads the database
        page = render_to_string(
            "503.html", {"message": message, "retry_after": RETRY_AFTER_SECONDS}
        )
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request):
    """``handler500``: Django calls it while handling the exception. The page (500.html) is
    rendered without the request, so neither the context processors nor the database can fail
    it a second time."""
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return database_unavailable(request)
    if is_api(request):
        return api_error(_("服务器内部错误。"), 500)
    return defaults.server_error(request)


def not_found(request, exception):
    """``handler404``: a URL under /api/ that matches no route (an id of the wrong shape) is
    answered in JSON like every other API error, not with the HTML page."""
    if is_api(request):
        return api_error(_("未找到。"), 404)
    return defaults.page_not_found(request, exception)


def permission_denied(request, exception):
    """``handler403``: the page names the refusal when the service gave a reason."""
    if is_api(request):
        return api_error(str(exception) or _("您没有执行该操作的权限。"), 403)
    return defaults.permission_denied(request, exception)
