"""Recommendations: the order (the tier's gap, then the weak indicators through the guide's
links, then what peers that reached the tier implemented), the reasons with their sources, and
the privacy minimum (a group of four peers reveals nothing)."""

import pytest
from django.utils import translation

from evaluation.peers import PeerStanding
from evaluation.recommendations import (
    PeerAdoption,
    _outcomes_by_link,
    _scenarios,
    peer_adoption,
    rank,
    recommendations_for,
    weak_indicators,
)
from evaluation.selectors import assessment_data, assessment_results
from evaluation.tiers import Gap, TierOutcome, TierResult
from portal.models import City

from ..factories import evaluated_assessment

# Production is done (links 1-4); the product dimension lacks 3 scenarios in 2 links.
IMPLEMENTED = {1, 2, 4, 5, 11, 13}
FACTORY_SHORT = TierOutcome(
    highest_tier="workshop",
    tiers=(
        TierResult("workshop", True),
        TierResult(
            "factory",
            False,
            (
                Gap("scenarios", "product", required=3, actual=0, missing=3),
                Gap("links", "product", required=2, actual=0, missing=2),
            ),
        ),
    ),
    rules_are_default=True,
)


def _rank(catalog, *, weak=None, adoption=None, implemented=IMPLEMENTED, limit=5):
    return rank(
        scenarios=_scenarios(catalog),
        outcomes_by_link=_outcomes_by_link(catalog),
        implemented=implemented,
        outcome=FACTORY_SHORT,
        weak=weak or {},
        adoption={"factory": adoption},
        limit=limit,
    )["factory"]


@pytest.mark.django_db
def test_weak_indicators_then_peers_order_the_scenarios_the_gap_allows(catalog):
    weak = {"sales_per_capita": "人均销售额", "rd_cycle_days": "产品研制周期"}
    adoption = PeerAdoption(reached=6, counts={36: 5, 31: 3, 33: 6})
    recs = _rank(catalog, weak=weak, adoption=adoption, limit=7)
    # All product links are uncovered: weak indicators first (36 more adopted than 31), then
    # the most adopted, then catalog order; never a scenario of a dimension already met.
    assert [r.no for r in recs] == [36, 31, 30, 32, 35, 33, 34]
    first = recs[0]
    assert first.reason == (
        "可覆盖尚未覆盖的“营销管理环节”；您的人均销售额处于同行下四分位；"
        "《指引》营销管理环节“提高人均销售额”；同类型同规模已达智能工厂的企业中多数实施了该场景"
    )
    assert [(r.kind, r.source) for r in first.reasons] == [
        ("gap", "tier_rules"),
        ("weak_indicator", "peer_benchmark"),
        ("guide", "guide"),
        ("peer_adoption", "peer_adoption"),
    ]
    assert "部分实施了该场景" in recs[1].reason  # 3 of 6 is not most
    assert "实施了该场景" not in recs[3].reason  # no peer implemented 32


@pytest.mark.django_db
def test_the_gap_outranks_a_weak_indicator_of_a_covered_link(catalog):
    weak = {"rd_cycle_days": "产品研制周期"}
    recs = _rank(catalog, weak=weak, implemented=IMPLEMENTED | {30}, limit=9)
    # Link 10 is covered by #30: 31 and 32 improve the weak indicator but open no link.
    assert [r.no for r in recs] == [33, 34, 35, 36, 37, 38, 39, 31, 32]
    assert recs[7].reason.startswith("补足“产品全生命周期”的已实施场景数；您的产品研制周期")


@pytest.mark.django_db
def test_an_interpreted_link_says_it_is_an_interpretation(catalog):
    recs = _rank(catalog, weak={"unit_product_cost": "单位产品成本"})
    assert [r.no for r in recs[:2]] == [33, 34]
    assert "《指引》工艺设计环节“降低生产成本”（本系统解读为单位产品成本）" in recs[0].reason


@pytest.mark.django_db
def test_without_enough_peers_the_order_is_the_catalogs_and_says_so(catalog):
    recs = _rank(catalog)
    assert [r.no for r in recs] == [30, 31, 32, 33, 34]
    assert recs[0].reasons[-1].kind == "catalog_order"
    assert "不足 5 家，按目录顺序推荐" in recs[0].reason


def test_peer_adoption_needs_five_at_every_narrowing():
    counts = {36: 4}
    assert peer_adoption(peers=4, reached=4, counts=counts) is None  # four peers in all
    assert peer_adoption(peers=9, reached=4, counts=counts) is None  # four reached the tier
    five = peer_adoption(peers=5, reached=5, counts=counts)
    assert five == PeerAdoption(reached=5, counts=counts)
    assert five.share_words(36) == "多数" and five.share_words(40) == ""


def test_weak_indicators_are_those_in_the_last_quarter():
    def standing(code, band):
        return PeerStanding(1, code, code, "", 1, "higher", None, "", True, band)

    assert weak_indicators([standing("oee", "bottom"), standing("rd_cycle_days", "top")]) == {
        "oee": "oee"
    }


def _peers(of, n, *, tier="factory", implemented=(39,), rd_cycle_days=20, state="submitted"):
    for _ in range(n):
        evaluated_assessment(
            of.batch,
            state=state,
            current={"rd_cycle_days": rd_cycle_days},
            highest_tier=tier,
            implemented=implemented,
            industry_type=of.applicant_industry_type,
            size=of.applicant_size,
            city=City.NANJING,
        )


def _factory(assessment):
    results = assessment_results(assessment)
    return recommendations_for(
        assessment=assessment,
        scenario_status=assessment_data(assessment).scenario_status,
        outcome=results.tiers,
        indicator_rows=results.indicators,
        limit=9,
    )["factory"]


@pytest.mark.django_db
def test_four_peers_reveal_nothing_the_fifth_makes_them_count(assessment):
    """Enterprise A's draft (scenarios 1, 2, 4, 5, 11, 13, 30; its development cycle 65 days)
    against hand-built peers that reached 智能工厂, implemented #39 and took 20–30 days; three
    more reached 智能车间 only, and one was returned (its answers open again)."""
    _peers(assessment, 4)
    _peers(assessment, 1, state="returned")  # editable again: its answers are not frozen
    _peers(assessment, 3, tier="workshop", implemented=(39, 38))
    four = _factory(assessment)
    assert [r.no for r in four] == [33, 34, 35, 36, 37, 38, 39, 31, 32]
    assert not any(r.kind == "peer_adoption" for x in four for r in x.reasons)

    _peers(assessment, 1, rd_cycle_days=30)
    five = _factory(assessment)
    # five reached 智能工厂 and implemented 39; 38 only those that did not count
    assert [r.no for r in five] == [39, 33, 34, 35, 36, 37, 38, 31, 32]
    assert five[0].reason.endswith("同类型同规模已达智能工厂的企业中多数实施了该场景")
    assert "您的产品研制周期处于同行下四分位；《指引》产品设计环节“缩短产品研制周期”" in (
        five[7].reason
    )


@pytest.mark.django_db
def test_the_reasons_read_in_english(catalog):
    with translation.override("en"):
        (first,) = _rank(
            catalog,
            weak={"sales_per_capita": "Sales per head"},
            adoption=PeerAdoption(reached=5, counts={36: 3}),
            limit=1,
        )
    assert first.reason == (
        "Covers the link “Marketing and sales management”, not yet covered; "
        "Your Sales per head is in the last quarter of your peers; "
        "The guide, Marketing and sales management: “Raise sales per head”; "
        "Of the enterprises of the same industry type and size that reached Smart Factory, "
        "most implemented this scenario"
    )
    assert [r.source_label for r in first.reasons][-1] == "Peers' practice"


@pytest.mark.django_db
def test_the_cached_peers_are_read_again_when_a_peer_joins(assessment):
    """The side panel's results keep the peers' reads under a fingerprint of the group."""
    _peers(assessment, 4)
    assert assessment_results(assessment).recommendations["factory"][0].no == 33
    assert assessment_results(assessment).recommendations["factory"][0].no == 33  # cached
    _peers(assessment, 1)
    first = assessment_results(assessment).recommendations["factory"][0]
    assert first.no == 39 and first.reasons[-1].kind == "peer_adoption"
