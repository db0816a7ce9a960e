"""Who the client is, with and without a trusted proxy (TRUSTED_PROXIES): forged X-Forwarded-For
entries never make one client many (the throttles, django-axes), a proxy's clients are told
apart, the audit log records the same address, and the HTTPS header counts only from a proxy."""

import runpy
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.core.exceptions import ImproperlyConfigured
from gunicorn.config import Config
from gunicorn.http.message import _ip_in_allow_list
from rest_framework.throttling import ScopedRateThrottle

from portal.client_ip import TrustedProxies
from portal.models import AuditLog
from portal.throttling import ByClientIp

from ..factories import PASSWORD
from .routes import all_routes

ROOT = Path(__file__).resolve().parents[2]
PROXY = "10.0.0.2"  # the reverse proxy's own address: the peer of every request behind it
X, Y = "198.51.100.1", "198.51.100.2"  # two clients behind it
AUTH_LIMIT = int(ScopedRateThrottle.THROTTLE_RATES["auth"].split("/")[0])


@pytest.fixture
def behind(settings):
    """Configure TRUSTED_PROXIES as the environment variable would, with what follows from it."""

    def configure(value: str):
        for name, setting in TrustedProxies.parse(value).django_settings().items():
            setattr(settings, name, setting)

    return configure


def guess(client, username, *, forwarded="", peer="127.0.0.1", password="wrong", api=True):
    headers = {"REMOTE_ADDR": peer}
    if forwarded:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    url = "/api/v1/auth/token/" if api else "/accounts/login/"
    return client.post(url, {"username": username, "password": password}, **headers)


@pytest.mark.django_db
def test_without_a_proxy_guesses_under_forged_addresses_are_throttled_as_one_client(api_client):
    answers = [
        guess(api_client, f"user{i}", forwarded=f"203.0.113.{i}").status_code for i in range(30)
    ]
    assert answers == [400] * AUTH_LIMIT + [429] * (30 - AUTH_LIMIT)


@pytest.mark.django_db
def test_without_a_proxy_a_lockout_is_not_escaped_by_forging_addresses(client, admin_a, settings):
    for i in range(30):
        guess(client, "admin_a", forwarded=f"203.0.113.{i}", api=False)
    assert (
        guess(client, "admin_a", forwarded="192.0.2.1", password=PASSWORD, api=False).status_code
        == 429
    )
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["127.0.0.1"]


@pytest.mark.django_db
def test_behind_a_proxy_its_clients_are_throttled_apart_and_forged_entries_ignored(
    api_client, admin_a, behind
):
    behind("1")
    # X forges another left-most entry each time: only what the proxy appended counts
    answers = [
        guess(api_client, f"user{i}", forwarded=f"203.0.113.{i}, {X}", peer=PROXY).status_code
        for i in range(AUTH_LIMIT + 1)
    ]
    assert answers == [400] * AUTH_LIMIT + [429]
    token = guess(api_client, "admin_a", forwarded=Y, peer=PROXY, password=PASSWORD)
    assert token.status_code == 200 and "token" in token.json()


@pytest.mark.django_db
def test_behind_a_proxy_a_lockout_locks_the_guessing_client_only(client, admin_a, behind, settings):
    behind("1")
    for i in range(settings.AXES_FAILURE_LIMIT):
        guess(client, "admin_a", forwarded=f"203.0.113.{i}, {X}", peer=PROXY, api=False)
    assert (
        guess(client, "admin_a", forwarded=X, peer=PROXY, password=PASSWORD, api=False).status_code
        == 429
    )
    assert (
        guess(client, "admin_a", forwarded=Y, peer=PROXY, password=PASSWORD, api=False).status_code
        == 302
    )
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == [X]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "proxies, peer, forwarded, recorded",
    [
        ("", "127.0.0.1", "203.0.113.9", "127.0.0.1"),
        ("1", PROXY, f"203.0.113.9, {X}", X),
        ("2", PROXY, f"203.0.113.9, {X}, 10.0.0.9", X),
        ("10.0.0.0/8", PROXY, f"203.0.113.9, {X}, 10.0.0.9", X),
        ("10.0.0.0/8", "192.0.2.50", X, "192.0.2.50"),  # not from the proxy: the peer itself
    ],
    ids=["no-proxy", "one-hop", "two-hops", "networks", "networks-bypassed"],
)
def test_the_audit_log_records_the_client_the_throttles_see(
    api_client, admin_a, behind, proxies, peer, forwarded, recorded
):
    behind(proxies)
    api_client.force_authenticate(admin_a)
    response = api_client.patch(
        f"/api/v1/enterprises/{admin_a.enterprise_id}/",
        {"contact_phone": "025-12345678"},
        format="json",
        REMOTE_ADDR=peer,
        HTTP_X_FORWARDED_FOR=forwarded,
    )
    assert response.status_code == 200
    assert AuditLog.objects.get().ip_address == recorded


@pytest.mark.django_db
@pytest.mark.parametrize(
    "proxies, peer, honoured",
    [
        ("", "127.0.0.1", False),
        ("1", PROXY, True),
        ("10.0.0.0/8", PROXY, True),
        ("10.0.0.0/8", "192.0.2.50", False),
    ],
    ids=["no-proxy", "one-hop", "networks", "networks-bypassed"],
)
def test_the_https_header_counts_only_from_a_trusted_proxy(
    client, behind, settings, proxies, peer, honoured
):
    behind(proxies)
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/accounts/login/", REMOTE_ADDR=peer, HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == (200 if honoured else 301)


@pytest.mark.parametrize("value", ["10.0.0.5/8", "proxy.internal", "1.5", "10.0.0.0/8,"])
def test_a_wrong_trusted_proxies_value_is_refused_naming_the_setting(value):
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        TrustedProxies.parse(value)


@pytest.mark.parametrize("value", ["", "0", "1", "3", "10.0.0.0/8, 192.0.2.7", "fd00::/8"])
def test_gunicorn_trusts_the_peers_the_portal_trusts(settings, value):
    settings.TRUSTED_PROXIES = trusted = TrustedProxies.parse(value)
    config = Config()
    allowed = runpy.run_path(str(ROOT / "config/gunicorn.conf.py"))["forwarded_allow_ips"]
    config.set("forwarded_allow_ips", allowed)  # gunicorn's own validation
    for peer in ("127.0.0.1", "10.1.2.3", "192.0.2.7", "192.0.2.8", "fd00::1", "2001:db8::1"):
        assert _ip_in_allow_list(
            peer, config.forwarded_allow_ips, config.forwarded_allow_networks()
        ) == trusted.trusts(peer), peer
    # the image and the compose file start gunicorn with it
    for deployment in ("Dockerfile", "docker-compose.yml"):
        assert "config/gunicorn.conf.py" in (ROOT / deployment).read_text()


def test_every_api_throttle_counts_per_client_as_trusted_proxies_says():
    for route in all_routes().values():
        view_class = getattr(route.callback, "cls", None)
        if route.is_api and view_class is not None:
            for throttle in view_class().get_throttles():
                assert isinstance(throttle, ByClientIp), (route.pattern, throttle)
