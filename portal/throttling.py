"""Rate limits counted per client as ``portal.client_ip`` resolves it: the API's throttles, the
password-reset page's and the public forms'."""

import hashlib
import math

from rest_framework import throttling

from .client_ip import client_ip


class ByClientIp:
    """DRF reads X-Forwarded-For from anyone; the client is who TRUSTED_PROXIES says it is."""

    def get_ident(self, request):
        return client_ip(request) or ""


class AnonRateThrottle(ByClientIp, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(ByClientIp, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(ByClientIp, throttling.ScopedRateThrottle):
    pass


class _KeyedThrottle(throttling.SimpleRateThrottle):
    """One scope's rate (REST_FRAMEWORK's DEFAULT_THROTTLE_RATES) counted for a given key."""

    def __init__(self, scope: str, key: str):
        self.scope, self.ident = scope, key
        super().__init__()

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.ident}


def password_reset_wait(request, *, email: str) -> int | None:
    """None when a reset e-mail may be sent now; else the seconds to wait. Counted per client
    (``password_reset`` rate) and per address (``password_reset_email``), whether or not an
    account has that address, so the answer tells nothing about which addresses exist."""
    address = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    throttles = [
        _KeyedThrottle("password_reset", client_ip(request) or ""),
        _KeyedThrottle("password_reset_email", address),
    ]
    return _wait(request, throttles)


def registration_wait(request, *, email: str) -> int | None:
    """None when a registration may be received now; else the seconds to wait. Counted per
    client (``registration`` rate) and per address the verification e-mail would go to
    (``registration_email``), so nobody floods one mailbox from many clients."""
    address = hashlib.sha256((email or "").strip().lower().encode()).hexdigest()
    throttles = [
        _KeyedThrottle("registration", client_ip(request) or ""),
        _KeyedThrottle("registration_email", address),
    ]
    return _wait(request, throttles)


class RegistrationThrottle(ByClientIp, throttling.BaseThrottle):
    """The API's side of ``registration_wait``: per client and per address, with the page."""

    def allow_request(self, request, view):
        data = request.data if hasattr(request.data, "get") else {}
        self.seconds = registration_wait(request, email=str(data.get("email") or ""))
        return self.seconds is None

    def wait(self):
        return self.seconds


def client_wait(request, *, scope: str) -> int | None:
    """None when the client may go on now; else the seconds to wait. Counted per client at
    ``scope``'s rate (a public form's, e.g. ``objection``)."""
    return _wait(request, [_KeyedThrottle(scope, client_ip(request) or "")])


def _wait(request, throttles) -> int | None:
    refused = [throttle for throttle in throttles if not throttle.allow_request(request, None)]
    if not refused:
        return None
    return max(math.ceil(throttle.wait() or throttle.duration) for throttle in refused)
