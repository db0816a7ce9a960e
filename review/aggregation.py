"""Scoring expert reviews: rubric totals, per-assessment aggregates, leniency correction.

Pure functions over plain data (no Django). Values are rounded to 2 decimals only in
what is returned to callers (``rubric_total`` and ``Aggregate``); nothing is clamped.
"""

import statistics
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class Criterion:
    """One rubric criterion: its weight (> 0) and the score range [min_score, max_score]."""

    id: int
    weight: float
    min_score: float
    max_score: float


def rubric_total(criteria: Sequence[Criterion], scores: Mapping[int, float]) -> float:
    """The review's weighted total on 0–100, rounded to 2 decimals.

    Each criterion contributes ``weight × (score − min) / (max − min)``; the sum is divided
    by the sum of weights and scaled to 100. Scores for ids not in ``criteria`` are ignored.

    Raises ValueError (naming the criterion id) when a score is missing or outside its
    range, or a criterion has a weight ≤ 0 or an empty range; and when ``criteria`` is empty.
    """
    if not criteria:
        raise ValueError("rubric has no criteria")
    weighted = 0.0
    weights = 0.0
    for c in criteria:
        if c.weight <= 0:
            raise ValueError(f"criterion {c.id}: weight must be > 0, got {c.weight}")
        if c.max_score <= c.min_score:
            raise ValueError(f"criterion {c.id}: max_score must exceed min_score")
        if c.id not in scores:
            raise ValueError(f"criterion {c.id}: score missing")
        score = scores[c.id]
        # Written so that NaN fails the check too.
        if not c.min_score <= score <= c.max_score:
            raise ValueError(
                f"criterion {c.id}: score {score} outside [{c.min_score}, {c.max_score}]"
            )
        weighted += c.weight * (score - c.min_score) / (c.max_score - c.min_score)
        weights += c.weight
    return round(weighted / weights * 100, 2)


@dataclass(frozen=True)
class ReviewScore:
    """One expert's total (0–100) for one assessment."""

    assessment_id: int
    expert_id: int
    total: float


class Method(StrEnum):
    """How a batch's normalised score is computed."""

    ZSCORE = "zscore"
    TRIMMED = "trimmed"


@dataclass(frozen=True)
class Aggregate:
    """The reviews of one assessment, summarised (values rounded to 2 decimals)."""

    assessment_id: int
    n: int  # number of submitted reviews
    mean: float  # arithmetic mean of the totals
    normalised: float  # by the batch's method
    spread: float  # max − min of the totals
    disagreement: bool  # spread > threshold (strictly greater)
    method: Method


def trimmed_mean(values: Sequence[float]) -> float:
    """The mean after dropping one highest and one lowest value (with at least 3 values).

    Fewer than 3 values: the plain mean. Raises ValueError when ``values`` is empty.
    """
    if not values:
        raise ValueError("trimmed_mean of no values")
    if len(values) < 3:
        return statistics.fmean(values)
    return statistics.fmean(sorted(values)[1:-1])


def _check_unique(reviews: Sequence[ReviewScore]) -> None:
    seen: set[tuple[int, int]] = set()
    for r in reviews:
        key = (r.assessment_id, r.expert_id)
        if key in seen:
            raise ValueError(f"expert {r.expert_id} reviewed assessment {r.assessment_id} twice")
        seen.add(key)


def expert_adjusted_scores(reviews: Sequence[ReviewScore]) -> dict[tuple[int, int], float]:
    """Each review's total corrected for its expert's leniency or harshness (unrounded).

    With M, S the mean and population standard deviation of all totals in ``reviews``, and
    m_e, s_e those of one expert's totals, a review is mapped to ``M + S × (total − m_e) / s_e``:
    its z-score within the expert's own reviews, put back on the batch's scale.

    An expert with fewer than 2 reviews or with s_e == 0 is left uncorrected (adjusted =
    total), as is everyone when S == 0. Keys are ``(assessment_id, expert_id)``.
    Raises ValueError when an expert reviews the same assessment twice.
    """
    _check_unique(reviews)
    if not reviews:
        return {}
    totals = [r.total for r in reviews]
    batch_mean = statistics.fmean(totals)
    batch_sd = statistics.pstdev(totals)

    by_expert: dict[int, list[float]] = defaultdict(list)
    for r in reviews:
        by_expert[r.expert_id].append(r.total)
    expert_stats = {e: (statistics.fmean(t), statistics.pstdev(t)) for e, t in by_expert.items()}

    adjusted = {}
    for r in reviews:
        expert_mean, expert_sd = expert_stats[r.expert_id]
        # One review, or all the same: no way to tell this expert's leniency from the work.
        if batch_sd == 0 or len(by_expert[r.expert_id]) < 2 or expert_sd == 0:
            value = r.total
        else:
            value = batch_mean + batch_sd * (r.total - expert_mean) / expert_sd
        adjusted[(r.assessment_id, r.expert_id)] = value
    return adjusted


def aggregate(
    reviews: Sequence[ReviewScore], *, method: Method, threshold: float
) -> dict[int, Aggregate]:
    """One ``Aggregate`` per assessment with at least one review, keyed by assessment id.

    ``normalised`` is the mean of the assessment's ``expert_adjusted_scores`` computed over
    the whole of ``reviews`` (ZSCORE), or the ``trimmed_mean`` of its raw totals (TRIMMED).
    ``disagreement`` is set when the spread of totals is strictly greater than ``threshold``.
    """
    method = Method(method)
    _check_unique(reviews)
    adjusted = expert_adjusted_scores(reviews) if method is Method.ZSCORE else {}

    by_assessment: dict[int, list[ReviewScore]] = defaultdict(list)
    for r in reviews:
        by_assessment[r.assessment_id].append(r)

    result = {}
    for assessment_id, group in by_assessment.items():
        totals = [r.total for r in group]
        if method is Method.ZSCORE:
            normalised = statistics.fmean(adjusted[(assessment_id, r.expert_id)] for r in group)
        else:
            normalised = trimmed_mean(totals)
        # Compare the rounded spread, the one reported: totals of 6.01 and 16.01 differ by
        # 10.000000000000002 in floating point, which must not exceed a threshold of 10.
        spread = round(max(totals) - min(totals), 2)
        result[assessment_id] = Aggregate(
            assessment_id=assessment_id,
            n=len(group),
            mean=round(statistics.fmean(totals), 2),
            normalised=round(normalised, 2),
            spread=spread,
            disagreement=spread > threshold,
            method=method,
        )
    return result
