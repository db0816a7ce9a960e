from django.contrib import admin

from scenarios.admin import CatalogItemAdmin

from .models import IndicatorDefinition, InputDefinition


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
