from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import translation

from evaluation import services
from evaluation.models import Evaluation, State
from evaluation.recommendations import recommendations_for
from evaluation.results import indicator_rows, tier_outcome
from portal.exceptions import StateConflict

from .conftest import DECLARED, IMPL


@pytest.mark.django_db
def test_refresh_stores_indicators_tier_and_versions(assessment):
    evaluation = services.evaluation_refresh(assessment=assessment)
    assert evaluation.highest_tier == "workshop"
    assert evaluation.catalog_version == assessment.batch.catalog_version
    assert evaluation.rules_source == "default"
    rows = indicator_rows(evaluation)
    by_code = {row["code"]: row for row in rows}
    assert len(by_code) == 19
    assert by_code["labor_productivity"]["base"]["value"] == Decimal("30")
    assert by_code["labor_productivity"]["current"]["value"] == Decimal("37.5")
    assert by_code["labor_productivity"]["improvement"] == Decimal("25")
    assert by_code["defect_rate"]["improved"] is True  # lower is better: 0.5 % → 0.2 %
    assert evaluation.indicators_improved == sum(r["improved"] for r in rows)
    factory = evaluation.tier_result["tiers"][1]
    assert not factory["passed"] and "message" not in factory["gaps"][0]  # written when read
    factory = tier_outcome(evaluation).tiers[1]
    assert any("产品全生命周期" in g.message for g in factory.gaps)
    with translation.override("en"):
        assert any("product" in g.message.lower() for g in tier_outcome(evaluation).tiers[1].gaps)


@pytest.mark.django_db
def test_refresh_is_idempotent(assessment):
    first = services.evaluation_refresh(assessment=assessment)
    second = services.evaluation_refresh(assessment=assessment)
    assert first.pk == second.pk and first.computed_at == second.computed_at
    assert Evaluation.objects.count() == 1


@pytest.mark.django_db
def test_stale_version_is_refused_and_nothing_is_lost(assessment, admin_a, member_a):
    read = {"input:avg_employees": 0}  # both read the input before either saved it
    services.assessment_inputs_update(
        assessment=assessment,
        actor=member_a,
        period="current",
        values={"avg_employees": "410"},
        versions=read,
    )
    with pytest.raises(StateConflict):
        services.assessment_inputs_update(
            assessment=assessment,
            actor=admin_a,
            period="current",
            values={"avg_employees": "999"},
            versions=read,
        )
    assessment.refresh_from_db()
    assert assessment.current_inputs["avg_employees"] == "410"


@pytest.mark.django_db
def test_bad_inputs_are_refused_whole(assessment, admin_a):
    before = dict(assessment.current_inputs)
    with pytest.raises(ValidationError) as exc:
        services.assessment_inputs_update(
            assessment=assessment,
            actor=admin_a,
            period="current",
            values={"avg_employees": "500", "inspected_defective": "999999"},
        )
    assert "inspected_defective" in exc.value.message_dict
    assessment.refresh_from_db()
    assert assessment.current_inputs == before


@pytest.mark.django_db
def test_other_enterprise_cannot_write(assessment, admin_b):
    with pytest.raises(PermissionDenied):
        services.assessment_inputs_update(
            assessment=assessment, actor=admin_b, period="base", values={}
        )


@pytest.mark.django_db
def test_submit_freezes_a_snapshot_and_evaluates_after_commit(
    assessment, admin_a, django_capture_on_commit_callbacks, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from config.celery import app

    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            submitted = services.assessment_submit(
                assessment=assessment, actor=admin_a, declarations=DECLARED
            )
        assert not Evaluation.objects.filter(
            assessment=assessment
        ).exists()  # nothing before commit
        assert len(callbacks) == 2  # the receipt's email, the evaluation
        for callback in callbacks:
            callback()
    finally:
        app.conf.task_always_eager = False
    assert submitted.state == State.SUBMITTED and len(submitted.snapshot_sha256) == 64
    assert submitted.snapshot["scenarios"]["1"]["status"] == "implemented"
    assert Evaluation.objects.get(assessment=assessment).highest_tier == "workshop"
    with pytest.raises(StateConflict):
        services.scenario_answer_set(assessment=submitted, actor=admin_a, scenario_no=3, data=IMPL)


@pytest.mark.django_db
def test_submit_refuses_an_incomplete_assessment(open_batch, admin_a, enterprise_a):
    a = services.assessment_create(enterprise=enterprise_a, batch=open_batch, actor=admin_a)
    services.scenario_answer_set(
        assessment=a, actor=admin_a, scenario_no=1, data={"status": "implemented"}
    )
    with pytest.raises(ValidationError) as exc:
        services.assessment_submit(assessment=a, actor=admin_a, declarations=DECLARED)
    assert "建设内容" in " ".join(exc.value.messages)
    a.refresh_from_db()
    assert a.state == State.DRAFT and a.snapshot is None


@pytest.mark.django_db
def test_recompute_batch_command_matches_the_single_service(assessment, open_batch, capsys):
    single = services.evaluation_refresh(assessment=assessment)
    single_json = (
        single.highest_tier,
        single.tier_result,
        [(r["code"], r["current"]["status"]) for r in indicator_rows(single)],
    )
    call_command("recompute_batch", str(open_batch.pk), verbosity=0)
    batch = Evaluation.objects.get(assessment=assessment)
    assert batch.computed_by == "batch"
    assert (
        batch.highest_tier,
        batch.tier_result,
        [(r["code"], r["current"]["status"]) for r in indicator_rows(batch)],
    ) == single_json
    with pytest.raises(Exception, match="No batch"):
        call_command("recompute_batch", "9999", verbosity=0)


@pytest.mark.django_db
def test_recommendations_rank_uncovered_links_and_explain(assessment, catalog):
    evaluation = services.evaluation_refresh(assessment=assessment)
    data = {
        1: "implemented",
        2: "implemented",
        4: "implemented",
        5: "implemented",
        11: "implemented",
        13: "implemented",
        30: "implemented",
    }
    recs = recommendations_for(
        assessment=assessment,
        scenario_status=data,
        outcome=tier_outcome(evaluation),
        indicator_rows=[],
    )
    factory = recs["factory"]
    assert factory and all(30 <= r.no <= 39 for r in factory)  # only the product dimension is short
    # Links 11-13 are uncovered (link 10 has #30) so their scenarios come first, each with a reason.
    assert factory[0].link != 10 and "尚未覆盖" in factory[0].reason
    assert "目录顺序" in recs["benchmark"][0].reason or "尚未覆盖" in recs["benchmark"][0].reason


@pytest.mark.django_db
def test_evaluation_api_is_scoped(api_client, assessment, admin_b, member_a):
    services.evaluation_refresh(assessment=assessment)
    api_client.force_authenticate(admin_b)
    assert api_client.get(f"/api/v1/assessments/{assessment.pk}/evaluation/").status_code == 404
    assert api_client.post(f"/api/v1/assessments/{assessment.pk}/evaluate/").status_code == 404
    api_client.force_authenticate(member_a)
    body = api_client.get(f"/api/v1/assessments/{assessment.pk}/evaluation/").json()
    assert body["highest_tier"] == "workshop" and "factory" in body["recommendations"]


@pytest.mark.django_db
def test_evaluation_api_writes_details_and_gaps_in_the_readers_language(
    api_client, assessment, member_a
):
    services.evaluation_refresh(assessment=assessment)
    api_client.force_authenticate(member_a)
    url = f"/api/v1/assessments/{assessment.pk}/evaluation/"
    body = api_client.get(url).json()
    rows = {r["code"]: r for r in body["indicators"]}
    assert len(rows) == 19 and rows["labor_productivity"]["name"] == "全员劳动生产率"
    assert rows["labor_productivity"]["current"]["value"] == "37.5"
    assert Decimal(rows["labor_productivity"]["improvement"]) == Decimal("25")
    assert rows["labor_productivity"]["improved"] is True
    factory = body["tier_result"]["tiers"][1]
    assert not factory["passed"] and "产品全生命周期" in factory["gaps"][0]["message"]
    api_client.cookies["django_language"] = "en"
    english = api_client.get(url).json()
    gap = english["tier_result"]["tiers"][1]["gaps"][0]
    assert "more implemented scenarios needed" in gap["message"]
    assert gap["required"] == factory["gaps"][0]["required"]
