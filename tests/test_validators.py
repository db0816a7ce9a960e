import pytest
from django.core.exceptions import ValidationError

from portal.validators import (
    uscc_check_character,
    validate_credit_code,
    validate_manufacturing_industry_code,
)


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110108551385082Q", "91320500mA1W8K3P2H"])
def test_valid_credit_codes_pass(code):
    validate_credit_code(code)


@pytest.mark.parametrize(
    ("code", "error_code"),
    [
        ("91350100M000100Y4", "length"),
        ("91350100M000100Y44", "checksum"),
        ("91350100M000100YI3", "charset"),  # I is not in the GB 32100 character set
        ("9135010OM000100Y43", "charset"),  # the region code must be digits
    ],
)
def test_invalid_credit_codes_are_refused_with_a_reason(code, error_code):
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(code)
    assert exc.value.code == error_code


def test_checksum_error_names_the_expected_character():
    with pytest.raises(ValidationError) as exc:
        validate_credit_code("91350100M000100Y40")
    assert "3" in exc.value.messages[0]
    assert uscc_check_character("91350100M000100Y4") == "3"


@pytest.mark.parametrize("code", ["C13", "C3421", "C4350", "c26"])
def test_manufacturing_industry_codes_pass(code):
    validate_manufacturing_industry_code(code)


@pytest.mark.parametrize("code", ["C12", "C44", "A0111", "3421", "C342101", ""])
def test_other_industry_codes_are_refused(code):
    with pytest.raises(ValidationError):
        validate_manufacturing_industry_code(code)
