"""``/metrics/`` for Prometheus: a plain Django view (not the API, whose throttles and
authentication are for people), refused (403) to anyone without the token or an allowed
address (``portal.metrics``)."""

import os

from django.http import HttpResponse, HttpResponseForbidden
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)

from .metrics import CeleryQueueCollector, metrics_allowed

_queues = CollectorRegistry(auto_describe=False)
_queues.register(CeleryQueueCollector())


def _process_metrics() -> bytes:
    """The metrics of every gunicorn worker when ``PROMETHEUS_MULTIPROC_DIR`` is set (each
    process writes its own files there), else this process's."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


@never_cache
@require_GET
def metrics(request):
    if not metrics_allowed(request):
        return HttpResponseForbidden("metrics: a bearer token or an allowed address is needed\n")
    return HttpResponse(
        _process_metrics() + generate_latest(_queues), content_type=CONTENT_TYPE_LATEST
    )
