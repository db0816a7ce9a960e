from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScenariosConfig(AppConfig):
    name = "scenarios"
    verbose_name = _("典型场景目录")

    def ready(self):
        from . import models, resources
        from .catalog_parts import CatalogPart, register

        register(CatalogPart("dimensions", models.Dimension, resources.DimensionResource, 10))
        register(CatalogPart("links", models.Link, resources.LinkResource, 20, parent="dimension"))
        register(
            CatalogPart("scenarios", models.Scenario, resources.ScenarioResource, 30, parent="link")
        )
        register(
            CatalogPart(
                "link_outcomes",
                models.LinkOutcome,
                resources.LinkOutcomeResource,
                35,
                parent="link",
                optional=True,
            )
        )
        register(
            CatalogPart(
                "support_elements", models.SupportElement, resources.SupportElementResource, 40
            )
        )
