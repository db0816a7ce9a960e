"""The annual cycle across every role, in Chromium: the enterprise submits, its city returns it
with comments, the enterprise resubmits answering them, the city recommends, the province
passes its formal check and assigns three experts, they score, the province decides and publishes, and the public list
shows the enterprise without a login. Each irreversible step confirms its dialog."""

import re

import pytest
from playwright.sync_api import expect

from evaluation.models import Assessment, State
from review.models import AssignmentStatus, ExpertAssignment

from ..factories import PASSWORD
from .conftest import confirm, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADMIN_PASSWORD = "pass-for-tests-2026"


def sign_out(page):
    page.locator("form[action$='/logout/'] button").click()
    expect(page.get_by_role("link", name="登录")).to_be_visible()


def submit(page, assessment, says="冻结", answer=""):
    """The enterprise submits (``answer``: its answer to the return comment), confirming the
    dialog that says ``says``."""
    page.goto(f"/assessments/{assessment.pk}/submit/")
    form = page.get_by_test_id("submit-form")
    if answer:
        form.locator("textarea[name^=answer-]").fill(answer)
    for checkbox in form.locator("input[type=checkbox]").all():
        checkbox.check()
    form.locator("input[name=signer]").fill("王总")
    form.get_by_role("button", name=re.compile("提交")).click()
    confirm(page, says)
    expect(page.get_by_test_id("state")).to_have_text("已提交")


def score(page, assignment, points: int, tier_label: str):
    """An expert opens the assignment, accepts every claimed scenario, scores every criterion
    ``points`` and submits the review."""
    page.goto("/review/assignments/")
    page.get_by_role("link", name=re.compile(assignment.reference)).first.click()
    expect(page.get_by_test_id("review-title")).to_contain_text(assignment.reference)
    expect(page.locator("main")).not_to_contain_text(assignment.assessment.enterprise.name)
    for verdict in page.locator("[data-testid^=verdict-]").filter(has=page.locator("input")).all():
        verdict.locator("input[type=radio][value='1']").check()
    for field in page.locator("input.score-input").all():
        field.fill(str(points))
    page.get_by_label("总体评审意见").fill("场景建设扎实，指标改善明显。")
    page.get_by_label("建议认定层级").select_option(label=tier_label)
    page.get_by_test_id("save-draft").click()
    page.get_by_test_id("submit-review").click()
    confirm(page, "不能再修改")
    expect(page.get_by_test_id("review-final")).to_be_visible()
    expect(page.get_by_test_id("review-total")).to_have_text(f"{points * 10:.2f}")


def test_the_annual_cycle_runs_through_the_browser_for_every_role(
    page, assessment, member_a, city_reviewer_suzhou, experts, province_admin, eager_celery
):
    batch = assessment.batch

    # the enterprise submits
    sign_in(page, "admin_a", PASSWORD)
    submit(page, assessment)
    sign_out(page)

    # its city returns it with comments
    sign_in(page, "city_sz", PASSWORD)
    page.get_by_role("link", name=re.compile("审核")).first.click()
    page.get_by_role("link", name=assessment.enterprise.name).click()
    expect(page.get_by_test_id("scenario-1")).to_be_visible()
    page.get_by_test_id("return-form").get_by_role("textbox").fill("请补充场景 30 的验收报告。")
    page.get_by_test_id("return-form").get_by_role("button").click()
    confirm(page, "企业将看到退回意见")
    expect(page.get_by_test_id("rounds")).to_contain_text("请补充场景 30 的验收报告。")
    sign_out(page)

    # the enterprise reads the comments in the portal and resubmits, answering them (warned
    # that nothing else changed)
    sign_in(page, "member_a", PASSWORD)
    page.goto(f"/assessments/{assessment.pk}/")
    expect(page.locator("main")).to_contain_text("请补充场景 30 的验收报告。")
    submit(page, assessment, says="没有任何修改", answer="验收报告已随场景 1 的材料上传。")
    sign_out(page)

    # the city reads the answer beside its comment and recommends the second round
    sign_in(page, "city_sz", PASSWORD)
    page.goto(f"/review/assessments/{assessment.pk}/")
    expect(page.get_by_test_id("round")).to_have_count(1)
    expect(page.get_by_test_id("round-answer")).to_contain_text("验收报告已随场景 1 的材料上传。")
    # the dialog says what will happen; cancelled, nothing does
    page.get_by_test_id("recommend-form").get_by_role("button").click()
    expect(page.get_by_test_id("confirm-dialog")).to_contain_text("提交省级评审")
    page.get_by_test_id("confirm-dialog-cancel").click()
    expect(page.get_by_test_id("confirm-dialog")).to_have_count(0)
    expect(page.get_by_test_id("state")).not_to_have_text("市级已推荐")
    page.get_by_test_id("recommend-form").get_by_role("button").click()
    confirm(page, "提交省级评审")
    expect(page.get_by_test_id("state")).to_have_text("市级已推荐")
    expect(page.get_by_test_id("round")).to_have_count(2)
    sign_out(page)

    # the province passes its formal check, then assigns three experts automatically
    sign_in(page, "prov", ADMIN_PASSWORD)
    page.goto(f"/review/assessments/{assessment.pk}/formal-check/")
    page.get_by_test_id("formal-check-pass-form").get_by_role("button").click()
    confirm(page, "申报将进入专家评审")
    expect(page.get_by_test_id("formal-check-queue")).to_be_visible()
    page.goto(f"/review/batches/{batch.pk}/assignments/")
    page.get_by_test_id("auto-assign").click()
    confirm(page, "从 3 位评审专家中")
    for expert in experts:
        expect(page.get_by_test_id(f"load-{expert.pk}")).to_contain_text("1")
    sign_out(page)
    assignments = ExpertAssignment.objects.filter(assessment=assessment)
    assert {a.expert_id for a in assignments} == {e.pk for e in experts}

    # each expert scores it (anonymously: the batch hides identities)
    for expert, points in zip(experts, (7, 8, 9), strict=True):
        sign_in(page, expert.username, PASSWORD)
        score(page, assignments.get(expert=expert), points, "智能车间")
        sign_out(page)
    assert set(assignments.values_list("status", flat=True)) == {AssignmentStatus.SUBMITTED}

    # the province sees the scores side by side with the computed tier and decides
    sign_in(page, "prov", ADMIN_PASSWORD)
    page.goto(f"/review/batches/{batch.pk}/decisions/")
    row = page.get_by_test_id(f"decision-row-{assessment.pk}")
    expect(row.get_by_test_id("mean")).to_have_text("80.00")  # (70 + 80 + 90) / 3
    row.get_by_role("link").first.click()
    expect(page.get_by_test_id("computed-tier")).to_have_text("智能车间")
    decide = page.get_by_test_id("decide-form")
    decide.get_by_label("认定", exact=True).check()
    decide.get_by_label("认定层级").select_option("workshop")
    decide.get_by_label("决定理由").fill("三位专家一致认可，认定为智能车间。")
    decide.get_by_role("button").click()
    confirm(page, "为智能车间？")  # the dialog of the outcome and tier chosen
    expect(page.get_by_test_id("decision")).to_contain_text("智能车间")

    # and publishes the list for its 公示 period, asked first
    page.goto(f"/review/batches/{batch.pk}/decisions/")
    page.get_by_test_id("publish-link").click()
    page.get_by_test_id("publish-button").click()
    confirm(page, "公示期内")
    expect(page.get_by_test_id("publish-state")).to_contain_text("已发布")
    sign_out(page)

    # anyone sees the public list without logging in
    page.goto("/public/lists/")
    page.get_by_role("link", name=re.compile(batch.name)).click()
    main = page.locator("main")
    expect(main).to_contain_text(assessment.enterprise.name)
    expect(main).to_contain_text("苏州市")
    expect(main).to_contain_text("智能车间")
    expect(main).not_to_contain_text(assessment.enterprise.credit_code)

    # the enterprise was told at every step
    assessment.refresh_from_db()
    assert assessment.state == State.APPROVED and assessment.decided_tier == "workshop"
    titles = list(member_a.notifications.values_list("title", flat=True))
    assert any("退回" in t for t in titles)
    assert any("推荐" in t for t in titles)
    assert any("认定" in t for t in titles)
    assert (
        Assessment.objects.get(pk=assessment.pk).recommendations.count() == 3
    )  # returned, recommended, formally checked
