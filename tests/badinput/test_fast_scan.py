"""The roster pre-check's fast scan (C-level regular expressions over an ordinary sheet) answers exactly
as the expat scan does, or hands the sheet to it: the same row count, the same refusal and message."""

import io
import zipfile

import pytest

from core import spreadsheets
from core.spreadsheets import SheetLimits, SpreadsheetError
from tests.badinput import hostile
from tests.factories import Factory

LIMITS = SheetLimits(max_rows=100)
SHEET = "xl/worksheets/sheet1.xml"


def book_of(content: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(content))


def sheet_path(book) -> str:
    return spreadsheets._first_sheet_path(book, {i.filename for i in book.infolist()})


def outcome(scan, content: bytes, limits=LIMITS):
    """The row count, or the refusal's message."""
    book = book_of(content)
    try:
        return scan(book, sheet_path(book), limits)
    except SpreadsheetError as error:
        return error.message


def with_sheet(content: bytes, change) -> bytes:
    """CONTENT with its first sheet's XML passed through CHANGE (text → text)."""
    source, buffer = book_of(content), io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == SHEET:
                data = change(data.decode()).encode()
            out.writestr(info.filename, data)
    return buffer.getvalue()


PEOPLE = Factory().people(30)


@pytest.mark.parametrize(
    "content",
    [
        Factory.roster_xlsx(PEOPLE),  # XlsxWriter, shared strings
        Factory.roster_xlsx(PEOPLE, constant_memory=True),  # XlsxWriter, inline strings
        hostile.raw_xlsx([hostile.HEADER, *PEOPLE]),  # another writer, no spans or styles
        hostile.raw_xlsx([hostile.HEADER, *PEOPLE], dimension=None),
        hostile.raw_xlsx([hostile.HEADER, *PEOPLE, [None] * 5, [None, "", None]]),  # blank rows at the end
    ],
    ids=["xlsxwriter", "xlsxwriter-inline", "hand-written", "no-dimension", "blank-rows"],
)
def test_an_ordinary_sheet_is_counted_by_the_fast_scan_as_the_exact_scan_counts_it(content):
    exact = outcome(spreadsheets._exact_scan_sheet, content)
    assert exact == 30
    assert outcome(spreadsheets._fast_scan_sheet, content) == exact  # no _Unusual: it really ran


def test_the_fast_scan_sees_empty_rows_and_styled_empty_cells_as_blank():
    content = with_sheet(
        hostile.raw_xlsx([hostile.HEADER, *PEOPLE[:3]]),
        lambda xml: xml.replace(
            "</sheetData>",
            '<row r="7" spans="1:5"/><row r="8"><c r="A8" s="1"/><c r="B8"><v></v></c></row></sheetData>',
        ),
    )
    assert outcome(spreadsheets._exact_scan_sheet, content) == 3
    assert outcome(spreadsheets._fast_scan_sheet, content) == 3


@pytest.mark.parametrize(
    "change",
    [
        lambda xml: xml.replace("<row", "<x:row").replace("</row>", "</x:row>"),
        lambda xml: xml.replace("<sheetData>", "<sheetData><!-- a comment -->"),
        lambda xml: xml.replace('<c r="B3"', "<c", 1),  # a cell without its position
        lambda xml: xml.replace("<v>3</v>", "<v><![CDATA[3]]></v>", 1),
        lambda xml: xml.replace('<row r="4">', "<row>", 1),
    ],
    ids=["prefixed", "comment", "cell-without-ref", "cdata", "row-without-number"],
)
def test_an_unusual_sheet_goes_to_the_exact_scan(change):
    content = with_sheet(hostile.raw_xlsx([hostile.HEADER, *PEOPLE]), change)
    with pytest.raises(spreadsheets._Unusual):
        spreadsheets._fast_scan_sheet(book_of(content), SHEET, LIMITS)
    assert outcome(spreadsheets._scan_sheet, content) == outcome(spreadsheets._exact_scan_sheet, content)


@pytest.mark.parametrize(
    "build",
    [
        hostile.sparse_corner_template,
        hostile.sparse_corner_lying_dimension,
        lambda: hostile.huge_cell(shared=False),
        hostile.many_columns,
        lambda: hostile.raw_xlsx([hostile.HEADER, *Factory().people(150)], dimension=None),  # over 100
        lambda: hostile.raw_xlsx([hostile.HEADER, *Factory().people(150)]),  # over, by its dimension
        lambda: hostile.raw_xlsx([hostile.HEADER, *PEOPLE, ["x" * 999]]),  # a long cell within the limit
        lambda: hostile.raw_xlsx([hostile.HEADER, *PEOPLE], extra_rows='<row r="5000"><c r="A5000"/></row>'),
        lambda: hostile.raw_xlsx(
            [hostile.HEADER, *PEOPLE], extra_rows='<row r="5000"><c r="A5000"><v>1</v></c></row>'
        ),
        lambda: hostile.raw_xlsx(
            [hostile.HEADER, *PEOPLE], extra_rows='<row r="40"><c r="BZ40"><v>1</v></c></row>'
        ),
    ],
    ids=[
        "sparse-corner",
        "lying-dimension",
        "huge-inline-cell",
        "many-columns",
        "over-the-limit",
        "over-by-dimension",
        "long-cell",
        "far-empty-cell",
        "far-filled-row",
        "far-filled-column",
    ],
)
def test_a_refused_or_odd_sheet_gets_the_exact_scans_answer(build):
    content = build()
    assert outcome(spreadsheets._scan_sheet, content) == outcome(spreadsheets._exact_scan_sheet, content)


def test_a_huge_shared_string_is_refused_by_either_scan_of_the_shared_strings():
    book = book_of(hostile.huge_cell(shared=True))
    with pytest.raises(spreadsheets._Unusual):
        spreadsheets._fast_scan_shared_strings(book, LIMITS)
    spreadsheets._fast_scan_shared_strings(book_of(Factory.roster_xlsx(PEOPLE)), LIMITS)  # ordinary: passes
