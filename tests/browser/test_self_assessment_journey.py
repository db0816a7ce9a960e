"""An enterprise fills and submits its self-assessment in Chromium, and two editors collide."""

import io
import re

import openpyxl
import pytest
from playwright.sync_api import expect

from evaluation.models import Assessment, State

from ..factories import PASSWORD
from ..services.conftest import PDF
from .conftest import confirm, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

IMPLEMENTED = (1, 2, 4, 5, 11, 13)  # 6 scenarios in 4 production links: 智能车间


def saved(page, action):
    """Run a UI action and wait for the autosave it causes to be acknowledged."""
    with page.expect_response(lambda r: r.request.method == "POST") as info:
        action()
    assert info.value.status == 200, info.value.text()
    expect(page.get_by_test_id("save-state")).not_to_have_attribute("data-state", "saving")


def answer(page, kind, no, description):
    card = page.get_by_test_id(f"{kind}-{no}")
    saved(page, lambda: card.get_by_test_id(f"{kind}-{no}-status").select_option("implemented"))
    # the dates go with the description's save (set without an event of their own)
    for name, day in (("started_on", "2023-03-01"), ("completed_on", "2024-06-30")):
        card.locator(f"input[name={name}]").evaluate("(el, day) => { el.value = day; }", day)
    saved(
        page,
        lambda: (
            card.locator("textarea[name=description]").fill(description),
            card.locator("textarea[name=description]").press("Tab"),
        ),
    )
    saved(
        page,
        lambda: (
            card.locator("textarea[name=systems]").fill("MES（某软件公司）"),
            card.locator("textarea[name=systems]").press("Tab"),
        ),
    )


def type_value(page, test_id, value):
    field = page.get_by_test_id(test_id)
    saved(page, lambda: (field.fill(value), field.press("Tab")))


def test_an_enterprise_goes_from_login_to_a_submitted_and_evaluated_assessment(
    page, admin_a, open_batch, factors, eager_celery
):
    sign_in(page, "admin_a", PASSWORD)
    page.get_by_role("button", name=re.compile("开始自评估")).click()
    expect(page.get_by_test_id("state")).to_have_text("草稿")
    assessment = Assessment.objects.get()
    base = f"/assessments/{assessment.pk}/"

    # the profile
    page.get_by_test_id("assessment-tabs").get_by_role("link", name="企业信息").click()
    page.locator("main").get_by_role("link", name="编辑").click()
    page.select_option("select[name=district]", label="吴中区")
    page.locator("main form").get_by_role("button", name="保存").click()
    expect(page.locator("main")).to_contain_text("吴中区")

    # scenarios and support elements, with evidence
    page.goto(base + "scenarios/")
    for no in IMPLEMENTED:
        answer(page, "scenario", no, f"场景 {no} 已建成投用")
    evidence = page.get_by_test_id("evidence-scenario-1")
    saved(
        page,
        lambda: page.get_by_test_id("evidence-input-scenario-1").set_input_files(
            {"name": "验收报告.pdf", "mimeType": "application/pdf", "buffer": PDF}
        ),
    )
    expect(page.get_by_test_id("evidence-scenario-1")).to_contain_text("验收报告.pdf")
    expect(evidence.get_by_test_id("evidence-file")).to_have_count(1)
    expect(page.get_by_test_id("preview-tier")).to_contain_text("还需 2 个已实施的支撑要素")
    page.goto(base + "support/")
    for no in (1, 3):
        answer(page, "support_element", no, f"支撑要素 {no} 已建成")
    expect(page.get_by_test_id("preview-highest")).to_have_text("智能车间")

    # indicator data, and autosave surviving a reload
    page.goto(base + "indicators/")
    expect(page.get_by_test_id("indicator-2")).to_contain_text("不适用")  # a discrete enterprise
    for test_id, value in [
        ("input-gross_output_value-base", "10000"),
        ("input-gross_output_value-current", "12000"),
        ("input-avg_employees-base", "100"),
        ("input-avg_employees-current", "100"),
    ]:
        type_value(page, test_id, value)
    page.get_by_test_id("calculator-toggle-energy").click()
    calculator = page.get_by_test_id("calculator-energy")
    calculator.locator("input[name=quantity]").fill("100000")
    saved(page, lambda: calculator.get_by_test_id("calculator-energy-current").click())
    expect(page.get_by_test_id("calculator-energy-result")).to_contain_text("已填入当年")
    expect(page.get_by_test_id("input-total_energy_tce-current")).not_to_have_value("")
    page.reload()
    expect(page.get_by_test_id("input-gross_output_value-current")).to_have_value("12000")
    expect(page.get_by_test_id("input-avg_employees-base")).to_have_value("100")
    expect(page.get_by_test_id("preview-indicator-1")).to_contain_text("100.00")
    expect(page.get_by_test_id("preview-indicator-1")).to_contain_text("120.00")

    # Excel: a file with an error is refused whole, the corrected one imported
    page.get_by_test_id("assessment-tabs").get_by_role("link", name="Excel 导入").click()
    with page.expect_download() as download:
        page.get_by_test_id("download-template").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    with open(download.value.path(), "rb") as downloaded:
        book = openpyxl.load_workbook(io.BytesIO(downloaded.read()))
    current = next(
        s for s in book.worksheets if s.title.startswith("当年") and s.title[2:].isdigit()
    )
    cells = {row[0].value: row[3] for row in current.iter_rows(min_row=2)}
    cells["sales_revenue"].value = "一千万"
    cells["sales_headcount"].value = 20

    def upload(workbook):
        out = io.BytesIO()
        workbook.save(out)
        page.set_input_files(
            "input[name=file]",
            {"name": "指标.xlsx", "mimeType": "application/octet-stream", "buffer": out.getvalue()},
        )
        page.get_by_test_id("import-submit").click()

    upload(book)
    expect(page.get_by_test_id("import-errors")).to_contain_text(f"{current.title}!D")
    expect(page.get_by_test_id("import-errors")).to_contain_text("请输入数字")
    assert "sales_headcount" not in Assessment.objects.get().current_inputs
    cells["sales_revenue"].value = 6000
    upload(book)
    expect(page.locator(".alert-success")).to_contain_text("已导入")
    expect(page.get_by_test_id("change-current-sales_revenue")).to_contain_text("6000")
    page.get_by_test_id("import-changes").get_by_role("link").click()  # on to the indicators
    expect(page.get_by_test_id("input-sales_revenue-current")).to_have_value("6000")
    expect(page.get_by_test_id("input-gross_output_value-current")).to_have_value("12000")

    # financial statements, declarations, submit
    page.get_by_test_id("assessment-tabs").get_by_role("link", name="申报与提交").click()
    year = assessment.current_year
    saved(
        page,
        lambda: page.get_by_test_id(f"evidence-input-financial_year-{year}").set_input_files(
            {"name": "资产负债表.pdf", "mimeType": "application/pdf", "buffer": PDF}
        ),
    )
    expect(page.get_by_test_id(f"evidence-financial_year-{year}")).to_contain_text("资产负债表.pdf")
    page.get_by_test_id("submit-button").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()  # nothing declared yet
    assert Assessment.objects.get().state == State.DRAFT
    for label in ("近三年未发生重大安全", "未被列入严重失信", "真实性承诺"):
        page.get_by_label(re.compile(label)).check()
    page.get_by_label(re.compile("承诺人")).fill("陈晓明")
    page.get_by_test_id("submit-button").click()
    confirm(page, "所在市主管部门")

    expect(page.get_by_test_id("state")).to_have_text("已提交")
    expect(page.get_by_test_id("preview-highest")).to_have_text("智能车间")
    submitted = Assessment.objects.get()
    assert (
        submitted.state == State.SUBMITTED
        and submitted.snapshot["enterprise"]["district"] == "吴中区"
    )
    assert submitted.evaluation.highest_tier == "workshop"


def _editors(new_page, assessment, *where):
    """Each (user, tab) signed in its own browser context, every page loaded before any save."""
    pages = []
    for username, tab in where:
        page = new_page()
        sign_in(page, username, PASSWORD)
        page.goto(f"/assessments/{assessment.pk}/{tab}/")
        pages.append(page)
    return pages


def test_two_colleagues_on_different_tabs_at_once_lose_nothing_and_see_each_other(
    new_page, assessment, member_a
):
    admin, member = _editors(
        new_page, assessment, ("admin_a", "scenarios"), ("member_a", "indicators")
    )
    text = admin.get_by_test_id("scenario-3").locator("textarea[name=description]")
    saved(admin, lambda: admin.get_by_test_id("scenario-3-status").select_option("in_progress"))
    type_value(member, "input-avg_employees-base", "321")
    saved(admin, lambda: (text.fill("管理员写的建设内容"), text.press("Tab")))
    type_value(member, "input-gross_output_value-current", "15000")
    for page in (admin, member):
        expect(page.get_by_test_id("save-state")).to_have_attribute("data-state", "saved")
        expect(page.get_by_test_id("conflict")).to_have_count(0)
        expect(page.get_by_test_id("save-conflict")).to_be_hidden()
    expect(member.get_by_test_id("presence")).to_contain_text("admin_a")
    expect(admin.get_by_test_id("presence")).to_contain_text("member_a（指标数据）")
    saved_now = Assessment.objects.get(pk=assessment.pk)
    answer = saved_now.scenario_answers.get(scenario__no=3)
    assert (answer.status, answer.description) == ("in_progress", "管理员写的建设内容")
    assert saved_now.base_inputs["avg_employees"] == "321"
    assert saved_now.current_inputs["gross_output_value"] == "15000"


def test_two_editors_of_the_same_field_are_offered_the_choice(new_page, assessment, member_a):
    # scenario 1 is implemented in the draft: its description is open on both pages
    first, second = _editors(
        new_page, assessment, ("admin_a", "scenarios"), ("member_a", "scenarios")
    )
    mine = first.get_by_test_id("scenario-1").locator("textarea[name=description]")
    saved(first, lambda: (mine.fill("第一位同事的内容"), mine.press("Tab")))
    expect(first.get_by_test_id("save-state")).to_have_attribute("data-state", "saved")

    theirs = second.get_by_test_id("scenario-1").locator("textarea[name=description]")
    with second.expect_response(lambda r: r.request.method == "POST") as info:
        theirs.fill("第二位同事的内容")
        theirs.press("Tab")
    assert info.value.status == 409
    conflict = second.get_by_test_id("conflict")
    expect(conflict).to_contain_text("admin_a")
    expect(conflict.get_by_test_id("conflict-theirs")).to_have_text("第一位同事的内容")
    expect(conflict.get_by_test_id("conflict-yours")).to_have_text("第二位同事的内容")
    expect(second.get_by_test_id("save-state")).to_have_attribute("data-state", "conflict")
    expect(second.get_by_test_id("save-conflict")).to_be_hidden()  # no reload asked for
    assert (
        Assessment.objects.get(pk=assessment.pk).scenario_answers.get(scenario__no=1).description
        == "第一位同事的内容"
    )
    with second.expect_response(lambda r: r.request.method == "POST" and r.status == 200):
        second.get_by_test_id("keep-mine").click()
    expect(second.get_by_test_id("save-state")).to_have_attribute("data-state", "saved")
    assert (
        Assessment.objects.get(pk=assessment.pk).scenario_answers.get(scenario__no=1).description
        == "第二位同事的内容"
    )
    first.reload()
    expect(mine).to_have_value("第二位同事的内容")
    expect(first.get_by_test_id("scenario-1").get_by_test_id("last-changed")).to_contain_text(
        "member_a"
    )
