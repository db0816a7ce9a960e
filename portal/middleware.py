"""The portal's middleware: Chinese first, the HTTPS header only from a trusted proxy, the
Content-Security-Policy, and the second factor before any page."""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django_htmx.http import HttpResponseClientRedirect
from rest_framework.views import APIView

from .client_ip import FORWARDED_PROTO_HEADER
from .two_factor import ENROL, VERIFY, second_factor_step
from .two_factor_views import with_next


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


class SecondFactorMiddleware:
    """Before any page, a signed-in session that owes its second factor is sent to it: to the
    verify step (an authenticator is enrolled) or to enrolment (an official without one), and
    reaches nothing else but signing out, the language switch and the health probes until it
    is done. The admin site is a page like the others here (and ``PortalAdminSite`` refuses an
    unverified session itself); the API is left to its session authentication
    (``portal.authentication``), which refuses such a session with a 403."""

    ALWAYS_OPEN = frozenset(
        {"login", "logout", "set_language", "health", "health-db", "health-worker"}
    )
    STEP_PAGES = {
        VERIFY: ("two-factor-verify", frozenset({"two-factor-verify", "two-factor-recovery"})),
        ENROL: ("two-factor-setup", frozenset({"two-factor-setup"})),
    }

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        name = request.resolver_match.view_name
        view_class = getattr(view_func, "cls", None)
        if name in self.ALWAYS_OPEN or (view_class and issubclass(view_class, APIView)):
            return None
        step = second_factor_step(request)
        if step is None:
            return None
        page, open_pages = self.STEP_PAGES[step]
        if name in open_pages:
            return None
        url = with_next(page, request.get_full_path())
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(url)
        return redirect(url)
