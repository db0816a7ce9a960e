"""Bulk import from Excel: a city's list of enterprises (its city reviewer, or the province for
any city) and the province's pool of experts. The workbook is read by the one hostile-workbook
reader (``portal.spreadsheets.workbook_rows``); every row is checked as the model checks it,
each error naming its row and column; nothing is imported unless every row is right, in one
transaction. Each imported enterprise's contact is invited as its admin (the invitation
e-mail), each expert e-mailed a link to set a password."""

from dataclasses import dataclass, field

import tablib
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.models import (
    City,
    District,
    Enterprise,
    IndustryType,
    Role,
    SizeClass,
    User,
)
from portal.services import audit_log_record, invitation_send, user_create
from portal.spreadsheets import neutralised_row, workbook_rows
from portal.validators import normalize_credit_code, normalize_phone, validate_phone

ENTERPRISES, EXPERTS = "enterprises", "experts"
MAX_ROWS = 2000

# (field, column header) of each kind's template, in order
COLUMNS = {
    ENTERPRISES: (
        ("name", gettext_lazy("企业名称")),
        ("credit_code", gettext_lazy("统一社会信用代码")),
        ("city", gettext_lazy("所在设区市")),
        ("district", gettext_lazy("所在县（市、区）")),
        ("industry_code", gettext_lazy("国民经济行业代码")),
        ("industry_type", gettext_lazy("行业类型")),
        ("size", gettext_lazy("企业规模")),
        ("contact_name", gettext_lazy("联系人")),
        ("contact_phone", gettext_lazy("联系电话")),
        ("email", gettext_lazy("联系人邮箱")),
    ),
    EXPERTS: (
        ("name", gettext_lazy("姓名")),
        ("email", gettext_lazy("邮箱")),
        ("phone", gettext_lazy("手机号码")),
        ("employer", gettext_lazy("工作单位")),
        ("city", gettext_lazy("所在设区市")),
    ),
}
EXAMPLES = {
    ENTERPRISES: (
        "示例制造有限公司",
        "91320505MA1X000018",
        "苏州市",
        "虎丘区",
        "C3421",
        "离散型",
        "中型",
        "张三",
        "13812345678",
        "zhangsan@example.com",
    ),
    EXPERTS: ("李四", "lisi@example.com", "13912345678", "某大学", "南京市"),
}


@dataclass
class RowError:
    row: int  # as Excel numbers it (the header is row 1)
    column: str
    message: str


@dataclass
class ImportPreview:
    kind: str
    rows: list[dict] = field(default_factory=list)  # each row's values as read
    errors: list[RowError] = field(default_factory=list)
    imported: int = 0

    @property
    def columns(self) -> list[str]:
        return [str(label) for _field, label in COLUMNS[self.kind]]

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.errors


class ImportRefused(ValidationError):
    """Nothing imported: the workbook has errors (or no rows), named on ``file``; ``preview``
    holds each one by row and column."""

    def __init__(self, preview: ImportPreview):
        n = len(preview.errors)
        super().__init__({"file": _("有 %(n)s 处错误，未导入任何数据。") % {"n": n}})
        self.preview = preview


def may_import(user, kind: str) -> bool:
    """Enterprises: a city reviewer (its own city's) or the province; experts: the province."""
    if not user.is_authenticated:
        return False
    if kind == ENTERPRISES:
        return user.is_province_admin or user.is_city_reviewer
    return kind == EXPERTS and user.is_province_admin


def import_template(kind: str) -> bytes:
    """The template: its header row and one example row (to be replaced)."""
    dataset = tablib.Dataset(headers=[str(label) for _f, label in COLUMNS[kind]])
    dataset.append(neutralised_row(EXAMPLES[kind]))
    dataset.title = str(_("企业名单") if kind == ENTERPRISES else _("专家名单"))
    return dataset.export("xlsx")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone number typed as a number
    return str(value).strip()


def _choice(choices, text: str):
    """A choice by its label (as the template shows it) or its value."""
    for value, label in choices:
        if text in (str(value), str(label)):
            return value
    return None


def _rows(kind: str, upload) -> tuple[list[tuple[int, dict]], list[RowError]]:
    sheets = workbook_rows(upload, field="file")
    rows = next(iter(sheets.values()), []) if sheets else []
    if not rows:
        raise ValidationError({"file": _("工作簿是空的，请使用模板填写。")})
    headers = [_text(h) for h in rows[0]]
    fields, errors = {}, []
    for name, label in COLUMNS[kind]:
        if str(label) in headers:
            fields[name] = headers.index(str(label))
        elif name in headers:
            fields[name] = headers.index(name)
        else:
            errors.append(
                RowError(1, str(label), _("缺少列“%(column)s”，请使用模板。") % {"column": label})
            )
    if errors:
        return [], errors
    body = [
        (number, {name: _text(row[i]) if i < len(row) else "" for name, i in fields.items()})
        for number, row in enumerate(rows[1:], start=2)
        if any(_text(v) for v in row)
    ]
    if len(body) > MAX_ROWS:
        raise ValidationError({"file": _("一次最多导入 %(n)s 行。") % {"n": MAX_ROWS}})
    if not body:
        raise ValidationError({"file": _("工作簿中没有数据行。")})
    return body, []


def _label(kind: str, name: str) -> str:
    return str(dict(COLUMNS[kind])[name])


def _model_errors(kind: str, number: int, exc: ValidationError, into: list) -> None:
    """A model's validation errors, each under its column (the field's name if none)."""
    labels = dict(COLUMNS[kind])
    for name, messages in exc.message_dict.items():
        column = str(labels.get(name, name))
        into.extend(RowError(number, column, message) for message in messages)


def _enterprise_row(actor, number: int, values: dict, seen: dict, errors: list):
    """The enterprise a row describes, unsaved, and its contact's address; its errors added."""
    mine = []

    def refuse(name, message):
        mine.append(RowError(number, _label(ENTERPRISES, name), message))

    city = _choice(City.choices, values["city"])
    if city is None:
        refuse("city", _("“%(value)s”不是江苏省的设区市。") % {"value": values["city"]})
    elif actor.is_city_reviewer and not actor.is_province_admin and city != actor.city:
        refuse(
            "city",
            _("只能导入%(city)s的企业。") % {"city": City(actor.city).label},
        )
    district = None
    if city is not None:
        district = District.objects.filter(city=city, name=values["district"]).first()
        if district is None:
            refuse(
                "district",
                _("“%(value)s”不是%(city)s的县（市、区）。")
                % {"value": values["district"], "city": City(city).label},
            )
    chosen = {}
    for name, choices in (("industry_type", IndustryType.choices), ("size", SizeClass.choices)):
        chosen[name] = _choice(choices, values[name])
        if chosen[name] is None:
            refuse(
                name,
                _("“%(value)s”不是可选的值（%(choices)s）。")
                % {"value": values[name], "choices": "、".join(str(c[1]) for c in choices)},
            )
    enterprise = Enterprise(
        name=values["name"],
        credit_code=normalize_credit_code(values["credit_code"]),
        city=city or "",
        district=district,
        industry_code=values["industry_code"].upper(),
        industry_type=chosen["industry_type"] or "",
        size=chosen["size"] or "",
        contact_name=values["contact_name"],
        contact_phone=normalize_phone(values["contact_phone"]),
    )
    try:
        checked_elsewhere = ["city", "district"] + [n for n, v in chosen.items() if v is None]
        enterprise.full_clean(exclude=checked_elsewhere)
    except ValidationError as exc:
        _model_errors(ENTERPRISES, number, exc, mine)
    email = values["email"].lower()
    try:
        validate_email(email)
    except ValidationError:
        refuse("email", _("请填写有效的电子邮箱地址。"))
    code = enterprise.credit_code
    if code and code in seen:
        refuse("credit_code", _("与第 %(row)s 行的统一社会信用代码重复。") % {"row": seen[code]})
    seen.setdefault(code, number)
    errors.extend(mine)
    return enterprise, email


def _expert_row(number: int, values: dict, seen: dict, errors: list) -> dict:
    mine = []

    def refuse(name, message):
        mine.append(RowError(number, _label(EXPERTS, name), message))

    if not values["name"]:
        refuse("name", _("请填写姓名。"))
    email = values["email"].lower()
    try:
        validate_email(email)
    except ValidationError:
        refuse("email", _("请填写有效的电子邮箱地址。"))
    else:
        if (
            User.objects.filter(username__iexact=email).exists()
            or User.objects.filter(email__iexact=email).exists()
        ):
            refuse("email", _("该邮箱已有账号。"))
        elif email in seen:
            refuse("email", _("与第 %(row)s 行的邮箱重复。") % {"row": seen[email]})
        seen.setdefault(email, number)
    phone = normalize_phone(values["phone"])
    if phone:
        try:
            validate_phone(phone)
        except ValidationError as exc:
            mine.extend(RowError(number, _label(EXPERTS, "phone"), m) for m in exc.messages)
    if not values["employer"]:
        refuse("employer", _("请填写工作单位（用于回避）。"))
    city = _choice(City.choices, values["city"]) if values["city"] else ""
    if city is None:
        refuse("city", _("“%(value)s”不是江苏省的设区市。") % {"value": values["city"]})
    errors.extend(mine)
    return {
        "first_name": values["name"][:150],
        "email": email,
        "phone": phone,
        "employer": values["employer"][:200],
        "city": city or "",
    }


def import_preview(*, actor, kind: str, upload) -> ImportPreview:
    """Every row checked, nothing written: the rows as read and each error by row and column.
    ValidationError on ``file`` for a workbook that cannot be read at all."""
    if not may_import(actor, kind):
        raise PermissionDenied(_("您不能导入该名单。"))
    body, errors = _rows(kind, upload)
    preview = ImportPreview(kind=kind, errors=errors)
    seen = {}
    for number, values in body:
        if kind == ENTERPRISES:
            parsed = _enterprise_row(actor, number, values, seen, preview.errors)
        else:
            parsed = _expert_row(number, values, seen, preview.errors)
        cells = [values[name] for name, _label in COLUMNS[kind]]
        preview.rows.append({"row": number, "cells": cells, "parsed": parsed})
    preview.errors.sort(key=lambda e: e.row)
    return preview


@transaction.atomic
def import_commit(*, actor, kind: str, upload, request=None) -> ImportPreview:
    """Import every row of a workbook whose every row is right, in one transaction (a row that
    fails — checked again here — imports nothing), and send the invitations once committed."""
    preview = import_preview(actor=actor, kind=kind, upload=upload)
    if not preview.ok:
        raise ImportRefused(preview)
    items = []
    for row in preview.rows:
        if kind == ENTERPRISES:
            enterprise, email = row["parsed"]
            enterprise.save()
            items.append(enterprise.credit_code)
            invitation_send(
                enterprise=enterprise,
                email=email,
                role=Role.ENTERPRISE_ADMIN,
                actor=actor,
                request=request,
            )
        else:
            items.append(_expert_create(row["parsed"], actor=actor, request=request).username)
    preview.imported = len(preview.rows)
    audit_log_record(
        actor=actor,
        action=f"import.{kind}",
        summary=_("批量导入 %(n)s 条") % {"n": preview.imported},
        data={"count": preview.imported, "imported": items},
        request=request,
    )
    return preview


def _expert_create(values: dict, *, actor, request) -> User:
    user = user_create(username=values["email"], role=Role.EXPERT, **values)
    link = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    if request is not None:
        link = request.build_absolute_uri(link)
    message = render_to_string(
        "review/email/expert_invitation.txt", {"user": user, "link": link, "actor": actor}
    )
    transaction.on_commit(
        lambda: send_mail(
            subject=_("邀请您担任智改数转网联自评估省级评审专家"),
            message=message,
            from_email=None,
            recipient_list=[user.email],
        )
    )
    return user
