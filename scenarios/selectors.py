"""Reads of the catalog. The catalog is public reference data, not tenant data."""

from django.db.models import Prefetch

from .models import CatalogVersion, Dimension, Link, LinkOutcome, Scenario, VersionStatus


def catalog_version_current() -> CatalogVersion | None:
    """The most recently published catalog version."""
    return (
        CatalogVersion.objects.filter(status=VersionStatus.PUBLISHED)
        .order_by("-published_at", "-pk")
        .first()
    )


def catalog_version_published(*, label: str | None = None) -> CatalogVersion | None:
    """A published version by label, or the current one when no label is given."""
    if not label:
        return catalog_version_current()
    return CatalogVersion.objects.filter(status=VersionStatus.PUBLISHED, label=label).first()


def catalog_dimensions(*, version: CatalogVersion):
    """Dimensions with their links and scenarios prefetched, in catalog order."""
    return (
        Dimension.objects.filter(version=version)
        .order_by("no")
        .prefetch_related(
            Prefetch(
                "links",
                queryset=Link.objects.order_by("no").prefetch_related(
                    Prefetch("scenarios", queryset=Scenario.objects.order_by("no")),
                    Prefetch("outcomes", queryset=LinkOutcome.objects.order_by("no")),
                ),
            )
        )
    )


def catalog_versions_visible(*, user):
    """Published versions for everyone; drafts too for the province admin."""
    versions = CatalogVersion.objects.order_by("-published_at", "-created_at")
    if user.is_authenticated and user.is_province_admin:
        return versions
    return versions.filter(status=VersionStatus.PUBLISHED)
