"""The catalog fixture against the seed document: structure, numbering and exact text."""

import re
from pathlib import Path

import pytest

from indicators.models import IndicatorDefinition, InputDefinition
from scenarios.models import Dimension, Link, Scenario, SupportElement

SEED = (
    Path(__file__).resolve().parent.parent / "fixtures" / "source" / "typical_scenarios_guide.txt"
)

# The seed's structure: link number → the scenario numbers listed under it.
SCENARIOS_BY_LINK = {
    1: [1, 2, 3],
    2: [4, 5, 6, 7, 8, 9, 10],
    3: [11, 12],
    4: [13, 14, 15],
    5: [16, 17, 18],
    6: [19, 20],
    7: [21, 22],
    8: [23, 24],
    9: [25, 26, 27, 28, 29],
    10: [30, 31, 32],
    11: [33, 34],
    12: [35, 36],
    13: [37, 38, 39],
    14: [40, 41],
    15: [42, 43],
    16: [44, 45],
}
LINKS_BY_DIMENSION = {1: list(range(1, 10)), 2: [10, 11, 12, 13], 3: [14, 15, 16]}
DIMENSION_NAMES = {1: "生产全过程", 2: "产品全生命周期", 3: "供应链全环节"}

# DESIGN.md §5: number → (code, unit, applicability, inputs)
INDICATORS = {
    1: ("labor_productivity", "万元/人", "all", ["gross_output_value", "avg_employees"]),
    2: ("resource_utilization", "%", "process", ["product_output_qty", "raw_material_input_qty"]),
    3: ("cost_to_output_ratio", "%", "all", ["total_production_cost", "gross_output_value"]),
    4: ("unit_product_cost", "万元/个", "all", ["total_production_cost", "total_output_units"]),
    5: ("defect_rate", "%", "all", ["inspected_defective", "inspected_total"]),
    6: ("quality_loss_rate", "%", "all", ["quality_loss_cost", "gross_output_value"]),
    7: ("oee", "%", "all", ["oee_availability", "oee_performance", "oee_quality"]),
    8: ("inventory_turnover", "次", "all", ["warehouses"]),
    9: ("supplier_on_time_rate", "%", "all", ["supplier_on_time_orders", "supplier_total_orders"]),
    10: ("order_on_time_rate", "%", "all", ["on_time_orders", "total_orders"]),
    11: ("rd_cycle_days", "天", "all", ["rd_projects"]),
    12: ("sales_per_capita", "万元/人", "all", ["sales_revenue", "sales_headcount"]),
    13: ("energy_intensity", "吨标准煤/万元", "all", ["total_energy_tce", "gross_output_value"]),
    14: ("co2_intensity", "吨/万元", "all", ["co2_emissions_t", "gross_output_value"]),
    15: (
        "lost_time_incident_rate",
        "起/20万工时",
        "all",
        ["lost_time_incidents", "actual_work_hours"],
    ),
    16: ("replication_count", "家", "all", ["replication_count"]),
    17: ("nc_rate", "%", "discrete", ["nc_processes", "total_processes"]),
    18: ("apc_rate", "%", "process", ["apc_processes", "total_processes"]),
    19: ("equipment_networking_rate", "%", "all", ["networked_equipment", "total_equipment"]),
}


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def seed_text() -> str:
    return _squash(SEED.read_text(encoding="utf-8")).replace("2-16", "")


@pytest.mark.django_db
def test_counts_match_the_seed(catalog):
    assert Dimension.objects.filter(version=catalog).count() == 3
    assert Link.objects.filter(version=catalog).count() == 16
    assert Scenario.objects.filter(version=catalog).count() == 45
    assert SupportElement.objects.filter(version=catalog).count() == 8
    assert IndicatorDefinition.objects.filter(version=catalog).count() == 19


@pytest.mark.django_db
def test_numbering_is_continuous(catalog):
    for model, n in (
        (Dimension, 3),
        (Link, 16),
        (Scenario, 45),
        (SupportElement, 8),
        (IndicatorDefinition, 19),
    ):
        numbers = list(
            model.objects.filter(version=catalog).order_by("no").values_list("no", flat=True)
        )
        assert numbers == list(range(1, n + 1)), model.__name__


@pytest.mark.django_db
def test_scenarios_sit_under_the_seeds_links_and_links_under_its_dimensions(catalog):
    for link in Link.objects.filter(version=catalog):
        assert sorted(link.scenarios.values_list("no", flat=True)) == SCENARIOS_BY_LINK[link.no]
    for dimension in Dimension.objects.filter(version=catalog):
        assert dimension.name == DIMENSION_NAMES[dimension.no]
        assert (
            sorted(dimension.links.values_list("no", flat=True)) == LINKS_BY_DIMENSION[dimension.no]
        )


@pytest.mark.django_db
def test_every_text_is_transcribed_verbatim_from_the_seed(catalog, seed_text):
    rows = [
        *Dimension.objects.filter(version=catalog),
        *Link.objects.filter(version=catalog),
        *Scenario.objects.filter(version=catalog),
        *SupportElement.objects.filter(version=catalog),
    ]
    for row in rows:
        assert _squash(row.name) in seed_text, row.name
        assert _squash(row.description) in seed_text, row.description
        assert row.name_en, f"{row} has no English name"
    for ind in IndicatorDefinition.objects.filter(version=catalog):
        assert _squash(ind.name) in seed_text, ind.name
        assert _squash(ind.description) in seed_text, ind.description
        assert _squash(ind.seed_formula) in seed_text, ind.seed_formula
        assert ind.name_en


@pytest.mark.django_db
def test_scenario_descriptions_are_complete_sentences(catalog):
    for scenario in Scenario.objects.filter(version=catalog):
        assert scenario.description.endswith("。"), scenario.no
        assert len(scenario.description) > 30, scenario.no


@pytest.mark.django_db
def test_support_elements_fall_into_equipment_network_platform(catalog):
    categories = dict(SupportElement.objects.filter(version=catalog).values_list("no", "category"))
    assert categories == {
        1: "equipment",
        2: "equipment",
        3: "network",
        4: "network",
        5: "platform",
        6: "platform",
        7: "platform",
        8: "platform",
    }


@pytest.mark.django_db
def test_indicators_follow_design_with_seed_corrections(catalog):
    input_codes = set(
        InputDefinition.objects.filter(version=catalog).values_list("code", flat=True)
    )
    for ind in IndicatorDefinition.objects.filter(version=catalog):
        code, unit, applicability, inputs = INDICATORS[ind.no]
        assert (ind.code, ind.unit, ind.applicability, ind.inputs) == (
            code,
            unit,
            applicability,
            inputs,
        )
        assert set(ind.inputs) <= input_codes
    corrected = set(
        IndicatorDefinition.objects.filter(version=catalog)
        .exclude(correction_note="")
        .values_list("no", flat=True)
    )
    assert {4, 5, 7, 8, 11, 13, 14, 15, 16} <= corrected
    # #4: no ×100 for a cost per unit; #5: defective / inspected, not the pass rate.
    assert "100" not in IndicatorDefinition.objects.get(version=catalog, no=4).formula
    assert IndicatorDefinition.objects.get(version=catalog, no=5).formula.startswith(
        "inspected_defective"
    )
