"""The province dashboard: a batch's assessments counted by state, city and tier; how widely
each scenario is implemented; how the current-year indicators are distributed.

Every figure comes from grouped counts in the database or from pandas, in a fixed number of
queries whatever the number of assessments; and always from ``assessments_for(user)``, so a
city reviewer's figures are its own city's submissions only. Apart from the counts by state,
the figures are over submitted assessments (drafts are not applications yet).
"""

from dataclasses import dataclass

import pandas as pd
from django.db.models import Count, F, QuerySet
from django.utils.translation import gettext as _

from evaluation.models import AnswerStatus, Assessment, State
from evaluation.results import current_values
from evaluation.selectors import assessments_for
from indicators.models import IndicatorDefinition
from portal.models import City, IndustryType, SizeClass
from review.models import NO_TIER
from review.selectors import review_batches, tier_label
from scenarios.models import Batch, Tier

DECIDED_STATES = (State.APPROVED, State.REJECTED)
NOT_EVALUATED = "not_evaluated"
RANKED = 10  # scenarios shown as the most and as the least implemented


def can_view_dashboard(user) -> bool:
    return user.is_authenticated and (user.is_province_admin or user.is_city_reviewer)


def dashboard_batch(batch_id=None) -> Batch | None:
    """The batch asked for (``Batch.DoesNotExist`` if there is none such), else the latest."""
    if batch_id:
        return Batch.objects.select_related("catalog_version").get(pk=batch_id)
    return review_batches().select_related("catalog_version").first()


def _submitted(assessments: QuerySet[Assessment]) -> QuerySet[Assessment]:
    return assessments.exclude(state=State.DRAFT)


# --- counts -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    """``(label, number)`` pairs, ready for ``charts.bar_chart``."""

    total: int
    submitted: int
    decided: int
    approved: int
    by_state: list[tuple[str, int]]
    by_city: list[tuple[str, int]]
    by_tier_applied: list[tuple[str, int]]
    by_tier_decided: list[tuple[str, int]]


def assessment_groups(assessments: QuerySet[Assessment]) -> pd.DataFrame:
    """How many assessments share each state, city, industry type, computed tier and decided
    tier: one grouped query, from which every count is summed."""
    rows = (
        assessments.order_by()
        .values(
            "state",
            "decided_tier",
            city=F("applicant_city"),
            industry=F("applicant_industry_type"),
            applied=F("evaluation__highest_tier"),
        )
        .annotate(n=Count("pk"))
    )
    columns = ["state", "decided_tier", "city", "industry", "applied", "n"]
    frame = pd.DataFrame.from_records(list(rows), columns=columns)
    frame["applied"] = frame["applied"].fillna(NOT_EVALUATED)
    return frame


def _sums(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame.groupby(column)["n"].sum()


def _counted(sums: pd.Series, keys, label, *, keep_zero: bool = False) -> list[tuple[str, int]]:
    sums = sums.reindex(list(keys), fill_value=0)
    return [(str(label(k)), int(n)) for k, n in sums.items() if n or keep_zero]


def assessment_counts(groups: pd.DataFrame) -> Counts:
    submitted = groups[groups["state"] != State.DRAFT]
    decided = groups[groups["state"].isin(DECIDED_STATES)]
    by_city = _sums(groups, "city").sort_values(ascending=False, kind="stable")
    applied = _sums(submitted, "applied")
    # A rejection carries no tier: it counts as "not recognised".
    decided_tiers = _sums(
        decided.assign(decided_tier=decided["decided_tier"].replace("", NO_TIER)), "decided_tier"
    )
    not_evaluated = [NOT_EVALUATED] if applied.get(NOT_EVALUATED) else []
    return Counts(
        total=int(groups["n"].sum()),
        submitted=int(submitted["n"].sum()),
        decided=int(decided["n"].sum()),
        approved=int(groups.loc[groups["state"] == State.APPROVED, "n"].sum()),
        by_state=_counted(_sums(groups, "state"), State.values, lambda s: State(s).label),
        by_city=_counted(by_city, by_city.index, lambda c: City(c).label),
        by_tier_applied=_counted(
            applied,
            [*Tier.values, "", *not_evaluated],
            lambda t: _("尚未计算") if t == NOT_EVALUATED else tier_label(t),
            keep_zero=True,
        ),
        by_tier_decided=_counted(
            decided_tiers, [*Tier.values, NO_TIER], tier_label, keep_zero=True
        ),
    )


# --- scenario adoption --------------------------------------------------------------------------


@dataclass(frozen=True)
class Adoption:
    """One scenario: how many submitted assessments implemented it, and which share."""

    no: int
    name: str
    implemented: int
    share: float | None  # % of the submitted assessments; None when there are none

    @property
    def share_text(self) -> str:
        return _percent(self.share)


def _percent(share: float | None) -> str:
    return "—" if share is None else f"{share:.1f}%"


@dataclass(frozen=True)
class Cell:
    share: float | None

    @property
    def level(self) -> int:
        """0–5, for the heat map's shading."""
        return 0 if not self.share else min(int(self.share // 20) + 1, 5)

    @property
    def text(self) -> str:  # formatted here: the heat maps have hundreds of cells
        return _percent(self.share)


@dataclass(frozen=True)
class AdoptionTable:
    """Each scenario's share of implementations within each group (a city, an industry type)."""

    columns: list[tuple[str, int]]  # a group's name, and its number of submitted assessments
    rows: list[tuple[Adoption, list[Cell]]]


@dataclass(frozen=True)
class ScenarioAdoption:
    scenarios: list[Adoption]  # catalog order
    most: list[Adoption]
    least: list[Adoption]
    by_city: AdoptionTable
    by_industry: AdoptionTable


def _share(counts: pd.Series | pd.DataFrame, of) -> pd.Series | pd.DataFrame:
    return (counts * 100 / of).round(1)


def scenario_adoption(
    *, assessments: QuerySet[Assessment], batch: Batch, groups: pd.DataFrame
) -> ScenarioAdoption:
    """How often each scenario is implemented among the submitted assessments, overall, by
    city and by industry type (one grouped query of the answers)."""
    rows = (
        _submitted(assessments)
        .filter(scenario_answers__status=AnswerStatus.IMPLEMENTED)
        .order_by()
        .values(
            scenario=F("scenario_answers__scenario_id"),
            city=F("applicant_city"),
            industry=F("applicant_industry_type"),
        )
        .annotate(n=Count("pk"))
    )
    answers = pd.DataFrame.from_records(list(rows), columns=["scenario", "city", "industry", "n"])
    scenarios = list(batch.catalog_version.scenarios.order_by("no"))
    answers["no"] = answers["scenario"].map({s.pk: s.no for s in scenarios})
    numbers = [s.no for s in scenarios]
    submitted = groups[groups["state"] != State.DRAFT]
    total = int(submitted["n"].sum())
    implemented = _sums(answers, "no").reindex(numbers, fill_value=0)
    shares = _share(implemented, total) if total else pd.Series(None, index=numbers)
    adoption = {
        s.no: Adoption(s.no, s.display_name, int(implemented[s.no]), _number(shares[s.no]))
        for s in scenarios
    }
    # A stable sort: scenarios implemented equally often stay in catalog order.
    most = implemented.sort_values(ascending=False, kind="stable").index[:RANKED]
    least = implemented.sort_values(kind="stable").index[:RANKED]

    def table(column: str, choices) -> AdoptionTable:
        denominators = _sums(submitted, column)
        keys = [k for k in choices.values if denominators.get(k)]
        counts = (
            answers.pivot_table(index="no", columns=column, values="n", aggfunc="sum")
            .reindex(index=numbers, columns=keys)
            .fillna(0)
        )
        shares = _share(counts, denominators.reindex(keys))
        return AdoptionTable(
            columns=[(str(choices(k).label), int(denominators[k])) for k in keys],
            rows=[(adoption[no], [Cell(_number(v)) for v in shares.loc[no]]) for no in numbers],
        )

    return ScenarioAdoption(
        scenarios=list(adoption.values()),
        most=[adoption[no] for no in most] if total else [],
        least=[adoption[no] for no in least] if total else [],
        by_city=table("city", City),
        by_industry=table("industry", IndustryType),
    )


def _number(value) -> float | None:
    return None if pd.isna(value) else float(value)


# --- indicator distributions --------------------------------------------------------------------


@dataclass(frozen=True)
class Quartiles:
    group: str
    n: int
    q1: float | None
    median: float | None
    q3: float | None


@dataclass(frozen=True)
class IndicatorDistribution:
    definition: IndicatorDefinition
    by_industry: list[Quartiles]
    by_size: list[Quartiles]


QUARTILES = (0.25, 0.5, 0.75)


def _quartiles(frame: pd.DataFrame, column: str, choices, codes) -> dict[str, list[Quartiles]]:
    """Per indicator, the quartiles of each group (linear interpolation, as PERCENTILE_CONT)."""
    grouped = frame.groupby(column)[codes]
    counts = grouped.count().reindex(choices.values, fill_value=0).to_dict()
    quantiles = grouped.quantile(list(QUARTILES)).to_dict() if len(frame) else {}
    labels = {key: str(choices(key).label) for key in choices.values}
    shown = {}
    for code in codes:
        n, values = counts[code], quantiles.get(code, {})
        shown[code] = [
            Quartiles(
                labels[key],
                int(n[key]),
                *((float(values[key, q]) if n[key] else None) for q in QUARTILES),
            )
            for key in choices.values
        ]
    return shown


def indicator_distributions(
    *, assessments: QuerySet[Assessment], batch: Batch
) -> list[IndicatorDistribution]:
    """Median and quartiles of each indicator's current-year value among the submitted
    assessments, by industry type and by size class (one query for all the values)."""
    definitions = list(
        IndicatorDefinition.objects.filter(version=batch.catalog_version_id).order_by("no")
    )
    codes = [d.code for d in definitions]
    evaluated = _submitted(assessments).filter(
        evaluation__catalog_version_id=batch.catalog_version_id
    )
    frame = current_values(
        evaluated.order_by(),
        codes=codes,
        path="evaluation__indicators",
        industry="applicant_industry_type",
        size="applicant_size",
    )
    by_industry = _quartiles(frame, "industry", IndustryType, codes)
    by_size = _quartiles(frame, "size", SizeClass, codes)
    return [IndicatorDistribution(d, by_industry[d.code], by_size[d.code]) for d in definitions]


# --- the page -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dashboard:
    batch: Batch
    counts: Counts
    adoption: ScenarioAdoption
    indicators: list[IndicatorDistribution]


def dashboard(*, user, batch: Batch) -> Dashboard:
    assessments = assessments_for(user).filter(batch=batch)
    groups = assessment_groups(assessments)
    return Dashboard(
        batch=batch,
        counts=assessment_counts(groups),
        adoption=scenario_adoption(assessments=assessments, batch=batch, groups=groups),
        indicators=indicator_distributions(assessments=assessments, batch=batch),
    )
