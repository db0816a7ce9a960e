"""A used or published catalog version is immutable; clone → edit → publish is the way."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from indicators.models import IndicatorDefinition
from portal.models import AuditLog
from scenarios.models import Batch, CatalogLocked, Dimension, Link, Scenario, SupportElement
from scenarios.services import catalog_version_clone, catalog_version_publish


def _batch(version):
    now = timezone.now()
    return Batch.objects.create(
        year=now.year,
        name="测试批次",
        catalog_version=version,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
    )


@pytest.mark.django_db
def test_published_version_refuses_edits_through_the_model(catalog):
    scenario = Scenario.objects.get(version=catalog, no=1)
    scenario.name = "改名"
    with pytest.raises(CatalogLocked):
        scenario.save()
    with pytest.raises(CatalogLocked):
        scenario.delete()
    catalog.title = "改标题"
    with pytest.raises(CatalogLocked):
        catalog.save()
    assert Scenario.objects.get(version=catalog, no=1).name == "生产计划优化"


@pytest.mark.django_db
def test_version_used_by_a_batch_is_immutable_and_cannot_be_deleted(catalog):
    _batch(catalog)
    assert catalog.is_used_by_batch
    with pytest.raises(CatalogLocked) as exc:
        catalog.assert_editable()
    assert "申报批次" in str(exc.value)
    with pytest.raises(CatalogLocked):
        catalog.delete()
    indicator = IndicatorDefinition.objects.get(version=catalog, no=1)
    indicator.formula = "gross_output_value"
    with pytest.raises(CatalogLocked):
        indicator.save()


@pytest.mark.django_db
def test_clone_copies_everything_into_an_editable_draft(catalog, province_admin):
    draft = catalog_version_clone(version=catalog, label="2025.1", actor=province_admin)
    assert draft.is_editable and draft.cloned_from == catalog
    for model in (Dimension, Link, Scenario, SupportElement, IndicatorDefinition):
        source = list(
            model.objects.filter(version=catalog).order_by("no").values_list("no", "name")
        )
        copy = list(model.objects.filter(version=draft).order_by("no").values_list("no", "name"))
        assert source == copy
    # Parents are remapped inside the draft, never pointing back at the source version.
    assert not Scenario.objects.filter(version=draft).exclude(link__version=draft).exists()
    assert not Link.objects.filter(version=draft).exclude(dimension__version=draft).exists()
    scenario = Scenario.objects.get(version=draft, no=1)
    scenario.name = "生产计划优化（修订）"
    scenario.save()
    assert Scenario.objects.get(version=catalog, no=1).name == "生产计划优化"
    assert AuditLog.objects.filter(action="catalog.clone", actor=province_admin).exists()
    assert scenario.history.count() >= 2  # change history kept


@pytest.mark.django_db
def test_clone_refuses_a_label_in_use(catalog):
    with pytest.raises(ValidationError) as exc:
        catalog_version_clone(version=catalog, label="2024.1")
    assert "label" in exc.value.message_dict


@pytest.mark.django_db
def test_publish_freezes_the_draft(catalog):
    draft = catalog_version_clone(version=catalog, label="2025.1")
    published = catalog_version_publish(version=draft)
    assert published.status == "published" and published.published_at is not None
    with pytest.raises(CatalogLocked):
        catalog_version_publish(version=published)
    link = Link.objects.get(version=published, no=1)
    link.name = "x"
    with pytest.raises(CatalogLocked):
        link.save()


@pytest.mark.django_db
def test_publish_refuses_an_incomplete_draft(catalog):
    draft = catalog_version_clone(version=catalog, label="2025.1")
    Scenario.objects.filter(version=draft, link__no=16).delete()
    with pytest.raises(ValidationError) as exc:
        catalog_version_publish(version=draft)
    assert "供应链服务环节" in " ".join(exc.value.messages)
    draft.refresh_from_db()
    assert draft.status == "draft"


@pytest.mark.django_db
def test_a_batch_can_only_pin_a_published_version(catalog):
    draft = catalog_version_clone(version=catalog, label="2025.1")
    batch = Batch(
        year=2026,
        name="x",
        catalog_version=draft,
        opens_at=timezone.now(),
        closes_at=timezone.now() - timedelta(days=1),
    )
    with pytest.raises(ValidationError) as exc:
        batch.full_clean()
    assert {"catalog_version", "closes_at"} <= set(exc.value.message_dict)


@pytest.mark.django_db
def test_item_cannot_be_moved_out_of_a_frozen_version(catalog):
    draft = catalog_version_clone(version=catalog, label="2025.1")
    moved = Scenario.objects.get(version=catalog, no=45)
    moved.link = Link.objects.get(version=draft, no=16)
    with pytest.raises(CatalogLocked):
        moved.save()
