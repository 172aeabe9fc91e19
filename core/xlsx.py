"""Every xlsx the system writes goes through this module: text can never become a live formula.

`workbook(buffer)` gives an XlsxWriter workbook whose sheets write every string as a string cell (no
"strings_to_formulas/urls/numbers" guessing) and neutralise text that a spreadsheet would evaluate when
a person edits the cell: a value beginning with = + - @ (or a tab / carriage return, or their full-width
forms) gets a leading apostrophe, as OWASP recommends for CSV/formula injection. Numbers stay numbers.
"""

import io

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def neutralise(text: str) -> str:
    """'=HYPERLINK(…)' → "'=HYPERLINK(…)"; harmless text is returned unchanged."""
    text = "" if text is None else str(text)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


class SafeWorksheet(Worksheet):
    """A worksheet whose every string cell (write, write_string, write_row, merge_range …) is neutralised."""

    def _write_string(self, row, col, string, cell_format=None):
        return super()._write_string(row, col, neutralise(string), cell_format)

    def write_formula(self, *args, **kwargs):  # nothing we write is a formula
        raise TypeError("formulas are not written by this system (core.xlsx)")

    write_array_formula = write_dynamic_array_formula = write_formula


class SafeWorkbook(xlsxwriter.Workbook):
    def add_worksheet(self, name=None, worksheet_class=None):
        return super().add_worksheet(name, worksheet_class=SafeWorksheet)


def workbook(buffer: io.BytesIO, *, constant_memory: bool = False) -> SafeWorkbook:
    options = {
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    }
    options.update({"constant_memory": True} if constant_memory else {"in_memory": True})
    return SafeWorkbook(buffer, options)


def attachment(content: bytes, filename: str, content_type: str = CONTENT_TYPE):
    """A download response: the file named FILENAME (UTF-8, RFC 5987)."""
    from urllib.parse import quote

    from django.http import HttpResponse

    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
