"""The indicator-input workbook: a template to download, and reading a filled one back.

One sheet of single values per year (code, name, unit, value) and one sheet per
year and table input (one row per line, one column per table column). Reading
it back maps every problem to its sheet and cell, and nothing is imported
unless the whole file is valid (``services.assessment_inputs_import``).
"""

import io
from datetime import date, datetime

import openpyxl
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from indicators.inputs import InputSpec
from portal.spreadsheets import neutralised_row, workbook_rows

from .models import Assessment, Period
from .uploads import check_size

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
VALUE_COLUMN = 4  # D: the value of a single input
HEADER = Font(bold=True)
FILL = PatternFill("solid", fgColor="FFF2CC")
MAX_BYTES = 5 * 1024 * 1024


def _period_title(period: str) -> str:
    return str(Period(period).label)


def _table_title(period: str, definition) -> str:
    return f"{_period_title(period)}-{definition.name}"[:31]


def _cell_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text or None


def inputs_template(assessment: Assessment) -> bytes:
    """A workbook of every input for both years, pre-filled with what is saved; text that a
    spreadsheet would run as a formula (a warehouse named "=…") is written as text."""
    spec = InputSpec.for_version(assessment.batch.catalog_version)
    book = openpyxl.Workbook()
    book.remove(book.active)
    for period in Period.values:
        saved = assessment.inputs_for(period)
        sheet = book.create_sheet(_period_title(period))
        sheet.append(neutralised_row([_("输入代码"), _("名称"), _("单位"), _("数值")]))
        for definition in spec.definitions.values():
            if definition.code in spec.tables:
                continue
            sheet.append(
                neutralised_row(
                    [definition.code, definition.name, definition.unit, saved.get(definition.code)]
                )
            )
            sheet.cell(sheet.max_row, VALUE_COLUMN).fill = FILL
        for column, width in zip("ABCD", (28, 36, 12, 18), strict=True):
            sheet.column_dimensions[column].width = width
        for code, columns in spec.tables.items():
            table = book.create_sheet(_table_title(period, spec.definitions[code]))
            table.append(neutralised_row(columns[c].get("name", c) for c in columns))
            table.append(neutralised_row(columns))  # the column codes, read back on import
            for row in saved.get(code) or []:
                table.append(neutralised_row(row.get(c) for c in columns))
            for i in range(1, len(columns) + 1):
                table.column_dimensions[get_column_letter(i)].width = 20
    for sheet in book.worksheets:
        for cell in sheet[1]:
            cell.font = HEADER
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def inputs_from_workbook(assessment: Assessment, uploaded) -> tuple[dict, dict]:
    """({period: values}, {input path: "Sheet!Cell"}) read from a filled template.

    Raises ValidationError on ``file`` when the file is not this template.
    """
    check_size(uploaded, MAX_BYTES)
    book = workbook_rows(uploaded, field="file")
    spec = InputSpec.for_version(assessment.batch.catalog_version)
    values, cells, problems = {}, {}, []
    for period in Period.values:
        title = _period_title(period)
        if title not in book:
            problems.append(_("缺少工作表“%(sheet)s”，请使用下载的模板。") % {"sheet": title})
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
            sheet_title = _table_title(period, spec.definitions[code])
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


def inputs_template_download(assessment: Assessment) -> HttpResponse:
    """The template as an attachment, for the API and the import page alike."""
    response = HttpResponse(inputs_template(assessment), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="indicator-inputs-{assessment.pk}.xlsx"'
    )
    return response
