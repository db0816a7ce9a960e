"""One assessment's evaluation as a pure function of its data, the catalog and the rules."""

import hashlib
import json
from dataclasses import dataclass
from functools import cached_property

from indicators.engine import DetailTexts, IndicatorSet, Status, improvement
from indicators.inputs import clean_inputs

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
    indicators: list[dict]
    indicators_improved: int
    tiers: TierOutcome


def indicator_rows(context: EvaluationContext, data: AssessmentData) -> tuple[list[dict], int]:
    """Base year, current year and improvement for each indicator, as stored JSON."""
    spec = context.indicators.spec
    base_values, _ = clean_inputs(data.base_inputs, spec)
    current_values, _ = clean_inputs(data.current_inputs, spec)
    base = context.indicators.compute(base_values, data.industry_type)
    current = context.indicators.compute(current_values, data.industry_type)
    rows, improved, texts = [], 0, DetailTexts()
    for compiled, b, c in zip(context.indicators.indicators, base, current, strict=True):
        definition = compiled.definition
        change, change_detail = improvement(definition.direction, b, c, texts)
        if c.status == Status.NOT_APPLICABLE:
            change_detail = ""
        is_improved = change is not None and change > 0
        improved += is_improved
        rows.append(
            {
                "no": definition.no,
                "code": definition.code,
                "unit": definition.unit,
                "direction": definition.direction,
                "decimals": definition.decimals,
                "base": b.as_json(),
                "current": c.as_json(),
                "improvement": None if change is None else str(change),
                "improvement_detail": change_detail,
                "improved": is_improved,
            }
        )
    return rows, improved


def evaluate(context: EvaluationContext, data: AssessmentData) -> EvaluationOutcome:
    rows, improved = indicator_rows(context, data)
    tiers = evaluate_tiers(
        context.shape, context.rules, data.scenario_status, data.support_status, improved
    )
    return EvaluationOutcome(indicators=rows, indicators_improved=improved, tiers=tiers)
