from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("门户与账户")

    def ready(self):
        from . import tokens  # noqa: F401  (revokes API tokens when the credentials change)
