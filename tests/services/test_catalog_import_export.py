import json

import pytest
import tablib
from django.core.exceptions import ValidationError

from indicators.models import IndicatorDefinition, InputDefinition
from scenarios.models import CatalogLocked, Link, LinkOutcome, Scenario, SupportElement
from scenarios.services import (
    catalog_version_clone,
    catalog_version_export,
    catalog_version_import,
)


def _snapshot(version):
    return {
        "links": list(
            Link.objects.filter(version=version)
            .order_by("no")
            .values_list("no", "dimension__no", "name", "name_en", "description")
        ),
        "scenarios": list(
            Scenario.objects.filter(version=version)
            .order_by("no")
            .values_list("no", "link__no", "name", "description")
        ),
        "outcomes": list(
            LinkOutcome.objects.filter(version=version)
            .order_by("no")
            .values_list("no", "link__no", "name", "name_en", "indicator_code", "interpretation")
        ),
        "support": list(
            SupportElement.objects.filter(version=version)
            .order_by("no")
            .values_list("no", "category", "name")
        ),
        "indicators": list(
            IndicatorDefinition.objects.filter(version=version)
            .order_by("no")
            .values_list("no", "code", "formula", "inputs", "unit", "correction_note")
        ),
        "inputs": list(
            InputDefinition.objects.filter(version=version)
            .order_by("no")
            .values_list("code", "kind", "fields")
        ),
    }


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", ["json", "xlsx"])
def test_export_then_import_round_trips(catalog, file_format):
    content = catalog_version_export(version=catalog, file_format=file_format)
    draft = catalog_version_clone(version=catalog, label="2025.1")
    Scenario.objects.filter(version=draft, no=45).delete()
    counts = catalog_version_import(version=draft, content=content, file_format=file_format)
    assert counts["scenarios"] == 45 and counts["indicators"] == 19 and counts["links"] == 16
    assert counts["link_outcomes"] == 28
    assert _snapshot(draft) == _snapshot(catalog)


@pytest.mark.django_db
def test_json_export_has_one_sheet_per_part(catalog):
    document = json.loads(catalog_version_export(version=catalog, file_format="json"))
    titles = [sheet["title"] for sheet in document]
    assert titles == [
        "version",
        "dimensions",
        "links",
        "scenarios",
        "link_outcomes",
        "support_elements",
        "inputs",
        "indicators",
    ]
    scenarios = next(s for s in document if s["title"] == "scenarios")["data"]
    assert scenarios[0]["link"] == 1 and scenarios[0]["name"] == "生产计划优化"


@pytest.mark.django_db
def test_import_with_a_bad_row_changes_nothing_and_names_the_row(catalog):
    draft = catalog_version_clone(version=catalog, label="2025.1")
    before = _snapshot(draft)
    document = json.loads(catalog_version_export(version=catalog, file_format="json"))
    scenarios = next(s for s in document if s["title"] == "scenarios")["data"]
    scenarios[4]["link"] = 99  # no such link
    scenarios[5]["name"] = ""  # a name is required
    with pytest.raises(ValidationError) as exc:
        catalog_version_import(
            version=draft, content=json.dumps(document, ensure_ascii=False), file_format="json"
        )
    text = " ".join(exc.value.messages)
    assert "scenarios" in text
    assert _snapshot(draft) == before


@pytest.mark.django_db
def test_import_refuses_missing_sheets_and_garbage(catalog):
    draft = catalog_version_clone(version=catalog, label="2025.1")
    book = tablib.Databook()
    book.add_sheet(tablib.Dataset(headers=["no"], title="dimensions"))
    with pytest.raises(ValidationError) as exc:
        catalog_version_import(version=draft, content=book.export("json"), file_format="json")
    assert "scenarios" in " ".join(exc.value.messages)
    with pytest.raises(ValidationError):
        catalog_version_import(version=draft, content=b"\x00not a workbook", file_format="xlsx")
    with pytest.raises(ValidationError):
        catalog_version_import(version=draft, content="{}", file_format="csv")
    assert Scenario.objects.filter(version=draft).count() == 45


@pytest.mark.django_db
def test_import_into_a_published_version_is_refused(catalog):
    content = catalog_version_export(version=catalog, file_format="json")
    with pytest.raises(CatalogLocked):
        catalog_version_import(version=catalog, content=content, file_format="json")


@pytest.mark.django_db
def test_a_file_exported_before_link_outcomes_imports_without_them(catalog):
    document = json.loads(catalog_version_export(version=catalog, file_format="json"))
    older = json.dumps([sheet for sheet in document if sheet["title"] != "link_outcomes"])
    draft = catalog_version_clone(version=catalog, label="2025.1")
    counts = catalog_version_import(version=draft, content=older, file_format="json")
    assert "link_outcomes" not in counts and counts["scenarios"] == 45
    assert not LinkOutcome.objects.filter(version=draft).exists()
