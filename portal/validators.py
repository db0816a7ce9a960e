"""Validators for Chinese registration data."""

import re

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
