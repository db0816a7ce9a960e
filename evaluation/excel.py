"""The indicator-input workbook: a template to download, and reading a filled one back.

One sheet of single values per year (code, name, unit, value, note), named with the year
("基准年2024"), and one sheet per year and table input (one row per line, one column per table
column). Values are numeric cells with a number format; an input that does not apply to the
enterprise's industry type is greyed with a note. Reading it back maps every problem to its
sheet and cell and the input it holds, and nothing is imported unless the whole file is valid
(``services.assessment_inputs_import``).
"""

import io
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import openpyxl
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from indicators.engine import applicable_input_codes
from indicators.inputs import InputSpec
from indicators.models import IndicatorDefinition, InputKind
from portal.spreadsheets import neutralised_row, workbook_rows

from .models import Assessment, Period
from .uploads import check_size

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
VALUE_COLUMN = 4  # D: the value of a single input
HEADER = Font(bold=True)
FILL = PatternFill("solid", fgColor="FFF2CC")
NOT_APPLICABLE = PatternFill("solid", fgColor="D9D9D9")
GREY = Font(color="808080")
MAX_BYTES = 5 * 1024 * 1024
NUMBER_FORMATS = {InputKind.COUNT: "#,##0", "number": "#,##0.00##"}
PATH = re.compile(
    r"^(?P<period>\w+?)_inputs\.(?P<code>[\w-]+)(?:\[(?P<row>\d+)\]\.(?P<column>[\w-]+))?$"
)


def _period_title(period: str, year=None) -> str:
    """The sheet of a year's single values: "基准年2024" (the label alone while no year is set)."""
    if not year:
        return str(Period(period).label)
    return _("%(period)s%(year)s") % {"period": Period(period).label, "year": year}


def _year_of(assessment: Assessment, period: str):
    return assessment.base_year if period == Period.BASE else assessment.current_year


def _table_title(title: str, definition) -> str:
    return f"{title}-{definition.name}"[:31]


def _cell_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):  # a numeric cell: as typed, not as binary float
        return format(Decimal(repr(value)).normalize(), "f")
    text = str(value).strip()
    return text or None


def _as_number(value):
    """A saved value as a numeric cell; text that is no number stays text."""
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return value
    return int(number) if number == number.to_integral_value() else float(number)


def _numeric(sheet, column: str, first_row: int, kind: str) -> None:
    """The column takes numbers only (Excel refuses text as it is typed), shown with grouping."""
    whole = kind == InputKind.COUNT
    rule = DataValidation(
        type="whole" if whole else "decimal",
        operator="greaterThanOrEqual" if whole else "between",
        formula1="0" if whole else "-1E+15",
        formula2=None if whole else "1E+15",
        allow_blank=True,
        showErrorMessage=True,
        error=str(_("请输入数字。")),
    )
    sheet.add_data_validation(rule)
    rule.add(f"{column}{first_row}:{column}{max(sheet.max_row, first_row) + 200}")


def inputs_template(assessment: Assessment) -> bytes:
    """A workbook of every input for both years, pre-filled with what is saved; text that a
    spreadsheet would run as a formula (a warehouse named "=…") is written as text."""
    version = assessment.batch.catalog_version
    spec = InputSpec.for_version(version)
    applicable = applicable_input_codes(
        IndicatorDefinition.objects.filter(version=version), assessment.enterprise.industry_type
    )
    note = _("不适用于本企业行业类型，无需填写")
    book = openpyxl.Workbook()
    book.remove(book.active)
    for period in Period.values:
        saved = assessment.inputs_for(period)
        title = _period_title(period, _year_of(assessment, period))
        sheet = book.create_sheet(title)
        sheet.append(neutralised_row([_("输入代码"), _("名称"), _("单位"), _("数值"), _("说明")]))
        for definition in spec.definitions.values():
            if definition.code in spec.tables:
                continue
            applies = definition.code in applicable
            sheet.append(
                neutralised_row(
                    [
                        definition.code,
                        definition.display_name,
                        definition.display_unit,
                        _as_number(saved.get(definition.code)),
                        "" if applies else note,
                    ]
                )
            )
            row = sheet.max_row
            value = sheet.cell(row, VALUE_COLUMN)
            value.number_format = NUMBER_FORMATS.get(definition.kind, NUMBER_FORMATS["number"])
            value.fill = FILL if applies else NOT_APPLICABLE
            if not applies:
                for column in range(1, VALUE_COLUMN + 2):
                    sheet.cell(row, column).font = GREY
        _numeric(sheet, "D", 2, InputKind.NUMBER)
        for column, width in zip("ABCDE", (28, 36, 12, 18, 30), strict=True):
            sheet.column_dimensions[column].width = width
        for code, columns in spec.tables.items():
            definition = spec.definitions[code]
            table = book.create_sheet(_table_title(title, definition))
            pick = definition._pick
            table.append(
                neutralised_row(
                    pick(col.get("name", c), col.get("name_en", "")) for c, col in columns.items()
                )
            )
            table.append(neutralised_row(columns))  # the column codes, read back on import
            for row in saved.get(code) or []:
                table.append(
                    neutralised_row(
                        _as_number(row.get(c)) if col.get("kind") == "number" else row.get(c)
                        for c, col in columns.items()
                    )
                )
            for i, col in enumerate(columns.values(), 1):
                letter = get_column_letter(i)
                table.column_dimensions[letter].width = 20
                if col.get("kind") == "number":
                    _numeric(table, letter, 3, InputKind.NUMBER)
                    for cell in table[letter][2:]:
                        cell.number_format = NUMBER_FORMATS["number"]
            if code not in applicable:
                table["A1"].fill = NOT_APPLICABLE
                table.cell(1, len(columns) + 1, str(note)).font = GREY
    for sheet in book.worksheets:
        for cell in sheet[1]:
            cell.font = HEADER
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _year_sheet(book: dict, assessment: Assessment, period: str, problems: list) -> str | None:
    """The title of ``period``'s sheet: the year in its name must be the assessment's."""
    label, year = str(Period(period).label), _year_of(assessment, period)
    found = [t for t in book if re.fullmatch(re.escape(label) + r" ?\d*", t)]
    if not found:
        problems.append(
            _("缺少工作表“%(sheet)s”，请使用下载的模板。") % {"sheet": _period_title(period, year)}
        )
        return None
    title = found[0]
    if title != _period_title(period, year) and title != label:
        problems.append(
            _("工作表“%(sheet)s”的年份与本次申报的%(period)s（%(year)s）不一致，请重新下载模板。")
            % {"sheet": title, "period": label, "year": year or "—"}
        )
        return None
    return title


def inputs_from_workbook(assessment: Assessment, uploaded) -> tuple[dict, dict]:
    """({period: values}, {input path: "Sheet!Cell"}) read from a filled template.

    Raises ValidationError on ``file`` when the file is not this template.
    """
    check_size(uploaded, MAX_BYTES)
    book = workbook_rows(uploaded, field="file")
    spec = InputSpec.for_version(assessment.batch.catalog_version)
    values, cells, problems = {}, {}, []
    for period in Period.values:
        title = _year_sheet(book, assessment, period, problems)
        if title is None:
            continue
        found = {}
        for number, row in enumerate(book[title][1:], 2):
            code = _cell_text(row[0]) if row else None
            if code is None:
                continue
            value = _cell_text(row[VALUE_COLUMN - 1]) if len(row) >= VALUE_COLUMN else None
            found[code] = value
            cells[f"{period}_inputs.{code}"] = f"{title}!{get_column_letter(VALUE_COLUMN)}{number}"
        for code, columns in spec.tables.items():
            sheet_title = _table_title(title, spec.definitions[code])
            if sheet_title not in book:
                continue
            rows = book[sheet_title][1:]
            header = [_cell_text(c) for c in (rows[0] if rows else ())]
            lines = []
            for number, row in enumerate(rows[1:], 3):
                line = {
                    name: _cell_text(v)
                    for name, v in zip(header, row, strict=False)
                    if name in columns
                }
                if any(v is not None for v in line.values()):
                    index = len(lines)
                    for j, name in enumerate(header):
                        if name in columns:
                            cells[f"{period}_inputs.{code}[{index}].{name}"] = (
                                f"{sheet_title}!{get_column_letter(j + 1)}{number}"
                            )
                    lines.append({k: v for k, v in line.items() if v is not None})
            found[code] = lines
            cells[f"{period}_inputs.{code}"] = f"{sheet_title}!A3"
        values[period] = found
    if problems:
        raise ValidationError({"file": problems})
    return values, cells


def field_label(spec: InputSpec, path: str) -> str:
    """The input an error path (``current_inputs.warehouses[0].outbound``) names, in the
    reader's language: "出库量（warehouses · outbound）"."""
    match = PATH.match(path)
    definition = match and spec.definitions.get(match["code"])
    if not definition:
        return ""
    if not match["column"]:
        return f"{definition.display_name}（{definition.code}）"
    column = spec.tables.get(definition.code, {}).get(match["column"], {})
    name = definition._pick(column.get("name", match["column"]), column.get("name_en", ""))
    return f"{definition.display_name} · {name}（{definition.code} · {match['column']}）"


def import_changes(assessment: Assessment, before: dict, spec: InputSpec) -> list[dict]:
    """What an import changed, input by input and year (old → new), in the catalog's order:
    ``before`` is each period's inputs as they were. A table input is counted in rows."""
    changes = []
    for period in Period.values:
        old_inputs, new_inputs = before[period], assessment.inputs_for(period)
        for code, definition in spec.definitions.items():
            old, new = old_inputs.get(code), new_inputs.get(code)
            if (old or None) == (new or None):
                continue
            if code in spec.tables:
                old, new = (_("%(n)s 行") % {"n": len(v or [])} for v in (old, new))
            changes.append(
                {
                    "period": period,
                    "year": _period_title(period, _year_of(assessment, period)),
                    "code": code,
                    "name": definition.display_name,
                    "unit": definition.display_unit if code not in spec.tables else "",
                    "old": "" if old is None else str(old),
                    "new": "" if new is None else str(new),
                }
            )
    return changes


def inputs_template_download(assessment: Assessment) -> HttpResponse:
    """The template as an attachment, for the API and the import page alike."""
    response = HttpResponse(inputs_template(assessment), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="indicator-inputs-{assessment.pk}.xlsx"'
    )
    return response
