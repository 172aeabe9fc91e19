"""Hostile files, built in the test run (nothing checked in): spreadsheets as several writers make them
(XlsxWriter, hand-written OOXML with inline strings, strict-namespace parts, no <dimension>), bombs,
PDFs with active content and images that only pretend.
"""

import io
import struct
import zipfile
import zlib

from tests.factories import Factory

HEADER = Factory.roster_header(("ZJ",))

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"


def _workbook(ns: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{ns}" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="名单" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )


WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def _package(book: zipfile.ZipFile, ns: str) -> None:
    """The parts every workbook has besides its sheet: content types, relationships, workbook.xml."""
    book.writestr("[Content_Types].xml", CONTENT_TYPES)
    book.writestr("_rels/.rels", ROOT_RELS)
    book.writestr("xl/workbook.xml", _workbook(ns))
    book.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _row(number: int, cells) -> str:
    parts = []
    for col, value in enumerate(cells):
        ref = f"{_column(col)}{number}"
        if value is None:
            continue
        if isinstance(value, str):
            parts.append(f'<c r="{ref}" t="inlineStr"><is><t>{_escape(value)}</t></is></c>')
        else:
            parts.append(f'<c r="{ref}"><v>{value}</v></c>')
    return f'<row r="{number}">{"".join(parts)}</row>'


def raw_xlsx(
    rows, *, dimension: str | None = "auto", ns: str = MAIN, extra_rows: str = "", parts=None
) -> bytes:
    """An xlsx written by hand (inline strings) — another writer than XlsxWriter, rows streamed.

    ROWS is an iterable of cell lists (the header first). DIMENSION "auto" writes the real range, None
    writes none, any other text is written as is (a writer may lie). EXTRA_ROWS is raw XML appended.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        _package(book, ns)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            rows = list(rows) if dimension == "auto" else rows
            head = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{ns}">'
            if dimension == "auto":
                width = max((len(r) for r in rows), default=1)
                head += f'<dimension ref="A1:{_column(width - 1)}{max(len(rows), 1)}"/>'
            elif dimension:
                head += f'<dimension ref="{dimension}"/>'
            sheet.write((head + "<sheetData>").encode())
            batch = []
            for number, cells in enumerate(rows, start=1):
                batch.append(_row(number, cells))
                if len(batch) == 5000:
                    sheet.write("".join(batch).encode())
                    batch = []
            sheet.write(("".join(batch) + extra_rows + "</sheetData></worksheet>").encode())
        for name, content in (parts or {}).items():
            book.writestr(name, content)
    return buffer.getvalue()


def people_rows(count: int):
    """COUNT data rows (distinct valid IDs) as a generator, after the header."""
    yield HEADER
    factory = Factory()
    step = 5000
    for first in range(0, count, step):
        yield from factory.people(min(step, count - first), first=first)


def sparse_corner_template() -> bytes:
    """The project's own kind of roster (XlsxWriter) with one extra cell at XFD1048576 (the 6.9 KB killer)."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("参保职工名单")
    sheet.write_row(0, 0, HEADER)
    sheet.write_row(1, 0, [*Factory().people(1)[0][:4], 1])
    sheet.write_string(1048575, 16383, "x")
    book.close()
    return buffer.getvalue()


def sparse_corner_lying_dimension() -> bytes:
    """A hand-written sheet that declares A1:E2 but has a value at XFD1048576."""
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    return raw_xlsx([HEADER, Factory().people(1)[0]], dimension="A1:E2", extra_rows=far)


def decompression_bomb() -> bytes:
    """A 6 KB-ish zip whose sheet part inflates to 60 MB (ratio ≈ 1000)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        _package(book, MAIN)
        body = f'<worksheet xmlns="{MAIN}"><sheetData>' + " " * 60_000_000 + "</sheetData></worksheet>"
        book.writestr("xl/worksheets/sheet1.xml", body)
    return buffer.getvalue()


def huge_cell(*, shared: bool) -> bytes:
    """One name cell of 300,000 varied characters (not a bomb: it compresses only a few times)."""
    import random

    rng = random.Random(8)
    text = "".join(chr(0x4E00 + rng.randrange(20000)) for _ in range(300_000))
    row = Factory().people(1)[0]
    row[1] = text
    if not shared:
        return raw_xlsx([HEADER, row])
    return Factory.roster_xlsx([row])


def million_rows(*, dimension: bool = True, count: int = 1_000_000) -> bytes:
    """COUNT roster rows (1,000,000: about 20 MB) written as a stream of sheet XML, IDs cycling over 1,000
    valid numbers — what matters is that nothing reads the whole of it."""
    ids = [row[2] for row in Factory().people(1000)]
    template = (
        '<row r="{n}"><c r="A{n}"><v>{i}</v></c><c r="B{n}" t="inlineStr"><is><t>职工{i}</t></is></c>'
        '<c r="C{n}" t="inlineStr"><is><t>{id}</t></is></c><c r="E{n}"><v>1</v></c></row>'
    )
    header = _row(1, HEADER)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        _package(book, MAIN)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            head = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
            if dimension:
                head += f'<dimension ref="A1:E{count + 1}"/>'
            sheet.write((head + "<sheetData>" + header).encode())
            for start in range(1, count + 1, 10_000):
                chunk = "".join(
                    template.format(n=i + 1, i=i, id=ids[i % 1000])
                    for i in range(start, min(start + 10_000, count + 1))
                )
                sheet.write(chunk.encode())
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def many_columns() -> bytes:
    row = Factory().people(1)[0] + [None] * 200 + ["备注"]
    return raw_xlsx([HEADER, row])


def zip_without_sheet() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as book:
        book.writestr("readme.txt", "not a workbook")
    return buffer.getvalue()


def xls_garbage() -> bytes:
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 64


def csv_rows(count: int) -> bytes:
    lines = [",".join(HEADER)]
    for index in range(count):
        lines.append(f"{index + 1},职工{index + 1},110101199003070000,,1")
    return ("\n".join(lines) + "\n").encode()


def csv_huge_cell() -> bytes:
    row = Factory().people(1)[0]
    return (",".join(HEADER) + "\n" + f"1,{'长' * 200_000},{row[2]},,1\n").encode()


# --- PDFs and images ------------------------------------------------------------------------------------


def pdf_with(catalog_extra: str = "", page_extra: str = "", trailer_extra: str = "") -> bytes:
    """A minimal valid one-page PDF with extra entries in its catalog or page dictionary."""
    objects = [
        f"<< /Type /Catalog /Pages 2 0 R {catalog_extra} >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] {page_extra} >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode())
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    trailer = f"<< /Size {len(objects) + 1} /Root 1 0 R {trailer_extra} >>"
    out.write(f"trailer\n{trailer}\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


PDF_OPEN_ACTION_JS = pdf_with("/OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >>")
PDF_NAMES_JS = pdf_with("/Names << /JavaScript << /Names [(x) << /S /JavaScript /JS (1) >>] >> >>")
PDF_PAGE_AA = pdf_with(page_extra="/AA << /O << /S /JavaScript /JS (1) >> >>")
PDF_LAUNCH = pdf_with(
    page_extra="/Annots [<< /Type /Annot /Subtype /Link /Rect [0 0 50 50] "
    "/A << /S /Launch /F (cmd.exe) >> >>]"
)
PDF_OPEN_AT_PAGE = pdf_with("/OpenAction [3 0 R /Fit]")  # a destination, not an action: harmless
PDF_THEN_HTML = b"%PDF-1.4\n<html><script>alert(document.cookie)</script></html>"


def encrypted_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def png_bomb() -> bytes:
    """A valid-looking PNG header that declares 40,000 × 40,000 pixels (1.6 billion)."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 40_000, 40_000, 8, 2, 0, 0, 0)
    body = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")


JPEG_THEN_HTML = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01<html><script>alert(1)</script></html>"
PNG_THEN_PHP = b"\x89PNG\r\n\x1a\n<?php system($_GET['c']); ?>"
SVG_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)
PDF_NO_PAGES = b"%PDF-1.4\n%%EOF\n"
