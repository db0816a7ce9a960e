"""batch_recompute reads a batch straight from PostgreSQL and stores what the single service would."""

import pandas as pd
import pytest

from evaluation import services
from evaluation.batch import batch_recompute
from evaluation.batch_inputs import BatchInputs
from evaluation.computation import EvaluationContext, evaluate
from evaluation.models import Evaluation
from evaluation.results import indicator_rows
from evaluation.selectors import assessment_data, assessment_data_many

from ..test_batch_equivalence import assert_same
from ..test_indicators import FULL
from .conftest import DECLARED, IMPL


@pytest.fixture
def submitted(assessment, admin_a):
    return services.assessment_submit(assessment=assessment, actor=admin_a, declarations=DECLARED)


@pytest.fixture
def draft(open_batch, admin_b, enterprise_b):
    a = services.assessment_create(enterprise=enterprise_b, batch=open_batch, actor=admin_b)
    partial = {k: v for k, v in FULL.items() if k not in ("avg_employees", "rd_projects")}
    partial["warehouses"] = [{"name": "库", "outbound": "10"}, FULL["warehouses"][0]]
    services.assessment_inputs_update(assessment=a, actor=admin_b, period="base", values=partial)
    services.assessment_inputs_update(
        assessment=a,
        actor=admin_b,
        period="current",
        values=dict(FULL, on_time_orders="0", total_orders="0"),
    )
    for no in (1, 2, 4, 20, 33):
        services.scenario_answer_set(assessment=a, actor=admin_b, scenario_no=no, data=IMPL)
    services.support_answer_set(assessment=a, actor=admin_b, element_no=2, data=IMPL)
    a.refresh_from_db()
    return a


@pytest.mark.django_db
def test_sql_loader_reads_what_the_selectors_read(submitted, draft, open_batch):
    context = EvaluationContext.for_batch(open_batch)
    spec = context.indicators.spec
    from_sql = BatchInputs.for_batch(spec, open_batch)
    assessments = [submitted, draft]
    from_orm = BatchInputs.from_records(
        spec, [a.pk for a in assessments], assessment_data_many(assessments)
    )
    assert list(from_sql.ids) == list(from_orm.ids)
    assert from_sql.industry_type.tolist() == from_orm.industry_type.tolist()
    for name in ("scenarios", "support_elements"):
        left, right = getattr(from_sql, name), getattr(from_orm, name)
        assert sorted(map(tuple, left.to_numpy().tolist())) == sorted(
            map(tuple, right.to_numpy().tolist())
        )
    for period in ("base", "current"):
        a, b = from_sql.periods[period], from_orm.periods[period]
        pd.testing.assert_frame_equal(
            a.scalars.astype(float), b.scalars.astype(float), check_names=False
        )
        for code, table in a.tables.items():
            pd.testing.assert_frame_equal(
                table.reset_index(drop=True),
                b.tables[code].reset_index(drop=True),
                check_dtype=False,
            )


@pytest.mark.django_db
def test_batch_recompute_stores_what_the_single_service_computes(submitted, draft, open_batch):
    draft_scenarios_before = assessment_data(draft).scenario_status
    result = batch_recompute(batch=open_batch)
    assert result.assessments == 2
    context = EvaluationContext.for_batch(open_batch)
    for assessment in (submitted, draft):
        stored = Evaluation.objects.get(assessment=assessment)
        single = evaluate(context, assessment_data(assessment))
        assert stored.computed_by == "batch"
        assert_same(
            single,
            {
                "indicators": stored.indicators,
                "indicators_improved": stored.indicators_improved,
                "tier_result": stored.tier_result,
            },
        )
        assert stored.highest_tier == (single.tiers.highest_tier or "")
    draft_rows = {r["code"]: r for r in indicator_rows(Evaluation.objects.get(assessment=draft))}
    assert draft_rows["labor_productivity"]["base"]["status"] == "missing_input"
    assert "全部职工平均人数" in draft_rows["labor_productivity"]["base"]["detail"]
    assert draft_rows["inventory_turnover"]["base"]["missing"] == [
        "warehouses[0].average_inventory"
    ]
    assert assessment_data(draft).scenario_status == draft_scenarios_before


@pytest.mark.django_db
def test_a_single_refresh_after_a_batch_recomputes(submitted, open_batch):
    batch_recompute(batch=open_batch)
    refreshed = services.evaluation_refresh(assessment=submitted)
    assert refreshed.computed_by == "single" and len(refreshed.input_fingerprint) == 64


@pytest.mark.django_db
def test_the_planner_knows_the_rows_a_batch_recompute_wrote(submitted, draft, open_batch):
    """Statistics are taken right after the bulk write, not left to an autovacuum that may be
    off: the table's row estimate is the rows it now holds."""
    from django.db import connection

    def estimated_rows() -> float:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
                [Evaluation._meta.db_table],
            )
            return cursor.fetchone()[0]

    batch_recompute(batch=open_batch)
    assert estimated_rows() == Evaluation.objects.count() >= 2
