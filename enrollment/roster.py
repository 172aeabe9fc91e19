"""Reading and checking a roster (参保职工名单) — no database access here except through `lookups`.

`read_rows` turns an uploaded file into rows of cell values (python-calamine for xlsx/xls, csv module for
csv). `check_roster` normalises and validates every row against the rules of SPEC §6.3 and returns the
valid entries, the per-row errors (row number, column, message) and the count of members aged 60+.
"""

import csv
import datetime
import io
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from core.validators import id_number_birth_date, id_number_is_female, validate_id_number, validate_mobile
from enrollment.periods import age_on

FIXED_COLUMNS = ("序号", "姓名", "身份证号", "手机号")
SCIENTIFIC = re.compile(r"^\d+(\.\d+)?[eE]\+?\d+$")
XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
OVER_AGE_WARNING = 60


class RosterFileError(Exception):
    """The whole file is refused (wrong template, not a spreadsheet, empty …) — one clear message."""


@dataclass
class PlanColumn:
    code: str
    name: str
    shares: int
    min_age: int
    female_only: bool

    @property
    def header(self) -> str:
        return f"{self.name}(份)"


@dataclass
class RosterRow:
    row_number: int
    name: str
    id_number: str
    mobile: str
    sex: str
    birth_date: datetime.date
    shares: dict[str, int]


@dataclass
class RosterCheck:
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    over60: int = 0
    total: int = 0

    def add_error(self, row: int, column: str, message: str) -> None:
        self.errors.append((row, column, message))


def read_rows(name: str, content: bytes) -> list[list]:
    """All rows of the first sheet as lists of cell values; RosterFileError if it is not a spreadsheet."""
    head = content[:8]
    lower = (name or "").lower()
    try:
        if head.startswith(XLSX_MAGIC) or head.startswith(XLS_MAGIC):
            from python_calamine import CalamineWorkbook

            book = CalamineWorkbook.from_filelike(io.BytesIO(content))
            if not book.sheet_names:
                raise RosterFileError("文件中没有工作表")
            return book.get_sheet_by_index(0).to_python(skip_empty_area=False)
        if lower.endswith(".csv"):
            text = _decode_csv(content)
            return [list(row) for row in csv.reader(io.StringIO(text))]
    except RosterFileError:
        raise
    except Exception:
        raise RosterFileError(
            "文件已损坏或不是有效的Excel文件，请用【参保职工名单模板下载】的模板重新填写后上传"
        ) from None
    raise RosterFileError("文件不是Excel表格：请上传 .xlsx（或 .xls、.csv）格式的参保职工名单")


def _decode_csv(content: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RosterFileError("CSV 文件编码无法识别，请另存为 UTF-8 或使用Excel模板")


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(unicodedata.normalize("NFKC", str(value)).split())


def _is_blank(row: list) -> bool:
    return all(_text(cell) == "" for cell in row)


def expected_header(plans: list[PlanColumn]) -> list[str]:
    return [*FIXED_COLUMNS, *(p.header for p in plans)]


def check_header(header: list, plans: list[PlanColumn]) -> None:
    expected = expected_header(plans)
    actual = [_text(cell) for cell in header]
    while actual and actual[-1] == "":
        actual.pop()
    if actual != expected:
        for index, title in enumerate(expected):
            found = actual[index] if index < len(actual) else "（空）"
            if found != title:
                raise RosterFileError(
                    f"表头与模板不一致：第{index + 1}列应为“{title}”，实际为“{found}”。"
                    "请使用本申请的【参保职工名单模板下载】模板（保障计划列须与申请一致）"
                )
        raise RosterFileError(f"表头与模板不一致：模板只有{len(expected)}列，请删除多余的列")


def _id_cell(value) -> tuple[str, str | None]:
    """(normalised id, error): Excel numbers lose digits, so a numeric cell is refused."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "", "身份证号被Excel存成了数字，末几位可能已丢失：请把该列设为“文本”后重新填写"
    text = _text(value)
    if SCIENTIFIC.match(text):
        return "", "身份证号显示为科学计数法（如1.1E+17），数字已丢失：请把该列设为“文本”后重新填写"
    try:
        return validate_id_number(text), None
    except ValidationError as error:
        return "", error.messages[0]


def check_roster(
    rows: list[list],
    *,
    plans: list[PlanColumn],
    period_start: datetime.date,
    max_rows: int,
    progress: Callable[[int, int], None] | None = None,
) -> RosterCheck:
    """Validate the file's rows (header first). DB-dependent rules are applied later by the caller."""
    if not rows or _is_blank(rows[0]):
        raise RosterFileError("文件是空的：请在模板中填写参保职工名单后上传")
    check_header(rows[0], plans)
    body = [(index + 2, row) for index, row in enumerate(rows[1:]) if not _is_blank(row)]
    if not body:
        raise RosterFileError("名单中没有职工：请在模板第2行起填写参保职工")
    if len(body) > max_rows:
        raise RosterFileError(f"名单共{len(body)}行，超过单次导入上限{max_rows}行，请分批导入")
    result = RosterCheck(total=len(body))
    seen: dict[str, int] = {}
    width = len(FIXED_COLUMNS) + len(plans)
    for done, (row_number, raw) in enumerate(body, start=1):
        cells = list(raw) + [None] * (width - len(raw))
        entry = _check_row(row_number, cells, plans, period_start, seen, result)
        if entry is not None:
            result.rows.append(entry)
        if progress and done % 1000 == 0:
            progress(done, len(body))
    return result


def _check_row(row_number, cells, plans, period_start, seen, result) -> RosterRow | None:
    errors_before = len(result.errors)
    name = _text(cells[1])
    if not name:
        result.add_error(row_number, "姓名", "姓名不能为空")
    elif len(name) > 50:
        result.add_error(row_number, "姓名", "姓名过长")
    id_number, id_error = _id_cell(cells[2])
    if id_error:
        result.add_error(row_number, "身份证号", id_error)
    elif id_number in seen:
        result.add_error(row_number, "身份证号", f"与第{seen[id_number]}行身份证号重复")
    else:
        seen[id_number] = row_number
    mobile = _text(cells[3])
    if mobile:
        try:
            mobile = validate_mobile(mobile)
        except ValidationError:
            result.add_error(row_number, "手机号", "手机号应为11位数字")
    shares: dict[str, int] = {}
    for offset, plan in enumerate(plans):
        raw = _text(cells[len(FIXED_COLUMNS) + offset])
        if raw in ("", "0"):
            continue
        if not raw.isdigit():
            result.add_error(row_number, plan.header, "份数应填写数字")
            continue
        if int(raw) != plan.shares:
            result.add_error(row_number, plan.header, f"份数应为{plan.shares}（全单位统一份数）")
            continue
        shares[plan.code] = plan.shares
    if not shares and len(result.errors) == errors_before:
        result.add_error(row_number, "保障计划", "请至少填写一个保障计划的份数")
    if id_number:
        birth = id_number_birth_date(id_number)
        age = age_on(birth, period_start)
        female = id_number_is_female(id_number)
        for plan in plans:
            if plan.code not in shares:
                continue
            if age < plan.min_age:
                result.add_error(
                    row_number, plan.header, f"保期开始时未满{plan.min_age}周岁，不能参加{plan.name}"
                )
            if plan.female_only and not female:
                result.add_error(row_number, plan.header, f"{plan.name}仅限女职工参加")
    if len(result.errors) != errors_before:
        return None
    if age >= OVER_AGE_WARNING:
        result.over60 += 1
    return RosterRow(
        row_number=row_number,
        name=name,
        id_number=id_number,
        mobile=mobile,
        sex="F" if female else "M",
        birth_date=birth,
        shares=shares,
    )


def chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
