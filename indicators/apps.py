from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "indicators"
    verbose_name = _("成效指标")

    def ready(self):
        from scenarios.catalog_parts import CatalogPart, register

        from . import models, resources

        register(
            CatalogPart("inputs", models.InputDefinition, resources.InputDefinitionResource, 50)
        )
        register(
            CatalogPart(
                "indicators", models.IndicatorDefinition, resources.IndicatorDefinitionResource, 60
            )
        )
