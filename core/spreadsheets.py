"""Spreadsheets uploaded by people: cheap checks on the raw file first, then ONE parse in a child process.

`inspect_spreadsheet` never parses the workbook. For an xlsx it reads the zip's central directory (the
size and compression ratio of every part), then streams the first sheet's XML with expat: the declared
`<dimension ref>`, the row count (it stops at the limit + 1), the row and column of every filled cell
(a lone cell at XFD1048576 is refused here) and the length of every value and shared string. A CSV is
streamed the same way. Only a file that passed runs through `read_isolated`: python-calamine in a child
process (core.sheetreader) with an address-space limit and a time limit, so a reader that aborts or
runs out of memory ends that child only, and the caller gets a SpreadsheetError with a clear message.
"""

import json
import logging
import os
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.parsers import expat

from core.errors import BadFile

logger = logging.getLogger("core.spreadsheets")

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CELL_REF = re.compile(r"^([A-Z]{1,3})(\d{1,7})$")
BASE_DIR = Path(__file__).resolve().parent.parent
READER_MODULE = "core.sheetreader"

DAMAGED = "文件已损坏或不是有效的Excel文件，请用【参保职工名单模板下载】的模板重新填写后上传"
NOT_A_SHEET = "文件不是Excel表格：请上传 .xlsx（或 .xls、.csv）格式的参保职工名单"
REWRITE = "请把名单复制到新下载的模板中（只粘贴数值）再上传"


class SpreadsheetError(BadFile):
    """The whole file is refused before or while it is read — one clear message for the person."""


@dataclass(frozen=True)
class SheetLimits:
    max_rows: int  # data rows (the header row is extra)
    max_columns: int = 64
    max_cell_chars: int = 1000
    max_part_bytes: int = 200 * 1024 * 1024  # one uncompressed part of the zip
    max_total_bytes: int = 400 * 1024 * 1024  # all parts together
    max_ratio: int = 100  # uncompressed / compressed, for parts over 1 MB
    blank_row_slack: int = 1000  # empty rows allowed between filled ones
    memory_mb: int = 1024  # the isolated reader's address space
    timeout_seconds: int = 120

    @property
    def max_row_index(self) -> int:
        return self.max_rows + 1 + self.blank_row_slack


@dataclass(frozen=True)
class SheetFacts:
    kind: str  # "xlsx", "xls" or "csv"
    rows: int | None  # filled rows after the header; None when only the reader can tell (xls)


def column_number(letters: str) -> int:
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number


def sheet_kind(head: bytes, name: str) -> str | None:
    if head.startswith(XLSX_MAGIC):
        return "xlsx"
    if head.startswith(XLS_MAGIC):
        return "xls"
    if (name or "").lower().endswith(".csv"):
        return "csv"
    return None


def inspect_spreadsheet(handle, *, name: str, limits: SheetLimits) -> SheetFacts:
    """Cheap checks on a seekable binary file; SpreadsheetError with one message when refused."""
    handle.seek(0)
    head = handle.read(8)
    handle.seek(0)
    if not head:
        raise SpreadsheetError("文件是空的：请在模板中填写参保职工名单后上传")
    kind = sheet_kind(head, name)
    if kind is None:
        raise SpreadsheetError(NOT_A_SHEET)
    try:
        if kind == "xlsx":
            return SheetFacts("xlsx", _inspect_xlsx(handle, limits))
        if kind == "csv":
            return SheetFacts("csv", _inspect_csv(handle, limits))
        return SheetFacts("xls", None)  # BIFF: at most 65,536 × 256 by format; the reader runs isolated
    finally:
        handle.seek(0)


# --- xlsx: the zip directory, then the first sheet's XML as a stream ------------------------------------


def _inspect_xlsx(handle, limits: SheetLimits) -> int:
    try:
        book = zipfile.ZipFile(handle)
        infos = book.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SpreadsheetError(DAMAGED) from None
    if len(infos) > 2000:
        raise SpreadsheetError(DAMAGED)
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.max_part_bytes or (
            info.file_size > 1024 * 1024 and ratio > limits.max_ratio
        ):
            raise SpreadsheetError(
                f"文件解压后过大（其中“{info.filename[:60]}”约 {info.file_size / 1048576:,.0f} MB），"
                f"不像是一份名单，系统没有读取。{REWRITE}"
            )
    if total > limits.max_total_bytes:
        raise SpreadsheetError(f"文件解压后共约 {total / 1048576:,.0f} MB，超过上限，系统没有读取。{REWRITE}")
    names = {info.filename for info in infos}
    sheet = _first_sheet_path(book, names)
    if sheet is None:
        raise SpreadsheetError("文件中没有工作表")
    if "xl/sharedStrings.xml" in names:
        try:
            _fast_scan_shared_strings(book, limits)
        except _Unusual:
            _scan_shared_strings(book, limits)
    try:
        return _scan_sheet(book, sheet, limits)
    except (zipfile.BadZipFile, OSError, EOFError, expat.ExpatError, ValueError):
        raise SpreadsheetError(DAMAGED) from None


def _first_sheet_path(book: zipfile.ZipFile, names: set[str]) -> str | None:
    """The part of the first <sheet> in xl/workbook.xml (the one the reader reads), via its relationship."""
    try:
        first_rid = _first_attribute(book, "xl/workbook.xml", "sheet", "id")
        targets = {}
        if first_rid and "xl/_rels/workbook.xml.rels" in names:
            for rid, target in _attributes(
                book, "xl/_rels/workbook.xml.rels", "Relationship", ("Id", "Target")
            ):
                targets[rid] = target
        target = targets.get(first_rid, "")
    except (KeyError, expat.ExpatError, zipfile.BadZipFile, OSError, ValueError):
        raise SpreadsheetError(DAMAGED) from None
    if target:
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        path = os.path.normpath(path).replace(os.sep, "/")
        if path in names:
            return path
    fallback = sorted(n for n in names if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n))
    return fallback[0] if fallback else None


def _parser():
    return expat.ParserCreate()  # no namespace processing: faster, and every writer's prefix is accepted


def _local(name: str) -> str:
    """'x:row' → 'row': whatever prefix (or none) the writer used, transitional or strict OOXML."""
    return name if ":" not in name else name.rpartition(":")[2]


def _feed(parser, stream, stop=lambda: False) -> None:
    while not stop():
        chunk = stream.read(1024 * 1024)
        if not chunk:
            parser.Parse(b"", True)
            return
        parser.Parse(chunk, False)


def _first_attribute(book, part, element, attribute):
    found = []
    parser = _parser()

    def start(name, attrs):
        if _local(name) == element and not found:
            found.append(next((v for k, v in attrs.items() if ":" in k and _local(k) == attribute), ""))

    parser.StartElementHandler = start
    with book.open(part) as stream:
        _feed(parser, stream, stop=lambda: bool(found))
    return found[0] if found else None


def _attributes(book, part, local_name, keys):
    rows = []
    parser = _parser()

    def start(name, attrs):
        if _local(name) == local_name:
            rows.append(tuple(attrs.get(key, "") for key in keys))

    parser.StartElementHandler = start
    with book.open(part) as stream:
        _feed(parser, stream)
    return rows


def _too_long(limits: SheetLimits, where: str = "") -> SpreadsheetError:
    return SpreadsheetError(
        f"{where}有单元格内容过长（超过{limits.max_cell_chars}个字），不像是名单内容，系统没有读取。{REWRITE}"
    )


def _scan_shared_strings(book, limits: SheetLimits) -> None:
    """Every shared string (<si>, all its <t> runs together) within max_cell_chars."""
    parser = _parser()
    state = {"in_si": False, "length": 0}

    def start(name, attrs):
        if _local(name) == "si":
            state.update(in_si=True, length=0)

    def end(name):
        if _local(name) == "si":
            state["in_si"] = False

    def text(data):
        if state["in_si"]:
            state["length"] += len(data)
            if state["length"] > limits.max_cell_chars:
                raise _too_long(limits)

    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, text
    try:
        with book.open("xl/sharedStrings.xml") as stream:
            _feed(parser, stream)
    except (expat.ExpatError, zipfile.BadZipFile, OSError, EOFError):
        raise SpreadsheetError(DAMAGED) from None


class _SheetScan:
    """expat handlers for the first sheet: kept small, they run for every element of a 100,000-row sheet."""

    def __init__(self, limits: SheetLimits):
        self.limits = limits
        self.max_columns, self.max_row_index = limits.max_columns, limits.max_row_index
        self.max_filled, self.max_chars = limits.max_rows + 1, limits.max_cell_chars
        self.row = self.col = self.filled_rows = self.length = 0
        self.ref = ""
        self.in_value = self.cell_filled = self.filled_row = self.over = False

    def start(self, name, attrs):
        if ":" in name:
            name = name.rpartition(":")[2]
        if name == "c":
            self.ref = ref = attrs.get("r", "")
            match = CELL_REF.match(ref)
            if match:
                letters = match.group(1)
                self.col = ord(letters) - 64 if len(letters) == 1 else column_number(letters)
                self.row = int(match.group(2))
            else:
                self.col += 1
            self.cell_filled = False
        elif name == "v" or name == "t":
            self.in_value, self.length = True, 0
        elif name == "row":
            number = attrs.get("r")
            self.row = int(number) if number and number.isdigit() else self.row + 1
            self.filled_row, self.col = False, 0
        elif name == "dimension":
            _check_dimension(attrs.get("ref", ""), self.limits)

    def end(self, name):
        if ":" in name:
            name = name.rpartition(":")[2]
        if name == "v" or name == "t":
            self.in_value = False
        elif name == "c":
            if self.cell_filled:
                if self.col > self.max_columns or self.row > self.max_row_index:
                    self.refuse_position()
                self.filled_row = True
        elif name == "row" and self.filled_row:
            self.filled_rows += 1
            if self.filled_rows > self.max_filled:
                self.over = True

    def text(self, data):
        if self.in_value:
            self.cell_filled = True
            self.length += len(data)
            if self.length > self.max_chars:
                raise _too_long(self.limits, f"表格第{self.row}行")

    def refuse_position(self):
        if self.col > self.max_columns:
            raise SpreadsheetError(
                f"表格第{self.row}行第{self.col}列（{self.ref or '远处'}）有内容，远远超出名单模板的列数，"
                f"系统没有读取。{REWRITE}"
            )
        if self.filled_rows > self.limits.max_rows:  # a dense sheet: say how many rows it has
            raise over_limit(self.limits)
        raise SpreadsheetError(
            f"表格第{self.row}行有内容，超出单次导入上限{self.limits.max_rows}行的范围，系统没有读取。"
            f"请删除多余的行，或分批导入"
        )


def _scan_sheet(book, part: str, limits: SheetLimits) -> int:
    """Filled rows after the first filled one (the header), stopping at the limit + 1: the fast scan for an
    ordinary sheet, the exact expat scan for any other (and for every file the fast scan would refuse, so
    that the person reads the exact scan's message)."""
    try:
        return _fast_scan_sheet(book, part, limits)
    except _Unusual:
        return _exact_scan_sheet(book, part, limits)


def _exact_scan_sheet(book, part: str, limits: SheetLimits) -> int:
    """The expat scan: every element through Python handlers (about 5 s for 100,000 rows)."""
    parser = _parser()
    scan = _SheetScan(limits)
    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = (
        scan.start,
        scan.end,
        scan.text,
    )
    parser.buffer_text = True
    with book.open(part) as stream:
        _feed(parser, stream, stop=lambda: scan.over)
    if scan.over:
        raise over_limit(limits)
    return max(scan.filled_rows - 1, 0)


# --- the fast scan: an ordinary sheet proved with C-level regular expressions ------------------------------
#
# The sheet XML as Excel, WPS and XlsxWriter write it (no namespace prefix on the elements, no comment, CDATA
# or DOCTYPE, double-quoted r attributes on every row and cell) is checked in chunks with regular expressions,
# one Python step per row instead of three handler calls per element. It answers only when it can prove the
# exact scan's answer: the same row count, and no cell beyond the limits (every cell is held to the position
# limits, filled or not; every row whose markup is longer than a cell may be has its texts measured). Any
# other sheet, and any sheet it would refuse except for too many rows, raises _Unusual and the exact scan
# decides and words the refusal. The isolated reader stays the defence either way: this only refuses early.

FAST_CHUNK = 4 * 1024 * 1024
FAST_MAX_CARRY = 16 * 1024 * 1024  # one row's markup; a longer one goes to the exact scan
_ODD_HEAD = re.compile(rb"<!|</?[A-Za-z_][\w.-]*:")  # a comment, CDATA or DOCTYPE; a prefixed element
_ODD = re.compile(rb"<!|</?[A-Za-z_][\w.-]*:|<dimension\b")  # … or a dimension among the rows
_SHEET_DATA = re.compile(rb"<sheetData\b[^>]*?(/?)>")
_DIMENSION = re.compile(rb"<dimension\b([^>]*)>")
_REF_ATTRIBUTE = re.compile(rb'\sref="([^"&]*)"')
_CONTENT = re.compile(rb"<(?:c|v|t|is)[\s/>]")
_ROW_NUMBER = re.compile(rb'\sr="(\d{1,7})"')
_CELL_REF = re.compile(rb'<c r="[A-Z]{1,3}\d{1,7}"')
_WIDE_COLUMN = re.compile(rb'<c r="([A-Z]{2,3})\d')
_ANY_COLUMN = re.compile(rb'<c r="([A-Z]{1,3})\d')
_FILLED = re.compile(rb"<(?:v|t)(?:\s[^>]*)?(?<!/)>[^<]")
_TEXT = re.compile(rb"<(?:v|t)(?:\s[^>]*)?(?<!/)>([^<]*)<")
_SHARED = re.compile(rb"<si>(.*?)</si>", re.S)


class _Unusual(Exception):
    """Not a sheet the fast scan can prove: the exact scan decides."""


def _chunks(stream, first: bytes, start: bytes):
    """Pieces of the stream that end where a START element begins (or at the end), after FIRST."""
    buffer = first
    while True:
        more = stream.read(FAST_CHUNK)
        buffer += more
        cut = buffer.rfind(start) if more else len(buffer)
        if cut > 0:
            yield buffer[:cut]
            buffer = buffer[cut:]
        elif len(buffer) > FAST_MAX_CARRY:
            raise _Unusual
        if not more:
            return


def _fast_scan_sheet(book, part: str, limits: SheetLimits) -> int:
    with book.open(part) as stream:
        head = stream.read(FAST_CHUNK)
        start = _SHEET_DATA.search(head)
        if start is None or _ODD_HEAD.search(head, 0, start.start()):
            raise _Unusual
        dimension = _DIMENSION.search(head, 0, start.start())
        if dimension:
            ref = _REF_ATTRIBUTE.search(dimension.group(1))
            if ref is None and b"ref" in dimension.group(1):
                raise _Unusual
            _check_dimension(ref.group(1).decode("ascii", "replace") if ref else "", limits)
        if start.group(1):  # <sheetData/>
            return 0
        filled, done = 0, False
        for piece in _chunks(stream, head[start.end() :], b"<row"):
            end = -1 if done else piece.find(b"</sheetData>")
            if not done:
                filled = _fast_rows(piece[:end] if end >= 0 else piece, filled, limits)
                done = end >= 0
            if done and any(tag in piece[end + 1 :] for tag in (b"<row", b"<c ", b"<dimension")):
                raise _Unusual  # rows or a dimension after the sheet's data: the exact scan reads them
    return max(filled - 1, 0)


def _fast_rows(piece: bytes, filled: int, limits: SheetLimits) -> int:
    """FILLED plus this piece's filled rows; _Unusual unless every row and cell is provably ordinary."""
    if _ODD.search(piece):
        raise _Unusual
    segments = piece.split(b"</row>")  # each: [empty rows] <row …>cells
    if segments[-1].strip():
        raise _Unusual  # text, or a row without its end, after the last row
    max_filled, max_chars, max_row = limits.max_rows + 1, limits.max_cell_chars, limits.max_row_index
    end = 0
    for segment in segments[:-1]:
        end += len(segment) + 6
        start = segment.rfind(b"<row")
        before = segment[:start].strip()
        if start < 0 or (before and (not before.startswith(b"<row") or _CONTENT.search(before))):
            raise _Unusual  # cells or text outside a row
        close = segment.find(b">", start)
        if close < 0 or segment[start + 4 : start + 5] not in (b" ", b">") or segment[close - 1] == 47:
            raise _Unusual
        body = segment[close + 1 :]
        if not _FILLED.search(body):
            continue
        number = _ROW_NUMBER.search(segment, start, close)
        if number is None or int(number.group(1)) > max_row:
            raise _Unusual
        if len(body) > max_chars and sum(map(len, _TEXT.findall(body))) > max_chars:
            raise _Unusual
        filled += 1
        if filled > max_filled:
            _fast_cells(piece[:end], limits)
            raise over_limit(limits)
    _fast_cells(piece, limits)
    return filled


def _fast_cells(piece: bytes, limits: SheetLimits) -> None:
    """Every cell of PIECE is written <c r="…" with a position within the column and row limits (only the
    refs of two or more letters, or as many digits as the row limit has, are looked at one by one)."""
    cells = sum(map(piece.count, (b"<c ", b"<c>", b"<c/>")))
    if cells != piece.count(b'<c r="') or cells != len(_CELL_REF.findall(piece)):
        raise _Unusual
    digits = len(str(limits.max_row_index))
    long_rows = re.findall(rb'<c r="[A-Z]{1,3}(\d{%d,})"' % digits, piece)
    if long_rows and max(map(int, long_rows)) > limits.max_row_index:
        raise _Unusual
    wide = _WIDE_COLUMN if limits.max_columns >= 26 else _ANY_COLUMN
    if any(column_number(c.decode()) > limits.max_columns for c in set(wide.findall(piece))):
        raise _Unusual


def _fast_scan_shared_strings(book, limits: SheetLimits) -> None:
    """Every <si> within max_cell_chars (its markup is shorter, or its texts are measured)."""
    with book.open("xl/sharedStrings.xml") as stream:
        for piece in _chunks(stream, b"", b"<si>"):
            if _ODD.search(piece) or b"<si " in piece or b"<si/" in piece:
                raise _Unusual
            bodies = _SHARED.findall(piece)
            if len(bodies) != piece.count(b"<si>"):
                raise _Unusual
            for body in bodies:
                if (
                    len(body) > limits.max_cell_chars
                    and sum(map(len, _TEXT.findall(body))) > limits.max_cell_chars
                ):
                    raise _Unusual


def over_limit(limits: SheetLimits, rows: int | None = None) -> SpreadsheetError:
    counted = f"名单共{rows}行，" if rows else f"名单超过{limits.max_rows}行，"
    return SpreadsheetError(f"{counted}超过单次导入上限{limits.max_rows}行，请分批导入")


def _check_dimension(ref: str, limits: SheetLimits) -> None:
    """<dimension ref="A1:XFD1048576"/>: what the writer says the used range is."""
    corner = ref.split(":")[-1].replace("$", "").upper()
    match = CELL_REF.match(corner)
    if not match:
        return
    rows, columns = int(match.group(2)), column_number(match.group(1))
    if columns > limits.max_columns or rows > limits.max_row_index:
        if rows > limits.max_row_index and columns <= limits.max_columns:
            raise SpreadsheetError(
                f"表格的使用范围为 {ref}（约{rows - 1}行），超过单次导入上限{limits.max_rows}行，请分批导入"
            )
        raise SpreadsheetError(
            f"表格的使用范围为 {ref}（{rows}行×{columns}列），远远超出名单模板，系统没有读取。{REWRITE}"
        )


# --- csv: decoded and split as a stream -----------------------------------------------------------------


def _inspect_csv(handle, limits: SheetLimits) -> int:
    import csv
    import io

    csv.field_size_limit(limits.max_cell_chars)
    for encoding in ("utf-8-sig", "gb18030"):
        handle.seek(0)
        text = io.TextIOWrapper(handle, encoding=encoding, newline="")
        try:
            filled = 0
            for row in csv.reader(text):
                if len(row) > limits.max_columns:
                    raise SpreadsheetError(f"CSV 文件第{filled + 1}行有{len(row)}列，远远超出名单模板的列数")
                if any(cell.strip() for cell in row):
                    filled += 1
                    if filled > limits.max_rows + 1:
                        raise over_limit(limits)
            return max(filled - 1, 0)
        except UnicodeDecodeError:
            continue
        except csv.Error:
            raise _too_long(limits, "CSV 文件中") from None
        finally:
            text.detach()
    raise SpreadsheetError("CSV 文件编码无法识别，请另存为 UTF-8 或使用Excel模板")


# --- the one parse, isolated ----------------------------------------------------------------------------

READER_FAILURES = {
    "damaged": DAMAGED,
    "no_sheet": "文件中没有工作表",
    "encoding": "CSV 文件编码无法识别，请另存为 UTF-8 或使用Excel模板",
    "memory": f"文件读取时占用内存过多，系统已中止读取。{REWRITE}",
}


LAST_READ: dict = {}  # seconds and peak RSS of the last successful read in this process (make bench)


def read_isolated(path: str, *, kind: str, limits: SheetLimits, heartbeat=None) -> list[list]:
    """All rows of the first sheet, read by core.sheetreader in a child process with limits.

    HEARTBEAT() is called about every second while the child works. A child that aborts, is killed by the
    memory limit or runs past the time limit raises SpreadsheetError; the calling process is unaffected.
    """
    with tempfile.TemporaryDirectory(prefix="sheet-") as folder:
        out = os.path.join(folder, "rows.json")
        errors = os.path.join(folder, "stderr.txt")
        command = [
            sys.executable,
            "-m",
            READER_MODULE,
            path,
            out,
            kind,
            str(limits.max_rows),
            str(limits.max_row_index),
            str(limits.memory_mb),
            str(limits.max_cell_chars),
        ]
        started = time.monotonic()
        with open(errors, "wb") as stderr:
            child = subprocess.Popen(
                command,
                cwd=BASE_DIR,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=stderr,
                env={**os.environ, "RUST_BACKTRACE": "0", "PYTHONDONTWRITEBYTECODE": "1"},
            )
            status = _wait(child, limits, heartbeat, started)
        seconds = time.monotonic() - started
        if status is None:
            raise SpreadsheetError(
                f"读取文件超过{limits.timeout_seconds}秒仍未完成，系统已中止读取。{REWRITE}"
            )
        if status != 0 or not os.path.exists(out):
            tail = Path(errors).read_bytes()[-500:].decode(errors="replace")
            logger.warning("sheet reader died (status %s): %s", status, tail)
            raise SpreadsheetError(f"文件无法读取：表格结构异常，读取程序被中止。{REWRITE}")
        with open(out, encoding="utf-8") as handle:
            result = json.load(handle)
    LAST_READ.update(seconds=seconds, peak_rss_kb=result.get("peak_rss_kb", 0))
    logger.info("sheet reader: %.1f s, peak RSS %.0f MB", seconds, LAST_READ["peak_rss_kb"] / 1024)
    if "error" in result:
        raise SpreadsheetError(READER_FAILURES.get(result["error"], DAMAGED))
    return result["rows"]


def _wait(child, limits, heartbeat, started):
    """The child's exit status (negative: killed by that signal), or None after a time-out."""
    last_beat = started
    while True:
        code = child.poll()
        if code is not None:
            return code
        now = time.monotonic()
        if now - started > limits.timeout_seconds:
            child.kill()
            child.wait()
            return None
        if heartbeat is not None and now - last_beat >= 1:
            heartbeat()
            last_beat = now
        time.sleep(0.02)
