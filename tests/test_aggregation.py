"""Scoring expert reviews: rubric totals, trimmed mean, z-score leniency correction, aggregates.

Every expected number is worked out by hand in the comment beside it.
"""

import pytest

from review.aggregation import (
    Aggregate,
    Criterion,
    Method,
    ReviewScore,
    aggregate,
    expert_adjusted_scores,
    rubric_total,
    trimmed_mean,
)

# --- rubric_total -----------------------------------------------------------------------------

RUBRIC = [
    Criterion(id=7, weight=30, min_score=0, max_score=10),
    Criterion(id=8, weight=70, min_score=1, max_score=5),
]


def test_rubric_total_unequal_weights_and_non_zero_min():
    # (8-0)/10*30 + (4-1)/4*70 = 24 + 52.5 = 76.5 / 100 weight → 76.5
    assert rubric_total(RUBRIC, {7: 8, 8: 4}) == pytest.approx(76.5, abs=0.01)


def test_rubric_total_rounds_to_two_decimals():
    criteria = [
        Criterion(id=1, weight=2, min_score=0, max_score=10),
        Criterion(id=2, weight=1, min_score=1, max_score=5),
    ]
    # (5-0)/10*2 + (5-1)/4*1 = 1 + 1 = 2 / 3 weight = 0.6666… → 66.67
    assert rubric_total(criteria, {1: 5, 2: 5}) == pytest.approx(66.67, abs=0.01)


def test_rubric_total_range_ends_are_allowed():
    # every score at its min → 0/100 = 0; every score at its max → 100/100 → 100
    assert rubric_total(RUBRIC, {7: 0, 8: 1}) == 0
    assert rubric_total(RUBRIC, {7: 10, 8: 5}) == 100


def test_rubric_total_missing_score_names_the_criterion():
    with pytest.raises(ValueError, match=r"criterion 8\b"):
        rubric_total(RUBRIC, {7: 8})


@pytest.mark.parametrize("score", [11, -1, 10.5, float("nan")])
def test_rubric_total_out_of_range_names_the_criterion(score):
    with pytest.raises(ValueError, match=r"criterion 7\b"):
        rubric_total(RUBRIC, {7: score, 8: 4})


def test_rubric_total_below_a_non_zero_min_names_the_criterion():
    # criterion 8 runs 1–5: 0 is below it
    with pytest.raises(ValueError, match=r"criterion 8\b"):
        rubric_total(RUBRIC, {7: 8, 8: 0})


def test_rubric_total_rejects_an_empty_rubric_and_zero_weights():
    with pytest.raises(ValueError):
        rubric_total([], {})
    with pytest.raises(ValueError, match=r"criterion 3\b"):
        rubric_total([Criterion(id=3, weight=0, min_score=0, max_score=10)], {3: 5})


# --- trimmed_mean -----------------------------------------------------------------------------


def test_trimmed_mean_two_values_is_the_plain_mean():
    # fewer than 3: (10+20)/2 = 15
    assert trimmed_mean([10, 20]) == pytest.approx(15)


def test_trimmed_mean_three_values_keeps_the_middle_one():
    # drop 10 and 60 → 20
    assert trimmed_mean([60, 10, 20]) == pytest.approx(20)


def test_trimmed_mean_five_values():
    # drop 1 and 100 → (2+3+4)/3 = 9/3 = 3
    assert trimmed_mean([100, 1, 4, 2, 3]) == pytest.approx(3)


def test_trimmed_mean_drops_only_one_of_each_extreme():
    # [5, 5, 5, 9] → drop one 5 and the 9 → (5+5)/2 = 5
    assert trimmed_mean([5, 9, 5, 5]) == pytest.approx(5)


def test_trimmed_mean_of_nothing_is_an_error():
    with pytest.raises(ValueError):
        trimmed_mean([])


# --- expert_adjusted_scores -------------------------------------------------------------------


def reviews(*rows: tuple[int, int, float]) -> list[ReviewScore]:
    """Rows of (assessment_id, expert_id, total)."""
    return [ReviewScore(assessment_id=a, expert_id=e, total=t) for a, e, t in rows]


# Expert 2 is lenient: always exactly 10 above expert 1.
LENIENT_BATCH = reviews(
    (1, 1, 60),
    (2, 1, 70),
    (3, 1, 80),
    (1, 2, 70),
    (2, 2, 80),
    (3, 2, 90),
)
# All six totals: M = (60+70+80+70+80+90)/6 = 450/6 = 75
#   deviations −15, −5, 5, −5, 5, 15 → squares 225+25+25+25+25+225 = 550
#   S = √(550/6) = √91.667 = 9.5743
# Expert 1: m = 70, s = √((100+0+100)/3) = √66.667 = 8.1650
# Expert 2: m = 80, s = 8.1650 (the same totals shifted by 10)
# Assessment 1: expert 1 → 75 + 9.5743 × (60−70)/8.1650 = 75 − 9.5743 × 1.2247 = 75 − 11.726
#               expert 2 → 75 + 9.5743 × (70−80)/8.1650 = the same = 63.274
# Assessment 2: both experts are at their own mean → z = 0 → 75
# Assessment 3: 75 + 11.726 = 86.726


def test_zscore_removes_a_lenient_experts_offset():
    adjusted = expert_adjusted_scores(LENIENT_BATCH)
    assert adjusted[(1, 1)] == pytest.approx(63.27, abs=0.01)
    assert adjusted[(1, 2)] == pytest.approx(63.27, abs=0.01)
    assert adjusted[(2, 1)] == pytest.approx(75, abs=0.01)
    assert adjusted[(2, 2)] == pytest.approx(75, abs=0.01)
    assert adjusted[(3, 1)] == pytest.approx(86.73, abs=0.01)
    assert adjusted[(3, 2)] == pytest.approx(86.73, abs=0.01)
    assert len(adjusted) == 6


def test_aggregate_zscore_over_the_lenient_batch():
    result = aggregate(LENIENT_BATCH, method=Method.ZSCORE, threshold=15)
    # raw means (60+70)/2 = 65, (70+80)/2 = 75, (80+90)/2 = 85; spreads 70−60 = 10 etc. ≤ 15
    # normalised = mean of the two (equal) adjusted scores, from the comment above
    assert result == {
        1: Aggregate(1, n=2, mean=65, normalised=63.27, spread=10, disagreement=False,
                     method=Method.ZSCORE),
        2: Aggregate(2, n=2, mean=75, normalised=75, spread=10, disagreement=False,
                     method=Method.ZSCORE),
        3: Aggregate(3, n=2, mean=85, normalised=86.73, spread=10, disagreement=False,
                     method=Method.ZSCORE),
    }  # fmt: skip
    ranking = sorted(result, key=lambda a: result[a].normalised, reverse=True)
    assert ranking == [3, 2, 1]


def test_expert_with_a_single_review_stays_uncorrected():
    batch = reviews((1, 1, 60), (2, 1, 80), (1, 2, 70))
    # M = (60+80+70)/3 = 70; S = √((100+100+0)/3) = √66.667 = 8.1650
    # expert 1: m = 70, s = √((100+100)/2) = 10 → z = −1, +1
    #   (1, 1) → 70 − 8.1650 = 61.835; (2, 1) → 70 + 8.1650 = 78.165
    # expert 2 has one review → 70 unchanged
    adjusted = expert_adjusted_scores(batch)
    assert adjusted[(1, 2)] == 70
    assert adjusted[(1, 1)] == pytest.approx(61.84, abs=0.01)
    assert adjusted[(2, 1)] == pytest.approx(78.17, abs=0.01)


# Expert 2 gives everything 75.
FLAT_EXPERT_BATCH = reviews((1, 1, 60), (2, 1, 80), (1, 2, 75), (2, 2, 75))
# M = (60+80+75+75)/4 = 290/4 = 72.5
#   deviations −12.5, 7.5, 2.5, 2.5 → squares 156.25+56.25+6.25+6.25 = 225 → S = √(225/4) = 7.5
# expert 1: m = 70, s = 10 → z = −1, +1 → 72.5 − 7.5 = 65, 72.5 + 7.5 = 80
# expert 2: s = 0 → 75, 75 unchanged


def test_expert_with_identical_scores_stays_uncorrected():
    adjusted = expert_adjusted_scores(FLAT_EXPERT_BATCH)
    assert adjusted == {
        (1, 1): pytest.approx(65, abs=0.01),
        (2, 1): pytest.approx(80, abs=0.01),
        (1, 2): 75,
        (2, 2): 75,
    }


def test_aggregate_zscore_with_a_flat_expert():
    result = aggregate(FLAT_EXPERT_BATCH, method=Method.ZSCORE, threshold=10)
    # assessment 1: normalised (65+75)/2 = 70; mean (60+75)/2 = 67.5; spread 75−60 = 15 > 10
    # assessment 2: normalised (80+75)/2 = 77.5; mean (80+75)/2 = 77.5; spread 80−75 = 5
    assert result[1].normalised == pytest.approx(70, abs=0.01)
    assert result[1].mean == pytest.approx(67.5, abs=0.01)
    assert (result[1].spread, result[1].disagreement) == (15, True)
    assert result[2].normalised == pytest.approx(77.5, abs=0.01)
    assert (result[2].spread, result[2].disagreement) == (5, False)


def test_no_spread_in_the_batch_leaves_every_total():
    # every total 70 → S = 0 → nothing to rescale
    batch = reviews((1, 1, 70), (2, 1, 70), (1, 2, 70), (2, 2, 70))
    assert expert_adjusted_scores(batch) == {(1, 1): 70, (2, 1): 70, (1, 2): 70, (2, 2): 70}


def test_the_same_review_twice_is_an_error():
    batch = reviews((1, 1, 60), (1, 1, 70))
    with pytest.raises(ValueError, match="twice"):
        expert_adjusted_scores(batch)
    with pytest.raises(ValueError, match="twice"):
        aggregate(batch, method=Method.TRIMMED, threshold=10)


# --- aggregate --------------------------------------------------------------------------------


def test_spread_and_disagreement_around_the_threshold():
    batch = reviews(
        (1, 1, 70), (1, 2, 80),        # spread 80 − 70 = 10: at the threshold → not flagged
        (2, 1, 70), (2, 2, 79.99),     # 9.99: just below → not flagged
        (3, 1, 70), (3, 2, 80.01),     # 10.01: just above → flagged
        (4, 1, 6.01), (4, 2, 16.01),   # 10 exactly (10.000000000000002 in floats) → not flagged
        (5, 1, 70),                    # one review: spread 0
    )  # fmt: skip
    result = aggregate(batch, method=Method.TRIMMED, threshold=10)
    assert [(result[a].spread, result[a].disagreement) for a in (1, 2, 3, 4, 5)] == [
        (10, False),
        (pytest.approx(9.99, abs=0.001), False),
        (pytest.approx(10.01, abs=0.001), True),
        (10, False),
        (0, False),
    ]


def test_aggregate_trimmed():
    batch = reviews(
        (1, 1, 74), (1, 2, 50), (1, 3, 95), (1, 4, 70), (1, 5, 72),
        (2, 1, 60), (2, 2, 64),
    )  # fmt: skip
    result = aggregate(batch, method=Method.TRIMMED, threshold=20)
    assert result == {
        # mean (74+50+95+70+72)/5 = 361/5 = 72.2; drop 50 and 95 → (70+72+74)/3 = 216/3 = 72
        # spread 95 − 50 = 45 > 20
        1: Aggregate(1, n=5, mean=72.2, normalised=72, spread=45, disagreement=True,
                     method=Method.TRIMMED),
        # two values → plain mean (60+64)/2 = 62; spread 64 − 60 = 4
        2: Aggregate(2, n=2, mean=62, normalised=62, spread=4, disagreement=False,
                     method=Method.TRIMMED),
    }  # fmt: skip


@pytest.mark.parametrize("method", list(Method))
def test_no_reviews_no_aggregates(method):
    assert aggregate([], method=method, threshold=10) == {}
    assert expert_adjusted_scores([]) == {}
