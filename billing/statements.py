"""The bank statement (银行流水) as uploaded: xlsx, xls or CSV, read like a roster (core.spreadsheets: the
cheap checks on the raw file, then the one parse in a limited child process), then each row parsed.

Columns are found by their header (the first row naming a date and an amount column, within the first 10
rows), so that most banks' exports are read as they are: 交易日期 | 金额 | 付款人名称 | 付款人账号 | 附言 |
流水号 (optional), with the aliases in COLUMNS. A row with a negative amount or an empty 金额 (money going
out, a subtotal) is not an incoming transfer and is skipped;
anything else that does not parse refuses the whole file with the rows named, and nothing is imported."""

import datetime
import os
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from core.errors import DomainError
from core.money import parse_money
from core.spreadsheets import SheetLimits, SpreadsheetError, inspect_spreadsheet, read_isolated
from core.text import UnsafeText, clean_text

COLUMNS = {
    "booked_on": ("交易日期", "日期", "记账日期", "入账日期", "交易时间"),
    "amount": ("金额", "交易金额", "收入金额", "贷方金额", "贷方发生额", "收入"),
    "payer_name": ("付款人名称", "付款人", "对方户名", "对方账户名称", "付款方户名", "对方名称"),
    "payer_account": ("付款人账号", "付款账号", "对方账号", "对方账户", "付款方账号"),
    "reference": ("附言", "摘要", "用途", "备注", "交易附言"),
    "bank_reference": ("流水号", "交易流水号", "银行流水号", "凭证号", "交易编号"),
}
REQUIRED = ("booked_on", "amount")
TEXT_LIMITS = {"payer_name": 200, "payer_account": 64, "reference": 200, "bank_reference": 64}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d", "%Y年%m月%d日")
MAX_ERRORS_SHOWN = 10
REEXPORT = "请从网上银行重新导出流水明细（xlsx 或 csv）后上传"


@dataclass(frozen=True)
class StatementRow:
    row_number: int
    booked_on: datetime.date
    amount: Decimal
    payer_name: str
    payer_account: str
    reference: str
    bank_reference: str  # the bank's own number, or "" when the statement has none

    def identity(self) -> str:
        """What makes this transfer this transfer, whatever file brings it."""
        parts = (self.booked_on.isoformat(), f"{self.amount}", self.payer_account, self.reference)
        return "|".join((*parts, self.bank_reference))


def statement_limits() -> SheetLimits:
    return SheetLimits(max_rows=settings.STATEMENT_MAX_ROWS, max_columns=40, max_cell_chars=500)


def read_statement(upload) -> list[StatementRow]:
    """The incoming transfers of the uploaded file, or a DomainError saying why the file is refused."""
    limits = statement_limits()
    name = upload.name or ""
    with tempfile.NamedTemporaryFile(suffix=os.path.splitext(name)[1][:8]) as handle:
        upload.seek(0)
        for chunk in iter(lambda: upload.read(1024 * 1024), b""):
            handle.write(chunk)
        handle.flush()
        handle.seek(0)
        try:
            facts = inspect_spreadsheet(handle, name=name, limits=limits)
            cells = read_isolated(handle.name, kind=facts.kind, limits=limits)
        except SpreadsheetError as error:
            # core.spreadsheets speaks of rosters: keep what it found, not its advice
            found = (
                re.split(r"[，。]请|。", error.message)[0]
                .replace("参保职工名单", "流水")
                .replace("名单", "流水")
            )
            raise DomainError(f"银行流水文件无法读取：{found}。{REEXPORT}") from None
    return parse_rows(cells)


def _header(text) -> str:
    return re.sub(r"[\s（）()元:：*]", "", unicodedata.normalize("NFKC", str(text or "")))


def find_columns(cells: list[list]) -> tuple[int, dict[str, int]]:
    """(index of the header row, field → column) from the first 10 rows."""
    for index, row in enumerate(cells[:10]):
        headers = [_header(cell) for cell in row]
        found = {}
        for field, names in COLUMNS.items():
            for column, header in enumerate(headers):
                if header in names and column not in found.values():
                    found[field] = column
                    break
        if all(field in found for field in REQUIRED):
            return index, found
    raise DomainError(
        "没有找到银行流水的表头：第一行应包含“交易日期”和“金额”列（以及付款人名称、付款人账号、附言），"
        "请使用银行导出的流水明细"
    )


def parse_date(value) -> datetime.date:
    text = unicodedata.normalize("NFKC", str(value or "")).strip()
    text = text.split(" ")[0].split("T")[0]
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise DomainError(f"交易日期“{text[:20]}”无法识别，请使用“年-月-日”格式")


def _amount(value) -> Decimal | None:
    """The incoming amount, or None for a row that is not money coming in."""
    text = unicodedata.normalize("NFKC", str(value if value is not None else "")).strip().replace(",", "")
    if isinstance(value, float):
        text = f"{Decimal(repr(value)):f}"
    if not text or text.startswith("-") or re.fullmatch(r"0+(\.0+)?", text):
        return None
    return parse_money(text, label="金额")


def _text(value) -> str:
    """A cell as text: an account number stored as a number is its digits, not 6.22e+18."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def _row(number: int, row: list, columns: dict[str, int]) -> StatementRow | None:
    def cell(field):
        column = columns.get(field)
        return row[column] if column is not None and column < len(row) else None

    amount = _amount(cell("amount"))
    if amount is None:
        return None
    try:
        texts = {field: clean_text(_text(cell(field)))[:limit] for field, limit in TEXT_LIMITS.items()}
    except UnsafeText as error:
        raise DomainError(str(error)) from None
    return StatementRow(row_number=number, booked_on=parse_date(cell("booked_on")), amount=amount, **texts)


def parse_rows(cells: list[list]) -> list[StatementRow]:
    """Every incoming transfer of CELLS; a DomainError naming the rows (at most 10) that do not parse."""
    header, columns = find_columns(cells)
    rows, errors = [], []
    for index, row in enumerate(cells[header + 1 :], start=header + 2):
        if not any(cell not in (None, "") for cell in row):
            continue
        try:
            parsed = _row(index, row, columns)
        except DomainError as error:
            errors.append(f"第{index}行：{error.message}")
            continue
        if parsed is not None:
            rows.append(parsed)
    if errors:
        shown = "；".join(errors[:MAX_ERRORS_SHOWN])
        more = f"（共{len(errors)}处）" if len(errors) > MAX_ERRORS_SHOWN else ""
        raise DomainError(f"银行流水中有无法识别的行，未导入任何流水{more}：{shown}")
    if not rows:
        raise DomainError("银行流水中没有收入的交易")
    return rows
