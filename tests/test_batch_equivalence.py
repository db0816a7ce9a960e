"""The pandas batch path gives the single-assessment service's results, on random data."""

import math
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluation.batch import evaluate_many
from evaluation.computation import AssessmentData, EvaluationContext, evaluate
from evaluation.tiers import rules_for_batch
from indicators.inputs import InputSpec, clean_inputs, serialize_inputs

STATUSES = ["not_started", "planned", "in_progress", "implemented"]
NUMBERS = st.one_of(
    st.just("0"),
    st.integers(0, 5).map(str),
    st.integers(0, 10**9).map(str),
    st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False, allow_infinity=False).map(
        str
    ),
)
PERCENT = st.decimals(min_value=0, max_value=100, places=2).map(str)
DAY = st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 1, 1))


@st.composite
def period_inputs(draw, spec: InputSpec):
    values = {}
    for code, definition in spec.definitions.items():
        if draw(st.integers(0, 9)) == 0:
            continue  # missing
        if definition.kind == "table":
            rows = []
            for _ in range(draw(st.integers(0, 3))):
                row = {}
                for column in definition.fields:
                    if draw(st.integers(0, 11)) == 0:
                        continue  # a missing cell
                    if column["kind"] == "date":
                        row[column["code"]] = draw(DAY)
                    elif column["kind"] == "number":
                        row[column["code"]] = draw(NUMBERS)
                    else:
                        row[column["code"]] = "x"
                if "initiated_on" in row and "accepted_on" in row:
                    row["accepted_on"] = row["initiated_on"] + timedelta(
                        days=draw(st.integers(0, 400))
                    )
                rows.append(row)
            values[code] = rows
        elif definition.kind == "percent":
            values[code] = draw(PERCENT)
        elif definition.kind == "count":
            values[code] = draw(st.integers(0, 5000).map(str))
        else:
            values[code] = draw(NUMBERS)
    cleaned, errors = clean_inputs(values, spec)
    for key in errors:  # drop what the forms would have refused (e.g. a part over its whole)
        cleaned.pop(key.split("[", 1)[0], None)
    return serialize_inputs(cleaned)


@st.composite
def assessments(draw, spec):
    return AssessmentData(
        industry_type=draw(st.sampled_from(["discrete", "process", "mixed"])),
        scenario_status={
            no: draw(st.sampled_from(STATUSES)) for no in range(1, 46) if draw(st.booleans())
        },
        support_status={
            no: draw(st.sampled_from(STATUSES)) for no in range(1, 9) if draw(st.booleans())
        },
        base_inputs=draw(period_inputs(spec)),
        current_inputs=draw(period_inputs(spec)),
    )


def _close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)


def assert_same(single, batch):
    assert single.indicators_improved == batch["indicators_improved"]
    assert single.tiers.as_json(messages=False) == batch["tier_result"]
    s, b = single.indicators, batch["indicators"]
    for period in ("base", "current"):
        assert s[period]["status"] == b[period]["status"], period
        assert s[period]["missing"] == b[period]["missing"], period
        assert s[period]["reason"] == b[period]["reason"], period
        for no, (sv, bv) in enumerate(zip(s[period]["value"], b[period]["value"], strict=True), 1):
            assert _close(sv, bv), (period, no, sv, bv)
    for no, (sv, bv) in enumerate(zip(s["improvement"], b["improvement"], strict=True), 1):
        assert _close(sv, bv), ("improvement", no, sv, bv)


@pytest.fixture
def context(catalog, default_rules):
    return EvaluationContext.for_version(catalog, rules_for_batch(None))


@pytest.mark.django_db
@settings(
    max_examples=36,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@pytest.mark.slow
@given(data=st.data())
def test_batch_equals_single_on_random_assessments(context, data):
    # Batches of one to twelve, about 180 random assessments in all (as many as sixty batches
    # of up to six held): the batch path costs mostly per call, so fewer, larger batches
    # compare as many assessments in less time.
    size = data.draw(st.integers(1, 12))
    spec = context.indicators.spec
    records = data.draw(st.lists(assessments(spec), min_size=size, max_size=size))
    ids = list(range(101, 101 + len(records)))
    batch = evaluate_many(context, ids, records)
    for aid, record in zip(ids, records, strict=True):
        assert_same(evaluate(context, record), batch[aid])


@pytest.mark.django_db
def test_batch_equals_single_on_the_edge_cases(context):
    spec = context.indicators.spec
    zero = {code: "0" for code in spec.scalars}
    edge = [
        AssessmentData("discrete", {}, {}, {}, {}),
        AssessmentData("process", {1: "implemented"}, {1: "implemented"}, zero, zero),
        AssessmentData(
            "mixed",
            {},
            {},
            {"warehouses": [{"outbound": "5", "average_inventory": "0"}]},
            {"warehouses": [{"outbound": "5"}, {"outbound": "1", "average_inventory": "2"}]},
        ),
        AssessmentData(
            "mixed",
            {},
            {},
            {"rd_projects": [{"initiated_on": "2024-01-01", "accepted_on": "2024-01-01"}]},
            {"avg_employees": "3", "gross_output_value": "10"},
        ),
    ]
    ids = [1, 2, 3, 4]
    batch = evaluate_many(context, ids, edge)
    for aid, record in zip(ids, edge, strict=True):
        assert_same(evaluate(context, record), batch[aid])
    codes = [c.definition.code for c in context.indicators.indicators]
    statuses = dict(zip(codes, batch[3]["indicators"]["current"]["status"], strict=True))
    assert statuses["inventory_turnover"] == "missing_input"
