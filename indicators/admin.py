from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from portal.admin import AuditedAdminMixin
from scenarios.admin import CatalogItemAdmin

from .models import EmissionFactor, EnergyCarrier, IndicatorDefinition, InputDefinition


@admin.register(IndicatorDefinition)
class IndicatorDefinitionAdmin(CatalogItemAdmin):
    list_display = ("no", "name", "code", "unit", "direction", "applicability", "version")
    list_filter = ("version", "category", "applicability")
    search_fields = ("name", "name_en", "code", "description")


@admin.register(InputDefinition)
class InputDefinitionAdmin(CatalogItemAdmin):
    list_display = ("no", "code", "name", "unit", "kind", "version")
    list_filter = ("version", "kind")
    search_fields = ("code", "name", "name_en")


@admin.register(EnergyCarrier)
class EnergyCarrierAdmin(AuditedAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "code", "unit", "kgce_per_unit", "source")
    search_fields = ("name", "code")
    ordering = ("ordering", "code")


@admin.register(EmissionFactor)
class EmissionFactorAdmin(AuditedAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "code", "source_kind", "unit", "kgco2_per_unit", "source")
    list_filter = ("source_kind",)
    search_fields = ("name", "code")
    ordering = ("ordering", "code")
