"""One assessment's evaluation as a pure function of its data, the catalog and the rules."""

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property

from indicators.engine import DetailTexts, IndicatorSet, improvement
from indicators.inputs import clean_inputs

from .results import pack_period
from .tiers import CatalogShape, RuleSet, TierOutcome, evaluate_tiers, rules_for_batch


@dataclass(frozen=True)
class AssessmentData:
    """What the evaluation reads: from the frozen snapshot once submitted, else the draft."""

    industry_type: str
    scenario_status: dict[int, str]
    support_status: dict[int, str]
    base_inputs: dict
    current_inputs: dict

    def fingerprint(self, context: "EvaluationContext") -> str:
        """Equal for equal data evaluated against the same catalog version and rules."""
        payload = {
            "industry_type": self.industry_type,
            "scenarios": sorted((int(k), v) for k, v in self.scenario_status.items()),
            "support": sorted((int(k), v) for k, v in self.support_status.items()),
            "base": self.base_inputs,
            "current": self.current_inputs,
            "context": context.key,
        }
        canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class EvaluationContext:
    """Everything an evaluation needs besides the assessment's own data; built once per batch."""

    catalog_version_id: int
    indicators: IndicatorSet
    shape: CatalogShape
    rules: RuleSet

    @classmethod
    def for_batch(cls, batch) -> "EvaluationContext":
        version = batch.catalog_version if batch is not None else None
        return cls.for_version(version, rules_for_batch(batch))

    @classmethod
    def for_version(cls, version, rules: RuleSet) -> "EvaluationContext":
        return cls(
            catalog_version_id=version.pk,
            indicators=IndicatorSet.for_version(version),
            shape=CatalogShape.for_version(version),
            rules=rules,
        )

    @cached_property
    def key(self) -> str:
        """The catalog version and rules, as one string computed once per context."""
        return f"{self.catalog_version_id}:{self.rules!r}"

    @property
    def rules_source(self) -> str:
        return "default" if self.rules.is_default else "batch"


@dataclass(frozen=True)
class EvaluationOutcome:
    indicators: dict  # the stored form, see ``results``
    indicators_improved: int
    tiers: TierOutcome


def indicator_results(context: EvaluationContext, data: AssessmentData) -> tuple[dict, int]:
    """Base year, current year and improvement of every indicator, in the stored form."""
    spec = context.indicators.spec
    base_values, _ = clean_inputs(data.base_inputs, spec)
    current_values, _ = clean_inputs(data.current_inputs, spec)
    base = context.indicators.compute(base_values, data.industry_type)
    current = context.indicators.compute(current_values, data.industry_type)
    texts = DetailTexts()
    changes = [
        improvement(compiled.definition.direction, b, c, texts)[0]
        for compiled, b, c in zip(context.indicators.indicators, base, current, strict=True)
    ]
    stored = {
        "base": pack_period(base),
        "current": pack_period(current),
        "improvement": [None if c is None else str(c) for c in changes],
    }
    return stored, sum(c is not None and c > 0 for c in changes)


def evaluate(context: EvaluationContext, data: AssessmentData) -> EvaluationOutcome:
    stored, improved = indicator_results(context, data)
    tiers = evaluate_tiers(
        context.shape, context.rules, data.scenario_status, data.support_status, improved
    )
    return EvaluationOutcome(indicators=stored, indicators_improved=improved, tiers=tiers)
