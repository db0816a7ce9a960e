"""Reads for the plausibility flags (``plausibility``): the catalog's names, an assessment's
group of peers, and the flags of one assessment or of a whole batch at once."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import QuerySet

from indicators.models import IndicatorDefinition, InputDefinition
from scenarios.frozen import per_published_version
from scenarios.models import LinkOutcome, Scenario

from .computation import AssessmentData
from .models import Assessment, Evaluation, State
from .peers import peer_evaluations
from .plausibility import (
    Fences,
    Flag,
    change_flags,
    consistency_flags,
    fences,
    outlier_flags,
)
from .results import current_values

ENERGY_INDICATOR = "energy_intensity"


@per_published_version
def _energy_scenarios(version) -> dict[int, str]:
    """The scenarios of the links whose outcome, as the guide states it, is the energy
    indicator (能源管理环节: 降低单位产值综合能耗)."""
    links = LinkOutcome.objects.filter(version=version, indicator_code=ENERGY_INDICATOR).values(
        "link"
    )
    return {
        s.no: s.display_name
        for s in Scenario.objects.filter(version=version, link__in=links).order_by("no")
    }


@per_published_version
def _input_names(version) -> dict[str, str]:
    return {i.code: i.display_name for i in InputDefinition.objects.filter(version=version)}


@per_published_version
def _definitions(version) -> list[IndicatorDefinition]:
    return list(IndicatorDefinition.objects.filter(version=version).order_by("no"))


def data_flags(assessment: Assessment, data: AssessmentData) -> list[Flag]:
    """Its own inputs against each other: for the enterprise while drafting, and reviewers."""
    version = assessment.batch.catalog_version_id
    return consistency_flags(
        inputs={"base": data.base_inputs or {}, "current": data.current_inputs or {}},
        input_names=_input_names(version),
        scenario_status=data.scenario_status,
        energy_scenarios=_energy_scenarios(version),
    )


def _snapshot_data(snapshot: dict) -> AssessmentData:
    return AssessmentData(
        industry_type=snapshot.get("enterprise", {}).get("industry_type", ""),
        scenario_status={int(k): v["status"] for k, v in snapshot.get("scenarios", {}).items()},
        support_status={},
        base_inputs=snapshot.get("base_inputs") or {},
        current_inputs=snapshot.get("current_inputs") or {},
    )


def value_rows(evaluation: Evaluation, definitions: list[IndicatorDefinition]) -> list[dict]:
    """Each indicator's name, unit and both years' values, from the stored evaluation alone."""
    data = evaluation.indicators if isinstance(evaluation.indicators, dict) else {}
    if not data:
        return []
    return [
        {
            "code": d.code,
            "name": d.display_name,
            "unit": d.display_unit,
            **{
                period: {"value": _decimal(data[period]["value"][i])}
                for period in ("base", "current")
            },
        }
        for i, d in enumerate(definitions)
    ]


def _decimal(text):
    return None if text is None else Decimal(text)


def group_fences(assessment: Assessment, own: list[dict]) -> dict[str, Fences | None]:
    """Each indicator's fences in the assessment's group: its peers' frozen values and its
    own (``own``: its rows)."""
    codes = [r["code"] for r in own]
    if not codes:
        return {}
    values = current_values(peer_evaluations(assessment), codes=codes)
    mine = {r["code"]: r["current"]["value"] for r in own}
    return {
        code: fences(
            [
                *values[code].dropna().tolist(),
                *([float(mine[code])] if mine[code] is not None else []),
            ]
        )
        for code in codes
    }


def reviewer_flags(assessment: Assessment, evaluation: Evaluation | None) -> list[Flag]:
    """Every flag of a submission, for its reviewers: its own inputs, its indicators against
    its group, and its changes from the base year."""
    flags = data_flags(assessment, _snapshot_data(assessment.snapshot or {}))
    if evaluation is None:
        return flags
    rows = value_rows(evaluation, _definitions(assessment.batch.catalog_version_id))
    return [*flags, *outlier_flags(rows, group_fences(assessment, rows)), *change_flags(rows)]


def _batch_groups(evaluations: QuerySet[Evaluation], codes: list[str]) -> dict:
    """(industry type, size) → code → fences, over ``evaluations`` (one query)."""
    frame = current_values(
        evaluations,
        codes=codes,
        industry_type="assessment__applicant_industry_type",
        size="assessment__applicant_size",
    )
    groups: dict = defaultdict(dict)
    for key, group in frame.groupby(["industry_type", "size"]):
        for code in codes:
            groups[key][code] = fences(group[code].dropna().tolist())
    return groups


def batch_reviewer_flags(batch, assessments: list[Assessment]) -> dict[int, list[Flag]]:
    """``reviewer_flags`` of each of ``assessments`` (submissions of ``batch``, loaded with
    their evaluations), with a fixed number of queries."""
    version = batch.catalog_version_id
    definitions = _definitions(version)
    codes = [d.code for d in definitions]
    evaluations = Evaluation.objects.filter(
        assessment__batch=batch, catalog_version_id=version
    ).exclude(assessment__state=State.DRAFT)
    groups = _batch_groups(evaluations, codes)
    flags = {}
    for a in assessments:
        found = data_flags(a, _snapshot_data(a.snapshot or {}))
        evaluation = getattr(a, "evaluation", None)
        if evaluation is not None:
            rows = value_rows(evaluation, definitions)
            group = groups.get((a.applicant_industry_type, a.applicant_size), {})
            found += outlier_flags(rows, group) + change_flags(rows)
        flags[a.pk] = found
    return flags
