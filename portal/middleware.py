"""The portal's middleware: Chinese first, the HTTPS header only from a trusted proxy, and
the Content-Security-Policy."""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.urls import reverse
from django.utils import translation

from .client_ip import FORWARDED_PROTO_HEADER


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Chinese unless the user chose another language with the switch.

    Django's own middleware follows the browser's Accept-Language; a provincial
    portal speaks Chinese first, whatever the browser, and keeps a choice made
    with the language switch (stored in the language cookie).
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen not in dict(settings.LANGUAGES):
            chosen = settings.LANGUAGE_CODE
        translation.activate(chosen)
        request.LANGUAGE_CODE = translation.get_language()


class UntrustedForwardedProtoMiddleware:
    """Drop the HTTPS header (X-Forwarded-Proto) unless a trusted proxy sent it.

    Django honours SECURE_PROXY_SSL_HEADER from any peer; with TRUSTED_PROXIES given as
    networks, a client reaching the portal directly must not claim HTTPS.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.TRUSTED_PROXIES.trusts(request.META.get("REMOTE_ADDR", "")):
            request.META.pop(FORWARDED_PROTO_HEADER, None)
        return self.get_response(request)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware (``CONTENT_SECURITY_POLICY``), with the admin site's additions
    (``CONTENT_SECURITY_POLICY_ADMIN``) on the admin site's pages only."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and request.path_info.startswith(reverse("admin:index")):
            parts.update = {**settings.CONTENT_SECURITY_POLICY_ADMIN, **(parts.update or {})}
        return parts
