"""The parts a catalog version is made of, registered by the apps that own them.

The catalog spans two apps (scenarios, then indicators above it); cloning,
exporting and importing a version walk this registry so the scenarios app
never imports from the layer above it.
"""

from dataclasses import dataclass

from django.db import models
from import_export.resources import ModelResource


@dataclass(frozen=True)
class CatalogPart:
    key: str  # sheet name in exports
    model: type[models.Model]
    resource: type[ModelResource]
    order: int
    parent: str | None = None  # FK to an earlier part, identified by its `no` in files
    # Added after versions were exported: a file without its sheet imports it empty.
    optional: bool = False


_registry: dict[str, CatalogPart] = {}


def register(part: CatalogPart) -> None:
    _registry[part.key] = part


def catalog_parts() -> list[CatalogPart]:
    return sorted(_registry.values(), key=lambda p: p.order)
