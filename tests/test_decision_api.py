"""The province's decisions in the API: every expert's review in full, the flagged decision and
its justification, the four-eyes rule's proposals, and the recommend endpoint's
``confirm_no_tier``."""

import pytest
from rest_framework.test import APIClient

from evaluation.models import Evaluation
from portal.models import Role
from scenarios.models import Batch, DecisionConfirmation

from .conftest import complete_review
from .factories import UserFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def split(under_review):
    """No tier reached; two experts recommend no approval, the third 标杆企业."""
    Evaluation.objects.filter(assessment=under_review).update(highest_tier="")
    for assignment, tier in zip(
        under_review.assignments.order_by("pk"), ("none", "none", "benchmark"), strict=True
    ):
        complete_review(assignment, tier=tier, accepted=tier != "none")
    return under_review


BENCHMARK = {"outcome": "approved", "tier": "benchmark", "reason": "示范带动作用突出。"}


def test_the_province_decides_on_the_full_reviews_and_a_flag(split, province_admin):
    client = client_for(province_admin)
    url = f"{API}/review/assessments/{split.pk}/"
    reviews = client.get(url).json()["reviews"]
    assert [r["expert"]["username"] for r in reviews] == ["expert1", "expert2", "expert3"]
    first = reviews[0]
    assert first["recommended_tier"] == "none" and first["opinion"] == "建设成效明显。"
    assert first["scores"][0]["name"] == "场景建设水平" and first["scores"][0]["score"] == 8
    assert {v["accepted"] for v in first["verdicts"]} == {False}
    assert first["verdicts"][0]["comment"] == "证据不足" and first["verdicts"][0]["name"]

    unjustified = client.post(url + "decide/", BENCHMARK, format="json")
    assert unjustified.status_code == 400 and "justification" in unjustified.json()
    r = client.post(url + "decide/", {**BENCHMARK, "justification": "现场核查。"}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "approved", r.content
    decision = client.get(url).json()["decision"]
    assert [f["code"] for f in decision["flags"]] == ["above_computed_tier", "experts_reject"]
    assert decision["justification"] == "现场核查。" and decision["confirmed_by"] is None

    rows = client.get(f"{API}/review/batches/{split.batch_id}/decisions/").json()["results"]
    assert rows[0]["decision"]["flags"] and len(rows[0]["reviews"]) == 3


def test_four_eyes_through_the_api(split, province_admin):
    Batch.objects.filter(pk=split.batch_id).update(decision_confirmation=DecisionConfirmation.ALL)
    second = client_for(UserFactory(username="prov2", role=Role.PROVINCE_ADMIN))
    first = client_for(province_admin)
    decide = f"{API}/review/assessments/{split.pk}/decide/"
    justified = {**BENCHMARK, "justification": "现场核查。"}
    r = first.post(decide, justified, format="json")
    assert r.status_code == 202 and r.json()["status"] == "pending", r.content
    proposal = f"{API}/review/proposals/{r.json()['id']}/"
    assert first.get(f"{API}/review/assessments/{split.pk}/").json()["proposal"]["flags"]
    own = first.post(proposal + "confirm/")
    assert own.status_code == 403 and "另一位省级管理员" in own.json()["detail"]
    no_reason = second.post(proposal + "reject/", {}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    rejected = second.post(proposal + "reject/", {"reason": "依据不足。"}, format="json")
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert second.post(proposal + "confirm/").status_code == 409  # closed

    again = first.post(decide, justified, format="json")
    assert again.status_code == 202
    r = second.post(f"{API}/review/proposals/{again.json()['id']}/confirm/")
    assert r.status_code == 200 and r.json()["state"] == "approved", r.content


def test_recommending_what_reaches_no_tier_needs_confirm_no_tier(submitted, city_reviewer_suzhou):
    Evaluation.objects.filter(assessment=submitted).update(highest_tier="")
    client = client_for(city_reviewer_suzhou)
    url = f"{API}/review/assessments/{submitted.pk}/recommend/"
    r = client.post(url, {"comment": "同意"}, format="json")
    assert r.status_code == 409 and "confirm_no_tier" in r.json()
    r = client.post(url, {"comment": "同意", "confirm_no_tier": True}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "city_recommended"
