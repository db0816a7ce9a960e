"""The guide's link→outcome statements in the catalog: transcribed from the seed, mapped to the
19 indicators only where the seed names one, the one interpretation marked, and added to the
published versions by the data migration."""

import importlib

import pytest
from django.apps import apps

from indicators.models import IndicatorDefinition
from scenarios.models import Link, LinkOutcome

# link no → [(the seed's words, the indicator they name or "")]; interpretations starred.
EXPECTED = {
    1: [("提高劳动生产率", "labor_productivity"), ("订单达成率", "order_on_time_rate")],
    2: [("提高劳动生产率", "labor_productivity"), ("降低产值成本率", "cost_to_output_ratio")],
    3: [("提高库存周转率", "inventory_turnover"), ("降低库存成本", "")],
    4: [("提升设备综合效率", "oee"), ("降低运维成本", "")],
    5: [("提高产品合格率", "defect_rate"), ("降低质量损失率", "quality_loss_rate")],
    6: [("提升本质安全", ""), ("降低损失工时事故率", "lost_time_incident_rate")],
    7: [("提高能源利用率", ""), ("降低单位产值综合能耗", "energy_intensity")],
    8: [("降低污染物排放", ""), ("减少单位产值碳排放量", "co2_intensity")],
    9: [("提升制造系统运行效率", ""), ("降低运维成本", "")],
    10: [("缩短产品研制周期", "rd_cycle_days"), ("提高新产品产值贡献率", "")],
    11: [("缩短工艺开发周期", ""), ("降低生产成本", "unit_product_cost*")],
    12: [("提高人均销售额", "sales_per_capita")],
    13: [("提高顾客的服务满意率", "")],
    14: [("提高供应商准时交付率", "supplier_on_time_rate")],
    15: [("提高供应商交付率", "supplier_on_time_rate"), ("降低采购成本", "")],
    16: [("确保订单交付", "")],
}


def _outcomes(version) -> dict[int, list[tuple[str, str]]]:
    found: dict[int, list[tuple[str, str]]] = {}
    for o in LinkOutcome.objects.filter(version=version).select_related("link").order_by("no"):
        code = o.indicator_code + ("*" if o.interpretation else "")
        found.setdefault(o.link.no, []).append((o.name, code))
    return found


@pytest.mark.django_db
def test_the_statements_are_the_seeds_outcome_clauses_of_each_link(catalog):
    assert _outcomes(catalog) == EXPECTED
    for link in Link.objects.filter(version=catalog):
        # The link's description is the seed's sentence (tests/test_catalog_fixture.py); its
        # closing clauses are exactly the outcomes, in order, nothing left out.
        rest = link.description
        last_first = list(link.outcomes.order_by("-no").values_list("name", flat=True))
        for i, words in enumerate(last_first):
            assert rest.endswith(words), (link.no, words)
            rest = rest[: -len(words)]
            if i < len(last_first) - 1:
                assert rest[-1] in "，、和", (link.no, rest)
                rest = rest[:-1]
        assert rest.endswith("，"), (link.no, rest)


@pytest.mark.django_db
def test_mapped_outcomes_name_indicators_of_the_version_and_interpretations_say_so(catalog):
    codes = set(IndicatorDefinition.objects.filter(version=catalog).values_list("code", flat=True))
    for outcome in LinkOutcome.objects.filter(version=catalog):
        assert not outcome.indicator_code or outcome.indicator_code in codes, outcome.name
        assert outcome.name_en, outcome.name
        assert bool(outcome.description) == outcome.interpretation, outcome.name
    assert list(
        LinkOutcome.objects.filter(version=catalog, interpretation=True).values_list(
            "link__name", "name"
        )
    ) == [("工艺设计环节", "降低生产成本")]


@pytest.mark.django_db
def test_the_data_migration_adds_them_to_published_versions_once(catalog):
    migration = importlib.import_module("scenarios.migrations.0011_link_outcomes")
    LinkOutcome.objects.filter(version=catalog).delete()
    migration.add_link_outcomes(apps, None)
    migration.add_link_outcomes(apps, None)
    assert _outcomes(catalog) == EXPECTED
