"""The city reviewers' and the province admin's review pages, through the Django test client."""

import re
from decimal import Decimal

import pytest
from django.db import transaction

from evaluation import services
from evaluation.models import Assessment, State
from portal.models import City, IndustryType, Role
from review import services as services_review
from review.models import (
    AssignmentStatus,
    ConflictDeclaration,
    Decision,
    ExpertAssignment,
    Recommendation,
)
from scenarios.models import Batch, RubricCriterion

from .conftest import complete_review, login
from .factories import EnterpriseFactory, UserFactory
from .services.conftest import DECLARED, answers_to


def detail(a) -> str:
    return f"/review/assessments/{a.pk}/"


def batch_url(batch, page: str) -> str:
    return f"/review/batches/{batch.pk}/{page}/"


def html_of(response) -> str:
    return response.content.decode()


def refreshed(a) -> Assessment:
    return Assessment.objects.get(pk=a.pk)


@pytest.fixture
def evaluated(submitted):
    """Submitted and evaluated (the evaluation runs after commit, which a test never does)."""
    services.evaluation_refresh(assessment=submitted)
    return refreshed(submitted)


@pytest.fixture
def reviewed(under_review):
    """Every assigned expert has scored each criterion 8 of 10 and accepted every scenario."""
    services.evaluation_refresh(assessment=under_review)
    for assignment in under_review.assignments.all():
        complete_review(assignment)
    return refreshed(under_review)


def snapshot_of_db(assessment) -> tuple:
    a = refreshed(assessment)
    batch = Batch.objects.get(pk=a.batch_id)
    return (
        a.state,
        a.decided_tier,
        Recommendation.objects.count(),
        sorted(ExpertAssignment.objects.values_list("pk", "status")),
        Decision.objects.count(),
        RubricCriterion.objects.count(),
        batch.reviewers_per_assessment,
        batch.list_published_at,
    )


# --- the queue and who sees what --------------------------------------------------------


@pytest.mark.django_db
def test_the_queue_shows_a_submission_to_its_city_only(
    client, evaluated, city_reviewer_suzhou, city_reviewer_nanjing, admin_b, expert
):
    login(client, city_reviewer_suzhou)
    html = html_of(client.get("/review/"))
    assert f'data-testid="queue-row-{evaluated.pk}"' in html and "甲企业" in html
    assert "苏州市" in html and "测试批次" in html and "智能车间" in html
    assert client.get(detail(evaluated)).status_code == 200

    login(client, city_reviewer_nanjing)
    response = client.get("/review/")
    assert response.status_code == 200 and "甲企业" not in html_of(response)
    assert client.get(detail(evaluated)).status_code == 404

    for outsider in (admin_b, expert):  # roles that review nothing: refused before any lookup
        login(client, outsider)
        assert client.get("/review/").status_code == 403
        assert client.get(detail(evaluated)).status_code == 403

    client.logout()
    for url in ("/review/", detail(evaluated)):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.fixture
def second(evaluated, open_batch):
    """Another Suzhou enterprise (process industry), already recommended, not evaluated."""
    enterprise = EnterpriseFactory(
        name="丙化工", city=City.SUZHOU, industry_type=IndustryType.PROCESS
    )
    return Assessment.objects.create(
        enterprise=enterprise, batch=open_batch, state=State.CITY_RECOMMENDED, snapshot={}
    )


@pytest.mark.django_db
def test_filters_narrow_the_queue(client, evaluated, second, city_reviewer_suzhou, province_admin):
    def shown(query: str = "") -> set:
        html = html_of(client.get(f"/review/{query}"))
        return {name for name in ("甲企业", "丙化工") if f">{name}</a>" in html}

    login(client, city_reviewer_suzhou)
    assert shown() == {"甲企业"}  # what awaits the city: submitted
    assert shown("?state=") == {"甲企业", "丙化工"}
    assert shown("?state=city_recommended") == {"丙化工"}
    assert 'name="city"' not in html_of(client.get("/review/"))

    login(client, province_admin)
    assert shown() == {"甲企业", "丙化工"}
    assert shown("?state=submitted") == {"甲企业"}
    assert shown("?industry_type=process") == {"丙化工"}
    assert shown("?industry_type=discrete") == {"甲企业"}
    assert shown("?tier=workshop") == {"甲企业"}
    assert shown("?tier=none") == {"丙化工"}
    assert shown("?q=甲企") == {"甲企业"}
    assert shown(f"?q={evaluated.enterprise.credit_code}") == {"甲企业"}
    assert shown(f"?city={City.NANJING}") == set()
    assert shown(f"?batch={evaluated.batch_id}&city={City.SUZHOU}") == {"甲企业", "丙化工"}
    assert 'name="city"' in html_of(client.get("/review/"))


@pytest.mark.django_db
def test_the_queue_is_paginated(client, evaluated, province_admin, open_batch):
    for i in range(55):
        Assessment.objects.create(
            enterprise=EnterpriseFactory(name=f"分页企业{i:02d}"),
            batch=open_batch,
            state=State.SUBMITTED,
            snapshot={},
        )
    login(client, province_admin)
    first = html_of(client.get("/review/?state=submitted"))
    assert "共 56 份申报" in first and first.count('data-testid="queue-row-') == 50
    assert "page=2" in first and "state=submitted" in first
    rest = html_of(client.get("/review/?state=submitted&page=2"))
    assert rest.count('data-testid="queue-row-') == 6


# --- the city: recommend or return ------------------------------------------------------------


@pytest.mark.django_db
def test_the_city_recommends_through_the_page(client, evaluated, city_reviewer_suzhou):
    login(client, city_reviewer_suzhou)
    html = html_of(client.get(detail(evaluated)))
    assert 'data-testid="recommend-form"' in html and 'data-testid="return-form"' in html
    assert 'data-testid="scenario-1"' in html and "已建成并投用。" in html
    report = f"/assessments/{evaluated.pk}/report/"
    assert f'href="{report}"' in html  # the application report, one click away
    assert client.get(report).status_code == 200
    response = client.post(
        f"{detail(evaluated)}recommend/", {"comment": "同意推荐。", "confirmed": "1"}
    )
    assert response.status_code == 302 and response["Location"] == detail(evaluated)
    assert refreshed(evaluated).state == State.CITY_RECOMMENDED
    html = html_of(client.get(detail(evaluated)))
    assert "已推荐至省级。" in html and "同意推荐。" in html
    assert 'data-testid="recommend-form"' not in html
    # once recommended, recommending again is a state conflict
    response = client.post(f"{detail(evaluated)}recommend/", {"comment": "", "confirmed": "1"})
    assert response.status_code == 409 and "不能推荐" in html_of(response)
    assert Recommendation.objects.count() == 1


@pytest.mark.django_db
def test_a_return_needs_a_comment_then_reopens_the_assessment(
    client, evaluated, city_reviewer_suzhou, admin_a
):
    login(client, city_reviewer_suzhou)
    response = client.post(f"{detail(evaluated)}return/", {"comment": "  ", "confirmed": "1"})
    assert response.status_code == 400
    html = html_of(response)
    form = html[html.index('data-testid="return-form"') :]
    assert "请填写意见，说明需要修改的内容。" in form[: form.index("</form>")]
    assert refreshed(evaluated).state == State.SUBMITTED
    assert Recommendation.objects.count() == 0

    response = client.post(
        f"{detail(evaluated)}return/", {"comment": "请补充场景 4 的证明材料。", "confirmed": "1"}
    )
    assert response.status_code == 302
    a = refreshed(evaluated)
    assert a.state == State.RETURNED and a.is_editable
    login(client, admin_a)
    assert client.get(f"/assessments/{a.pk}/scenarios/").status_code == 200


@pytest.mark.django_db
def test_the_province_may_return_but_not_recommend(client, recommended, province_admin):
    login(client, province_admin)
    html = html_of(client.get(detail(recommended)))
    assert 'data-testid="return-form"' in html and 'data-testid="recommend-form"' not in html
    response = client.post(
        f"{detail(recommended)}recommend/", {"comment": "越级推荐", "confirmed": "1"}
    )
    assert (
        response.status_code == 403
        and "只有企业所在县（市、区）或设区市的主管部门可以推荐" in html_of(response)
    )
    assert refreshed(recommended).state == State.CITY_RECOMMENDED
    response = client.post(
        f"{detail(recommended)}return/", {"comment": "请补充财务报表。", "confirmed": "1"}
    )
    assert response.status_code == 302
    assert refreshed(recommended).state == State.RETURNED
    assert Recommendation.objects.filter(reviewer=province_admin, outcome="returned").exists()


@pytest.mark.django_db
def test_a_resubmission_shows_both_rounds(client, evaluated, city_reviewer_suzhou, admin_a):
    login(client, city_reviewer_suzhou)
    client.post(
        f"{detail(evaluated)}return/", {"comment": "第一轮：请补充材料。", "confirmed": "1"}
    )
    with transaction.atomic():
        services.assessment_submit(
            assessment=refreshed(evaluated),
            actor=admin_a,
            declarations=DECLARED,
            answers=answers_to(evaluated),
        )
    assert refreshed(evaluated).state == State.SUBMITTED
    assert client.post(
        f"{detail(evaluated)}recommend/", {"comment": "第二轮：同意推荐。", "confirmed": "1"}
    )["Location"] == detail(evaluated)
    html = html_of(client.get(detail(evaluated)))
    rounds = html[html.index('data-testid="rounds"') :]
    assert rounds.count('data-testid="round"') == 2
    assert rounds.index("第二轮：同意推荐。") < rounds.index("第一轮：请补充材料。")


@pytest.mark.django_db
def test_the_enterprise_answers_each_return_comment_and_the_city_reads_the_answers(
    client, evaluated, city_reviewer_suzhou, admin_a
):
    services_review.assessment_return(
        assessment=evaluated, actor=city_reviewer_suzhou, comment="请补充场景 30 的验收报告。"
    )
    returned = Recommendation.objects.get()
    login(client, admin_a)
    url = f"/assessments/{evaluated.pk}/submit/"
    html = html_of(client.get(url))
    assert f'data-testid="return-answer-{returned.pk}"' in html
    assert "请补充场景 30 的验收报告。" in html and f'name="answer-{returned.pk}"' in html
    data = {**DECLARED, "version": refreshed(evaluated).version}
    response = client.post(url, {**data, f"answer-{returned.pk}": "  ", "confirmed": "1"})
    assert response.status_code == 422
    assert "请答复退回意见“请补充场景 30 的验收报告。”" in html_of(response)
    assert refreshed(evaluated).state == State.RETURNED
    # nothing changed since the return: the confirmation warns before resubmitting
    data[f"answer-{returned.pk}"] = "验收报告已补充上传。"
    response = client.post(url, data)
    html = html_of(response)
    assert response.status_code == 200 and 'data-testid="confirmation-warning"' in html
    assert "没有任何修改" in html and "对退回意见的答复将随申报提交" in html
    assert refreshed(evaluated).state == State.RETURNED
    response = client.post(url, {**data, "confirmed": "1"})
    assert response.status_code == 302 and refreshed(evaluated).state == State.SUBMITTED

    login(client, city_reviewer_suzhou)
    html = html_of(client.get(detail(evaluated)))
    rounds = html[html.index('data-testid="rounds"') :]
    answer = rounds[rounds.index('data-testid="round-answer"') :]
    assert "请补充场景 30 的验收报告。" in rounds[: rounds.index('data-testid="round-answer"')]
    assert "验收报告已补充上传。" in answer[: answer.index("</li>")]


# --- the province: settings and rubric ------------------------------------------------------------


def settings_data(batch, rows, **changes) -> dict:
    data = {
        "name": batch.name,
        "opens_at": batch.opens_at.strftime("%Y-%m-%dT%H:%M"),
        "closes_at": batch.closes_at.strftime("%Y-%m-%dT%H:%M"),
        "reviewers_per_assessment": batch.reviewers_per_assessment,
        "aggregation": batch.aggregation,
        "disagreement_threshold": batch.disagreement_threshold,
        "decision_confirmation": batch.decision_confirmation,
        "site_visit": batch.site_visit,
        "site_visit_tier": batch.site_visit_tier,
        "resubmission_days": batch.resubmission_days,
        "reminder_days": batch.reminder_days,
        "validity_years": batch.validity_years,
        "rubric-TOTAL_FORMS": len(rows),
        "rubric-INITIAL_FORMS": 0,
        "rubric-MIN_NUM_FORMS": 0,
        "rubric-MAX_NUM_FORMS": 1000,
    }
    if batch.experts_see_identity:
        data["experts_see_identity"] = "on"
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"rubric-{i}-{key}"] = value
    data.update(changes)
    return data


ROWS = [
    {"name": "场景建设", "name_en": "Scenarios", "weight": "60", "min_score": 0, "max_score": 10},
    {"name": "成效", "name_en": "", "weight": "40", "min_score": 1, "max_score": 5},
]


@pytest.mark.django_db
def test_settings_page_saves_the_batch_and_its_rubric(client, open_batch, province_admin):
    login(client, province_admin)
    html = html_of(client.get(batch_url(open_batch, "settings")))
    assert 'data-testid="rubric-defaults"' in html and "场景建设水平" in html
    assert '<span class="fw-bold" data-testid="weight-sum" id="weight-sum">100.00</span>' in html

    data = settings_data(
        open_batch,
        [*ROWS, {"name": "", "weight": "", "min_score": "", "max_score": ""}],  # the blank row
        reviewers_per_assessment=2,
        aggregation="trimmed",
        disagreement_threshold="10",
        avoid_same_city="on",
    )
    response = client.post(batch_url(open_batch, "settings"), data)
    assert response.status_code == 302, html_of(response)
    batch = Batch.objects.get(pk=open_batch.pk)
    assert (batch.reviewers_per_assessment, batch.aggregation, batch.avoid_same_city) == (
        2,
        "trimmed",
        True,
    )
    assert batch.disagreement_threshold == Decimal("10")
    rubric = list(batch.rubric.order_by("no").values_list("name", "weight", "min_score"))
    assert rubric == [("场景建设", Decimal("60"), 0), ("成效", Decimal("40"), 1)]
    html = html_of(client.get(batch_url(open_batch, "settings")))
    assert "已保存批次设置。" in html and 'data-testid="rubric-defaults"' not in html
    assert ">100.00</span>" in html


@pytest.mark.django_db
def test_a_bad_rubric_row_is_named_and_nothing_is_saved(client, open_batch, province_admin):
    login(client, province_admin)
    bad = [
        {**ROWS[0], "min_score": 5, "max_score": 5},
        {**ROWS[1], "weight": "0"},
    ]
    data = settings_data(open_batch, bad, reviewers_per_assessment=5)
    response = client.post(batch_url(open_batch, "settings"), data)
    assert response.status_code == 400
    html = html_of(response)
    assert 'data-testid="rubric-error-1-max_score"' in html and "最高分必须大于最低分" in html
    assert 'data-testid="rubric-error-2-weight"' in html
    assert 'data-testid="rubric-error-1-weight"' not in html
    batch = Batch.objects.get(pk=open_batch.pk)
    assert batch.reviewers_per_assessment == 3 and not batch.rubric.exists()

    response = client.post(
        batch_url(open_batch, "settings"),
        settings_data(open_batch, ROWS, closes_at="2000-01-01T00:00"),
    )
    assert response.status_code == 400 and "截止时间必须晚于开始时间" in html_of(response)
    assert not Batch.objects.get(pk=open_batch.pk).rubric.exists()


@pytest.mark.django_db
def test_the_rubric_is_locked_from_the_first_expert_assignment(
    client, formally_checked, experts, province_admin
):
    batch = formally_checked.batch
    login(client, province_admin)
    html = html_of(client.get(batch_url(batch, "settings")))
    assert 'data-testid="rubric-locked"' not in html and "rubric-TOTAL_FORMS" in html
    services_review.assignment_add(
        assessment=formally_checked, expert=experts[0], actor=province_admin
    )
    before = list(batch.rubric.values_list("name", "weight"))
    html = html_of(client.get(batch_url(batch, "settings")))
    assert 'data-testid="rubric-locked"' in html and "rubric-TOTAL_FORMS" not in html
    assert "评分标准自首次分配起固定" in html
    response = client.post(
        batch_url(batch, "settings"), settings_data(batch, ROWS, reviewers_per_assessment=4)
    )
    assert response.status_code == 409
    assert "评分标准自首次分配起固定，不能再修改" in html_of(response)
    batch = Batch.objects.get(pk=batch.pk)
    assert list(batch.rubric.values_list("name", "weight")) == before
    assert batch.reviewers_per_assessment == 3
    # the settings alone (the page without the rubric) still save
    data = {k: v for k, v in settings_data(batch, []).items() if not k.startswith("rubric-")}
    data["disagreement_threshold"] = "20"
    assert client.post(batch_url(batch, "settings"), data).status_code == 302
    assert Batch.objects.get(pk=batch.pk).disagreement_threshold == Decimal("20")


# --- the province: assignments ------------------------------------------------------------------


@pytest.mark.django_db
def test_auto_assign_through_the_page_gives_three_experts(
    client, formally_checked, experts, province_admin
):
    login(client, province_admin)
    html = html_of(client.get(batch_url(formally_checked.batch, "assignments")))
    assert f'data-testid="waiting-{formally_checked.pk}"' in html and "东南大学" in html
    form = html[html.index('data-testid="auto-assign-form"') :].split(">", 1)[0]
    assert "为 1 份待分配的申报补足评审专家（每份 3 位），从 3 位评审专家中" in form
    # without JavaScript: the page asks first, saying as much; nothing is assigned yet
    response = client.post(batch_url(formally_checked.batch, "assignments/auto"))
    assert response.status_code == 200 and 'data-testid="confirmation"' in html_of(response)
    assert "评分标准将从首次分配起固定" in html_of(response)
    assert not ExpertAssignment.objects.exists()
    response = client.post(
        batch_url(formally_checked.batch, "assignments/auto"), {"confirmed": "1"}, follow=True
    )
    assert "已分配 3 项，0 份申报仍缺少专家" in html_of(response)
    live = ExpertAssignment.objects.filter(
        assessment=formally_checked, status=AssignmentStatus.ACTIVE
    )
    assert sorted(live.values_list("expert__username", flat=True)) == [
        "expert1",
        "expert2",
        "expert3",
    ]
    assert refreshed(formally_checked).state == State.UNDER_REVIEW
    html = html_of(response)
    assert f'data-testid="waiting-{formally_checked.pk}"' not in html
    assert html.count('<td class="text-end fw-bold">1</td>') == 3


@pytest.mark.django_db
def test_auto_assign_names_the_submissions_still_short(
    client, formally_checked, expert, province_admin
):
    login(client, province_admin)
    response = client.post(
        batch_url(formally_checked.batch, "assignments/auto"), {"confirmed": "1"}, follow=True
    )
    assert "已分配 1 项，1 份申报仍缺少专家：甲企业" in html_of(response)


@pytest.mark.django_db
def test_manual_assign_refuses_a_conflicted_expert(
    client, formally_checked, expert, province_admin
):
    colleague = UserFactory(username="colleague", role=Role.EXPERT, employer="甲企业")
    declared = UserFactory(username="declared", role=Role.EXPERT, employer="某研究院")
    ConflictDeclaration.objects.create(
        expert=declared, enterprise=formally_checked.enterprise, reason="亲属任职"
    )
    login(client, province_admin)
    html = html_of(client.get(detail(formally_checked)))
    select = html[html.index('name="expert"') :]
    select = select[: select.index("</select>")]
    # conflicted experts are listed, disabled, saying why; the others may be chosen
    assert re.search(
        rf'<option value="{colleague.pk}"[^>]* disabled>colleague（甲企业）'
        r" — 不可指派：专家的工作单位即申报企业</option>",
        select,
    ), select
    assert re.search(
        rf'<option value="{declared.pk}"[^>]* disabled>[^<]*不可指派：专家已申报与该企业存在利益冲突',
        select,
    )
    assert re.search(rf'<option value="{expert.pk}">[^<]*</option>', select)
    response = client.post(f"{detail(formally_checked)}assign/", {"expert": colleague.pk})
    assert response.status_code == 400
    html = html_of(response)
    form = html[html.index('data-testid="assign-form"') :]
    assert "不能分配" in form[: form.index("</form>")] and "甲企业" in form
    assert not ExpertAssignment.objects.exists()
    assert refreshed(formally_checked).state == State.FORMALLY_CHECKED

    response = client.post(f"{detail(formally_checked)}assign/", {"expert": expert.pk})
    assert response.status_code == 302
    assignment = ExpertAssignment.objects.get()
    assert (assignment.expert, assignment.method) == (expert, "manual")
    assert refreshed(formally_checked).state == State.UNDER_REVIEW
    response = client.post(f"{detail(formally_checked)}assign/", {"expert": expert.pk})
    assert response.status_code == 400 and "该专家已分配过这份申报" in html_of(response)
    assert re.search(
        rf'<option value="{expert.pk}"[^>]* disabled>[^<]*不可指派：已分配过这份申报',
        html_of(response),
    )


@pytest.mark.django_db
def test_remove_an_assignment(client, under_review, province_admin):
    first, second = under_review.assignments.all()[:2]
    complete_review(second)
    login(client, province_admin)
    html = html_of(client.get(detail(under_review)))
    assert f'data-testid="unassign-{first.pk}"' in html
    assert f'data-testid="unassign-{second.pk}"' not in html  # submitted: final
    response = client.post(f"/review/assignments/{first.pk}/remove/")
    assert response.status_code == 302 and response["Location"] == detail(under_review)
    assert ExpertAssignment.objects.get(pk=first.pk).status == AssignmentStatus.REMOVED
    response = client.post(f"/review/assignments/{second.pk}/remove/")
    assert response.status_code == 409 and "不能撤销" in html_of(response)
    assert ExpertAssignment.objects.get(pk=second.pk).status == AssignmentStatus.SUBMITTED


# --- the province: decisions and the public list ----------------------------------------------------


@pytest.mark.django_db
def test_decisions_page_shows_the_aggregate(client, reviewed, province_admin):
    login(client, province_admin)
    html = html_of(client.get(batch_url(reviewed.batch, "decisions")))
    row = html[html.index(f'data-testid="decision-row-{reviewed.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "甲企业" in row and "3/3" in row
    assert '<td class="text-end" data-testid="mean">80.00</td>' in row  # 8 of 10 everywhere
    assert 'data-testid="spread">0.00' in row and 'data-testid="disagreement"' not in row
    assert "智能车间" in row and "智能车间、智能车间、智能车间" in row


@pytest.mark.django_db
def test_disagreement_is_flagged(client, under_review, province_admin):
    services.evaluation_refresh(assessment=under_review)
    for assignment, score in zip(under_review.assignments.all(), (2, 8, 10), strict=True):
        complete_review(assignment, score=score)
    login(client, province_admin)
    html = html_of(client.get(batch_url(under_review.batch, "decisions")))
    assert 'data-testid="disagreement"' in html
    html = html_of(client.get(detail(under_review)))
    assert 'data-testid="disagreement"' in html


@pytest.mark.django_db
def test_decide_through_the_page(client, reviewed, province_admin, city_reviewer_suzhou):
    login(client, province_admin)
    html = html_of(client.get(detail(reviewed)))
    assert 'data-testid="decide-form"' in html
    summary = html[html.index('data-testid="review-summary"') :]
    assert 'data-testid="mean">80.00<' in summary and "expert1" in html
    assert 'data-testid="accepted-tier">智能车间<' in summary

    response = client.post(
        f"{detail(reviewed)}decide/", {"outcome": "approved", "tier": "workshop", "reason": ""}
    )
    assert response.status_code == 400 and "请填写决定理由。" in html_of(response)
    assert refreshed(reviewed).state == State.UNDER_REVIEW and not Decision.objects.exists()

    response = client.post(
        f"{detail(reviewed)}decide/",
        {"outcome": "approved", "tier": "workshop", "reason": "专家一致认可。", "confirmed": "1"},
    )
    assert response.status_code == 302
    a = refreshed(reviewed)
    assert (a.state, a.decided_tier) == (State.APPROVED, "workshop")
    figures = Decision.objects.get(assessment=a).figures
    assert figures["mean"] == 80.0 and figures["n"] == 3
    assert figures["computed_tier"] == "workshop" and figures["accepted_tier"] == "workshop"

    # the city sees the decision, never the experts or their scores
    login(client, city_reviewer_suzhou)
    html = html_of(client.get(detail(a)))
    assert 'data-testid="decision"' in html and "专家一致认可。" in html
    assert 'data-testid="expert-review"' not in html
    assert "expert1" not in html and "80.00" not in html and "东南大学" not in html


@pytest.mark.django_db
def test_decide_before_the_reviews_are_in_is_a_conflict(client, under_review, province_admin):
    login(client, province_admin)
    assert 'data-testid="decide-form"' not in html_of(client.get(detail(under_review)))
    response = client.post(
        f"{detail(under_review)}decide/",
        {"outcome": "approved", "tier": "workshop", "reason": "提前决定。"},
    )
    assert response.status_code == 409 and "还有专家未提交评审意见" in html_of(response)
    assert not Decision.objects.exists()


@pytest.mark.django_db
def test_publish_and_withdraw_the_list(client, reviewed, province_admin):
    login(client, province_admin)
    batch = reviewed.batch
    publish = {
        "action": "publish",
        "contact_department": "省工信厅",
        "contact_phone": "025-1234567",
    }
    response = client.post(batch_url(batch, "publish"), publish)
    assert response.status_code == 400 and "该批次还没有认定通过的企业" in html_of(response)
    assert Batch.objects.get(pk=batch.pk).list_published_at is None

    client.post(
        f"{detail(reviewed)}decide/",
        {"outcome": "approved", "tier": "workshop", "reason": "专家一致认可。", "confirmed": "1"},
    )
    response = client.post(batch_url(batch, "publish"), publish | {"confirmed": "1"})
    assert response.status_code == 302 and response["Location"] == batch_url(batch, "publish")
    assert Batch.objects.get(pk=batch.pk).list_published_at is not None
    html = html_of(client.get(batch_url(batch, "publish")))
    assert "已发布公示名单。" in html and f"/public/lists/{batch.pk}/" in html
    assert f"/public/lists/{batch.pk}/" in html_of(client.get(batch_url(batch, "decisions")))

    client.post(batch_url(batch, "publish"), {"action": "withdraw", "confirmed": "1"})
    assert Batch.objects.get(pk=batch.pk).list_published_at is None


@pytest.mark.django_db
def test_batch_list_counts_by_state(client, evaluated, second, province_admin):
    login(client, province_admin)
    html = html_of(client.get("/review/batches/"))
    card = html[html.index(f'data-testid="batch-{evaluated.batch_id}"') :]
    assert 'data-testid="count-submitted">' in card
    counts = card[card.index('data-testid="batch-counts"') :]
    assert 'state=submitted">1</a>' in counts and 'state=city_recommended">1</a>' in counts
    assert f"/review/batches/{evaluated.batch_id}/settings/" in card
    assert f"/public/lists/{evaluated.batch_id}/" in card


# --- refusals and languages ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_post_is_refused_to_the_wrong_roles(
    client,
    reviewed,
    province_admin,
    city_reviewer_suzhou,
    city_reviewer_nanjing,
    admin_a,
    expert,
    experts,
):
    assignment = reviewed.assignments.first()
    ExpertAssignment.objects.filter(pk=assignment.pk).update(status=AssignmentStatus.ACTIVE)
    batch = reviewed.batch
    a = detail(reviewed)
    province_only = [
        (f"{a}assign/", {"expert": expert.pk}),
        (f"{a}decide/", {"outcome": "approved", "tier": "workshop", "reason": "x"}),
        (f"/review/assignments/{assignment.pk}/remove/", {}),
        (batch_url(batch, "assignments/auto"), {"confirmed": "1"}),
        (batch_url(batch, "publish"), {"action": "publish"}),
        (batch_url(batch, "settings"), settings_data(batch, ROWS, reviewers_per_assessment=1)),
    ]
    city = [
        (f"{a}recommend/", {"comment": "x", "confirmed": "1"}),
        (f"{a}return/", {"comment": "x", "confirmed": "1"}),
    ]
    before = snapshot_of_db(reviewed)
    refusals = {
        city_reviewer_suzhou: province_only,
        city_reviewer_nanjing: province_only + city,
        admin_a: province_only + city,
        assignment.expert: province_only + city,
    }
    for user, posts in refusals.items():
        login(client, user)
        for url, data in posts:
            status = client.post(url, data).status_code
            assert status in (403, 404), (user, url, status)
    client.logout()
    for url, data in province_only + city:
        assert "/accounts/login/" in client.post(url, data)["Location"]
    assert snapshot_of_db(reviewed) == before


@pytest.mark.django_db
def test_batch_pages_are_for_the_province_only(
    client, open_batch, city_reviewer_suzhou, admin_a, expert
):
    pages = ["/review/batches/"] + [
        batch_url(open_batch, p) for p in ("settings", "assignments", "decisions")
    ]
    for user in (city_reviewer_suzhou, admin_a, expert):
        login(client, user)
        for url in pages:
            assert client.get(url).status_code == 403, (user, url)
    client.logout()
    for url in pages:
        assert "/accounts/login/" in client.get(url)["Location"]


@pytest.mark.django_db
def test_every_page_renders_in_chinese_and_english(
    client, reviewed, province_admin, city_reviewer_suzhou
):
    batch = reviewed.batch
    province_pages = [
        "/review/",
        detail(reviewed),
        "/review/batches/",
        *(batch_url(batch, p) for p in ("settings", "assignments", "decisions")),
    ]
    for user, pages in (
        (province_admin, province_pages),
        (city_reviewer_suzhou, ["/review/", "/review/?state=", detail(reviewed)]),
    ):
        login(client, user)
        for language in ("zh-hans", "en"):
            client.post("/i18n/setlang/", {"language": language, "next": "/"})
            for url in pages:
                response = client.get(url)
                assert response.status_code == 200, (user, language, url)
                assert f'<html lang="{language}">' in html_of(response)
