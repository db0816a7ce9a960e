from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("门户与账户")

    def ready(self):
        from . import tokens  # noqa: F401  (revokes API tokens when the credentials change)


class PortalAdminConfig(admin_apps.AdminConfig):
    """The admin app with the portal's site (``portal.admin_site``): second factor required.
    Named in INSTALLED_APPS in place of ``django.contrib.admin``."""

    default = False  # not the portal app's own configuration
    default_site = "portal.admin_site.PortalAdminSite"
