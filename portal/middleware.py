"""The portal's middleware: Chinese first, and the HTTPS header only from a trusted proxy."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
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
