"""The indicator-input workbook: download the template, fill it, upload it (all or nothing)."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from evaluation.models import Assessment

from .test_indicators import FULL

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def url(api_client, admin_a, open_batch):
    api_client.force_authenticate(admin_a)
    body = api_client.post("/api/v1/assessments/", {"batch": open_batch.pk}, format="json").json()
    api_client.post(
        f"/api/v1/assessments/{body['id']}/inputs/",
        {"period": "base", "values": {"avg_employees": "400"}},
        format="json",
    )
    return f"/api/v1/assessments/{body['id']}/"


def template(api_client, url) -> openpyxl.Workbook:
    response = api_client.get(url + "inputs/template/")
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    return openpyxl.load_workbook(io.BytesIO(response.content))


def fill(book: openpyxl.Workbook, values: dict, sheet="当年2025"):
    rows = {row[0].value: row[3] for row in book[sheet].iter_rows(min_row=2)}
    for code, value in values.items():
        if isinstance(value, list):
            continue
        rows[code].value = value
    return rows


def send(api_client, url, book: openpyxl.Workbook):
    out = io.BytesIO()
    book.save(out)
    upload = SimpleUploadedFile("inputs.xlsx", out.getvalue(), content_type=XLSX)
    return api_client.post(url + "inputs/import/", {"file": upload}, format="multipart")


@pytest.mark.django_db
def test_template_lists_every_input_for_both_years_prefilled(api_client, url, catalog):
    book = template(api_client, url)
    assert book.sheetnames[0] == "基准年2024" and "当年2025" in book.sheetnames
    base = {row[0]: row[3] for row in book["基准年2024"].iter_rows(min_row=2, values_only=True)}
    assert base["avg_employees"] == 400 and "gross_output_value" in base  # a number
    tables = [n for n in book.sheetnames if n.startswith("当年2025-")]
    assert len(tables) == 2  # warehouses and R&D projects


@pytest.mark.django_db
def test_a_file_with_bad_cells_imports_nothing_and_names_each_cell(api_client, url):
    book = template(api_client, url)
    rows = fill(
        book, {"inspected_total": "100", "inspected_defective": "150", "oee_quality": "abc"}
    )
    response = send(api_client, url, book)
    assert response.status_code == 400
    errors = response.json()
    assert f"当年2025!D{rows['inspected_defective'].row}" in errors
    assert f"当年2025!D{rows['oee_quality'].row}" in errors
    assessment = Assessment.objects.get()
    assert assessment.current_inputs == {} and assessment.version == 2


@pytest.mark.django_db
def test_a_valid_file_imports_both_years_including_table_rows(api_client, url):
    book = template(api_client, url)
    fill(book, FULL, sheet="基准年2024")
    fill(book, dict(FULL, gross_output_value=15000), sheet="当年2025")
    sheets = [n for n in book.sheetnames if n.startswith("当年2025-")]
    table = book[sheets[0]]
    codes = [c.value for c in table[2]]
    table.append(["原料库" if c == "name" else 500 for c in codes])
    response = send(api_client, url, book)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["current_inputs"]["gross_output_value"] == "15000"
    assert body["base_inputs"]["avg_employees"] == "400"
    first_table = codes and next(
        k for k, v in body["current_inputs"].items() if isinstance(v, list)
    )
    assert len(body["current_inputs"][first_table]) == 1


@pytest.mark.django_db
def test_not_a_workbook_or_not_the_template(api_client, url):
    junk = SimpleUploadedFile("inputs.xlsx", b"not a zip", content_type=XLSX)
    response = api_client.post(url + "inputs/import/", {"file": junk}, format="multipart")
    assert response.status_code == 400 and "Excel" in str(response.json())
    other = openpyxl.Workbook()
    response = send(api_client, url, other)
    assert response.status_code == 400 and "模板" in str(response.json())


@pytest.mark.django_db
def test_another_enterprise_cannot_download_or_import(api_client, url, admin_b):
    book = template(api_client, url)
    api_client.force_authenticate(admin_b)
    assert api_client.get(url + "inputs/template/").status_code == 404
    assert send(api_client, url, book).status_code == 404
