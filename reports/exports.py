"""One writer for every export: a table (a DataFrame whose columns are the headers) → an XLSX
or CSV download.

Text cells that a spreadsheet would run as a formula (starting with = + - @ or a tab or
carriage return) are written with a leading ' so they stay text, in both formats
(``portal.spreadsheets.neutralised``, the rule of every workbook the portal writes). The CSV is
UTF-8 with a byte order mark, which Excel needs to read Chinese; the workbook is streamed row
by row (XlsxWriter's constant memory mode), which is what keeps 10,000 rows × 180 columns to a
few seconds.
"""

import io
import re

import pandas as pd
import xlsxwriter
from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header

from portal.spreadsheets import neutralised, neutralised_row

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"xlsx": XLSX, "csv": "text/csv; charset=utf-8"}
FORMATS = tuple(CONTENT_TYPES)
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
MAX_COLUMN_WIDTH = 40
WIDTH_SAMPLE = 200  # rows looked at to size the columns


def _prepared(frame: pd.DataFrame) -> pd.DataFrame:
    """Text neutralised, the headers too; times in the portal's time zone without the zone
    (neither format has one); every missing value None."""
    columns = []
    for _name, column in frame.items():
        if isinstance(column.dtype, pd.DatetimeTZDtype):
            column = column.dt.tz_convert(timezone.get_current_timezone()).dt.tz_localize(None)
        elif pd.api.types.is_object_dtype(column.dtype) or pd.api.types.is_string_dtype(
            column.dtype
        ):
            column = column.map(neutralised, na_action="ignore")
        columns.append(column.astype(object).where(column.notna(), None))
    prepared = pd.concat(columns, axis=1) if columns else pd.DataFrame(index=frame.index)
    prepared.columns = neutralised_row(str(name) for name in frame.columns)
    return prepared


def _width(text) -> int:
    """Roughly how many character cells a value takes: CJK characters count twice."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in str(text))


def _xlsx(frame: pd.DataFrame, sheet_name: str) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "default_date_format": "yyyy-mm-dd hh:mm",
        },
    )
    sheet = book.add_worksheet(SHEET_NAME_FORBIDDEN.sub(" ", sheet_name)[:31] or "Sheet1")
    header = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    sample = frame.head(WIDTH_SAMPLE)
    for i, name in enumerate(frame.columns):
        widest = max([_width(name) / 2, *(_width(v) for v in sample[name] if v is not None)])
        sheet.set_column(i, i, min(max(widest + 2, 8), MAX_COLUMN_WIDTH))
    sheet.write_row(0, 0, [str(c) for c in frame.columns], header)
    sheet.freeze_panes(1, 0)
    for r, row in enumerate(frame.itertuples(index=False, name=None), 1):
        sheet.write_row(r, 0, row)
    if len(frame.columns):
        sheet.autofilter(0, 0, len(frame), len(frame.columns) - 1)
    book.close()
    return out.getvalue()


def _csv(frame: pd.DataFrame) -> bytes:
    text = frame.to_csv(index=False, date_format="%Y-%m-%d %H:%M:%S", lineterminator="\r\n")
    return text.encode("utf-8-sig")


def export_content(frame: pd.DataFrame, *, fmt: str, sheet: str) -> bytes:
    """``frame`` as the bytes of an XLSX or CSV file (the page and the worker alike)."""
    prepared = _prepared(frame)
    return _xlsx(prepared, sheet) if fmt == "xlsx" else _csv(prepared)


def export_response(
    frame: pd.DataFrame, *, fmt: str, filename: str, sheet: str = ""
) -> HttpResponse:
    """``frame`` as an attachment named ``filename`` plus the format's extension."""
    content = export_content(frame, fmt=fmt, sheet=sheet or filename)
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(True, f"{filename}.{fmt}")
    return response


class FormatConverter:
    """``<export:fmt>`` in a URL: one of the formats; anything else does not match (404)."""

    regex = "|".join(FORMATS)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
