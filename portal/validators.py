"""Validators for Chinese registration data."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# GB 32100-2015: the 31 characters a unified social credit code may use
# (I, O, Z, S and V are left out to avoid confusion with digits).
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_PATTERN = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")


def uscc_check_character(first17: str) -> str:
    """The 18th character of a unified social credit code for its first 17."""
    total = sum(USCC_CHARSET.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARSET[(31 - total % 31) % 31]


def normalize_credit_code(value: str) -> str:
    return (value or "").strip().upper()


def validate_credit_code(value: str) -> None:
    code = normalize_credit_code(value)
    if len(code) != 18:
        raise ValidationError(
            _("统一社会信用代码应为 18 位，当前为 %(n)d 位。"),
            code="length",
            params={"n": len(code)},
        )
    if not USCC_PATTERN.match(code):
        raise ValidationError(
            _("统一社会信用代码含有不允许的字符（不使用 I、O、Z、S、V；第 3–8 位为行政区划码）。"),
            code="charset",
        )
    expected = uscc_check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _("统一社会信用代码校验位错误：按 GB 32100-2015 第 18 位应为 %(expected)s。"),
            code="checksum",
            params={"expected": expected},
        )


# GB/T 4754-2017 manufacturing (门类 C) covers divisions 13 to 43; codes are the
# section letter followed by a 2-digit division, optionally group and class.
INDUSTRY_CODE_PATTERN = re.compile(r"^C(\d{2})(\d{1,2})?$")


def validate_manufacturing_industry_code(value: str) -> None:
    match = INDUSTRY_CODE_PATTERN.match((value or "").strip().upper())
    if not match or not 13 <= int(match.group(1)) <= 43:
        raise ValidationError(
            _("行业代码应为国民经济行业分类（GB/T 4754-2017）制造业代码，如 C3311（C13–C43）。"),
            code="industry_code",
        )


# A mainland mobile number (11 digits from 13x to 19x), a landline with its area code (010,
# 025, 0512 …; a hyphen between them and an extension allowed) or a 400/800 service number.
PHONE_PATTERN = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?|[48]00-?\d{3}-?\d{4})$")


def normalize_phone(value: str) -> str:
    """Spaces and a leading +86 dropped; full-width digits and hyphens made plain."""
    text = unicodedata.normalize("NFKC", value or "").replace(" ", "").replace("－", "-")
    text = text.replace("—", "-").replace("–", "-")
    if text.startswith("+86"):
        text = text[3:].lstrip("-")
    return text


def validate_phone(value: str) -> None:
    if not PHONE_PATTERN.match(normalize_phone(value)):
        raise ValidationError(
            _("请填写有效的电话号码：11 位手机号码，或带区号的固定电话（如 025-83331234）。"),
            code="phone",
        )
