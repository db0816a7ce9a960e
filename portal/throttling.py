"""Rate limits counted per client as ``portal.client_ip`` resolves it: the API's throttles."""

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

