"""Reading and checking a roster (参保职工名单) — no database access here except through `lookups`.

`roster_limits()` are the settings' limits for core.spreadsheets (pre-checks and the isolated reader);
`read_rows` runs both on a file's bytes (tests, the benchmark). `check_roster` normalises and validates
every row against the rules of SPEC §6.3 and returns the valid entries, the per-row errors (row number,
column, message) and the count of members aged 60+.
"""

import datetime
import operator
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.spreadsheets import SheetLimits, SpreadsheetError, inspect_spreadsheet, over_limit, read_isolated
from core.text import NUL, clean_text
from core.validators import (
    ID_CHECK_CODES,
    ID_WEIGHTS,
    id_number_birth_date,
    id_number_is_female,
    validate_id_number,
    validate_mobile,
)
from enrollment.periods import age_on

FIXED_COLUMNS = ("序号", "姓名", "身份证号", "手机号")
SCIENTIFIC = re.compile(r"^\d+(\.\d+)?[eE]\+?\d+$")
OVER_AGE_WARNING = 60
NAME_MAX_LENGTH = 50
TEMPLATE_HINT = "请使用本申请的【参保职工名单模板下载】模板（保障计划列须与申请一致）"


# The whole file is refused (wrong template, not a spreadsheet, empty, hostile …) with one clear message:
# one class, a DomainError (core.errors.BadFile, code "bad_file"), whether the pre-check, the reader or
# the row check says so — callers catch DomainError and nothing else.
RosterFileError = SpreadsheetError


def roster_limits() -> SheetLimits:
    return SheetLimits(
        max_rows=settings.ROSTER_MAX_ROWS,
        max_columns=settings.ROSTER_MAX_COLUMNS,
        max_cell_chars=settings.ROSTER_MAX_CELL_CHARS,
        memory_mb=settings.ROSTER_READER_MEMORY_MB,
        timeout_seconds=settings.ROSTER_READER_TIMEOUT,
    )


def read_rows(name: str, content: bytes, *, limits: SheetLimits | None = None) -> list[list]:
    """Pre-check and read a roster file's bytes the way an import does (isolated reader)."""
    limits = limits or roster_limits()
    with tempfile.NamedTemporaryFile(suffix=os.path.splitext(name or "")[1][:8]) as handle:
        handle.write(content)
        handle.flush()
        handle.seek(0)
        facts = inspect_spreadsheet(handle, name=name, limits=limits)
        return read_isolated(handle.name, kind=facts.kind, limits=limits)


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


def _text(value) -> str:
    """A cell as text: NFKC, whitespace collapsed, control/bidi characters removed (a NUL stays, to be
    reported as an error of its row)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if text.isprintable() and unicodedata.is_normalized("NFKC", text):
        # the common cell: no control, format or line-break character (none is printable) and already
        # NFKC, so clean_text would only trim — the same result as the full path below, without its work
        return " ".join(text.split())
    text = unicodedata.normalize("NFKC", text)
    parts = text.split(NUL)
    return NUL.join(" ".join(clean_text(part).split()) for part in parts)


def _shown(text: str, limit: int = 30) -> str:
    """A cell's text inside a message: never a NUL, never unbounded."""
    text = text.replace(NUL, "")
    return text if len(text) <= limit else text[:limit] + "…"


def _is_blank(row: list) -> bool:
    return all(_text(cell) == "" for cell in row)


def _texts(row: list, width: int) -> list[str] | None:
    """The row's cells normalised (once), padded to WIDTH; None for a blank row."""
    texts = [_text(cell) for cell in row]
    if not any(texts):
        return None
    return texts + [""] * (width - len(texts))


def expected_header(plans: list[PlanColumn]) -> list[str]:
    return [*FIXED_COLUMNS, *(p.header for p in plans)]


def header_differences(actual: list[str], expected: list[str]) -> list[str]:
    """Every difference between the file's header and the template's: missing, extra, misplaced columns."""
    notes = []
    missing = [title for title in expected if title not in actual]
    extra = [(index + 1, title) for index, title in enumerate(actual) if title not in expected]
    if missing:
        notes.append("缺少列：" + "、".join(f"“{_shown(t)}”" for t in missing))
    if extra:
        notes.append(
            "多余的列："
            + "、".join(f"第{i}列“{_shown(t)}”" if t else f"第{i}列（空白表头）" for i, t in extra)
        )
    common = [title for title in actual if title in expected]
    order = [title for title in expected if title in actual]
    if common != order:
        misplaced = [
            f"“{_shown(title)}”应为第{expected.index(title) + 1}列（现为第{actual.index(title) + 1}列）"
            for title in order
            if actual.index(title) != expected.index(title)
        ]
        notes.append("顺序不对：" + "；".join(misplaced))
    elif not missing and not extra:
        duplicated = [title for title in expected if actual.count(title) > 1]
        if duplicated:
            notes.append("重复的列：" + "、".join(f"“{t}”" for t in duplicated))
    return notes


def check_header(header: list, plans: list[PlanColumn]) -> None:
    expected = expected_header(plans)
    actual = [_text(cell) for cell in header]
    while actual and actual[-1] == "":
        actual.pop()
    if actual != expected:
        differences = header_differences(actual, expected) or ["列名或顺序与模板不同"]
        raise RosterFileError(
            "表头与模板不一致："
            + "；".join(differences)
            + "。模板表头应为："
            + " | ".join(expected)
            + "。"
            + TEMPLATE_HINT
        )


def _id_cell(value, text: str, today: datetime.date) -> tuple[str, str | None]:
    """(normalised id, error) of the raw cell VALUE, whose normalised text is TEXT: Excel numbers lose
    digits, so a numeric cell is refused."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "", "身份证号被Excel存成了数字，末几位可能已丢失：请把该列设为“文本”后重新填写"
    if SCIENTIFIC.match(text):
        return "", "身份证号显示为科学计数法（如1.1E+17），数字已丢失：请把该列设为“文本”后重新填写"
    try:
        return validate_id_number(text, today=today), None
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
    width = len(FIXED_COLUMNS) + len(plans)
    # (row number, raw cells, their texts): each cell normalised once. A row whose name is a plain
    # printable NFKC text, not all spaces, is not blank; its texts wait (None) for the common path.
    body = []
    is_normalized = unicodedata.is_normalized
    for index, row in enumerate(rows[1:], start=2):
        name = row[1] if len(row) > 1 else None
        if type(name) is str and name.strip() and name.isprintable() and is_normalized("NFKC", name):
            body.append((index, row, None))
            continue
        texts = _texts(row, width)
        if texts is not None:
            body.append((index, list(row) + [None] * (width - len(row)), texts))
    if not body:
        raise RosterFileError("名单中没有职工：请在模板第2行起填写参保职工")
    if len(body) > max_rows:
        raise RosterFileError(over_limit(SheetLimits(max_rows=max_rows), len(body)).message)
    result = RosterCheck(total=len(body))
    seen: dict[str, int] = {}
    today = timezone.localdate()  # once per import, not once per row
    common = _common_rows(plans, period_start, today)
    append = result.rows.append
    for done, (row_number, cells, texts) in enumerate(body, start=1):
        entry = common(row_number, cells, seen, result) if texts is None else None
        if entry is None:
            if texts is None:  # not a common row: the exact rules decide and word every message
                texts = _texts(cells, width)
                cells = list(cells) + [None] * (width - len(cells))
            entry = _check_row(row_number, cells, texts, plans, (period_start, today), seen, result)
        if entry is not None:
            append(entry)
        if progress and done % 1000 == 0:
            progress(done, len(body))
    return result


ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
MOBILE_SHAPE = re.compile(r"1[0-9]{10}")
# the check digit's weighted sum of an ID number's digits 15–17, for every 3 digits
_SEQUENCE_SUMS = {
    f"{n:03d}": sum(int(d) * w for d, w in zip(f"{n:03d}", ID_WEIGHTS[14:17], strict=True))
    for n in range(1000)
}


def _common_rows(plans: list[PlanColumn], period_start: datetime.date, today: datetime.date):
    """A checker for the common row — a valid one of plain cells, as nearly every row of a real roster
    is: it returns the row's RosterRow, or None when the row is anything else (any error, any cell that
    is not plain), which the caller then gives to the exact rules (`_check_row`) unchanged. It answers
    only where the exact rules cannot differ, so every message and every stored value stays theirs.

    Its work per row is a few C calls and dictionary look-ups: the ID number's shape by one regular
    expression, its birth date (with the age on the period start and that part of the check digit's sum)
    and its area code's part of the sum cached, the 份 cells' meaning cached by their values. It is longer
    than 60 lines because the caches and the row check live together in one closure: the check, run
    100,000 times, reads them as local names."""
    first, end = len(FIXED_COLUMNS), len(FIXED_COLUMNS) + len(plans)
    births: dict[str, tuple | bool] = {}  # ID digits 7–14 → (birth date, their part of the sum, age)
    areas: dict[str, int] = {}  # ID digits 1–6 → their part of the check digit's sum
    patterns: dict[tuple, tuple | bool] = {}  # the 份 cells (types, values) → (份, minimum age, women only)
    id_shape, mobile_shape, sequence_sums, codes = (
        ID_SHAPE.fullmatch,
        MOBILE_SHAPE.fullmatch,
        _SEQUENCE_SUMS,
        ID_CHECK_CODES,
    )

    def birth_of(id_number: str):
        try:
            birth = id_number_birth_date(id_number)
        except ValueError:
            return False
        if birth.year < 1900 or birth > today:
            return False
        return (
            birth,
            sum(map(operator.mul, map(int, id_number[6:14]), ID_WEIGHTS[6:14])),
            age_on(birth, period_start),
        )

    def pattern_of(cells: tuple):
        if any(type(cell) not in (int, float, str, type(None)) for cell in cells):
            return False
        scratch = RosterCheck()
        shares = _shares(0, [""] * first + [_text(cell) for cell in cells], plans, scratch)
        if scratch.errors or not shares:
            return False
        chosen = [plan for plan in plans if plan.code in shares]
        return shares, max(plan.min_age for plan in chosen), any(plan.female_only for plan in chosen)

    def check(row_number: int, row: list, seen: dict, result: RosterCheck) -> RosterRow | None:
        if len(row) < end:
            return None
        id_number, mobile = row[2], row[3]
        if type(id_number) is not str or not id_shape(id_number) or id_number in seen:
            return None
        birth = births.get(id_number[6:14])
        if birth is None:
            birth = births[id_number[6:14]] = birth_of(id_number)
        if not birth:
            return None
        area = areas.get(id_number[:6])
        if area is None:
            area = areas[id_number[:6]] = sum(
                int(d) * w for d, w in zip(id_number[:6], ID_WEIGHTS, strict=False)
            )
        birth_date, birth_part, age = birth
        if codes[(area + birth_part + sequence_sums[id_number[14:17]]) % 11] != id_number[17]:
            return None
        if mobile is None or mobile == "":
            mobile = ""
        else:
            if type(mobile) is float and mobile.is_integer():
                mobile = str(int(mobile))
            elif type(mobile) is int:
                mobile = str(mobile)
            if type(mobile) is not str or not mobile_shape(mobile):
                return None
        cells = tuple(row[first:end])
        key = (tuple(map(type, cells)), cells)
        pattern = patterns.get(key)
        if pattern is None:
            pattern = patterns[key] = pattern_of(cells)
        if not pattern:
            return None
        shares, min_age, women_only = pattern
        female = id_number[16] in "02468"
        if age < min_age or (women_only and not female):
            return None
        name = " ".join(row[1].split())
        if len(name) > NAME_MAX_LENGTH:
            return None
        seen[id_number] = row_number
        if age >= OVER_AGE_WARNING:
            result.over60 += 1
        return RosterRow(
            row_number, name, id_number, mobile, "F" if female else "M", birth_date, dict(shares)
        )

    return check


def _check_row(row_number, cells, texts, plans, dates, seen, result) -> RosterRow | None:
    """One row: CELLS raw, TEXTS normalised; DATES is (period start, today)."""
    period_start, today = dates
    errors_before = len(result.errors)
    name = texts[1]
    if not name:
        result.add_error(row_number, "姓名", "姓名不能为空")
    elif NUL in name:
        result.add_error(row_number, "姓名", "姓名中含有不允许的空字符（NUL）")
    elif len(name) > NAME_MAX_LENGTH:
        result.add_error(row_number, "姓名", f"姓名过长（最多{NAME_MAX_LENGTH}个字）")
    id_number, id_error = _id_cell(cells[2], texts[2], today)
    if id_error:
        result.add_error(row_number, "身份证号", id_error)
    elif id_number in seen:
        result.add_error(row_number, "身份证号", f"与第{seen[id_number]}行身份证号重复")
    else:
        seen[id_number] = row_number
    mobile = texts[3]
    if mobile:
        try:
            mobile = validate_mobile(mobile)
        except ValidationError:
            result.add_error(row_number, "手机号", "手机号应为11位数字")
    shares = _shares(row_number, texts, plans, result)
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


def roster_rows(entries: Iterable[tuple], *, plans: list[PlanColumn]) -> list[list]:
    """Rows in the template's shape (header first) from (name, id number, mobile, {code: 份}) tuples — a
    roster copied from an earlier period, checked by `check_roster` like a file. A member keeps the plans
    of this application they had before, at this application's 份."""
    rows: list[list] = [expected_header(plans)]
    for number, (name, id_number, mobile, shares) in enumerate(entries, start=1):
        rows.append(
            [number, name, id_number, mobile or "", *(p.shares if p.code in shares else None for p in plans)]
        )
    return rows


def _shares(row_number, texts, plans, result) -> dict[str, int]:
    """The row's 份 per plan code (from its normalised TEXTS): blank or 0 is "not in this plan"; else
    exactly the unit's 份."""
    shares: dict[str, int] = {}
    for offset, plan in enumerate(plans):
        raw = texts[len(FIXED_COLUMNS) + offset]
        if raw in ("", "0"):
            continue
        if not raw.isdigit():
            result.add_error(row_number, plan.header, "份数应填写数字")
            continue
        if int(raw) != plan.shares:
            result.add_error(row_number, plan.header, f"份数应为{plan.shares}（全单位统一份数）")
            continue
        shares[plan.code] = plan.shares
    return shares
