"""Hostile and broken workbooks: a sheet whose XML is cut short, or that declares entities (a
"billion laughs", an external entity), is refused as unreadable — 400 naming ``file`` in the
API, a form error on the page — and nothing is written, wherever the portal reads an uploaded
workbook (the indicator inputs, the catalog)."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from evaluation.excel import inputs_template
from evaluation.models import Assessment
from portal.models import AuditLog
from scenarios.models import Scenario
from scenarios.services import catalog_version_clone, catalog_version_export, catalog_version_import

from ..conftest import login

SHEET = "xl/worksheets/sheet1.xml"
MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
LAUGHS = "".join(
    f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
)  # lol9 = 10^9 × "lol"
HOSTILE = {
    "truncated": None,
    "billion_laughs": (
        f'<!DOCTYPE worksheet [<!ENTITY lol0 "lol">{LAUGHS}]>',
        "&lol9;",
    ),
    "external_entity": (
        '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        "&xxe;",
    ),
}
UNREADABLE = "无法读取该 Excel 文件"


def hostile(workbook: bytes, kind: str) -> bytes:
    """``workbook`` with its first sheet cut short or replaced by one declaring entities."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        for member in source.infolist():
            content = source.read(member)
            if member.filename == SHEET:
                if kind == "truncated":
                    content = content[: len(content) // 2]
                else:
                    doctype, entity = HOSTILE[kind]
                    content = (
                        f'<?xml version="1.0" encoding="UTF-8"?>{doctype}<worksheet {MAIN}>'
                        f'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>{entity}</t>'
                        "</is></c></row></sheetData></worksheet>"
                    ).encode()
            book.writestr(member, content)
    return out.getvalue()


def unchanged(assessment) -> tuple:
    fresh = Assessment.objects.get(pk=assessment.pk)
    return fresh.version, fresh.base_inputs, fresh.current_inputs, AuditLog.objects.count()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(HOSTILE))
def test_the_api_import_refuses_it_naming_the_file_and_writes_nothing(
    api_client, admin_a, assessment, kind
):
    upload = SimpleUploadedFile("inputs.xlsx", hostile(inputs_template(assessment), kind))
    before = unchanged(assessment)
    api_client.force_authenticate(admin_a)
    response = api_client.post(
        f"/api/v1/assessments/{assessment.pk}/inputs/import/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 400, response.content
    assert UNREADABLE in " ".join(response.json()["file"])
    assert unchanged(assessment) == before


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(HOSTILE))
def test_the_import_page_refuses_it_with_a_form_error_and_writes_nothing(
    client, admin_a, assessment, kind
):
    upload = SimpleUploadedFile("inputs.xlsx", hostile(inputs_template(assessment), kind))
    before = unchanged(assessment)
    response = login(client, admin_a).post(
        f"/assessments/{assessment.pk}/import/",
        {"file": upload, "version": assessment.version},
    )
    assert response.status_code == 422
    assert UNREADABLE in response.content.decode()
    assert unchanged(assessment) == before


def catalog_state(version) -> tuple:
    scenarios = Scenario.objects.filter(version=version).order_by("no")
    return list(scenarios.values_list("no", "name")), AuditLog.objects.count()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(HOSTILE))
def test_the_catalog_import_refuses_it_and_changes_nothing(catalog, kind):
    draft = catalog_version_clone(version=catalog, label="2025.1")
    content = hostile(catalog_version_export(version=catalog, file_format="xlsx"), kind)
    before = catalog_state(draft)
    with pytest.raises(ValidationError) as refused:
        catalog_version_import(version=draft, content=content, file_format="xlsx")
    assert UNREADABLE in " ".join(refused.value.message_dict["file"])
    assert catalog_state(draft) == before


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(HOSTILE))
def test_the_catalog_import_page_shows_a_form_error(client, catalog, province_admin, kind):
    draft = catalog_version_clone(version=catalog, label="2025.1")
    content = hostile(catalog_version_export(version=catalog, file_format="xlsx"), kind)
    before = catalog_state(draft)
    response = login(client, province_admin).post(
        f"/admin/scenarios/catalogversion/{draft.pk}/import/",
        {"file": SimpleUploadedFile("catalog.xlsx", content)},
    )
    assert response.status_code == 200
    assert UNREADABLE in response.content.decode()
    assert catalog_state(draft) == before


@pytest.mark.django_db
def test_the_catalog_import_refuses_a_zip_bomb_before_unpacking_it(catalog):
    from .test_hostile_inputs import zip_bomb

    draft = catalog_version_clone(version=catalog, label="2025.1")
    bomb = zip_bomb(catalog_version_export(version=catalog, file_format="xlsx"), 300)
    before = catalog_state(draft)
    with pytest.raises(ValidationError) as refused:
        catalog_version_import(version=draft, content=bomb, file_format="xlsx")
    assert "解压后过大" in " ".join(refused.value.message_dict["file"])
    assert catalog_state(draft) == before
