"""Indicator input values: parsing, and refusing the impossible with a field-level reason.

Values arrive as JSON (forms, the API, Excel import, MES pushes): numbers as
numbers or strings, table rows as lists of objects. They are kept as Decimal
(and ISO dates in tables) so that nothing is lost to floating point.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from scenarios.frozen import per_published_version

from .formula import Formula, parse_formula
from .models import IndicatorDefinition, InputDefinition, InputKind

MAX_TABLE_ROWS = 500
MAX_ABS_VALUE = Decimal("1e15")


@dataclass
class InputSpec:
    """The input definitions of one catalog version, as the cleaner and the formulas need them."""

    definitions: dict[str, InputDefinition]
    scalars: set[str] = field(init=False)
    tables: dict[str, dict[str, dict]] = field(init=False)

    def __post_init__(self):
        self.scalars = {c for c, d in self.definitions.items() if d.kind != InputKind.TABLE}
        self.tables = {
            c: {col["code"]: col for col in d.fields}
            for c, d in self.definitions.items()
            if d.kind == InputKind.TABLE
        }

    @classmethod
    def for_version(cls, version) -> "InputSpec":
        return _input_spec(version)

    @classmethod
    def build(cls, version) -> "InputSpec":
        return cls(
            {d.code: d for d in InputDefinition.objects.filter(version=version).order_by("no")}
        )

    def table_numeric_columns(self, table: str) -> set[str]:
        return {c for c, col in self.tables[table].items() if col.get("kind") in ("number", "date")}

    def compile(self, source: str) -> Formula:
        return parse_formula(
            source,
            scalars=self.scalars,
            tables={t: self.table_numeric_columns(t) for t in self.tables},
        )


_input_spec = per_published_version(InputSpec.build)


def formula_for(indicator: IndicatorDefinition) -> Formula:
    return InputSpec.for_version(indicator.version).compile(indicator.formula)


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _to_decimal(value) -> Decimal:
    if isinstance(value, bool):
        raise InvalidOperation
    if isinstance(value, float):
        value = repr(value)  # the shortest repr round-trips: 0.1 stays 0.1
    number = Decimal(str(value).strip().replace(",", ""))
    if not number.is_finite():
        raise InvalidOperation
    return number


def clean_number(value, kind: str) -> tuple[Decimal | None, str | None]:
    try:
        number = _to_decimal(value)
    except (InvalidOperation, ValueError, TypeError):
        return None, _("请输入数字。")
    if number < 0:
        return None, _("不能为负数。")
    if abs(number) > MAX_ABS_VALUE:
        return None, _("数值过大。")
    if kind == InputKind.COUNT and number != number.to_integral_value():
        return None, _("应为整数。")
    if kind == InputKind.PERCENT and number > 100:
        return None, _("百分比应在 0–100 之间。")
    return number, None


def _clean_date(value) -> tuple[date | None, str | None]:
    if isinstance(value, date):
        return value, None
    try:
        return date.fromisoformat(str(value).strip()), None
    except ValueError:
        return None, _("请输入日期（YYYY-MM-DD）。")


def _clean_table(code: str, rows, columns: dict[str, dict], errors: dict) -> list[dict] | None:
    if not isinstance(rows, list):
        errors[code] = [_("应为明细行列表。")]
        return None
    if len(rows) > MAX_TABLE_ROWS:
        errors[code] = [_("明细行过多（上限 %(n)d 行）。") % {"n": MAX_TABLE_ROWS}]
        return None
    cleaned = []
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            errors[f"{code}[{index}]"] = [_("每一行应为对象。")]
            continue
        out = {}
        for name in set(row) - set(columns):
            errors[f"{code}[{index}].{name}"] = [_("未知的列。")]
        for name, column in columns.items():
            value = row.get(name)
            key = f"{code}[{index}].{name}"
            kind = column.get("kind", "number")
            if _is_blank(value):
                out[name] = None
                continue
            if kind == "text":
                out[name] = str(value).strip()[:200]
            elif kind == "date":
                out[name], error = _clean_date(value)
                if error:
                    errors[key] = [error]
            else:
                out[name], error = clean_number(value, kind)
                if error:
                    errors[key] = [error]
        for name, column in columns.items():
            earlier = column.get("not_before")
            if (
                earlier
                and isinstance(out.get(name), date)
                and isinstance(out.get(earlier), date)
                and out[name] < out[earlier]
            ):
                errors[f"{code}[{index}].{name}"] = [
                    _("不能早于%(col)s。") % {"col": columns[earlier].get("name", earlier)}
                ]
        cleaned.append(out)
    return cleaned


def clean_inputs(raw: dict, spec: InputSpec) -> tuple[dict, dict[str, list[str]]]:
    """Parse one period's values; return (values, errors keyed by input code or cell path).

    Blank values are left out (they are *missing*, never zero). Refused: unknown
    codes, non-numbers, negatives, fractional counts, percentages over 100, a part
    larger than its whole, a date before the one it must follow.
    """
    if not isinstance(raw, dict):
        return {}, {"inputs": [_("应为以输入代码为键的对象。")]}
    values, errors = {}, {}
    for code, value in raw.items():
        definition = spec.definitions.get(code)
        if definition is None:
            errors[code] = [_("未知的输入代码。")]
            continue
        if _is_blank(value):
            continue
        if definition.kind == InputKind.TABLE:
            rows = _clean_table(code, value, spec.tables[code], errors)
            if rows:
                values[code] = rows
            continue
        number, error = clean_number(value, definition.kind)
        if error:
            errors[code] = [error]
        else:
            values[code] = number
    for code, definition in spec.definitions.items():
        whole = definition.not_greater_than
        if whole and code in values and whole in values and values[code] > values[whole]:
            errors.setdefault(code, []).append(
                _("不能大于%(whole)s（%(value)s）。")
                % {"whole": spec.definitions[whole].name, "value": values[whole]}
            )
    return values, errors


def serialize_inputs(values: dict) -> dict:
    """Cleaned values as JSON: Decimals as strings (exact), dates as ISO strings."""

    def plain(value):
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, date):
            return value.isoformat()
        return value

    out = {}
    for code, value in values.items():
        if isinstance(value, list):
            out[code] = [{k: plain(v) for k, v in row.items()} for row in value]
        else:
            out[code] = plain(value)
    return out
