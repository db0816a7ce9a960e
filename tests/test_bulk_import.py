"""Bulk import from Excel: a city's enterprises and the province's experts; every row's errors
named by row and column, nothing imported unless every row is right, invitations sent."""

import io
import re

import openpyxl
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.models import AuditLog, City, Enterprise, Invitation, RegistrationStatus, Role, User
from review.services import bulk_import

from .conftest import login
from .factories import UserFactory, credit_code

pytestmark = pytest.mark.django_db


def workbook(kind: str, rows) -> bytes:
    """The template filled with ``rows`` (its example row replaced)."""
    book = openpyxl.load_workbook(io.BytesIO(bulk_import.import_template(kind)))
    sheet = book.active
    sheet.delete_rows(2)
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def enterprise_row(name="甲制造有限公司", code=None, city="苏州市", district="虎丘区", **over):
    code = code or credit_code()
    values = (
        {
            "name": name,
            "credit_code": code,
            "city": city,
            "district": district,
            "industry_code": "C3421",
            "industry_type": "离散型",
            "size": "中型",
            "contact_name": "张三",
            "contact_phone": 13812345678,  # typed as a number in Excel
            "email": f"c{code[-6:].lower()}@example.com",
        }
        | over
    )
    return tuple(values.values())


def test_a_city_imports_its_enterprises_each_contact_invited_as_admin(
    city_reviewer_suzhou, django_capture_on_commit_callbacks
):
    content = workbook(
        "enterprises", [enterprise_row("甲制造有限公司"), enterprise_row("乙制造有限公司")]
    )
    preview = bulk_import.import_preview(
        actor=city_reviewer_suzhou, kind="enterprises", upload=content
    )
    assert preview.ok and [r["row"] for r in preview.rows] == [2, 3]
    assert not Enterprise.objects.exists()  # a preview writes nothing
    with django_capture_on_commit_callbacks(execute=True):
        done = bulk_import.import_commit(
            actor=city_reviewer_suzhou, kind="enterprises", upload=content
        )
    assert done.imported == 2
    imported = Enterprise.objects.order_by("name")
    assert [e.registration_status for e in imported] == [RegistrationStatus.CONFIRMED] * 2
    assert imported[0].contact_phone == "13812345678" and imported[0].district.name == "虎丘区"
    invitations = Invitation.objects.order_by("email")
    assert sorted((i.enterprise.name, i.role) for i in invitations) == [
        ("乙制造有限公司", Role.ENTERPRISE_ADMIN),
        ("甲制造有限公司", Role.ENTERPRISE_ADMIN),
    ]
    assert sorted(m.to[0] for m in mail.outbox) == sorted(i.email for i in invitations)
    assert all("/invitations/" in m.body for m in mail.outbox)
    logged = AuditLog.objects.get(action="import.enterprises")
    assert logged.actor == city_reviewer_suzhou
    assert sorted(logged.data["imported"]) == sorted(e.credit_code for e in imported)


def test_each_bad_row_is_named_by_row_and_column_and_nothing_is_imported(
    city_reviewer_suzhou, enterprise_a
):
    code = credit_code()
    content = workbook(
        "enterprises",
        [
            enterprise_row("好企业", code=code),
            enterprise_row("重复", code=code),
            enterprise_row("校验位错", code="91320500MA00000001"),
            enterprise_row("外市", city="南京市", district="玄武区"),
            enterprise_row("区不对", district="玄武区"),
            enterprise_row("类型错", industry_type="离散", contact_phone="123"),
            enterprise_row("已存在", code=enterprise_a.credit_code, email="bad-address"),
        ],
    )
    preview = bulk_import.import_preview(
        actor=city_reviewer_suzhou, kind="enterprises", upload=content
    )
    found = {(e.row, e.column) for e in preview.errors}
    assert {
        (3, "统一社会信用代码"),
        (4, "统一社会信用代码"),
        (5, "所在设区市"),
        (6, "所在县（市、区）"),
        (7, "行业类型"),
        (7, "联系电话"),
        (8, "统一社会信用代码"),
        (8, "联系人邮箱"),
    } == found
    assert not any(e.row == 2 for e in preview.errors)
    with pytest.raises(ValidationError, match="未导入任何数据"):
        bulk_import.import_commit(actor=city_reviewer_suzhou, kind="enterprises", upload=content)
    assert list(Enterprise.objects.all()) == [enterprise_a]
    assert not Invitation.objects.exists()


def test_who_may_import_what(city_reviewer_suzhou, province_admin):
    district = UserFactory(username="d", role=Role.DISTRICT_REVIEWER, district=None)
    content = workbook("experts", [("李四", "lisi@example.com", "", "某大学", "")])
    for actor, kind in ((city_reviewer_suzhou, "experts"), (district, "enterprises")):
        with pytest.raises(PermissionDenied):
            bulk_import.import_preview(actor=actor, kind=kind, upload=content)
    # the province imports any city's enterprises
    other = workbook("enterprises", [enterprise_row(city="南京市", district="玄武区")])
    assert bulk_import.import_preview(actor=province_admin, kind="enterprises", upload=other).ok
    with pytest.raises(ValidationError) as unreadable:
        bulk_import.import_preview(actor=province_admin, kind="experts", upload=b"not a workbook")
    assert "file" in unreadable.value.message_dict


def test_the_province_imports_experts_who_set_their_password_by_the_emailed_link(
    client, province_admin, expert, django_capture_on_commit_callbacks
):
    content = workbook(
        "experts",
        [
            ("李四", "LiSi@example.com", "13912345678", "某大学", "南京市"),
            ("王五", "wangwu@example.com", "", "某研究院", ""),
        ],
    )
    clash = workbook(
        "experts",
        [
            ("李四", "lisi@example.com", "", "某大学", "南京"),
            ("重复", "lisi@example.com", "", "", ""),
            ("已有", expert.email, "123", "某厂", ""),
        ],
    )
    errors = bulk_import.import_preview(actor=province_admin, kind="experts", upload=clash).errors
    assert {(e.row, e.column) for e in errors} == {
        (2, "所在设区市"),
        (3, "邮箱"),
        (3, "工作单位"),
        (4, "邮箱"),
        (4, "手机号码"),
    }
    with django_capture_on_commit_callbacks(execute=True):
        bulk_import.import_commit(actor=province_admin, kind="experts", upload=content)
    lisi = User.objects.get(username="lisi@example.com")
    assert lisi.role == Role.EXPERT and lisi.city == City.NANJING and lisi.employer == "某大学"
    assert not lisi.has_usable_password()
    link = re.search(r"(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    set_password = client.get(link, follow=True)
    assert set_password.status_code == 200 and "new_password1" in set_password.content.decode()


def test_the_page_previews_then_imports_the_same_workbook_after_confirming(
    client, city_reviewer_suzhou, django_capture_on_commit_callbacks
):
    login(client, city_reviewer_suzhou)
    url = reverse("import-enterprises")
    template = client.get(reverse("import-enterprises-template"))
    assert template.status_code == 200 and template.content[:2] == b"PK"
    bad = client.post(url, {"file": SimpleUploadedFile("名单.xlsx", b"PK not really")})
    assert bad.status_code == 400 and "无法读取" in bad.content.decode()
    content = workbook("enterprises", [enterprise_row("甲制造有限公司")])
    preview = client.post(url, {"file": SimpleUploadedFile("名单.xlsx", content)})
    assert preview.status_code == 200 and "甲制造有限公司" in preview.content.decode()
    key = re.search(r'name="key" value="([^"]+)"', preview.content.decode()).group(1)
    asked = client.post(url, {"key": key})
    assert asked.status_code == 200 and not Enterprise.objects.exists()  # confirms first
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {"key": key, "confirmed": "1"})
    assert done.status_code == 302
    assert Enterprise.objects.get().name == "甲制造有限公司" and len(mail.outbox) == 1
    assert client.post(url, {"key": key, "confirmed": "1"}).status_code == 400  # used once


def test_the_api_checks_then_imports_the_whole_workbook(
    city_reviewer_suzhou, city_reviewer_nanjing, django_capture_on_commit_callbacks
):
    from .conftest import api_as

    url = "/api/v1/review/imports/enterprises/"
    api = api_as(city_reviewer_suzhou)

    def post(rows, **fields):
        upload = SimpleUploadedFile("名单.xlsx", workbook("enterprises", rows))
        return api.post(url, {"file": upload, **fields}, format="multipart")

    bad = post([enterprise_row("好企业"), enterprise_row("外市", city="南京市")], confirmed=True)
    assert bad.status_code == 400 and "未导入任何数据" in bad.json()["file"][0]
    errors = bad.json()["errors"]
    assert {(e["row"], e["column"]) for e in errors} == {(3, "所在设区市"), (3, "所在县（市、区）")}
    assert all(e["message"] for e in errors)
    assert not Enterprise.objects.exists()
    checked = post([enterprise_row("好企业")])
    assert checked.status_code == 200 and checked.json() == {"rows": 1, "errors": [], "imported": 0}
    assert not Enterprise.objects.exists()  # checking writes nothing
    with django_capture_on_commit_callbacks(execute=True):
        done = post([enterprise_row("好企业")], confirmed=True)
    assert done.status_code == 200 and done.json()["imported"] == 1
    assert Enterprise.objects.get().name == "好企业" and Invitation.objects.count() == 1
    experts = api.post(
        "/api/v1/review/imports/experts/",
        {"file": SimpleUploadedFile("专家.xlsx", workbook("experts", []))},
        format="multipart",
    )
    assert experts.status_code == 403  # the expert pool is the province's
    missing = api_as(city_reviewer_nanjing).post(url, {}, format="multipart")
    assert missing.status_code == 400 and "file" in missing.json()
