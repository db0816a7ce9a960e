"""Recompute a whole batch: all assessments as DataFrames, evaluated vectorised, written at once.

Gives the same results as ``services.evaluation_refresh`` one by one (a property
test compares them), at a fraction of the time.
"""

import json
import time
from collections import Counter
from dataclasses import asdict, dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from indicators.batch import FrameResult, compute_frame, improvement_frame

from .batch_inputs import BatchInputs
from .batch_store import store_evaluations
from .computation import EvaluationContext
from .tiers import Coverage, GapTexts, TierResult, evaluate_tier


@dataclass
class BatchRecomputeResult:
    assessments: int
    seconds_load: float
    seconds_compute: float
    seconds_write: float

    def as_json(self) -> dict:
        return asdict(self)


@dataclass
class BatchComputation:
    """The vectorised results, each aligned with ``ids``."""

    ids: pd.Index
    periods: dict[str, dict[str, FrameResult]]  # period → indicator code → result
    changes: dict[str, pd.Series]  # indicator code → change in %
    improved: np.ndarray  # per assessment: indicators improved
    tiers: "BatchTiers"


def _coverage_counts(
    context: EvaluationContext, inputs: BatchInputs
) -> tuple[pd.DataFrame, list[str]]:
    """Per assessment, what the tier rules count: scenarios and links per dimension, support
    elements, and the support categories as a bit mask (bit i: ``categories[i]``)."""
    shape, ids = context.shape, inputs.ids
    scenarios = inputs.scenarios[inputs.scenarios["no"].isin(list(shape.scenario_link))]
    links = scenarios["no"].map(shape.scenario_link)
    pairs = pd.DataFrame(
        {"aid": scenarios["aid"], "dim": links.map(shape.link_dimension), "link": links}
    )
    per_dim = pairs.groupby(["aid", "dim"]).size().unstack(fill_value=0)
    link_dim = pairs.drop_duplicates().groupby(["aid", "dim"]).size().unstack(fill_value=0)
    support = inputs.support_elements
    support = support[support["no"].isin(list(shape.support_category))]
    categories = sorted(set(shape.support_category.values()))
    bits = support["no"].map(
        {no: 1 << categories.index(cat) for no, cat in shape.support_category.items()}
    )
    frame = pd.concat(
        {
            **{("scenarios", d): per_dim[d] for d in per_dim.columns},
            **{("links", d): link_dim[d] for d in link_dim.columns},
            ("support", ""): support.groupby("aid").size(),
            ("categories", ""): pd.DataFrame({"aid": support["aid"], "bit": bits})
            .drop_duplicates()
            .groupby("aid")["bit"]
            .sum(),
        },
        axis=1,
    )
    return frame.reindex(ids).fillna(0).astype(int), categories


@dataclass
class BatchTiers:
    """Each tier's distinct results, and which one every assessment got."""

    tiers: list[list[TierResult]]  # per tier: its distinct results
    result_of: list[np.ndarray]  # per tier: per assessment, an index into ``tiers[t]``
    highest: np.ndarray  # per assessment: the highest tier reached, or ""

    def as_json(self, i: int) -> dict:
        return {
            "highest_tier": self.highest[i] or None,
            "tiers": [
                results[of[i]].as_json(messages=False)
                for results, of in zip(self.tiers, self.result_of, strict=True)
            ],
        }

    @cached_property
    def _dumped(self) -> list[list[str]]:
        return [
            [json.dumps(r.as_json(messages=False), ensure_ascii=False) for r in rs]
            for rs in self.tiers
        ]

    def json_texts(self, positions) -> list[str]:
        """``json.dumps(as_json(i))`` for each position, each tier's results dumped once."""
        return [
            f'{{"highest_tier": {json.dumps(self.highest[i] or None)}, "tiers": ['
            + ", ".join(
                texts[of[i]] for texts, of in zip(self._dumped, self.result_of, strict=True)
            )
            + "]}"
            for i in positions
        ]


def _tiers(context: EvaluationContext, inputs: BatchInputs, improved: np.ndarray) -> BatchTiers:
    """The tier rules, evaluated once per distinct situation rather than once per assessment.

    A tier's gaps depend on each count only up to what the tier requires (more
    is no gap), so counts are clipped at the requirement: few distinct
    situations remain, each evaluated by the single path's ``evaluate_tier``.
    """
    counts, categories = _coverage_counts(context, inputs)
    n = len(counts)

    def column(kind, dimension=""):
        key = (kind, dimension)
        return counts[key].to_numpy() if key in counts.columns else np.zeros(n, dtype=int)

    texts, tiers, result_of = GapTexts(), [], []
    highest = np.full(n, "", dtype=object)
    lower_passed, below = np.ones(n, dtype=bool), None
    for rules in context.rules.tiers:
        features = []
        for req in rules.requirements:
            features.append(np.minimum(column("scenarios", req.dimension), req.min_scenarios))
            features.append(np.minimum(column("links", req.dimension), req.min_links))
        features.append(np.minimum(column("support"), rules.min_support_elements))
        mask = column("categories")
        for category in rules.support_categories:
            bit = categories.index(category) if category in categories else None
            features.append(np.zeros(n, dtype=int) if bit is None else (mask >> bit) & 1)
        features.append(np.minimum(improved, rules.min_indicators_improved))
        features.append(lower_passed.astype(int))
        situations, inverse = np.unique(np.column_stack(features), axis=0, return_inverse=True)
        results = [_tier_for(context, rules, key.tolist(), below, texts) for key in situations]
        of = inverse.reshape(-1)
        passed = np.array([r.passed for r in results])[of]
        highest[passed] = rules.tier
        lower_passed &= passed
        below = rules.tier
        tiers.append(results)
        result_of.append(of)
    return BatchTiers(tiers, result_of, highest)


def _tier_for(context, rules, key: list[int], below, texts) -> TierResult:
    """``evaluate_tier`` for one situation, the key laid out as in ``_tiers``."""
    values = iter(key)
    scenarios, links = Counter(), {}
    for req in rules.requirements:
        scenarios[req.dimension] = next(values)
        links[req.dimension] = next(values)
    support = next(values)
    present = {category for category in rules.support_categories if next(values)}
    improved, lower_passed = next(values), next(values)
    coverage = Coverage(+scenarios, {d: v for d, v in links.items() if v}, support, present)
    return evaluate_tier(
        rules, context.shape, coverage, improved, None if lower_passed else below, texts
    )


def compute_many(context: EvaluationContext, inputs: BatchInputs) -> BatchComputation:
    """Every indicator, period, improvement and tier outcome for all assessments."""
    periods = {
        period: compute_frame(
            context.indicators, frames.scalars, frames.tables, inputs.industry_type
        )
        for period, frames in inputs.periods.items()
    }
    changes, improved = {}, np.zeros(len(inputs.ids), dtype=int)
    for compiled in context.indicators.indicators:
        d = compiled.definition
        change = improvement_frame(d.direction, periods["base"][d.code], periods["current"][d.code])
        improved += (change.fillna(0) > 0).to_numpy()
        changes[d.code] = change
    return BatchComputation(
        inputs.ids, periods, changes, improved, _tiers(context, inputs, improved)
    )


def _decimal_strings(series: pd.Series) -> list[str | None]:
    return [None if v != v else format(v, ".15g") for v in series.astype(float).tolist()]


def _sparse(ids: pd.Index, by_code: dict[str, pd.Series]) -> list[dict]:
    """Per assessment, {code: value} of the rows a sparse per-indicator Series holds."""
    out = [{} for _ in range(len(ids))]
    for code, series in by_code.items():
        for position, value in zip(
            ids.get_indexer(series.index).tolist(), series.tolist(), strict=True
        ):
            out[position][code] = value
    return out


def stored_indicators(context: EvaluationContext, computed: BatchComputation) -> list[dict]:
    """The stored form (``results``) of every assessment, in ``ids`` order."""
    codes = [c.definition.code for c in context.indicators.indicators]
    packed = {}
    for period, results in computed.periods.items():
        values = zip(*(_decimal_strings(results[c].value) for c in codes), strict=True)
        statuses = zip(*(results[c].status.tolist() for c in codes), strict=True)
        missing = _sparse(computed.ids, {c: results[c].missing for c in codes})
        reasons = _sparse(computed.ids, {c: results[c].reason for c in codes})
        packed[period] = [
            {"value": list(v), "status": list(s), "missing": m, "reason": r}
            for v, s, m, r in zip(values, statuses, missing, reasons, strict=True)
        ]
    changes = zip(*(_decimal_strings(computed.changes[c]) for c in codes), strict=True)
    return [
        {"base": b, "current": c, "improvement": list(ch)}
        for b, c, ch in zip(packed["base"], packed["current"], changes, strict=True)
    ]


def evaluate_many(context: EvaluationContext, ids: list[int], records) -> dict[int, dict]:
    """The stored evaluation fields of each record, computed vectorised (tests, benchmarks)."""
    inputs = BatchInputs.from_records(context.indicators.spec, ids, records)
    computed = compute_many(context, inputs)
    stored = stored_indicators(context, computed)
    return {
        aid: {
            "indicators": stored[i],
            "indicators_improved": int(computed.improved[i]),
            "tier_result": computed.tiers.as_json(i),
            "highest_tier": computed.tiers.highest[i],
        }
        for i, aid in enumerate(ids)
    }


def batch_recompute(*, batch, progress=None) -> BatchRecomputeResult:
    """Recompute every assessment of the batch; ``progress(done, total)`` is called as it writes."""
    started = time.perf_counter()
    context = EvaluationContext.for_batch(batch)
    inputs = BatchInputs.for_batch(context.indicators.spec, batch)
    loaded = time.perf_counter()
    computed = compute_many(context, inputs) if len(inputs.ids) else None
    stored = stored_indicators(context, computed) if computed else []
    done_computing = time.perf_counter()
    if computed:
        store_evaluations(context, computed, stored, progress=progress)
    return BatchRecomputeResult(
        assessments=len(inputs.ids),
        seconds_load=round(loaded - started, 3),
        seconds_compute=round(done_computing - loaded, 3),
        seconds_write=round(time.perf_counter() - done_computing, 3),
    )
