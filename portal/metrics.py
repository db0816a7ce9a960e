"""What Prometheus scrapes at ``/metrics/``: django-prometheus's request, response and
migration metrics plus the length of each Celery queue in Redis, and who may scrape them.

Metrics are not public: a scraper sends ``Authorization: Bearer <METRICS_TOKEN>`` or connects
from one of ``METRICS_ALLOWED_IPS`` (the client as ``TRUSTED_PROXIES`` resolves it, like the
audit log and the throttles: a forged X-Forwarded-For does not get in).
"""

import hmac
import ipaddress
import logging

import redis
from django.conf import settings
from prometheus_client.core import GaugeMetricFamily

from .client_ip import client_ip

logger = logging.getLogger(__name__)

BROKER_TIMEOUT = 1.0  # seconds: a scrape must not hang on a broker that is down


def _bearer_token(request) -> str:
    scheme, _, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def metrics_allowed(request) -> bool:
    """The right token (compared in constant time), or a client address allowed."""
    token = _bearer_token(request)
    if settings.METRICS_TOKEN and token:
        return hmac.compare_digest(token.encode(), settings.METRICS_TOKEN.encode())
    address = client_ip(request)
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(ip in network for network in settings.METRICS_ALLOWED_IPS)


def celery_queue_names() -> list[str]:
    """The queues the portal's workers consume: Celery's default one unless others are set."""
    from celery import current_app

    queues = current_app.conf.task_queues
    names = [q.name for q in queues] if queues else []
    return names or [current_app.conf.task_default_queue]


class CeleryQueueCollector:
    """``portal_celery_queue_length{queue}``: the messages waiting in each queue (a Redis list
    per queue), and ``portal_celery_broker_up``, 0 when the broker did not answer."""

    def __init__(self, broker_url: str | None = None):
        self.broker_url = broker_url

    def collect(self):
        lengths = GaugeMetricFamily(
            "portal_celery_queue_length", "Tasks waiting in a Celery queue.", labels=["queue"]
        )
        up = GaugeMetricFamily("portal_celery_broker_up", "The Celery broker answered.")
        try:
            client = redis.Redis.from_url(
                self.broker_url or settings.CELERY_BROKER_URL,
                socket_connect_timeout=BROKER_TIMEOUT,
                socket_timeout=BROKER_TIMEOUT,
            )
            with client:
                for name in celery_queue_names():
                    lengths.add_metric([name], client.llen(name))
            up.add_metric([], 1)
        except redis.RedisError as exc:
            logger.warning("metrics: the broker does not answer: %s", exc)
            up.add_metric([], 0)
        yield lengths
        yield up
