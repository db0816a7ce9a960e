"""Conflict-of-interest rules and the load-balancing choice of experts (review.matching):
plain functions over plain data, no database."""

import pytest

from review.matching import (
    MIN_NAME_MATCH,
    Applicant,
    ExpertProfile,
    balance_picks,
    conflicts,
    pick_experts,
    same_organisation,
)

SUZHOU_CO = Applicant(enterprise_id=10, name="苏州精工机械有限公司", city="320500")


def profile(id_, employer="东南大学", city="320100"):
    return ExpertProfile(id=id_, employer=employer, city=city)


# --- same_organisation -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("employer", "enterprise", "expected"),
    [
        # The same name, also with different spacing and letter case.
        ("苏州精工机械有限公司", "苏州精工机械有限公司", True),
        (" 苏州精工 机械有限公司 ", "苏州精工机械有限公司", True),
        ("ACME Machinery Co", "acme machinerY co", True),
        # A group company: the employer's name contains the enterprise's.
        ("苏州精工机械有限公司集团总部", "苏州精工机械有限公司", True),
        ("苏州精工集团", "苏州精工", True),
        # A branch: the enterprise's name contains the employer's.
        ("苏州精工", "苏州精工机械有限公司昆山分公司", True),
        # Unrelated organisations.
        ("东南大学", "苏州精工机械有限公司", False),
        ("南京精工机械有限公司", "苏州精工机械有限公司", False),
        # Too short to match by containment ("公司" would match every company)…
        ("公司", "苏州精工机械有限公司", False),
        ("精工", "苏州精工机械有限公司", False),
        ("甲企业集团", "甲企业", False),
        # …but a short name still matches itself exactly.
        ("甲企业", "甲企业", True),
        # No employer recorded: never a match, not even with an empty name.
        ("", "苏州精工机械有限公司", False),
        ("", "", False),
        ("   ", "", False),
    ],
)
def test_same_organisation(employer, enterprise, expected):
    assert same_organisation(employer, enterprise) is expected


def test_min_name_match_is_the_threshold():
    name = "精" * MIN_NAME_MATCH
    assert same_organisation(name, f"苏州{name}有限公司")
    assert not same_organisation(name[:-1], f"苏州{name}有限公司")


# --- conflicts -----------------------------------------------------------------------------


def test_no_conflict():
    assert conflicts(profile(1), SUZHOU_CO, declared=set(), avoid_same_city=True) == []


def test_employer_is_the_enterprise():
    reasons = conflicts(
        profile(1, employer="苏州精工机械有限公司"),
        SUZHOU_CO,
        declared=set(),
        avoid_same_city=False,
    )
    assert reasons == ["专家的工作单位即申报企业"]


def test_declared_conflict_is_per_expert_and_enterprise():
    declared = {(1, 10)}
    assert conflicts(profile(1), SUZHOU_CO, declared=declared, avoid_same_city=False) == [
        "专家已申报与该企业存在利益冲突"
    ]
    # Another expert, or the same expert with another enterprise: no conflict.
    assert conflicts(profile(2), SUZHOU_CO, declared=declared, avoid_same_city=False) == []
    other = Applicant(enterprise_id=11, name="无锡某公司制造厂", city="320200")
    assert conflicts(profile(1), other, declared=declared, avoid_same_city=False) == []


def test_same_city_only_when_the_batch_asks():
    local = profile(1, city="320500")
    assert conflicts(local, SUZHOU_CO, declared=set(), avoid_same_city=False) == []
    assert conflicts(local, SUZHOU_CO, declared=set(), avoid_same_city=True) == [
        "本批次要求回避同市专家"
    ]
    # An expert with no city recorded is not "in the same city" as anybody.
    nowhere = profile(2, city="")
    assert (
        conflicts(
            nowhere, Applicant(11, "某某制造有限公司", ""), declared=set(), avoid_same_city=True
        )
        == []
    )


def test_every_reason_is_listed():
    expert = profile(1, employer="苏州精工机械有限公司", city="320500")
    reasons = conflicts(expert, SUZHOU_CO, declared={(1, 10)}, avoid_same_city=True)
    assert reasons == [
        "专家的工作单位即申报企业",
        "专家已申报与该企业存在利益冲突",
        "本批次要求回避同市专家",
    ]


# --- pick_experts ----------------------------------------------------------------------------


def pick(
    needed,
    candidates,
    load,
    *,
    excluded=(),
    declared=(),
    avoid_same_city=False,
    applicant=SUZHOU_CO,
):
    return [
        e.id
        for e in pick_experts(
            needed,
            candidates,
            load,
            excluded=set(excluded),
            applicant=applicant,
            declared=set(declared),
            avoid_same_city=avoid_same_city,
        )
    ]


def test_least_loaded_first_ties_by_id():
    pool = [profile(i) for i in (5, 3, 1, 4, 2)]
    load = {1: 2, 2: 0, 3: 1, 4: 0}
    # Loads: 5→0 (absent), 2→0, 4→0, 3→1, 1→2; ties broken by id.
    assert pick(3, pool, load) == [2, 4, 5]
    # The load is updated in place, so the next applicant sees these picks.
    assert load == {1: 2, 2: 1, 3: 1, 4: 1, 5: 1}
    assert pick(3, pool, load) == [2, 3, 4]
    assert load == {1: 2, 2: 2, 3: 2, 4: 2, 5: 1}


def test_excluded_and_conflicted_experts_are_skipped():
    pool = [
        profile(1),
        profile(2, employer="苏州精工机械有限公司"),
        profile(3, city="320500"),
        profile(4),
        profile(5),
    ]
    load = {}
    chosen = pick(5, pool, load, excluded={4}, declared={(5, 10)}, avoid_same_city=True)
    assert chosen == [1]
    assert load == {1: 1}
    # Without the same-city rule, expert 3 is eligible again.
    assert pick(5, pool, {}, excluded={4}, declared={(5, 10)}) == [1, 3]


def test_fewer_eligible_than_needed_returns_what_there_is():
    assert pick(3, [profile(1), profile(2)], {}) == [1, 2]
    assert pick(3, [], {}) == []
    load = {}
    assert pick(0, [profile(1)], load) == [] and load == {}


def test_repeated_picks_balance_the_load():
    """7 applicants × 3 reviewers over 5 experts: loads differ by at most one."""
    pool = [profile(i) for i in range(1, 6)]
    load = {}
    for n in range(7):
        applicant = Applicant(100 + n, f"某某制造有限公司{n}号", "320500")
        chosen = pick(3, pool, load, applicant=applicant)
        assert len(set(chosen)) == 3
    assert sum(load.values()) == 21
    assert max(load.values()) - min(load.values()) <= 1


# --- balance_picks ---------------------------------------------------------------------------


def test_a_conflict_late_in_the_run_no_longer_leaves_the_loads_uneven():
    """Three applicants × 3 reviewers over 4 experts; expert 4 may not review the third.
    Least-loaded picks, applicant by applicant, end 3/3/2/1; balanced, 3/2/2/2."""
    pool = [profile(i) for i in range(1, 5)]
    applicants = [Applicant(100 + n, f"某某制造有限公司{n}号", "320500") for n in range(3)]
    declared = {(4, 102)}
    load, picks, eligible = {}, {}, {}
    for a in applicants:
        picks[a.enterprise_id] = pick(3, pool, load, applicant=a, declared=declared)
        eligible[a.enterprise_id] = {1, 2, 3} if a.enterprise_id == 102 else {1, 2, 3, 4}
    assert sorted(load.values()) == [1, 2, 3, 3]  # what the picks alone give
    balance_picks(picks, eligible, load)
    assert sorted(load.values()) == [2, 2, 2, 3]
    assert set(picks[102]) == {1, 2, 3}
    for key, chosen in picks.items():
        assert len(set(chosen)) == 3 and set(chosen) <= eligible[key]
    assert load == {e: sum(e in chosen for chosen in picks.values()) for e in range(1, 5)}


def test_reviews_move_along_a_chain_and_earlier_loads_count():
    """Loads within one review (expert 3's two from earlier runs counted) stay as they are;
    two more on expert 1 than on expert 3, one review moves along the chain 1 → 2 → 3 (A
    from 1 to 2, B from 2 to 3): no applicant could give it to 3 directly."""
    load = {1: 1, 2: 1, 3: 2}
    picks = {"A": [1], "B": [2]}
    eligible = {"A": {1, 2}, "B": {2, 3}}
    balance_picks(picks, eligible, load)
    assert picks == {"A": [1], "B": [2]} and load == {1: 1, 2: 1, 3: 2}
    load = {1: 2, 2: 1}
    picks = {"A": [1], "B": [2], "C": [1]}
    eligible = {"A": {1, 2}, "B": {2, 3}, "C": {1}}
    balance_picks(picks, eligible, load)
    assert picks == {"A": [2], "B": [3], "C": [1]}
    assert load == {1: 1, 2: 1, 3: 1}
