"""Spreadsheets in and out, for every app: the one reader of uploaded workbooks, and the one
rule for the text cells of every workbook and CSV the portal writes.

Reading (``workbook_rows``): an .xlsx is a ZIP of XML, and both layers can be hostile. The ZIP's
directory is checked before anything is unpacked (a few KB can unpack to gigabytes); every XML
part is then parsed once with defusedxml refusing any document type declaration — the only
way to declare entities, so no "billion laughs" and no external entity is ever expanded or
fetched — and the sheets are read to the last cell inside the same ``try``. openpyxl's
read-only mode parses a sheet lazily, while it is iterated; reading everything here means a
truncated or malformed part is a refusal naming the field, never an error half-way through
an import. (openpyxl also switches to defusedxml when it is installed; the check here does not
depend on that.)

Writing (``neutralised``): a text cell starting with = + - @, a tab or a carriage return is
run as a formula by Excel and LibreOffice (OWASP, "CSV Injection"), so it is written with a
leading apostrophe, which makes it text in either format; numbers, dates and empty cells are
left as they are. Reading a workbook back removes exactly that apostrophe (``restored``), so
the portal's own templates and catalog round-trip unchanged.
"""

import io
import zipfile

import openpyxl
from defusedxml.ElementTree import iterparse
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
# A workbook is a ZIP of XML: a few KB can unpack to gigabytes (a "zip bomb"). The portal's
# largest workbook, the catalog, unpacks to well under 1 MB.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_RATIO = 100  # unpacked / packed, above RATIO_FROM bytes unpacked
RATIO_FROM = 1024 * 1024
XML_PARTS = (".xml", ".rels")


def neutralised(value):
    """A text cell (a lazy translation included) that no spreadsheet runs as a formula;
    anything else unchanged. Text that already starts with apostrophes before a trigger gets
    one more, so that ``restored`` gives back exactly what was written."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and value.lstrip(QUOTE).startswith(FORMULA_TRIGGERS):
        return QUOTE + value
    return value


def neutralised_row(values) -> list:
    """A row of cells, each ``neutralised``."""
    return [neutralised(value) for value in values]


def restored(value):
    """A cell read back from a workbook the portal wrote: ``neutralised`` undone."""
    if isinstance(value, str) and value.startswith(QUOTE) and neutralised(value[1:]) == value:
        return value[1:]
    return value


def unreadable(field: str) -> ValidationError:
    return ValidationError({field: _("无法读取该 Excel 文件（.xlsx）。")}, code="unreadable")


def _archive(source, field: str) -> zipfile.ZipFile:
    """The ZIP, once its directory shows it unpacks to a bounded size."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise unreadable(field) from exc
    members = archive.infolist()
    unpacked = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members)
    if unpacked > MAX_UNPACKED_BYTES or (
        unpacked > RATIO_FROM and unpacked > MAX_RATIO * max(packed, 1)
    ):
        raise ValidationError(
            {
                field: _("文件解压后过大（%(mb)s MB），不是有效的 Excel 文件。")
                % {"mb": round(unpacked / 2**20)}
            },
            code="unpacked_too_large",
        )
    return archive


def workbook_rows(upload, *, field: str = "file") -> dict[str, list[tuple]]:
    """Every sheet of an uploaded .xlsx (a file or its bytes) as {title: its rows of values},
    in order, cells the portal neutralised ``restored``. ValidationError on ``field`` when it
    is too large unpacked or cannot be read — not a ZIP, a part cut short or malformed, a
    document type declaration anywhere."""
    source = io.BytesIO(upload) if isinstance(upload, bytes | bytearray) else upload
    source.seek(0)
    try:
        archive = _archive(source, field)
        with archive:
            for member in archive.infolist():
                if member.filename.endswith(XML_PARTS):
                    with archive.open(member) as part:
                        for _event, element in iterparse(part, forbid_dtd=True):
                            element.clear()
        source.seek(0)
        book = openpyxl.load_workbook(source, read_only=True, data_only=True)
        try:
            return {
                sheet.title: [
                    tuple(restored(v) for v in row) for row in sheet.iter_rows(values_only=True)
                ]
                for sheet in book.worksheets
            }
        finally:
            book.close()
    except ValidationError:
        raise
    except Exception as exc:  # untrusted bytes: whatever a parser raises, the file is unreadable
        raise unreadable(field) from exc
    finally:
        source.seek(0)
