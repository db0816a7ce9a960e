"""The stored form of an evaluation's indicators, and its expansion for display.

Stored compactly, one list per field in the catalog version's indicator order
(a version is frozen once a batch uses it), so a batch of tens of thousands of
assessments is written fast::

    {"base":    {"value": ["12.5", None, ...], "status": ["ok", "missing_input", ...],
                 "missing": {"<code>": ["input", "table[0].column"]},
                 "reason": {"<code>": "why it is undefined"}},
     "current": {...},
     "improvement": ["20", None, ...]}

Values are decimal strings (exact). The human-readable details are not stored:
``indicator_rows`` writes them when read, in the reader's language. The same
holds for the tier result's gap messages (``tier_outcome``).
"""

import json
from decimal import Decimal

import pandas as pd
from django.db.models.fields.json import KeyTextTransform, KeyTransform

from indicators.engine import DetailTexts, Status
from indicators.models import IndicatorDefinition, InputDefinition

from .models import Period
from .tiers import CatalogShape, TierOutcome


def pack_period(results) -> dict:
    """One period of the single engine's ``IndicatorResult`` list."""
    return {
        "value": [None if r.value is None else str(r.value) for r in results],
        "status": [str(r.status) for r in results],
        "missing": {r.code: list(r.missing) for r in results if r.missing},
        "reason": {r.code: r.reason for r in results if r.reason},
    }


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def indicator_rows(evaluation) -> list[dict]:
    """Every indicator of a stored evaluation, with names, units and details, in order."""
    data = evaluation.indicators
    if not isinstance(data, dict) or not data:
        return []
    version_id = evaluation.catalog_version_id
    definitions = list(IndicatorDefinition.objects.filter(version_id=version_id).order_by("no"))
    names = {d.code: d.display_name for d in InputDefinition.objects.filter(version_id=version_id)}
    texts = DetailTexts()
    rows = []
    for i, definition in enumerate(definitions):
        periods = {}
        for period in Period.values:
            stored = data[period]
            status = stored["status"][i]
            missing = stored["missing"].get(definition.code, [])
            periods[period] = {
                "value": _decimal(stored["value"][i]),
                "status": status,
                "status_display": Status(status).label,
                "detail": texts.detail(
                    definition, status, missing, stored["reason"].get(definition.code, ""), names
                ),
                "missing": missing,
            }
        change = _decimal(data["improvement"][i])
        base, current = periods["base"], periods["current"]
        rows.append(
            {
                "no": definition.no,
                "code": definition.code,
                "name": definition.display_name,
                "unit": definition.display_unit,
                "direction": definition.direction,
                "decimals": definition.decimals,
                **periods,
                "improvement": change,
                "improvement_detail": ""
                if change is not None
                else texts.improvement_detail(
                    base["status"], current["status"], base["value"] == 0
                ),
                "improved": change is not None and change > 0,
            }
        )
    return rows


def tier_outcome(evaluation) -> TierOutcome:
    """The stored tier result, with gap messages in the reader's language."""
    shape = CatalogShape.for_version(evaluation.catalog_version_id)
    return TierOutcome.from_json(
        evaluation.tier_result, shape, rules_are_default=evaluation.rules_source == "default"
    )


def current_values(rows, *, codes: list[str], path: str = "indicators", **columns) -> pd.DataFrame:
    """The current year's value of every indicator as a DataFrame of floats (one column per
    code in ``codes``, the catalog version's order; NaN where there is none), next to the
    ``columns`` given as ``name="field__path"``; ``rows`` is a queryset of evaluations, or of
    a model reaching them by ``path`` (e.g. ``"evaluation__indicators"``).

    Only the array of current values is read from the database, as text, and all the arrays
    are parsed at once: they hold decimal strings and nulls only, so without the quotes they
    are JSON numbers.
    """
    current = KeyTextTransform("value", KeyTransform("current", path))
    frame = pd.DataFrame.from_records(
        list(rows.values_list(*columns.values(), current)), columns=[*columns, "values"]
    )
    arrays = frame.pop("values").fillna(json.dumps([None] * len(codes)))  # never evaluated
    numbers = json.loads("[" + ",".join(arrays).replace('"', "") + "]")
    values = pd.DataFrame(numbers, index=frame.index, columns=codes, dtype=float)
    return frame.join(values)
