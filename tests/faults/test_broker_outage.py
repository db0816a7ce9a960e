"""Redis down during submit: the submission is saved and answered normally, the lost publish
is logged, and the sweep evaluates it once the broker is back."""

import logging

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from evaluation import services
from evaluation.models import Evaluation, State

from ..conftest import login
from ..services.conftest import DECLARED

pytestmark = pytest.mark.django_db(transaction=True)


def evaluation_fields(evaluation: Evaluation) -> dict:
    return model_to_dict(evaluation, exclude=["id", "computed_at"])


def assert_not_queued(caplog, task_name: str, assessment_id: int) -> None:
    lost = [r.getMessage() for r in caplog.records if r.name == "portal.task_queue"]
    assert any(f"could not queue {task_name}({assessment_id},)" in m for m in lost), lost


def assert_swept_like_a_direct_refresh(assessment, settings) -> None:
    settings.EVALUATION_STALE_AFTER = 0
    assert services.evaluations_sweep() == [assessment.pk]
    swept = evaluation_fields(Evaluation.objects.get(assessment=assessment))
    assert swept["highest_tier"] == "workshop" and swept["computed_by"] == "single"

    Evaluation.objects.filter(assessment=assessment).delete()
    assert swept == evaluation_fields(services.evaluation_refresh(assessment=assessment))
    assert services.evaluations_sweep() == []  # evaluated: the next sweep leaves it alone


def test_the_page_submits_while_the_broker_is_down(
    broker_down, assessment, admin_a, city_reviewer_suzhou, client, caplog, settings
):
    login(client, admin_a)
    with caplog.at_level(logging.ERROR, logger="portal.task_queue"):
        response = client.post(
            reverse("editor-submit", args=[assessment.pk]),
            {**DECLARED, "version": assessment.version, "confirmed": "1"},
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("assessment-overview", args=[assessment.pk])
    assessment.refresh_from_db()
    assert assessment.state == State.SUBMITTED and assessment.snapshot_sha256
    assert not Evaluation.objects.filter(assessment=assessment).exists()
    assert_not_queued(caplog, "evaluation.tasks.evaluate_assessment", assessment.pk)
    overview = client.get(response["Location"])
    assert overview.status_code == 200 and "已提交" in overview.content.decode()

    broker_down.end()
    assert_swept_like_a_direct_refresh(assessment, settings)


def test_the_api_submits_while_the_broker_is_down(
    broker_down, assessment, admin_a, api_client, caplog, settings
):
    api_client.force_authenticate(admin_a)
    with caplog.at_level(logging.ERROR, logger="portal.task_queue"):
        response = api_client.post(
            f"/api/v1/assessments/{assessment.pk}/submit/",
            {"declarations": DECLARED, "version": assessment.version},
            format="json",
        )
    assert response.status_code == 200, response.content
    assert response.json()["state"] == State.SUBMITTED
    assert not Evaluation.objects.filter(assessment=assessment).exists()
    assert_not_queued(caplog, "evaluation.tasks.evaluate_assessment", assessment.pk)
    pending = api_client.get(f"/api/v1/assessments/{assessment.pk}/evaluation/")
    assert pending.status_code == 404

    broker_down.end()
    assert_swept_like_a_direct_refresh(assessment, settings)
    assert api_client.get(f"/api/v1/assessments/{assessment.pk}/evaluation/").status_code == 200
