"""The review endpoints of the API: the whole workflow through the API alone, who may call
what, what experts may not see, bad input, notifications and the public list."""

import json

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from evaluation.models import State
from portal.models import Notification
from portal.services import notify
from review import services as review_services
from review.models import AssignmentStatus, Decision, ExpertAssignment, Recommendation

from .conftest import complete_review
from .services.conftest import DECLARED

API = "/api/v1"


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def text(response) -> str:
    return json.dumps(response.json(), ensure_ascii=False) if response.content else ""


def review_payload(assessment, *, score=8, tier="workshop") -> dict:
    return {
        "verdicts": {
            str(no): {"accepted": True, "comment": ""}
            for no in review_services.claimed_scenarios(assessment)
        },
        "scores": {str(c.pk): score for c in assessment.batch.rubric.all()},
        "opinion": "建设成效明显。",
        "recommended_tier": tier,
    }


def assignments_of(assessment) -> list[ExpertAssignment]:
    return list(
        ExpertAssignment.objects.filter(assessment=assessment).select_related(
            "expert", "assessment"
        )
    )


# --- the whole cycle ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_whole_review_cycle_through_the_api_alone(
    assessment,
    admin_a,
    city_reviewer_suzhou,
    experts,
    province_admin,
    eager_celery,
    django_capture_on_commit_callbacks,
):
    enterprise = client_for(admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        r = enterprise.post(
            f"{API}/assessments/{assessment.pk}/submit/",
            {"declarations": DECLARED, "version": assessment.version},
            format="json",
        )
    assert r.status_code == 200 and r.json()["state"] == "submitted", r.content
    assessment.refresh_from_db()

    city = client_for(city_reviewer_suzhou)
    queue = city.get(f"{API}/review/assessments/").json()
    assert queue["count"] == 1 and set(queue) == {"count", "next", "previous", "results"}
    item = queue["results"][0]
    assert item["id"] == assessment.pk and item["state"] == "submitted"
    assert item["enterprise"]["name"] == "甲企业" and item["highest_tier"] == "workshop"
    url = f"{API}/review/assessments/{assessment.pk}/"
    detail = city.get(url).json()
    assert detail["snapshot"]["enterprise"]["name"] == "甲企业"
    assert detail["evaluation"]["highest_tier"] == "workshop"
    assert len(detail["evaluation"]["indicators"]) == 19
    assert detail["rounds"] == [] and detail["assignments"] is None and detail["decision"] is None

    r = city.post(url + "recommend/", {"comment": "材料齐全，同意推荐。"}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "city_recommended", r.content
    rounds = city.get(url).json()["rounds"]
    assert [(x["outcome"], x["reviewer"]) for x in rounds] == [("recommended", "city_sz")]

    province = client_for(province_admin)
    batch_url = f"{API}/review/batches/{assessment.batch_id}/"
    queue = province.get(batch_url + "formal-check/").json()["results"]
    assert [(row["id"], row["complete"]) for row in queue] == [(assessment.pk, True)]
    r = province.post(url + "formal-check/pass/", {"comment": "材料齐全。"}, format="json")
    assert r.status_code == 200 and r.json()["assessment"]["state"] == "formally_checked"
    r = province.post(batch_url + "auto-assign/")
    assert r.status_code == 200 and r.json() == {"created": 3, "short": []}, r.content
    listed = province.get(f"{API}/review/assignments/", {"batch": assessment.batch_id}).json()
    assert listed["count"] == 3
    assert {a["enterprise"]["name"] for a in listed["results"]} == {"甲企业"}

    for expert in experts:
        own = client_for(expert)
        mine = own.get(f"{API}/review/assignments/").json()
        assert mine["count"] == 1 and mine["results"][0]["enterprise"] is None
        a_url = f"{API}/review/assignments/{mine['results'][0]['id']}/"
        page = own.get(a_url).json()
        assert page["claimed"] == [1, 2, 4, 5, 11, 13, 30]
        assert len(page["rubric"]) == 5 and page["review"]["version"] == 1
        payload = review_payload(assessment)
        draft = own.patch(
            a_url + "review/",
            {"scores": payload["scores"], "verdicts": payload["verdicts"], "version": 1},
            format="json",
        )
        assert draft.status_code == 200, draft.content
        assert draft.json()["status"] == "active" and draft.json()["review"]["version"] == 2
        done = own.post(
            a_url + "submit/",
            {"opinion": payload["opinion"], "recommended_tier": "workshop", "version": 2},
            format="json",
        )
        assert done.status_code == 200, done.content
        assert done.json()["status"] == "submitted"
        assert float(done.json()["review"]["total"]) == 80.0

    detail = province.get(url).json()
    assert [a["status"] for a in detail["assignments"]] == ["submitted"] * 3
    assert detail["aggregate"]["n"] == 3 and detail["aggregate"]["mean"] == 80.0
    r = province.post(
        url + "decide/",
        {"outcome": "approved", "tier": "workshop", "reason": "专家一致认可。"},
        format="json",
    )
    assert r.status_code == 200 and r.json()["state"] == "approved", r.content
    decision = Decision.objects.get(assessment=assessment)
    assert decision.tier == "workshop" and decision.figures["n"] == 3
    assert decision.figures["mean"] == 80.0 and decision.figures["computed_tier"] == "workshop"
    assert province.get(url).json()["decision"]["reason"] == "专家一致认可。"

    rows = province.get(batch_url + "decisions/").json()
    assert rows["count"] == 1 and rows["results"][0]["aggregate"]["mean"] == 80.0
    assert rows["results"][0]["decided_tier"] == "workshop"

    public_url = f"{API}/public/batches/{assessment.batch_id}/list/"
    assert client_for().get(public_url).status_code == 404
    r = province.post(batch_url + "publish/", {"publish": True}, format="json")
    assert r.status_code == 200 and r.json()["list_published_at"], r.content
    public = client_for().get(public_url)
    assert public.status_code == 200
    assert [(x["enterprise"], x["tier"]) for x in public.json()["results"]] == [
        ("甲企业", "workshop")
    ]
    assert public.json()["batch"]["id"] == assessment.batch_id

    kinds = {n["title"] for n in enterprise.get(f"{API}/notifications/").json()["results"]}
    assert any("公示名单" in k for k in kinds) and any("认定结果" in k for k in kinds)


# --- who may call what --------------------------------------------------------------------------


def endpoints(assessment, assignment, batch) -> list[tuple[str, str, str, dict]]:
    """(name, method, url, body) of every review endpoint that needs a login."""
    a = f"{API}/review/assessments/{assessment.pk}/"
    x = f"{API}/review/assignments/{assignment.pk}/"
    b = f"{API}/review/batches/{batch.pk}/"
    return [
        ("queue", "get", f"{API}/review/assessments/", {}),
        ("queue-detail", "get", a, {}),
        ("recommend", "post", a + "recommend/", {"comment": "同意"}),
        ("return", "post", a + "return/", {"comment": "请补充"}),
        ("assign", "post", a + "assignments/", {"expert": assignment.expert_id}),
        ("decide", "post", a + "decide/", {"outcome": "rejected", "reason": "不足"}),
        ("assignments", "get", f"{API}/review/assignments/", {}),
        ("assignment", "get", x, {}),
        ("review", "patch", x + "review/", {"opinion": "篡改"}),
        ("submit", "post", x + "submit/", {}),
        ("conflict", "post", x + "conflict/", {"reason": "同事"}),
        ("unassign", "delete", x, {}),
        ("batches", "get", f"{API}/review/batches/", {}),
        ("batch", "get", b, {}),
        ("batch-update", "patch", b, {"experts_see_identity": True}),
        ("experts", "get", b + "experts/", {}),
        ("auto-assign", "post", b + "auto-assign/", {}),
        ("decisions", "get", b + "decisions/", {}),
        ("publish", "post", b + "publish/", {"publish": True}),
        ("notifications", "get", f"{API}/notifications/", {}),
        ("notifications-read", "post", f"{API}/notifications/read/", {}),
    ]


def call(client, method, url, body):
    return (
        getattr(client, method)(url, body, format="json") if body else getattr(client, method)(url)
    )


def db_state(assessment) -> tuple:
    assessment.refresh_from_db()
    batch = assessment.batch
    batch.refresh_from_db()
    return (
        assessment.state,
        Recommendation.objects.count(),
        sorted(ExpertAssignment.objects.values_list("expert_id", "status", "opinion", "version")),
        Decision.objects.count(),
        batch.experts_see_identity,
        batch.list_published_at,
    )


@pytest.mark.django_db
def test_anonymous_callers_get_401_everywhere(under_review):
    assignment = assignments_of(under_review)[0]
    before = db_state(under_review)
    for name, method, url, body in endpoints(under_review, assignment, under_review.batch):
        r = call(client_for(), method, url, body)
        assert r.status_code == 401, name
        assert "甲企业" not in r.content.decode(), name
    assert db_state(under_review) == before


EXPECTED = {
    # enterprise users: nothing of the review, only their own notifications
    "enterprise": {"notifications": 200, "notifications-read": 200},
    # another city's reviewer: its (empty) queue; Suzhou's submission does not exist for it
    "other_city": {
        "queue": 200,
        "queue-detail": 404,
        "recommend": 404,
        "return": 404,
        "notifications": 200,
        "notifications-read": 200,
    },
    # an expert not assigned to this submission: its own (empty) task list
    "other_expert": {
        "assignments": 200,
        "assignment": 404,
        "review": 404,
        "submit": 404,
        "conflict": 404,
        "unassign": 404,
        "notifications": 200,
        "notifications-read": 200,
    },
}


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["admin_a", "member_a", "other_city", "other_expert"])
def test_the_permission_matrix_of_every_endpoint(
    who, under_review, admin_a, member_a, city_reviewer_nanjing, expert
):
    user = {
        "admin_a": admin_a,
        "member_a": member_a,
        "other_city": city_reviewer_nanjing,
        "other_expert": expert,
    }[who]
    expected = EXPECTED["enterprise" if who in ("admin_a", "member_a") else who]
    assignment = assignments_of(under_review)[0]
    before = db_state(under_review)
    client = client_for(user)
    for name, method, url, body in endpoints(under_review, assignment, under_review.batch):
        r = call(client, method, url, body)
        assert r.status_code == expected.get(name, 403), (name, r.status_code, r.content)
        assert "甲企业" not in r.content.decode(), name
        assert under_review.enterprise.credit_code not in r.content.decode(), name
    assert db_state(under_review) == before
    if who == "other_city":
        assert client.get(f"{API}/review/assessments/").json()["count"] == 0
    if who == "other_expert":
        assert client.get(f"{API}/review/assignments/").json()["count"] == 0


@pytest.mark.django_db
def test_a_city_reviewer_sees_only_its_city(
    submitted, city_reviewer_suzhou, city_reviewer_nanjing, province_admin
):
    nanjing = client_for(city_reviewer_nanjing)
    assert nanjing.get(f"{API}/review/assessments/").json()["results"] == []
    assert nanjing.get(f"{API}/review/assessments/{submitted.pk}/").status_code == 404
    suzhou = client_for(city_reviewer_suzhou)
    assert [x["id"] for x in suzhou.get(f"{API}/review/assessments/").json()["results"]] == [
        submitted.pk
    ]
    province = client_for(province_admin)
    queue = f"{API}/review/assessments/"
    assert province.get(queue).json()["count"] == 1
    assert province.get(queue, {"city": "320100"}).json()["count"] == 0
    assert province.get(queue, {"q": "甲企业", "state": "submitted"}).json()["count"] == 1
    assert province.get(queue, {"tier": "benchmark"}).json()["count"] == 0
    bad = province.get(queue, {"batch": 99999})
    assert bad.status_code == 400 and "batch" in bad.json()


@pytest.mark.django_db
def test_the_province_admin_cannot_recommend_for_a_city(submitted, province_admin):
    url = f"{API}/review/assessments/{submitted.pk}/recommend/"
    assert client_for(province_admin).post(url, {}, format="json").status_code == 403
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED and not Recommendation.objects.exists()


@pytest.mark.django_db
def test_an_expert_sees_only_its_own_assignment_and_review(under_review):
    first, second, _third = assignments_of(under_review)
    complete_review(second, score=3, tier="none")
    client = client_for(first.expert)
    mine = client.get(f"{API}/review/assignments/").json()["results"]
    assert [a["id"] for a in mine] == [first.pk]
    body = client.get(f"{API}/review/assignments/{first.pk}/")
    assert body.status_code == 200 and body.json()["review"]["opinion"] == ""
    assert "建设成效明显" not in body.content.decode()
    assert client.get(f"{API}/review/assignments/{second.pk}/").status_code == 404
    r = client.patch(
        f"{API}/review/assignments/{second.pk}/review/", {"opinion": "x"}, format="json"
    )
    assert r.status_code == 404
    assert client.get(f"{API}/review/assessments/{under_review.pk}/").status_code == 403
    assert client.get(f"{API}/review/batches/").status_code == 403


@pytest.mark.django_db
def test_the_applicant_is_hidden_from_experts_unless_the_batch_allows(under_review):
    assignment = assignments_of(under_review)[0]
    enterprise = under_review.enterprise
    client = client_for(assignment.expert)
    url = f"{API}/review/assignments/{assignment.pk}/"
    for response in (client.get(f"{API}/review/assignments/"), client.get(url)):
        assert response.status_code == 200
        shown = text(response)
        for secret in ("甲企业", enterprise.credit_code, "张三", "admin_a"):
            assert secret not in shown, secret
    detail = client.get(url).json()
    assert detail["identity_visible"] is False and detail["enterprise"] is None
    assert detail["reference"] == f"SB-{under_review.batch.year}-{under_review.pk:05d}"
    assert detail["snapshot"]["enterprise"]["city"] == enterprise.city
    assert detail["snapshot"]["declarations"]["truthful"] is True

    under_review.batch.experts_see_identity = True
    under_review.batch.save()
    detail = client.get(url).json()
    assert detail["identity_visible"] is True and detail["enterprise"]["name"] == "甲企业"
    assert detail["snapshot"]["enterprise"]["credit_code"] == enterprise.credit_code
    assert client.get(f"{API}/review/assignments/").json()["results"][0]["enterprise"]["id"] == (
        enterprise.pk
    )


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_return_needs_a_comment(submitted, city_reviewer_suzhou):
    client = client_for(city_reviewer_suzhou)
    url = f"{API}/review/assessments/{submitted.pk}/return/"
    for body in ({}, {"comment": "   "}):
        r = client.post(url, body, format="json")
        assert r.status_code == 400 and "comment" in r.json(), r.content
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED and not Recommendation.objects.exists()
    r = client.post(url, {"comment": "请补充验收报告。"}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "returned"
    again = client.post(url, {"comment": "再次退回"}, format="json")
    assert again.status_code == 409
    assert Recommendation.objects.count() == 1


@pytest.mark.django_db
def test_recommending_twice_is_409(submitted, city_reviewer_suzhou):
    client = client_for(city_reviewer_suzhou)
    url = f"{API}/review/assessments/{submitted.pk}/recommend/"
    assert client.post(url, {}, format="json").status_code == 200
    r = client.post(url, {}, format="json")
    assert r.status_code == 409 and "推荐" in text(r)
    assert Recommendation.objects.count() == 1


@pytest.mark.django_db
def test_review_errors_name_the_field_and_save_only_the_rest(under_review):
    assignment = assignments_of(under_review)[0]
    criterion, other = under_review.batch.rubric.order_by("no")[:2]
    client = client_for(assignment.expert)
    url = f"{API}/review/assignments/{assignment.pk}/"

    r = client.patch(url + "review/", {"scores": {str(criterion.pk): 11}}, format="json")
    assert r.status_code == 400 and f"scores.{criterion.pk}" in r.json(), r.content
    assert r.json()["review"]["version"] == 1  # nothing else given: nothing saved
    r = client.patch(url + "review/", {"scores": {"999999": 5}}, format="json")
    assert r.status_code == 400 and "scores.999999" in r.json()
    r = client.patch(url + "review/", {"verdicts": {"3": {"accepted": True}}}, format="json")
    assert r.status_code == 400 and "verdicts.3" in r.json()
    r = client.patch(url + "review/", {"recommended_tier": "gold"}, format="json")
    assert r.status_code == 400 and "recommended_tier" in r.json()
    assignment.refresh_from_db()
    assert assignment.scores == {} and assignment.version == 1

    ok = client.patch(url + "review/", {"opinion": "初稿", "version": 1}, format="json")
    assert ok.status_code == 200 and ok.json()["review"]["version"] == 2
    stale = client.patch(url + "review/", {"opinion": "覆盖", "version": 1}, format="json")
    assert stale.status_code == 409 and "刷新" in text(stale)
    assignment.refresh_from_db()
    assert assignment.opinion == "初稿" and assignment.version == 2

    # one bad score among good ones: refused alone, the rest saved, the new version given
    r = client.patch(
        url + "review/",
        {"scores": {str(criterion.pk): 11, str(other.pk): 7}, "version": 2},
        format="json",
    )
    assert r.status_code == 400 and set(r.json()) == {f"scores.{criterion.pk}", "review"}
    assert "0–10" in r.json()[f"scores.{criterion.pk}"][0]
    assert r.json()["review"]["scores"] == {str(other.pk): 7.0}
    assert r.json()["review"]["version"] == 3

    incomplete = client.post(
        url + "submit/", {"scores": {str(criterion.pk): -1}, "version": 3}, format="json"
    )
    errors = incomplete.json()
    assert incomplete.status_code == 400 and "recommended_tier" in errors
    assert "verdicts.1.accepted" in errors and "0–10" in errors[f"scores.{criterion.pk}"][0]
    assert errors["review"]["version"] == 3
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ACTIVE
    assert assignment.scores == {str(other.pk): 7.0}

    done = client.post(url + "submit/", review_payload(under_review), format="json")
    assert done.status_code == 200 and done.json()["status"] == "submitted", done.content
    twice = client.post(url + "submit/", {}, format="json")
    assert twice.status_code == 409
    late = client.patch(url + "review/", {"opinion": "改"}, format="json")
    assert late.status_code == 409
    assignment.refresh_from_db()
    assert assignment.opinion == "建设成效明显。"


@pytest.mark.django_db
def test_decide_waits_for_every_review_and_approval_needs_a_tier(under_review, province_admin):
    client = client_for(province_admin)
    url = f"{API}/review/assessments/{under_review.pk}/decide/"
    first, *rest = assignments_of(under_review)
    complete_review(first)
    early = client.post(url, {"outcome": "approved", "tier": "workshop", "reason": "好"})
    assert early.status_code == 409 and "未提交" in text(early)
    for assignment in rest:
        complete_review(assignment)
    no_tier = client.post(url, {"outcome": "approved", "reason": "好"}, format="json")
    assert no_tier.status_code == 400 and "tier" in no_tier.json(), no_tier.content
    no_reason = client.post(url, {"outcome": "rejected"}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    bad = client.post(url, {"outcome": "maybe", "reason": "好"}, format="json")
    assert bad.status_code == 400 and "outcome" in bad.json()
    assert not Decision.objects.exists()
    under_review.refresh_from_db()
    assert under_review.state == State.UNDER_REVIEW
    unjustified = client.post(url, {"outcome": "rejected", "reason": "示范性不足。"}, format="json")
    assert unjustified.status_code == 400 and "justification" in unjustified.json()
    r = client.post(
        url,
        {"outcome": "rejected", "reason": "示范性不足。", "justification": "三位专家均建议认定。"},
        format="json",
    )
    assert r.status_code == 200 and r.json()["state"] == "rejected"
    again = client.post(url, {"outcome": "rejected", "reason": "再次"}, format="json")
    assert again.status_code == 409 and Decision.objects.count() == 1


@pytest.mark.django_db
def test_decide_and_assign_refuse_a_submission_not_yet_recommended(
    submitted, province_admin, expert
):
    client = client_for(province_admin)
    url = f"{API}/review/assessments/{submitted.pk}/"
    r = client.post(url + "decide/", {"outcome": "rejected", "reason": "x"}, format="json")
    assert r.status_code == 409
    r = client.post(url + "assignments/", {"expert": expert.pk}, format="json")
    assert r.status_code == 409
    assert not ExpertAssignment.objects.exists() and not Decision.objects.exists()


@pytest.mark.django_db
def test_manual_assignment_removal_and_conflicts(formally_checked, experts, expert, province_admin):
    client = client_for(province_admin)
    url = f"{API}/review/assessments/{formally_checked.pk}/assignments/"
    r = client.post(url, {"expert": expert.pk}, format="json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "active" and body["expert"] == "expert_x"
    assert body["enterprise"]["name"] == "甲企业"
    again = client.post(url, {"expert": expert.pk}, format="json")
    assert again.status_code == 400 and "expert" in again.json()
    not_expert = client.post(url, {"expert": province_admin.pk}, format="json")
    assert not_expert.status_code == 400 and "expert" in not_expert.json()
    assert ExpertAssignment.objects.count() == 1

    own = client_for(expert)
    a_url = f"{API}/review/assignments/{body['id']}/"
    assert own.delete(a_url).status_code == 403
    r = own.post(a_url + "conflict/", {"reason": ""}, format="json")
    assert r.status_code == 400 and "reason" in r.json()
    r = own.post(a_url + "conflict/", {"reason": "曾为该企业提供咨询。"}, format="json")
    # the batch wants three reviewers: the three other experts are assigned in its place
    assert r.status_code == 200 and r.json() == {"replacements": 3}, r.content
    assert own.get(a_url).status_code == 404
    assert own.get(f"{API}/review/assignments/").json()["count"] == 0

    replacement = ExpertAssignment.objects.filter(status=AssignmentStatus.ACTIVE).first()
    r = client.delete(f"{API}/review/assignments/{replacement.pk}/")
    assert r.status_code == 204
    replacement.refresh_from_db()
    assert replacement.status == AssignmentStatus.REMOVED
    assert client.delete(f"{API}/review/assignments/{replacement.pk}/").status_code == 409


@pytest.mark.django_db
def test_batch_settings_and_rubric(formally_checked, experts, province_admin):
    client = client_for(province_admin)
    batch = formally_checked.batch
    url = f"{API}/review/batches/{batch.pk}/"
    listed = client.get(f"{API}/review/batches/").json()
    assert listed["count"] == 1 and listed["results"][0]["id"] == batch.pk
    body = client.get(url).json()
    assert body["reviewers_per_assessment"] == 3 and body["rubric"] == []  # none before assigning

    r = client.patch(url, {"reviewers_per_assessment": 0}, format="json")
    assert r.status_code == 400 and "reviewers_per_assessment" in r.json()
    r = client.patch(url, {"closes_at": "2000-01-01T00:00:00+08:00"}, format="json")
    assert r.status_code == 400 and "closes_at" in r.json(), r.content
    rubric = [
        {"name": "场景", "weight": "60", "min_score": 0, "max_score": 10},
        {"name": "成效", "name_en": "Effect", "weight": "40", "min_score": 0, "max_score": 5},
    ]
    bad = client.patch(url, {"rubric": [dict(rubric[0], max_score=0)]}, format="json")
    assert bad.status_code == 400 and "rubric.1.max_score" in bad.json(), bad.content
    r = client.patch(
        url,
        {"experts_see_identity": True, "disagreement_threshold": "12.5", "rubric": rubric},
        format="json",
    )
    assert r.status_code == 200, r.content
    assert (
        r.json()["experts_see_identity"] is True and r.json()["disagreement_threshold"] == "12.50"
    )
    assert [c["name"] for c in r.json()["rubric"]] == ["场景", "成效"]

    assert client.post(url + "auto-assign/").json()["created"] == 3
    loads = client.get(url + "experts/").json()
    assert loads["count"] == 3 and {x["active"] for x in loads["results"]} == {1}

    # fixed from the first expert assignment, before anyone has scored
    locked = client.patch(url, {"rubric": rubric[:1]}, format="json")
    assert locked.status_code == 409 and "rubric" in locked.json(), locked.content
    assert "评分标准自首次分配起固定" in locked.json()["rubric"][0]
    assert batch.rubric.count() == 2
    again = client.patch(url, {"rubric": rubric}, format="json")  # the same rubric: no change
    assert again.status_code == 200

    nothing = client.post(url + "publish/", {"publish": True}, format="json")
    assert nothing.status_code == 400 and "batch" in nothing.json()
    batch.refresh_from_db()
    assert batch.list_published_at is None


@pytest.mark.django_db
def test_auto_assign_reports_what_stays_short(formally_checked, expert, province_admin):
    r = client_for(province_admin).post(
        f"{API}/review/batches/{formally_checked.batch_id}/auto-assign/"
    )
    assert r.status_code == 200 and r.json() == {"created": 1, "short": [formally_checked.pk]}


@pytest.mark.django_db
def test_publish_and_withdraw_the_public_list(under_review, province_admin):
    for assignment in assignments_of(under_review):
        complete_review(assignment)
    review_services.assessment_decide(
        assessment=under_review,
        actor=province_admin,
        outcome="approved",
        tier="workshop",
        reason="认可",
    )
    client = client_for(province_admin)
    url = f"{API}/review/batches/{under_review.batch_id}/publish/"
    public = f"{API}/public/batches/{under_review.batch_id}/list/"
    assert client.post(url, {}, format="json").status_code == 200
    assert client_for().get(public).json()["results"][0]["enterprise"] == "甲企业"
    assert client_for().get(f"{API}/public/batches/99999/list/").status_code == 404
    withdrawn = client.post(url, {"publish": False}, format="json")
    assert withdrawn.status_code == 200 and withdrawn.json()["list_published_at"] is None
    assert client_for().get(public).status_code == 404


# --- notifications ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_notifications_are_the_callers_own(admin_a, admin_b):
    mine = notify(recipients=[admin_a], kind="t", title="给甲的通知", body="内容")[0]
    notify(recipients=[admin_a], kind="t", title="第二条", body="")
    theirs = notify(recipients=[admin_b], kind="t", title="给乙的通知", body="")[0]
    client = client_for(admin_a)
    listed = client.get(f"{API}/notifications/").json()
    assert listed["count"] == 2 and "给乙的通知" not in text_of(listed)

    r = client.post(f"{API}/notifications/read/", {"ids": [theirs.pk]}, format="json")
    assert r.status_code == 200 and r.json() == {"marked": 0}
    theirs.refresh_from_db()
    assert theirs.read_at is None
    r = client.post(f"{API}/notifications/read/", {"ids": [mine.pk]}, format="json")
    assert r.json() == {"marked": 1}
    unread = client.get(f"{API}/notifications/", {"unread": 1}).json()
    assert [n["title"] for n in unread["results"]] == ["第二条"]
    assert client.post(f"{API}/notifications/read/", {}, format="json").json() == {"marked": 1}
    assert client.get(f"{API}/notifications/", {"unread": 1}).json()["count"] == 0
    assert Notification.objects.filter(recipient=admin_b, read_at=None).count() == 1
    bad = client.post(f"{API}/notifications/read/", {"ids": ["x"]}, format="json")
    assert bad.status_code == 400 and "ids" in bad.json()


def text_of(data) -> str:
    return json.dumps(data, ensure_ascii=False)


@pytest.mark.django_db
def test_notifications_in_the_callers_language(city_reviewer_suzhou, submitted):
    client = client_for(city_reviewer_suzhou)
    zh = client.get(f"{API}/notifications/").json()["results"]
    assert [n["title"] for n in zh] == ["甲企业 提交了自评估申报"]
    assert zh[0]["url"] == f"/review/assessments/{submitted.pk}/"
    Notification.objects.create(
        recipient=city_reviewer_suzhou,
        kind="t",
        title="评审提醒",
        title_en="Review reminder",
        body="请尽快审核。",
        body_en="Please review soon.",
    )
    client.cookies["django_language"] = "en"
    en = client.get(f"{API}/notifications/").json()["results"][0]
    assert (en["title"], en["body"]) == ("Review reminder", "Please review soon.")
    client.cookies["django_language"] = "zh-hans"
    assert client.get(f"{API}/notifications/").json()["results"][0]["title"] == "评审提醒"


# --- the schema ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_schema_lists_the_review_endpoints_without_warnings(client, tmp_path):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    served = schema.content.decode()
    for path in (
        "/api/v1/review/assessments/{id}/decide/",
        "/api/v1/review/proposals/{id}/confirm/",
        "/api/v1/review/assignments/{id}/review/",
        "/api/v1/review/batches/{id}/auto-assign/",
        "/api/v1/notifications/read/",
        "/api/v1/public/batches/{id}/list/",
    ):
        assert path in served, path
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )
