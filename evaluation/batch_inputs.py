"""A batch's assessments as DataFrames: what ``batch.compute_many`` reads.

Built either from ``AssessmentData`` records (any database, tests, benchmarks)
or, on PostgreSQL, straight from the tables: the database unpacks the JSON and
streams CSV through ``COPY``, so no per-assessment Python object is made.
Both read the frozen snapshot of a submitted assessment and the live answers
of a draft, like ``selectors.assessment_data``.
"""

import io
import json
from dataclasses import dataclass

import pandas as pd
from django.db import connection

from indicators.inputs import InputSpec

from .models import Assessment, Period, ScenarioAnswer, SupportElementAnswer
from .selectors import assessment_data_many
from .tiers import IMPLEMENTED


@dataclass
class PeriodFrames:
    scalars: pd.DataFrame  # index: assessment id; one float column per scalar input
    tables: dict[str, pd.DataFrame]  # code → rows: aid + one column per table column


@dataclass
class BatchInputs:
    ids: pd.Index
    industry_type: pd.Series
    periods: dict[str, PeriodFrames]
    scenarios: pd.DataFrame  # aid, no: the implemented scenarios
    support_elements: pd.DataFrame  # aid, no: the implemented support elements

    @classmethod
    def from_records(cls, spec: InputSpec, ids: list[int], records) -> "BatchInputs":
        def implemented(attribute):
            return pd.DataFrame.from_records(
                [
                    (aid, int(no))
                    for aid, r in zip(ids, records, strict=True)
                    for no, status in getattr(r, attribute).items()
                    if status == IMPLEMENTED
                ],
                columns=["aid", "no"],
            )

        return cls(
            ids=pd.Index(ids),
            industry_type=pd.Series([r.industry_type for r in records], index=ids),
            periods={
                period: _period_from_dicts(
                    spec, ids, [getattr(r, f"{period}_inputs") for r in records]
                )
                for period in Period.values
            },
            scenarios=implemented("scenario_status"),
            support_elements=implemented("support_status"),
        )

    @classmethod
    def for_batch(cls, spec: InputSpec, batch) -> "BatchInputs":
        if connection.vendor == "postgresql":
            return _from_postgresql(spec, batch)
        assessments = list(
            Assessment.objects.filter(batch=batch).select_related("enterprise").order_by("pk")
        )
        return cls.from_records(
            spec, [a.pk for a in assessments], assessment_data_many(assessments)
        )


def _typed(frame: pd.DataFrame, columns: dict) -> pd.DataFrame:
    for name, column in columns.items():
        kind = column.get("kind", "number")
        if kind == "date":
            frame[name] = pd.to_datetime(frame[name], errors="coerce")
        elif kind == "number":
            frame[name] = pd.to_numeric(frame[name], errors="coerce")
    return frame


def _table_rows(ids, lists: list, columns: dict) -> pd.DataFrame:
    """One table input of every assessment (a list of row objects each) as a long frame."""
    names = list(columns)
    rows = [
        (aid, *(row.get(name) for name in names))
        for aid, table in zip(list(ids), lists, strict=True)
        for row in (table or [])
        if isinstance(row, dict)
    ]
    return _typed(pd.DataFrame.from_records(rows, columns=["aid", *names]), columns)


def _period_from_dicts(spec: InputSpec, ids: list[int], inputs: list[dict]) -> PeriodFrames:
    scalars = pd.DataFrame.from_records(
        [{k: v for k, v in d.items() if k in spec.scalars} for d in inputs],
        index=ids,
        columns=sorted(spec.scalars),
    ).apply(pd.to_numeric, errors="coerce")
    tables = {
        code: _table_rows(ids, [d.get(code) for d in inputs], columns)
        for code, columns in spec.tables.items()
    }
    return PeriodFrames(scalars, tables)


# --- PostgreSQL: the database unpacks the JSON, in one pass over the batch ----------------

_DRAFT = "a.snapshot IS NULL"  # cheap: the snapshot is not read for the test


def _implemented_sql(snapshot_key: str, answer_model, item_field: str) -> str:
    """An int[] of the implemented items' numbers: the snapshot's, or a draft's answers."""
    answers = answer_model._meta.db_table
    items = answer_model._meta.get_field(item_field).related_model._meta.db_table
    return (
        f"CASE WHEN {_DRAFT} THEN ARRAY(SELECT i.no FROM {answers} x "  # noqa: S608
        f"JOIN {items} i ON i.id = x.{item_field}_id "
        "WHERE x.assessment_id = a.id AND x.status = %(implemented)s) "
        f"ELSE ARRAY(SELECT s.key::int FROM jsonb_each(a.snapshot->'{snapshot_key}') s "
        "WHERE s.value->>'status' = %(implemented)s) END"
    )


def _from_postgresql(spec: InputSpec, batch) -> BatchInputs:
    """SQL is composed from model metadata and the catalog's input codes (quoted); values are
    parameters."""
    q = connection.ops.quote_name
    codes, tables = sorted(spec.scalars), sorted(spec.tables)
    record = ", ".join([*(f"{q(c)} text" for c in codes), *(f"{q(t)} jsonb" for t in tables)])
    columns = [
        "a.id AS aid",
        "COALESCE(a.snapshot->'enterprise'->>'industry_type', e.industry_type) AS industry_type",
        f"{_implemented_sql('scenarios', ScenarioAnswer, 'scenario')} AS scenarios",
        f"{_implemented_sql('support_elements', SupportElementAnswer, 'support_element')} "
        "AS support_elements",
    ]
    joins = []
    for period in Period.values:
        columns += [f"{period}.{q(c)} AS {q(f'{period}:{c}')}" for c in [*codes, *tables]]
        joins.append(
            f"CROSS JOIN LATERAL jsonb_to_record(COALESCE(a.snapshot->'{period}_inputs', "
            f"a.{period}_inputs)) AS {period}({record})"
        )
    assessment = Assessment._meta.db_table
    enterprise = Assessment._meta.get_field("enterprise").related_model._meta.db_table
    frame = _copy_frame(
        f"SELECT {', '.join(columns)} FROM {assessment} a "  # noqa: S608
        f"JOIN {enterprise} e ON e.id = a.enterprise_id {' '.join(joins)} "
        "WHERE a.batch_id = %(batch)s",
        {"batch": batch.pk, "implemented": IMPLEMENTED},
    )
    frame = frame.assign(aid=frame["aid"].astype(int)).sort_values("aid", ignore_index=True)
    ids = pd.Index(frame["aid"])
    periods = {}
    for period in Period.values:
        scalars = frame[[f"{period}:{c}" for c in codes]].set_axis(codes, axis=1).set_axis(ids)
        periods[period] = PeriodFrames(
            scalars.apply(pd.to_numeric, errors="coerce"),
            {
                t: _table_rows(
                    ids, [_json_list(x) for x in frame[f"{period}:{t}"].tolist()], spec.tables[t]
                )
                for t in tables
            },
        )
    return BatchInputs(
        ids=ids,
        industry_type=pd.Series(frame["industry_type"].to_numpy(), index=ids),
        periods=periods,
        scenarios=_pairs(ids, frame["scenarios"]),
        support_elements=_pairs(ids, frame["support_elements"]),
    )


def _copy_frame(sql: str, params) -> pd.DataFrame:
    with connection.cursor() as cursor:
        query = cursor.mogrify(sql, params).decode()
        buffer = io.StringIO()
        cursor.copy_expert(f"COPY ({query}) TO STDOUT WITH (FORMAT csv, HEADER)", buffer)
    buffer.seek(0)
    return pd.read_csv(buffer, dtype=str, keep_default_na=False, na_values=[""])


def _json_list(text) -> list:
    """A JSON array from the database's text; anything else (NULL, not a list) is no rows."""
    value = json.loads(text) if isinstance(text, str) else None
    return value if isinstance(value, list) else []


def _pairs(ids: pd.Index, arrays: pd.Series) -> pd.DataFrame:
    """(aid, no) from PostgreSQL int[] literals such as ``{1,5,9}``."""
    numbers = arrays.str.slice(1, -1).str.split(",").set_axis(ids).explode()
    numbers = numbers[numbers.notna() & (numbers != "")]
    return pd.DataFrame({"aid": numbers.index.astype(int), "no": numbers.astype(int).to_numpy()})
