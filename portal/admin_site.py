"""The admin site behind the second factor: django-otp's OTPAdminSite treats a session that has
not passed it as not staff. One door to sign in: the portal's login page (axes, then the
second factor), not a login form of the admin's own."""

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django_otp.admin import OTPAdminSite

from .views import safe_url


class PortalAdminSite(OTPAdminSite):
    def __init__(self, name="admin"):  # OTPAdminSite's own default is "otpadmin"
        super().__init__(name)

    def login(self, request, extra_context=None):
        next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not safe_url(request, next_url):
            next_url = reverse("admin:index", current_app=self.name)
        if self.has_permission(request):
            return redirect(next_url)
        if request.user.is_authenticated:
            raise PermissionDenied
        return redirect_to_login(next_url)
