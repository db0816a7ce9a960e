"""The report's figures, the profile's business facts, calculator breakdowns, English units and
the indicator-input workbook, as an enterprise clerk meets them."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.urls import reverse

from portal.services import enterprise_profile_loaded, enterprise_update
from tests.conftest import api_token, login

# --- one rounding for charts and tables ------------------------------------------------------


def test_the_chart_and_the_table_round_a_figure_alike():
    from reports.charts import bar_chart

    value = Decimal("12.36")  # truncated 12.3, rounded 12.4
    chart = bar_chart([("改善", value), ("持平", Decimal("-0.05"))], unit="%", decimals=1)
    table = Template("{% load figures %}{{ v|shown:1 }}|{{ w|shown:1 }}").render(
        Context({"v": value, "w": Decimal("-0.05")})
    )
    assert [b.text for b in chart.bars] == ["12.4 %", "-0.1 %"]
    assert table == "12.4|-0.1"
    assert Template("{% load figures %}{{ v|shown:2 }}").render(Context({"v": None})) == "—"


# --- the profile's phone and business facts --------------------------------------------------

FACTS = {
    "established_on": "2008-05-20",
    "registered_capital": "1200.5",
    "legal_representative": "王建国",
    "employees": 356,
    "operating_revenue": "45800",
    "main_products": "精密轴承、齿轮箱",
}


def test_the_profile_refuses_a_bad_phone_naming_the_field_and_keeps_a_good_one(admin_a):
    enterprise = admin_a.enterprise
    with pytest.raises(ValidationError) as refused:
        enterprise_update(enterprise=enterprise, actor=admin_a, data={"contact_phone": "12345"})
    assert list(refused.value.message_dict) == ["contact_phone"]
    enterprise.refresh_from_db()
    enterprise_update(
        enterprise=enterprise, actor=admin_a, data={"contact_phone": "+86 138 1234 5678"}
    )
    enterprise.refresh_from_db()
    assert enterprise.contact_phone == "13812345678"


def test_colleagues_editing_different_business_facts_both_keep_theirs(admin_a):
    enterprise = admin_a.enterprise
    loaded = enterprise_profile_loaded(enterprise)
    enterprise_update(enterprise=enterprise, actor=admin_a, data={"employees": 300}, loaded=loaded)
    enterprise_update(
        enterprise=enterprise,
        actor=admin_a,
        data={"registered_capital": Decimal("1200"), "employees": None},
        loaded=loaded,  # loaded before the colleague's save: employees left as loaded
    )
    enterprise.refresh_from_db()
    assert (enterprise.employees, enterprise.registered_capital) == (300, Decimal("1200"))


def test_the_api_and_the_profile_page_carry_the_business_facts(admin_a, api_client, client):
    enterprise = admin_a.enterprise
    url = f"/api/v1/enterprises/{enterprise.pk}/"
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(admin_a)}")
    bad = api_client.patch(url, {"employees": -3, "contact_phone": "abc"}, format="json")
    assert bad.status_code == 400, bad.content
    assert {"employees", "contact_phone"} <= _fields(bad.json())
    ok = api_client.patch(url, FACTS, format="json")
    assert ok.status_code == 200, ok.content
    assert ok.json()["legal_representative"] == "王建国"
    assert ok.json()["established_on"] == "2008-05-20"
    page = login(client, admin_a).get(reverse("enterprise-page", args=[enterprise.pk]))
    text = page.content.decode()
    assert "1200.50" in text and "45800.00" in text and "精密轴承、齿轮箱" in text


def _fields(body) -> set:
    errors = body.get("errors", body)
    if isinstance(errors, list):
        return {e.get("attr") or e.get("field") for e in errors}
    return set(errors)


def test_the_cover_states_the_business_facts_from_the_snapshot(assessment, admin_a):
    from evaluation.snapshot import build_snapshot
    from reports.verification import cover_facts

    enterprise_update(enterprise=admin_a.enterprise, actor=admin_a, data=dict(FACTS))
    assessment.enterprise.refresh_from_db()
    snapshot = json.loads(json.dumps(build_snapshot(assessment)))  # as the JSON field keeps it
    facts = {f.key: f.value for f in cover_facts(assessment, snapshot, None, draft=True)}
    assert facts["established_on"] == "2008-05-20"
    assert facts["registered_capital"] == "1200.50"
    assert facts["employees"] == "356"
    assert facts["legal_representative"] == "王建国"


# --- English units -----------------------------------------------------------------------------


def test_a_published_catalogs_inputs_and_the_factors_get_english_units(catalog, factors):
    from django.apps import apps
    from django.utils import translation

    from indicators.calculators import CALCULATORS
    from indicators.models import EnergyCarrier, InputDefinition

    fill = __import__(
        "indicators.migrations.0004_english_units", fromlist=["fill_english_units"]
    ).fill_english_units
    InputDefinition.objects.update(unit_en="")  # as a version published before them
    EnergyCarrier.objects.filter(code="natural_gas").update(unit_en="")
    fill(apps, None)
    output = InputDefinition.objects.get(version=catalog, code="gross_output_value")
    gas = EnergyCarrier.objects.get(code="natural_gas")
    assert (output.unit_en, gas.unit_en) == ("10k CNY", "m³")
    assert not InputDefinition.objects.filter(unit_en="").exclude(unit="").exists()
    with translation.override("en"):
        assert output.display_unit == "10k CNY"
        _, lines = CALCULATORS["energy"].calculate([{"code": "natural_gas", "quantity": "10"}])
        assert lines[0].unit == "m³"
    assert output.display_unit == "万元"


# --- the calculators' breakdown ----------------------------------------------------------------


def test_the_energy_breakdown_is_kept_with_the_input_shown_and_reported(
    client, member_a, assessment, factors, api_client
):
    from evaluation.services import assessment_inputs_update
    from reports.application import application_report, report_source
    from reports.services import report_html

    as_member = login(client, member_a)
    data = {"code": ["electricity", "natural_gas"], "quantity": ["10000", "1000"]}
    path = f"/assessments/{assessment.pk}/calculators/energy/"
    r = as_member.post(path, {**data, "period": "base"}, HTTP_HX_REQUEST="true")
    html = r.content.decode()
    assert r.status_code == 200 and 'data-testid="breakdown-total_energy_tce-base"' in html
    assert "天然气" in html and "1.229" in html  # 10000 kWh × 0.1229 kgce
    assessment.refresh_from_db()
    kept = assessment.calculations["base"]["total_energy_tce"]
    assert [line["code"] for line in kept["lines"]] == ["electricity", "natural_gas"]
    assert kept["total"] == assessment.base_inputs["total_energy_tce"]

    report = application_report(assessment, report_source(assessment))
    assert [c["code"] for c in report.calculations] == ["total_energy_tce"]
    assert 'data-testid="breakdown-total_energy_tce-base"' in report_html(report)

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(member_a)}")
    body = api_client.get(f"/api/v1/assessments/{assessment.pk}/").json()
    assert list(body["calculations"]["base"]) == ["total_energy_tce"]

    # in English: the inputs' units and the kept lines' names and units
    as_member.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = as_member.get(f"/assessments/{assessment.pk}/indicators/").content.decode()
    assert "（10k CNY）" in page and "（persons）" in page
    assert "Natural gas" in page and "1000 m³" in page and "Calculation breakdown" in page
    as_member.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})

    # typed over: the lines no longer explain the value, so they are not shown
    assessment_inputs_update(
        assessment=assessment, actor=member_a, period="base", values={"total_energy_tce": "5"}
    )
    assessment.refresh_from_db()
    body = api_client.get(f"/api/v1/assessments/{assessment.pk}/").json()
    assert body["calculations"] == {}
    page = as_member.get(f"/assessments/{assessment.pk}/indicators/").content.decode()
    assert "breakdown-total_energy_tce" not in page


# --- the indicator-input workbook --------------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _book(api_client, assessment):
    import io

    import openpyxl

    response = api_client.get(f"/api/v1/assessments/{assessment.pk}/inputs/template/")
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def _send(api_client, assessment, book):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile

    out = io.BytesIO()
    book.save(out)
    upload = SimpleUploadedFile("inputs.xlsx", out.getvalue(), content_type=XLSX)
    return api_client.post(
        f"/api/v1/assessments/{assessment.pk}/inputs/import/", {"file": upload}, format="multipart"
    )


def test_the_template_has_numbers_years_and_marks_what_does_not_apply(
    api_client, assessment, admin_a
):
    api_client.force_authenticate(admin_a)
    book = _book(api_client, assessment)
    assert book.sheetnames[0] == "基准年2024" and "当年2025" in book.sheetnames
    assert "当年2025-各库房出库量与平均库存" in book.sheetnames
    rows = {row[0].value: row for row in book["当年2025"].iter_rows(min_row=2)}
    output = rows["gross_output_value"][3]
    assert output.value == 15000 and output.data_type == "n" and "#,##0" in output.number_format
    assert rows["avg_employees"][3].number_format == "#,##0.00##"
    assert rows["inspected_total"][3].number_format == "#,##0"  # a count
    # a discrete manufacturer: the process-industry inputs are greyed, with a note
    assert rows["apc_processes"][4].value == "不适用于本企业行业类型，无需填写"
    assert rows["apc_processes"][3].fill.fgColor.rgb.endswith("D9D9D9")
    assert rows["total_processes"][4].value in (None, "")  # read by the NC rate too
    validations = book["当年2025"].data_validations.dataValidation
    assert any(v.type == "decimal" and "D2" in str(v.sqref) for v in validations)


def test_an_import_names_field_and_cell_and_then_lists_what_changed(
    api_client, assessment, admin_a, client
):
    from evaluation.services import assessment_inputs_update

    # as a calculator saves it: the sheet's number drops the zeros, which is no change
    assessment_inputs_update(
        assessment=assessment, actor=admin_a, period="base", values={"co2_emissions_t": "2.50"}
    )
    api_client.force_authenticate(admin_a)
    book = _book(api_client, assessment)
    rows = {row[0].value: row for row in book["当年2025"].iter_rows(min_row=2)}
    rows["inspected_defective"][3].value = "很多"
    bad = _send(api_client, assessment, book)
    assert bad.status_code == 400
    cell = f"当年2025!D{rows['inspected_defective'][3].row}"
    assert bad.json()[cell] == ["检验不合格数（inspected_defective）：请输入数字。"]

    rows["inspected_defective"][3].value = 12
    rows["avg_employees"][3].value = 410.5
    ok = _send(api_client, assessment, book)
    assert ok.status_code == 200, ok.content
    changes = {(c["period"], c["code"]): (c["old"], c["new"]) for c in ok.json()["changes"]}
    assert changes == {
        ("current", "inspected_defective"): ("10", "12"),
        ("current", "avg_employees"): ("400", "410.5"),
    }
    assert ok.json()["current_inputs"]["avg_employees"] == "410.5"  # not 410.49999…

    # the page shows the same summary once, after the import
    as_admin = login(client, admin_a)
    rows["avg_employees"][3].value = 420
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile

    out = io.BytesIO()
    book.save(out)
    posted = as_admin.post(
        f"/assessments/{assessment.pk}/import/",
        {"file": SimpleUploadedFile("inputs.xlsx", out.getvalue())},
    )
    assert posted.status_code == 302
    page = as_admin.get(posted["Location"]).content.decode()
    assert 'data-testid="change-current-avg_employees"' in page and "410.5" in page
    assert "change-current-inspected_defective" not in page
    again = as_admin.get(posted["Location"]).content.decode()
    assert 'data-testid="import-changes"' not in again


def test_a_sheet_of_another_year_is_refused(api_client, assessment, admin_a):
    api_client.force_authenticate(admin_a)
    book = _book(api_client, assessment)
    book["基准年2024"].title = "基准年2023"
    refused = _send(api_client, assessment, book)
    assert refused.status_code == 400
    assert "基准年2023" in str(refused.json()["file"]) and "2024" in str(refused.json()["file"])
