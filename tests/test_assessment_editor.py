"""The self-assessment editor's pages and autosave endpoints, through the Django test client."""

import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from evaluation import services
from evaluation.models import Assessment, Evidence, ItemRevision, ScenarioAnswer, State
from scenarios.models import Batch, Scenario
from scenarios.services import catalog_version_clone, catalog_version_publish

from .conftest import draft_assessment, login
from .services.conftest import DECLARED, IMPL, PDF

HX = {"HTTP_HX_REQUEST": "true"}

PAGES = ["scenarios/", "support/", "indicators/", "import/", "submit/", "preview/", "inputs.xlsx"]
POSTS = [
    ("scenarios/1/", {"status": "planned"}),
    ("support/1/", {"status": "planned"}),
    ("years/", {"base_year": 2023, "current_year": 2024}),
    ("inputs/avg_employees/", {"base": "1", "current": "1"}),
    ("inputs/warehouses/", {"period": "base"}),
    ("calculators/energy/", {"code": "electricity", "quantity": "1", "period": "base"}),
    ("evidence/", {"scenario": 1}),
    ("import/", {}),
    ("submit/", {}),
]


def url(assessment, path=""):
    return f"/assessments/{assessment.pk}/{path}"


def version(assessment) -> int:
    return Assessment.objects.get(pk=assessment.pk).version


def item_version(assessment, key: str) -> int:
    """The item's own version (0: never changed), which its editor form names."""
    found = ItemRevision.objects.filter(assessment=assessment, key=key).first()
    return found.version if found else 0


@pytest.fixture
def as_member(client, member_a):
    login(client, member_a)
    return client


@pytest.mark.django_db
def test_every_editor_page_and_endpoint_is_refused_outside_the_enterprise(
    client, assessment, admin_b, city_reviewer_suzhou, expert, province_admin, factors
):
    evidence = Evidence.objects.filter(assessment=assessment).first()
    posts = [*POSTS, (f"evidence/{evidence.pk}/delete/", {})]
    before = (version(assessment), Evidence.objects.count())
    for path in PAGES:
        response = client.get(url(assessment, path))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], path
    for path, data in posts:
        assert client.post(url(assessment, path), data).status_code == 302, path
    # another enterprise's draft is a 404; roles that never edit are refused outright (403)
    for outsider, status in (
        (admin_b, 404),
        (city_reviewer_suzhou, 403),
        (expert, 403),
        (province_admin, 403),
    ):
        login(client, outsider)
        for path in PAGES:
            assert client.get(url(assessment, path)).status_code == status, (outsider, path)
        for path, data in posts:
            assert client.post(url(assessment, path), data, **HX).status_code == status, (
                outsider,
                path,
            )
        client.logout()
    assert (version(assessment), Evidence.objects.count()) == before


@pytest.mark.django_db
def test_members_open_every_page_in_both_languages(as_member, assessment):
    for path in PAGES:
        assert as_member.get(url(assessment, path)).status_code == 200, path
    html = as_member.get(url(assessment, "scenarios/")).content.decode()
    assert "生产计划优化" in html and "已建成并投用。" in html and "环节 1" in html
    as_member.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = as_member.get(url(assessment, "indicators/")).content.decode()
    assert "Labour productivity" in html or "labor productivity" in html.lower()
    assert "Gross industrial output value" in html or "Gross output" in html


@pytest.mark.django_db
def test_scenario_autosave_returns_the_new_version_and_the_page_shows_it(as_member, assessment):
    v = version(assessment)
    data = {"version": 0, "status": "in_progress", "description": "立体仓库一期", "systems": ""}
    response = as_member.post(url(assessment, "scenarios/20/"), data, **HX)
    assert response.status_code == 200
    assert int(response["X-Item-Version"]) == 1 == item_version(assessment, "scenario:20")
    assert int(response["X-Assessment-Version"]) == v + 1 == version(assessment)
    answer = ScenarioAnswer.objects.get(assessment=assessment, scenario__no=20)
    assert (answer.status, answer.description) == ("in_progress", "立体仓库一期")
    page = as_member.get(url(assessment, "scenarios/")).content.decode()
    assert "立体仓库一期" in page and "最后修改：member_a" in page
    again = as_member.post(url(assessment, "scenarios/20/"), {**data, "version": 1}, **HX)
    assert again.status_code == 200 and int(again["X-Item-Version"]) == 1  # no change


@pytest.mark.django_db
def test_a_colleagues_save_of_the_same_item_offers_the_choice_and_overwrites_nothing(
    as_member, assessment, admin_a
):
    services.scenario_answer_set(
        assessment=assessment, actor=admin_a, scenario_no=20, data={"description": "同事写的"}
    )
    response = as_member.post(
        url(assessment, "scenarios/20/"),
        {"version": 0, "status": "planned", "description": "我写的"},
        **HX,
    )
    html = response.content.decode()
    assert response.status_code == 409 and response["X-Conflict"] == "item"
    assert "admin_a" in html and "同事写的" in html and "我写的" in html
    assert 'data-keep-mine data-version="1"' in html and "data-take-theirs" in html
    assert 'id="scenario-20"' in html  # the card as saved now, for "take theirs"
    assert "版本" not in html.split("<template")[0]  # no internal numbers in the message
    assert (
        ScenarioAnswer.objects.get(assessment=assessment, scenario__no=20).description == "同事写的"
    )
    # keep mine: the same form again, on the version the colleague's save made
    kept = as_member.post(
        url(assessment, "scenarios/20/"),
        {"version": 1, "status": "planned", "description": "我写的"},
        **HX,
    )
    assert kept.status_code == 200
    assert (
        ScenarioAnswer.objects.get(assessment=assessment, scenario__no=20).description == "我写的"
    )


@pytest.mark.django_db
def test_colleagues_saving_other_items_never_make_a_form_stale(as_member, assessment, admin_a):
    services.scenario_answer_set(
        assessment=assessment, actor=admin_a, scenario_no=20, data={"description": "同事写的"}
    )
    services.assessment_update(
        assessment=assessment, actor=admin_a, data={"base_inputs": {"avg_employees": "5"}}
    )
    r = as_member.post(url(assessment, "scenarios/21/"), {"version": 0, "status": "planned"}, **HX)
    assert r.status_code == 200
    r = as_member.post(
        url(assessment, "inputs/gross_output_value/"),
        {"version": 0, "base": "100", "current": "120"},
        **HX,
    )
    assert r.status_code == 200 and r["X-Item-Version"] == "1"
    # and who else is editing comes with the answer (out of band), with no polling
    assert 'id="presence"' in r.content.decode() and 'hx-swap-oob="true"' in r.content.decode()


@pytest.mark.django_db
def test_presence_shows_a_colleague_on_the_page_and_on_each_autosave(
    client, as_member, assessment, admin_a
):
    other = client.__class__()
    login(other, admin_a)
    assert other.get(url(assessment, "indicators/")).status_code == 200
    page = as_member.get(url(assessment, "scenarios/")).content.decode()
    assert 'data-testid="presence-person"' in page and "admin_a（指标数据）" in page
    r = as_member.post(url(assessment, "scenarios/2/"), {"version": 0, "status": "planned"}, **HX)
    assert "admin_a（指标数据）" in r.content.decode()
    r = as_member.get(url(assessment, "preview/") + "?section=scenarios", **HX)
    assert "admin_a（指标数据）" in r.content.decode()
    mine = other.get(url(assessment, "preview/") + "?section=indicators", **HX).content.decode()
    assert "member_a（典型场景）" in mine


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data, field",
    [
        ({"status": "done"}, "状态"),
        ({"status": "implemented", "started_on": "2025-13-01"}, "开始日期"),
        (
            {"status": "implemented", "started_on": "2025-05-01", "completed_on": "2025-01-01"},
            "完成日期",
        ),
        ({"status": "implemented", "completed_on": "2999-01-01"}, "完成日期不能晚于今天"),
        ({"status": "planned", "description": "x" * 5001}, "建设内容"),
    ],
)
def test_bad_answers_name_their_field(as_member, assessment, data, field):
    before = version(assessment)
    response = as_member.post(url(assessment, "scenarios/3/"), data, **HX)
    assert response.status_code == 422 and field in response.content.decode()
    assert version(assessment) == before


@pytest.mark.django_db
def test_an_implemented_scenario_s_card_flags_what_it_lacks_and_each_save_updates_it(
    as_member, assessment
):
    """The gaps the submit page lists (``answer_gaps``), on the card as it renders and after
    each autosave, each linking to its field."""
    saved = as_member.post(url(assessment, "scenarios/9/"), {"status": "implemented"}, **HX)
    assert saved.status_code == 200
    html = saved.content.decode()
    assert 'id="scenario-9-gaps"' in html and 'hx-swap-oob="true"' in html
    assert "须填写建设内容" in html and 'href="#scenario-9-description"' in html
    assert 'href="#scenario-9-started"' in html
    page = as_member.get(url(assessment, "scenarios/")).content.decode()
    card = page.split('id="scenario-9-gaps"', 1)[1].split("</div>", 1)[0]
    assert "须填写开始日期和完成日期" in card
    submit = as_member.get(url(assessment, "submit/")).content.decode()
    assert "已实施，但未填写开始日期和完成日期" in submit
    filled = {k: v for k, v in IMPL.items() if k != "systems"}
    saved = as_member.post(url(assessment, "scenarios/9/"), filled, **HX).content.decode()
    assert "须上传证明材料或填写系统说明" in saved and "须填写" not in saved
    saved = as_member.post(url(assessment, "scenarios/9/"), IMPL, **HX).content.decode()
    assert 'id="scenario-9-gaps"' in saved and "<li" not in saved


@pytest.mark.django_db
def test_without_javascript_a_save_redirects_back_with_a_message(as_member, assessment):
    response = as_member.post(url(assessment, "support/2/"), {"status": "planned"}, follow=True)
    assert response.redirect_chain[-1][0] == url(assessment, "support/")
    assert "已保存" in response.content.decode()


@pytest.mark.django_db
def test_scalar_inputs_save_both_years_and_bad_values_name_year_and_input(as_member, assessment):
    r = as_member.post(
        url(assessment, "inputs/avg_employees/"), {"base": "900", "current": ""}, **HX
    )
    assessment.refresh_from_db()
    assert r.status_code == 200
    assert assessment.base_inputs["avg_employees"] == "900"
    assert "avg_employees" not in assessment.current_inputs  # blank clears
    r = as_member.post(
        url(assessment, "inputs/gross_output_value/"), {"base": "-5", "current": "1"}, **HX
    )
    assert r.status_code == 422 and "基准年 · 工业总产值：不能为负数。" in r.content.decode()
    r = as_member.post(
        url(assessment, "inputs/inspected_defective/"), {"base": "999999", "current": "1"}, **HX
    )
    assert r.status_code == 422 and "不能大于检验总数" in r.content.decode()
    assert as_member.post(url(assessment, "inputs/no_such_input/"), {}, **HX).status_code == 404


@pytest.mark.django_db
def test_table_rows_are_added_removed_and_checked_cell_by_cell(as_member, assessment):
    rows = {
        "period": "current",
        "col-name": ["原料库", "", "成品库"],
        "col-outbound": ["100", "", "50"],
        "col-average_inventory": ["20", "", "10"],
    }
    assert as_member.post(url(assessment, "inputs/warehouses/"), rows, **HX).status_code == 200
    assessment.refresh_from_db()
    assert [r["name"] for r in assessment.current_inputs["warehouses"]] == ["原料库", "成品库"]
    bad = {
        "period": "base",
        "col-name": ["A"],
        "col-initiated_on": ["2025-03-01"],
        "col-accepted_on": ["2025-01-01"],
    }
    r = as_member.post(url(assessment, "inputs/rd_projects/"), bad, **HX)
    assert r.status_code == 422
    assert "新品研制项目 · 第 1 行 · 通过鉴定或验收日期：不能早于立项日期。" in r.content.decode()


@pytest.mark.django_db
def test_a_colleagues_rows_are_merged_into_the_table_and_shown(as_member, assessment, admin_a):
    loaded = "[]"  # the page was loaded on an empty table
    services.assessment_update(
        assessment=assessment,
        actor=admin_a,
        data={"current_inputs": {"warehouses": [{"name": "原料库", "outbound": "1"}]}},
    )
    mine = {
        "period": "current",
        "version": 0,
        "loaded": loaded,
        "col-name": ["成品库"],
        "col-outbound": ["2"],
        "col-average_inventory": [""],
    }
    r = as_member.post(url(assessment, "inputs/warehouses/"), mine, **HX)
    html = r.content.decode()
    assert r.status_code == 200 and r["X-Item-Version"] == "2"
    assert 'id="table-input-warehouses" data-testid="input-warehouses" hx-swap-oob="true"' in html
    assert "原料库" in html and "成品库" in html  # the merged table, shown again
    assessment.refresh_from_db()
    assert [w["name"] for w in assessment.current_inputs["warehouses"]] == ["原料库", "成品库"]
    # a save that merged nothing only refreshes what the form loaded
    again = {**mine, "version": 2, "loaded": "x", "col-name": ["原料库", "成品库"]}
    again |= {"col-outbound": ["1", "3"], "col-average_inventory": ["", ""]}
    html = as_member.post(url(assessment, "inputs/warehouses/"), again, **HX).content.decode()
    assert 'id="loaded-warehouses-current"' in html and "table-input-warehouses" not in html


@pytest.mark.django_db
def test_calculator_computes_and_fills_the_input(as_member, assessment, factors):
    data = {"code": ["electricity", "natural_gas"], "quantity": ["10000", "1000"]}
    r = as_member.post(url(assessment, "calculators/energy/"), data, **HX)
    assert r.status_code == 200 and "合计" in r.content.decode()
    assert "X-Assessment-Version" not in r  # computing alone saves nothing
    r = as_member.post(url(assessment, "calculators/energy/"), {**data, "period": "current"}, **HX)
    assessment.refresh_from_db()
    total = assessment.current_inputs["total_energy_tce"]
    assert r.status_code == 200 and float(total) > 0
    assert (
        'id="input-total_energy_tce"' in r.content.decode() and "hx-swap-oob" in r.content.decode()
    )
    r = as_member.post(
        url(assessment, "calculators/co2/"), {"code": ["nope"], "quantity": ["x"]}, **HX
    )
    assert r.status_code == 422 and "第 1 行 · 品种" in r.content.decode()


@pytest.mark.django_db
def test_evidence_upload_and_removal_from_the_editor(as_member, assessment):
    r = as_member.post(
        url(assessment, "evidence/"),
        {"scenario": 2, "file": SimpleUploadedFile("../../验收 报告.pdf", PDF)},
        **HX,
    )
    assert r.status_code == 200 and "验收_报告.pdf" in r.content.decode()
    evidence = Evidence.objects.get(assessment=assessment, scenario__no=2)
    r = as_member.post(
        url(assessment, "evidence/"),
        {"scenario": 2, "file": SimpleUploadedFile("fake.pdf", b"<html>not a pdf</html>")},
        **HX,
    )
    assert r.status_code == 422 and "验收_报告.pdf" in r.content.decode()
    r = as_member.post(url(assessment, f"evidence/{evidence.pk}/delete/"), **HX)
    assert r.status_code == 200 and not Evidence.objects.filter(pk=evidence.pk).exists()


@pytest.mark.django_db
def test_preview_shows_the_tier_and_indicators_of_the_draft(as_member, assessment):
    html = as_member.get(url(assessment, "preview/")).content.decode()
    assert "实时预览" in html and "智能车间" in html and "建议下一步实施的场景" in html
    assert 'data-testid="preview-indicator-19"' in html


def workbook(client, assessment) -> openpyxl.Workbook:
    response = client.get(url(assessment, "inputs.xlsx"))
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def upload(client, assessment, book):
    out = io.BytesIO()
    book.save(out)
    return client.post(
        url(assessment, "import/"),
        {"file": SimpleUploadedFile("inputs.xlsx", out.getvalue())},
    )


@pytest.mark.django_db
def test_excel_import_lists_every_bad_cell_then_imports_a_correct_file(as_member, assessment):
    book = workbook(as_member, assessment)
    cells = {row[0].value: row[3] for row in book["当年2025"].iter_rows(min_row=2)}
    cells["avg_employees"].value = "很多"
    cells["gross_output_value"].value = -1
    before = Assessment.objects.get(pk=assessment.pk).current_inputs
    r = upload(as_member, assessment, book)
    html = r.content.decode()
    assert r.status_code == 422 and "2 处错误" in html
    assert "当年2025!D" in html and "请输入数字" in html and "不能为负数" in html
    assert Assessment.objects.get(pk=assessment.pk).current_inputs == before
    cells["avg_employees"].value = 777
    cells["gross_output_value"].value = 20000
    r = upload(as_member, assessment, book)
    assert r.status_code == 302 and r["Location"] == url(assessment, "import/")
    saved = Assessment.objects.get(pk=assessment.pk).current_inputs
    assert (saved["avg_employees"], saved["gross_output_value"]) == ("777", "20000")


@pytest.mark.django_db
def test_submit_page_requires_every_declaration_then_freezes_the_assessment(
    as_member, assessment, eager_celery, django_capture_on_commit_callbacks
):
    r = as_member.post(url(assessment, "submit/"), {"version": version(assessment), "signer": ""})
    assert r.status_code == 422
    html = r.content.decode()
    assert "近三年未发生重大安全" in html and "is-invalid" in html
    assert Assessment.objects.get(pk=assessment.pk).state == State.DRAFT
    data = {key: "on" for key in DECLARED if key != "signer"}
    with django_capture_on_commit_callbacks(execute=True):
        r = as_member.post(
            url(assessment, "submit/"),
            {**data, "signer": "李四", "version": version(assessment), "confirmed": "1"},
        )
    assert r.status_code == 302 and r["Location"] == url(assessment)
    submitted = Assessment.objects.get(pk=assessment.pk)
    assert submitted.state == State.SUBMITTED and submitted.declarations["signer"] == "李四"
    html = as_member.get(url(assessment, "scenarios/")).content.decode()
    assert "内容只读" in html and "<fieldset disabled>" in html
    r = as_member.post(url(assessment, "scenarios/1/"), {"status": "planned"}, **HX)
    assert r.status_code == 409
    overview = as_member.get(url(assessment)).content.decode()
    assert "已提交" in overview and "智能车间" in overview and "全员劳动生产率" in overview


@pytest.mark.django_db
def test_submit_page_lists_what_is_missing(as_member, open_batch, admin_a, enterprise_a):
    a = services.assessment_create(enterprise=enterprise_a, batch=open_batch, actor=admin_a)
    services.scenario_answer_set(assessment=a, actor=admin_a, scenario_no=1, data=IMPL)
    html = as_member.get(url(a, "submit/")).content.decode()
    assert "财务报表" in html and 'data-testid="problems"' in html
    r = as_member.post(url(a, "submit/"), {**{k: "on" for k in DECLARED}, "signer": "李四"})
    assert r.status_code == 422 and "财务报表" in r.content.decode()
    assert Assessment.objects.get(pk=a.pk).state == State.DRAFT


@pytest.mark.django_db
def test_after_the_closing_date_submission_is_refused(
    as_member, api_client, admin_a, assessment, open_batch
):
    from datetime import timedelta

    from django.utils import timezone

    open_batch.closes_at = timezone.now() - timedelta(minutes=1)
    open_batch.save()
    data = {**{k: "on" for k in DECLARED}, "signer": "李四", "version": version(assessment)}
    r = as_member.post(url(assessment, "submit/"), data)
    assert r.status_code == 422 and "已截止" in r.content.decode()
    api_client.force_authenticate(admin_a)
    r = api_client.post(
        f"/api/v1/assessments/{assessment.pk}/submit/", {"declarations": DECLARED}, format="json"
    )
    assert r.status_code == 400 and "已截止" in str(r.json())
    assert Assessment.objects.get(pk=assessment.pk).state == State.DRAFT


@pytest.mark.django_db
def test_a_returned_assessment_is_editable_again_and_keeps_its_history(
    as_member, assessment, admin_a
):
    services.assessment_submit(assessment=assessment, actor=admin_a, declarations=DECLARED)
    Assessment.objects.filter(pk=assessment.pk).update(state=State.RETURNED)  # the city's return
    r = as_member.post(
        url(assessment, "scenarios/20/"),
        {"status": "planned", "version": item_version(assessment, "scenario:20")},
        **HX,
    )
    assert r.status_code == 200
    html = as_member.get(url(assessment)).content.decode()
    history = html[html.index('data-testid="history"') :]
    assert "提交" in history and "上传证明材料" in history and "财务报表.pdf" in history
    assert "创建自评估" in history
    assert Assessment.objects.get(pk=assessment.pk).snapshot is not None  # the submitted round


PREVIEW = {"HTTP_X_EDITOR_PREVIEW": "true", **HX}


def oob_preview(html: str) -> str | None:
    """The side panel carried out of band by a save's response (None if absent)."""
    _before, found, after = html.partition('<div id="preview" hx-swap-oob="innerHTML">')
    panel = after.split('<div id="presence"')[0].strip()
    return panel.removesuffix("</div>").strip() if found else None


@pytest.mark.django_db
def test_a_save_carries_the_side_panel_as_the_save_left_it(as_member, assessment):
    data = {"version": 0, "base": "1", "current": "2"}
    saved = as_member.post(url(assessment, "inputs/avg_employees/"), data, **PREVIEW)
    assert saved.status_code == 200
    panel = oob_preview(saved.content.decode())
    assert panel and 'data-testid="preview-indicators"' in panel
    fresh = as_member.get(url(assessment, "preview/"), **HX).content.decode()
    assert panel == fresh.split('<div id="presence"')[0].strip()  # the panel of the new values
    # a refused save, or a page without the panel: no panel in the response
    bad = as_member.post(url(assessment, "inputs/avg_employees/"), {"base": "x"}, **PREVIEW)
    assert bad.status_code == 422 and oob_preview(bad.content.decode()) is None
    data = {"version": 1, "base": "3", "current": "4"}
    plain = as_member.post(url(assessment, "inputs/avg_employees/"), data, **HX)
    assert plain.status_code == 200 and oob_preview(plain.content.decode()) is None


def without_tokens(html: str) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', r"\1", html)


@pytest.mark.django_db
def test_cached_answer_cards_are_the_cards_rendered_in_full(
    client, as_member, assessment, enterprise_b, admin_b
):  # as_member logs ``client`` in
    cached = as_member.get(url(assessment, "scenarios/")).content.decode()  # builds the cache
    # another enterprise's page from the same cache shows its own values only
    other = draft_assessment(enterprise_b, assessment.batch, admin_b)
    services.scenario_answer_set(
        assessment=other, actor=admin_b, scenario_no=1, data={"description": "乙企业的"}
    )
    services.evidence_upload(
        assessment=other,
        actor=admin_b,
        uploaded=SimpleUploadedFile("乙企业证明.pdf", PDF),
        scenario_no=1,
    )
    theirs = client.__class__()
    login(theirs, admin_b)
    shown = theirs.get(url(other, "scenarios/")).content.decode()
    with override_settings(EDITOR_CARD_CACHE=False):
        full = theirs.get(url(other, "scenarios/")).content.decode()
        assert without_tokens(
            as_member.get(url(assessment, "scenarios/")).content.decode()
        ) == without_tokens(cached)
    assert without_tokens(shown) == without_tokens(full)
    assert "乙企业的" in shown and "乙企业证明.pdf" in shown
    assert "乙企业的" not in cached and "乙企业证明.pdf" not in cached
    assert f"/assessments/{other.pk}/scenarios/1/" in shown


@pytest.mark.django_db
def test_cached_answer_cards_follow_the_catalog_version_and_the_language(
    as_member, assessment, province_admin
):
    page = as_member.get(url(assessment, "scenarios/")).content.decode()
    name = '<div class="fw-semibold">{}</div>'.format
    assert name("生产计划优化") in page
    as_member.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = as_member.get(url(assessment, "scenarios/")).content.decode()
    assert name("生产计划优化") not in english and name("Production plan optimization") in english
    as_member.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    version = assessment.batch.catalog_version
    clone = catalog_version_clone(version=version, label="2026.9", actor=province_admin)
    Scenario.objects.filter(version=clone, name="生产计划优化").update(name="新版生产计划优化")
    catalog_version_publish(version=clone, actor=province_admin)
    Batch.objects.filter(pk=assessment.batch_id).update(catalog_version=clone)
    page = as_member.get(url(assessment, "scenarios/")).content.decode()
    assert name("新版生产计划优化") in page
