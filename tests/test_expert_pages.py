"""The experts' pages: their assignments and the scoring page."""

import re
from urllib.parse import unquote

import pytest

from portal.models import City, Role
from review import services as review_services
from review.models import AssignmentStatus, ExpertAssignment

from .conftest import complete_review, login
from .factories import UserFactory

LIST_URL = "/review/assignments/"


def page_url(assignment):
    return f"/review/assignments/{assignment.pk}/"


def _assignments(assessment):
    return list(assessment.assignments.select_related("expert").order_by("expert__username"))


def _criteria(assessment):
    return list(assessment.batch.rubric.order_by("no"))


def _complete_post(assignment, score="8", version=None):
    """Every field of a complete review, as the scoring page posts it."""
    assessment = assignment.assessment
    data = {"version": version or assignment.version}
    for no in review_services.claimed_scenarios(assessment):
        data[f"verdict-{no}-accepted"] = "1"
        data[f"verdict-{no}-comment"] = ""
    for c in _criteria(assessment):
        data[f"score-{c.pk}"] = score
    data["opinion"] = "场景建设扎实，数据可信。"
    data["recommended_tier"] = "workshop"
    data["confirmed"] = "1"  # the submit asks first (the save ignores it)
    return data


@pytest.fixture
def mine(under_review):
    return _assignments(under_review)[0]


# --- who may see what ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_expert_lists_only_their_own_assignments(client, under_review, experts, expert):
    first, second, _third = _assignments(under_review)
    login(client, first.expert)
    response = client.get(LIST_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-testid="assignment-{first.pk}"' in html
    assert f'data-testid="assignment-{second.pk}"' not in html
    assert first.reference in html

    login(client, expert)  # an expert with no assignment
    html = client.get(LIST_URL).content.decode()
    assert first.reference not in html
    assert "目前没有待评审的任务" in html


@pytest.mark.django_db
def test_another_experts_assignment_is_a_404(client, under_review, expert):
    first, second, _third = _assignments(under_review)
    login(client, second.expert)
    assert client.get(page_url(first)).status_code == 404
    assert client.post(page_url(first), {"opinion": "x"}).status_code == 404
    assert client.post(page_url(first) + "submit/", {"opinion": "x"}).status_code == 404
    assert client.post(page_url(first) + "conflict/", {"reason": "x"}).status_code == 404
    login(client, expert)
    assert client.get(page_url(first)).status_code == 404
    first.refresh_from_db()
    assert first.opinion == "" and first.status == AssignmentStatus.ACTIVE


@pytest.mark.django_db
def test_other_roles_and_anonymous_are_refused(
    client, under_review, city_reviewer_suzhou, admin_a, province_admin
):
    assignment = _assignments(under_review)[0]
    for url in (LIST_URL, page_url(assignment)):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for user in (city_reviewer_suzhou, admin_a, province_admin):
        login(client, user)
        assert client.get(LIST_URL).status_code == 403, user
        assert client.get(page_url(assignment)).status_code == 403, user
        assert client.post(page_url(assignment), {"opinion": "改"}).status_code == 403, user
    client.logout()
    assert client.post(page_url(assignment), {"opinion": "改"}).status_code == 302
    assignment.refresh_from_db()
    assert assignment.opinion == "" and assignment.version == 1


# --- the applicant's identity ---------------------------------------------------------------------


@pytest.mark.django_db
def test_identity_is_hidden_unless_the_batch_shows_it(client, mine, enterprise_a):
    login(client, mine.expert)
    for url in (LIST_URL, page_url(mine)):
        html = client.get(url).content.decode()
        assert mine.reference in html
        assert enterprise_a.name not in html, url
        assert enterprise_a.credit_code not in html, url

    batch = mine.assessment.batch
    batch.experts_see_identity = True
    batch.save()
    for url in (LIST_URL, page_url(mine)):
        html = client.get(url).content.decode()
        assert enterprise_a.name in html, url
    assert enterprise_a.credit_code in client.get(page_url(mine)).content.decode()


@pytest.fixture
def named_evidence(assessment, admin_a):
    """A file whose name names the company, attached before the submission (as they often are)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from evaluation import services

    from .services.conftest import PDF

    return services.evidence_upload(
        assessment=assessment,
        actor=admin_a,
        uploaded=SimpleUploadedFile("甲企业-MES验收报告.pdf", PDF),
        scenario_no=1,
    )


@pytest.mark.django_db
def test_evidence_file_names_do_not_reveal_a_hidden_applicant(
    client, api_client, named_evidence, under_review, city_reviewer_suzhou
):
    assignment = _assignments(under_review)[0]
    neutral = f"证明材料-{named_evidence.pk}.pdf"
    login(client, assignment.expert)
    html = client.get(page_url(assignment)).content.decode()
    assert "甲企业" not in html and neutral in html
    download = client.get(f"/evidence/{named_evidence.pk}/")
    assert download.status_code == 200
    disposition = unquote(download["Content-Disposition"])
    assert "甲企业" not in disposition and neutral in disposition
    login(api_client, assignment.expert)
    detail = api_client.get(f"/api/v1/review/assignments/{assignment.pk}/")
    assert detail.status_code == 200
    assert "甲企业" not in detail.content.decode("unicode_escape")
    assert neutral in {e["name"] for e in detail.json()["snapshot"]["evidence"]}
    # the city sees the file as it was named; so does an expert when the batch shows identities
    login(client, city_reviewer_suzhou)
    assert (
        "甲企业-MES验收报告.pdf"
        in client.get(f"/review/assessments/{under_review.pk}/").content.decode()
    )
    under_review.batch.experts_see_identity = True
    under_review.batch.save()
    login(client, assignment.expert)
    assert "甲企业-MES验收报告.pdf" in client.get(page_url(assignment)).content.decode()
    assert "甲企业" in unquote(client.get(f"/evidence/{named_evidence.pk}/")["Content-Disposition"])


@pytest.mark.django_db
def test_the_page_shows_controls_for_claimed_scenarios_and_the_rubric(client, mine):
    login(client, mine.expert)
    html = client.get(page_url(mine)).content.decode()
    claimed = review_services.claimed_scenarios(mine.assessment)
    assert claimed
    for no in claimed:
        assert f'name="verdict-{no}-accepted"' in html
        assert f'name="verdict-{no}-comment"' in html
    assert 'name="verdict-3-accepted"' not in html  # not claimed as implemented
    for c in _criteria(mine.assessment):
        assert f'name="score-{c.pk}"' in html and c.name in html
    assert 'name="recommended_tier"' in html and 'name="opinion"' in html
    assert f'name="version" value="{mine.version}"' in html
    assert "提交评审（提交后不可修改）" in html
    assert 'data-testid="conflict"' in html


# --- saving a draft -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_partial_draft_is_saved_and_the_version_bumped(client, mine):
    criterion = _criteria(mine.assessment)[0]
    login(client, mine.expert)
    response = client.post(
        page_url(mine),
        {"version": 1, f"score-{criterion.pk}": "7.5", "verdict-1-accepted": "0"},
    )
    assert response.status_code == 302 and response["Location"] == page_url(mine)
    mine.refresh_from_db()
    assert mine.scores == {str(criterion.pk): 7.5}
    assert mine.verdicts == {"1": {"accepted": False, "comment": ""}}
    assert mine.opinion == "" and mine.version == 2 and mine.status == AssignmentStatus.ACTIVE

    # The comment alone keeps the verdict given before.
    client.post(page_url(mine), {"version": 2, "verdict-1-comment": "缺少系统截图"})
    mine.refresh_from_db()
    assert mine.verdicts["1"] == {"accepted": False, "comment": "缺少系统截图"}
    html = client.get(page_url(mine)).content.decode()
    assert "缺少系统截图" in html and 'value="7.5"' in html and 'name="version" value="3"' in html


@pytest.mark.django_db
def test_an_out_of_range_score_is_refused_alone_naming_the_criterion(client, mine):
    first, second = _criteria(mine.assessment)[:2]
    login(client, mine.expert)
    response = client.post(
        page_url(mine),
        {
            "version": 1,
            f"score-{first.pk}": "11",
            f"score-{second.pk}": "7",
            "opinion": "草稿意见",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="review-errors"' in html and "其余内容已保存为草稿" in html
    assert f"{first.name}：分数应在 0–10 之间" in html
    assert html.count('data-testid="score-error"') == 1
    # the page keeps what was typed, on the version the partial save made
    assert 'value="11"' in html and 'name="version" value="2"' in html
    mine.refresh_from_db()
    assert mine.scores == {str(second.pk): 7.0} and mine.opinion == "草稿意见"
    assert mine.version == 2

    response = client.post(page_url(mine), {"version": 2, f"score-{first.pk}": "abc"})
    assert response.status_code == 400 and "请输入数字" in response.content.decode()
    response = client.post(page_url(mine), {"version": 2, "verdict-1-accepted": "maybe"})
    assert response.status_code == 400 and "场景 1" in response.content.decode()
    mine.refresh_from_db()
    assert mine.verdicts == {} and mine.version == 2


@pytest.mark.django_db
def test_a_stale_version_is_refused_and_nothing_saved(client, mine):
    login(client, mine.expert)
    assert client.post(page_url(mine), {"version": 1, "opinion": "第一稿"}).status_code == 302
    response = client.post(page_url(mine), {"version": 1, "opinion": "旧页面上的修改"})
    assert response.status_code == 409
    html = response.content.decode()
    assert 'data-testid="review-conflict"' in html and "请刷新后再保存" in html
    mine.refresh_from_db()
    assert mine.opinion == "第一稿" and mine.version == 2


@pytest.mark.django_db
def test_htmx_autosave_answers_with_the_new_version(client, mine):
    criterion = _criteria(mine.assessment)[0]
    login(client, mine.expert)
    response = client.post(
        page_url(mine), {"version": 1, f"score-{criterion.pk}": "6"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="version" value="2"' in html and 'hx-swap-oob="true"' in html
    response = client.post(
        page_url(mine), {"version": 2, f"score-{criterion.pk}": "60"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert response.status_code == 400 and "分数应在" in html and "草稿未保存" in html
    assert 'hx-swap-oob="true"' not in html  # nothing saved: the version stays
    # the rest of a post with a bad score is saved: the form is given the new version
    response = client.post(
        page_url(mine),
        {"version": 2, f"score-{criterion.pk}": "60", "opinion": "初稿"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 400 and "草稿其余内容已保存" in html and "分数应在" in html
    assert 'name="version" value="3"' in html and 'hx-swap-oob="true"' in html
    response = client.post(page_url(mine), {"version": 1, "opinion": "x"}, HTTP_HX_REQUEST="true")
    assert (
        response.status_code == 409 and 'data-testid="save-conflict"' in response.content.decode()
    )
    mine.refresh_from_db()
    assert mine.scores == {str(criterion.pk): 6.0} and mine.opinion == "初稿"
    assert mine.version == 3


# --- submitting -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_incomplete_review_is_not_submitted_and_every_problem_is_listed(client, mine):
    criteria = _criteria(mine.assessment)
    login(client, mine.expert)
    response = client.post(
        page_url(mine) + "submit/",
        {"version": 1, f"score-{criteria[0].pk}": "8", f"score-{criteria[1].pk}": "11"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f"{criteria[1].name}：分数应在 0–10 之间" in html  # invalid, not merely missing
    assert all(f"{c.name}：请评分" in html for c in criteria[2:])
    assert "请填写总体评审意见" in html and "请选择建议认定的层级" in html
    claimed = review_services.claimed_scenarios(mine.assessment)
    assert all(f"场景 {no}：请选择认可或不认可" in html for no in claimed)
    assert 'data-testid="confirmation"' not in html  # nothing to confirm yet
    mine.refresh_from_db()
    assert mine.status == AssignmentStatus.ACTIVE and mine.total is None
    # what was valid is kept as the draft; the page goes on from its version
    assert mine.scores == {str(criteria[0].pk): 8.0} and mine.version == 2
    assert 'data-testid="partly-saved"' in html and 'name="version" value="2"' in html


@pytest.mark.django_db
def test_a_rejected_scenario_needs_a_reason(client, mine):
    login(client, mine.expert)
    data = _complete_post(mine)
    data["verdict-2-accepted"] = "0"
    response = client.post(page_url(mine) + "submit/", data)
    assert response.status_code == 400
    assert "场景 2：不认可时请说明理由" in response.content.decode()
    assert 'data-testid="verdict-2-comment-error"' in response.content.decode()
    mine.refresh_from_db()
    assert mine.status == AssignmentStatus.ACTIVE


@pytest.mark.django_db
def test_a_complete_review_is_submitted_final_and_read_only(client, mine):
    login(client, mine.expert)
    response = client.post(page_url(mine) + "submit/", _complete_post(mine, score="8"))
    assert response.status_code == 302 and response["Location"] == page_url(mine)
    mine.refresh_from_db()
    assert mine.status == AssignmentStatus.SUBMITTED and float(mine.total) == 80.0
    assert mine.recommended_tier == "workshop" and mine.submitted_at is not None
    version = mine.version

    html = client.get(page_url(mine)).content.decode()
    assert "<fieldset disabled" in html and 'data-testid="review-final"' in html
    assert 'data-testid="review-total">80.00<' in html
    assert "提交评审（提交后不可修改）" not in html and 'data-testid="conflict"' not in html

    listing = client.get(LIST_URL).content.decode()
    assert (
        'data-testid="submitted-count">1<' in listing
        and 'data-testid="pending-count">0<' in listing
    )

    for url in (page_url(mine), page_url(mine) + "submit/"):
        response = client.post(url, _complete_post(mine, score="3", version=version))
        assert response.status_code == 409, url
        assert "不能再修改" in response.content.decode()
    assert client.post(page_url(mine) + "conflict/", {"reason": "迟到的回避"}).status_code == 409
    mine.refresh_from_db()
    assert mine.status == AssignmentStatus.SUBMITTED and float(mine.total) == 80.0
    assert mine.version == version and mine.conflict_reason == ""


@pytest.mark.django_db
def test_other_experts_reviews_never_appear(client, under_review):
    first, second, _third = _assignments(under_review)
    first.expert.first_name = "王评审"
    first.expert.save()
    complete_review(first, score=9.37)
    first.refresh_from_db()
    login(client, second.expert)
    html = client.get(page_url(second)).content.decode()
    assert "9.37" not in html
    assert f"{first.total:.2f}" not in html and "建设成效明显" not in html
    assert "王评审" not in html and first.expert.username not in html
    assert 'value="' + "9.37" not in html


# --- conflicts of interest ------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_conflict_needs_a_reason(client, mine):
    login(client, mine.expert)
    response = client.post(page_url(mine) + "conflict/", {"reason": "  "})
    assert response.status_code == 400
    assert 'data-testid="conflict-error"' in response.content.decode()
    assert "请说明回避理由" in response.content.decode()
    mine.refresh_from_db()
    assert mine.status == AssignmentStatus.ACTIVE


@pytest.mark.django_db
def test_a_declared_conflict_withdraws_the_task_and_a_replacement_is_assigned(client, mine):
    fourth = UserFactory(
        username="expert4", role=Role.EXPERT, employer="常州大学", city=City.CHANGZHOU
    )
    login(client, mine.expert)
    response = client.post(page_url(mine) + "conflict/", {"reason": "曾为该企业提供咨询"})
    assert response.status_code == 302 and response["Location"] == LIST_URL
    mine.refresh_from_db()
    assert mine.status == AssignmentStatus.DECLINED and mine.conflict_reason == "曾为该企业提供咨询"
    replacement = ExpertAssignment.objects.get(assessment=mine.assessment, expert=fourth)
    assert replacement.status == AssignmentStatus.ACTIVE

    html = client.get(LIST_URL).content.decode()
    assert f'data-testid="assignment-{mine.pk}"' not in html
    assert "已申请回避" in html  # the message
    assert client.get(page_url(mine)).status_code == 404

    login(client, fourth)
    assert f'data-testid="assignment-{replacement.pk}"' in client.get(LIST_URL).content.decode()


# --- the home page and English --------------------------------------------------------------------


@pytest.mark.django_db
def test_the_experts_home_counts_their_tasks(client, under_review):
    first, second, _third = _assignments(under_review)
    complete_review(second)
    login(client, first.expert)
    html = client.get("/").content.decode()
    assert "评审任务分配后将显示在这里" not in html
    assert 'href="/review/assignments/" data-testid="expert-pending"' in html
    assert _count(html, "expert-pending") == 1 and _count(html, "expert-submitted") == 0
    login(client, second.expert)
    html = client.get("/").content.decode()
    assert _count(html, "expert-pending") == 0 and _count(html, "expert-submitted") == 1


def _count(html: str, testid: str) -> int:
    """The big number of a home-page counter card."""
    card = html.split(f'data-testid="{testid}"', 1)[1]
    return int(re.search(r'class="display-6">(\d+)<', card).group(1))


@pytest.mark.django_db
def test_the_expert_pages_in_english(client, mine):
    login(client, mine.expert)
    client.cookies["django_language"] = "en"
    for url in (LIST_URL, page_url(mine), "/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert '<html lang="en">' in response.content.decode()
    response = client.post(page_url(mine) + "submit/", {"version": 1})
    assert response.status_code == 400
