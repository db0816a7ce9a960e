"""Health endpoints for docker-compose and load balancers: public, never cached, and plain
Django views, so the API's anonymous throttling never turns a probe into a failure."""

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .errors import RETRY_AFTER_SECONDS
from .health import database_reachable, worker_answering


def _answer(ok: bool) -> JsonResponse:
    if ok:
        return JsonResponse({"status": "ok"})
    response = JsonResponse({"status": "unavailable"}, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response._has_been_logged = True  # the probe logged why; Django would log it again
    return response


@never_cache
@require_safe
def health(request):
    """The web process is up (nothing else is asked)."""
    return _answer(True)


@never_cache
@require_safe
def health_db(request):
    return _answer(database_reachable())


@never_cache
@require_safe
def health_worker(request):
    return _answer(worker_answering())
