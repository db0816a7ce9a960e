"""Tier rules: edges, cumulative tiers, gap texts, defaults vs batch rules, the stateless API."""

import pytest

from evaluation.tiers import CatalogShape, evaluate_tiers, rules_for_batch
from scenarios.models import TierRequirement, TierRule

IMPL = "implemented"

# Production: links 1-9 hold scenarios 1-29; product: links 10-13 → 30-39; supply chain 40-45.
WORKSHOP = {
    1: IMPL,
    2: IMPL,
    4: IMPL,
    5: IMPL,
    11: IMPL,
    13: IMPL,
}  # 6 scenarios in links 1, 2, 3, 4
FACTORY_PRODUCT = {30: IMPL, 31: IMPL, 33: IMPL}  # 3 in links 10, 11
SUPPLY = {40: IMPL, 42: IMPL, 44: IMPL}  # 3 in links 14, 15, 16
SUPPORT_ALL = {1: IMPL, 2: IMPL, 3: IMPL, 4: IMPL, 5: IMPL, 6: IMPL}


@pytest.fixture
def shape(catalog):
    return CatalogShape.for_version(catalog)


def outcome(shape, scenarios, support, improved=None, batch=None):
    return evaluate_tiers(shape, rules_for_batch(batch), scenarios, support, improved)


@pytest.mark.django_db
def test_benchmark_when_everything_is_met(shape, default_rules):
    result = outcome(shape, {**WORKSHOP, **FACTORY_PRODUCT, **SUPPLY}, SUPPORT_ALL, 5)
    assert result.highest_tier == "benchmark"
    assert all(t.passed and not t.gaps for t in result.tiers)


@pytest.mark.django_db
def test_one_scenario_short(shape, default_rules):
    scenarios = dict(WORKSHOP)
    del scenarios[13]  # 5 left, still 3 links
    result = outcome(shape, scenarios, {1: IMPL, 3: IMPL})
    workshop = result.tiers[0]
    assert result.highest_tier is None and not workshop.passed
    assert [g.code for g in workshop.gaps] == ["scenarios"]
    assert workshop.gaps[0].missing == 1
    assert workshop.gaps[0].message == "生产全过程还需 1 个已实施场景（要求 6 个，已有 5 个）"


@pytest.mark.django_db
def test_one_link_short(shape, default_rules):
    scenarios = {
        1: IMPL,
        2: IMPL,
        3: IMPL,
        4: IMPL,
        5: IMPL,
        6: IMPL,
    }  # 6 scenarios in 2 links only
    gaps = outcome(shape, scenarios, {1: IMPL, 3: IMPL}).tiers[0].gaps
    assert [(g.code, g.missing) for g in gaps] == [("links", 1)]
    assert gaps[0].message == "生产全过程还需覆盖 1 个未覆盖环节（要求 3 个，已覆盖 2 个）"


@pytest.mark.django_db
def test_higher_tiers_require_the_lower_ones(shape, default_rules):
    # Product and supply chain complete, support complete, but production short → nothing passes.
    result = outcome(shape, {**FACTORY_PRODUCT, **SUPPLY, 1: IMPL}, SUPPORT_ALL, 10)
    assert result.highest_tier is None
    factory, benchmark = result.tiers[1], result.tiers[2]
    assert not factory.passed and factory.gaps[0].code == "lower_tier"
    assert factory.gaps[0].message == "需先达到智能车间"
    assert [g.code for g in factory.gaps] == ["lower_tier"]  # its own rules are met
    assert benchmark.gaps[0].message == "需先达到智能工厂"


@pytest.mark.django_db
def test_support_elements_and_categories_and_improvement(shape, default_rules):
    result = outcome(
        shape, {**WORKSHOP, **FACTORY_PRODUCT, **SUPPLY}, {1: IMPL, 2: IMPL, 5: IMPL, 6: IMPL}, 4
    )
    assert result.highest_tier == "workshop"
    factory_gaps = {g.code: g for g in result.tiers[1].gaps}
    assert set(factory_gaps) == {"support_category"}
    assert "网络" in factory_gaps["support_category"].message
    benchmark_codes = [g.code for g in result.tiers[2].gaps]
    assert benchmark_codes == [
        "lower_tier",
        "support_elements",
        "support_category",
        "indicators_improved",
    ]


@pytest.mark.django_db
def test_statuses_other_than_implemented_do_not_count(shape, default_rules):
    scenarios = {no: "in_progress" for no in range(1, 30)}
    assert (
        outcome(shape, scenarios, {n: "planned" for n in range(1, 9)}).tiers[0].gaps[0].actual == 0
    )


@pytest.mark.django_db
def test_batch_rules_override_the_defaults(shape, default_rules, open_batch):
    rule = TierRule.objects.create(batch=open_batch, tier="workshop", min_support_elements=0)
    TierRequirement.objects.create(
        rule=rule, dimension_code="production", min_scenarios=1, min_links=1
    )
    rules = rules_for_batch(open_batch)
    assert not rules.is_default and [t.tier for t in rules.tiers] == ["workshop"]
    assert evaluate_tiers(shape, rules, {1: IMPL}, {}).highest_tier == "workshop"
    assert rules_for_batch(None).is_default


@pytest.mark.django_db
def test_tier_api(api_client, admin_a, default_rules, catalog):
    api_client.force_authenticate(admin_a)
    body = {
        "scenarios": {str(k): v for k, v in {**WORKSHOP, **FACTORY_PRODUCT}.items()},
        "support_elements": {"1": IMPL, "3": IMPL, "5": IMPL, "6": IMPL},
    }
    response = api_client.post("/api/v1/evaluation/tier/", body, format="json")
    assert response.status_code == 200
    data = response.json()
    assert data["highest_tier"] == "factory"
    assert [t["tier"] for t in data["tiers"]] == ["workshop", "factory", "benchmark"]
    assert set(data["tiers"][2]) == {"tier", "passed", "gaps"}
    assert any("供应链全环节" in g["message"] for g in data["tiers"][2]["gaps"])
    bad = api_client.post(
        "/api/v1/evaluation/tier/",
        {"scenarios": {"46": IMPL, "1": "done", "x": IMPL}},
        format="json",
    )
    assert bad.status_code == 400
    bad = api_client.post("/api/v1/evaluation/tier/", {"scenarios": {"46": IMPL}}, format="json")
    assert bad.status_code == 400 and "scenarios.46" in bad.json()
    bad = api_client.post(
        "/api/v1/evaluation/tier/", {"batch": 999, "scenarios": {}}, format="json"
    )
    assert bad.status_code == 400 and "batch" in bad.json()
