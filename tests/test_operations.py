"""The operator's view: every log line of a request carries its id, user and tenant (JSON or
text) and the id comes back in a header; errors go to Sentry only with a DSN, without personal
data; Prometheus metrics only for the token or an allowed address."""

import io
import ipaddress
import json
import logging
from logging.config import DictConfigurator

import pytest
import redis
import sentry_sdk
from django.conf import settings
from django.test import Client
from django.urls import reverse
from sentry_sdk.transport import Transport

from config.sentry import sentry_init
from portal import metrics
from portal.request_context import LogContextFilter

from .conftest import login

pytestmark = pytest.mark.django_db


def _handler(format_name: str) -> tuple[logging.Handler, io.StringIO]:
    """A handler as LOGGING configures the console's, in the given format, into a buffer."""
    configurator = DictConfigurator(settings.LOGGING)
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(
        configurator.configure_formatter(dict(settings.LOGGING["formatters"][format_name]))
    )
    handler.addFilter(LogContextFilter())
    return handler, out


@pytest.fixture
def logged():
    """What the portal's loggers write during the test, as the JSON and the text formats."""
    handlers = {name: _handler(name) for name in ("json", "text")}
    root = logging.getLogger()
    for handler, _out in handlers.values():
        root.addHandler(handler)
    yield {name: out for name, (_handler_, out) in handlers.items()}
    for handler, _out in handlers.values():
        root.removeHandler(handler)


def _json_lines(out: io.StringIO, logger: str) -> list[dict]:
    lines = [json.loads(line) for line in out.getvalue().splitlines() if line.startswith("{")]
    return [line for line in lines if line["logger"] == logger]


def test_a_requests_log_lines_carry_its_id_user_and_tenant(client, admin_a, enterprise_a, logged):
    login(client, admin_a)
    response = client.post(
        reverse("enterprise-export", args=[enterprise_a.pk]),
        headers={"x-request-id": "proxy-7f3a.42"},
    )
    assert response.status_code == 302
    assert response["X-Request-ID"] == "proxy-7f3a.42"
    [line] = _json_lines(logged["json"], "reports.export_jobs")
    assert line["level"] == "INFO" and line["message"].startswith("export job ")
    assert line["request_id"] == "proxy-7f3a.42"
    assert line["user_id"] == admin_a.pk
    assert (line["enterprise_id"], line["city"]) == (enterprise_a.pk, "")
    assert "[proxy-7f3a.42]" in logged["text"].getvalue()


def test_an_official_is_logged_with_their_city_and_a_request_id_is_made_when_none_is_sane(
    client, city_reviewer_suzhou, logged
):
    login(client, city_reviewer_suzhou)
    response = client.post(
        reverse("review-export", args=["csv"]), headers={"x-request-id": "bad id\n<script>"}
    )
    assert response.status_code == 302
    made = response["X-Request-ID"]
    assert len(made) == 32 and made != "bad id\n<script>"
    [line] = _json_lines(logged["json"], "reports.export_jobs")
    assert (line["request_id"], line["user_id"]) == (made, city_reviewer_suzhou.pk)
    assert (line["enterprise_id"], line["city"]) == ("", city_reviewer_suzhou.city)
    logging.getLogger("portal.test").warning("during no request")
    [line] = _json_lines(logged["json"], "portal.test")
    assert line["request_id"] == "" and line["user_id"] == ""  # outside a request: none


def test_sentry_starts_only_with_a_dsn_and_sends_no_personal_data(admin_a):
    assert not sentry_init("", environment="test")
    assert not sentry_sdk.get_client().is_active()

    events = []

    class Captured(Transport):
        def capture_envelope(self, envelope):
            events.extend(item.payload.json for item in envelope.items if item.type == "event")

    try:
        assert sentry_init(
            "https://public@sentry.invalid/1",
            environment="staging",
            release="portal@1.2.3",
            transport=Captured,
        )
        failing = Client(raise_request_exception=False)
        failing.force_login(admin_a)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(
                "portal.health_views.database_reachable",
                lambda: (_ for _ in ()).throw(RuntimeError("the disk is on fire")),
            )
            response = failing.get(
                reverse("health-db") + "?who=admin_a", headers={"x-request-id": "req-1"}
            )
        assert response.status_code == 500
        sentry_sdk.flush()
    finally:
        sentry_sdk.init()  # no DSN in the environment: the client does nothing again
    [event] = events
    assert event["exception"]["values"][-1]["value"] == "the disk is on fire"
    assert (event["environment"], event["release"]) == ("staging", "portal@1.2.3")
    assert event["tags"]["request_id"] == "req-1"
    assert "user" not in event  # no user, no client address
    request = event.get("request", {})
    assert not request.get("cookies") and "Cookie" not in request.get("headers", {})
    assert not request.get("query_string") and "data" not in request


def _scrape(client, **headers):
    return client.get(reverse("metrics"), headers=headers)


def test_metrics_need_the_token(client, settings):
    settings.METRICS_TOKEN = "s3cret-token"
    assert _scrape(client).status_code == 403
    assert _scrape(client, authorization="Bearer wrong").status_code == 403
    assert _scrape(client, authorization="Token s3cret-token").status_code == 403
    response = _scrape(client, authorization="Bearer s3cret-token")
    assert response.status_code == 200
    body = response.content.decode()
    assert "django_http_requests_total_by_view_transport_method_total" in body
    assert 'portal_celery_queue_length{queue="celery"}' in body
    assert "portal_celery_broker_up 1.0" in body


def test_metrics_from_an_allowed_address_only_as_the_trusted_proxies_resolve_it(settings):
    settings.METRICS_ALLOWED_IPS = (ipaddress.ip_network("10.1.0.0/16"),)
    inside = Client(REMOTE_ADDR="10.1.2.3")
    assert _scrape(inside).status_code == 200
    outside = Client(REMOTE_ADDR="203.0.113.9")
    assert _scrape(outside).status_code == 403
    # no proxy is trusted: a forged X-Forwarded-For does not make an outsider an insider
    assert _scrape(outside, x_forwarded_for="10.1.2.3").status_code == 403


def test_the_queue_collector_counts_waiting_tasks_and_tells_a_broker_down(monkeypatch):
    queue = "metrics-test-queue"
    monkeypatch.setattr(metrics, "celery_queue_names", lambda: [queue])
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.delete(queue)
    broker.rpush(queue, "a", "b", "c")
    try:
        families = {f.name: f for f in metrics.CeleryQueueCollector().collect()}
    finally:
        broker.delete(queue)
    [sample] = families["portal_celery_queue_length"].samples
    assert (sample.labels, sample.value) == ({"queue": queue}, 3)
    assert families["portal_celery_broker_up"].samples[0].value == 1

    down = {f.name: f for f in metrics.CeleryQueueCollector("redis://127.0.0.1:1/0").collect()}
    assert down["portal_celery_broker_up"].samples[0].value == 0
    assert down["portal_celery_queue_length"].samples == []
