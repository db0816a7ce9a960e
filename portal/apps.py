from django.apps import AppConfig
from django.apps import apps as global_apps
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("门户与账户")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import tokens  # noqa: F401  (revokes API tokens when the credentials change)

        post_migrate.connect(_reference_districts, sender=self)


def _reference_districts(sender, using="default", apps=global_apps, **kwargs):
    """The county-level divisions are reference data, as Django's content types are: a flush
    (``manage.py flush``, a test that commits) empties the table, and the list is written back
    after it as after a migration (with the model as the migrated state has it, if at all;
    a flush sends no state: the current models)."""
    from .districts import reference_rows

    try:
        district = apps.get_model("portal", "District")
    except LookupError:
        return
    if not district.objects.using(using).exists():
        district.objects.using(using).bulk_create(district(**row) for row in reference_rows())


class PortalAdminConfig(admin_apps.AdminConfig):
    """The admin app with the portal's site (``portal.admin_site``): second factor required.
    Named in INSTALLED_APPS in place of ``django.contrib.admin``."""

    default = False  # not the portal app's own configuration
    default_site = "portal.admin_site.PortalAdminSite"
