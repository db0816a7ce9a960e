"""One enterprise's applications side by side, a column per batch: each indicator's current-year
value and each scenario's status. Matched across catalog versions by indicator code and scenario
number; rows are those of the latest application's catalog version."""

from dataclasses import dataclass

from indicators.models import IndicatorDefinition
from scenarios.models import Scenario

from .models import AnswerStatus, Assessment
from .selectors import assessment_data, assessment_results


@dataclass(frozen=True)
class Comparison:
    assessments: list[Assessment]  # the columns, earliest batch first
    indicators: list[dict]  # {no, code, name, unit, values: [Decimal | None per column]}
    scenarios: list[dict]  # {no, name, statuses: [(status, label) | None per column]}


def enterprise_comparison(assessments) -> Comparison:
    """``assessments``: the enterprise's, as the viewer may see them (``assessments_for``)."""
    columns = list(
        assessments.select_related("batch__catalog_version").order_by("batch__year", "pk")
    )
    values, statuses = [], []
    for assessment in columns:
        results = assessment_results(assessment)
        values.append(
            {
                row["code"]: row["current"]["value"]
                for row in (results.indicators if results else [])
            }
        )
        statuses.append(assessment_data(assessment).scenario_status)
    if not columns:
        return Comparison([], [], [])
    version = columns[-1].batch.catalog_version
    labels = dict(AnswerStatus.choices)
    indicators = [
        {
            "no": d.no,
            "code": d.code,
            "name": d.display_name,
            "unit": d.display_unit,
            "decimals": d.decimals,
            "values": [column.get(d.code) for column in values],
        }
        for d in IndicatorDefinition.objects.filter(version=version).order_by("no")
    ]
    scenarios = [
        {
            "no": s.no,
            "name": s.display_name,
            "statuses": [
                (column[s.no], labels.get(column[s.no], column[s.no])) if s.no in column else None
                for column in statuses
            ],
        }
        for s in Scenario.objects.filter(version=version).order_by("no")
    ]
    return Comparison(columns, indicators, scenarios)
