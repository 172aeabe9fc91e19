"""银行流水对账's matching rule, as pure functions over plain values (no database).

A transfer is matched to an open notice (审核通过, not yet paid) by the 通知单号 its 附言 carries — the
notice prints its number as the transfer's required 附言 — and only when the amount is the notice's to the
cent. Without a number, the payer's name equal to the unit's name and the same amount make a suggestion
that finance confirms by hand. A notice is held by one line only: a second line naming it is a 重复匹配.
"""

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

NOTICE_NUMBER = re.compile(r"JF\d{14}")


@dataclass(frozen=True)
class OpenNotice:
    pk: int
    number: str
    amount: Decimal
    unit_name: str


@dataclass(frozen=True)
class LineMatch:
    match: str  # a StatementLine.Match value
    notice_pk: int | None = None
    note: str = ""


def _plain(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text or "").split()).upper()


def notice_numbers_in(reference: str) -> list[str]:
    return NOTICE_NUMBER.findall(_plain(reference))


class Matcher:
    """Matches one statement's lines in order; `taken` holds the notices already held by a line (of this
    statement or of an earlier one not yet confirmed)."""

    def __init__(self, open_notices: list[OpenNotice], *, taken: dict[int, str], settled: set[str]):
        self.by_number = {notice.number: notice for notice in open_notices}
        self.by_unit: dict[tuple[str, Decimal], list[OpenNotice]] = {}
        for notice in open_notices:
            self.by_unit.setdefault((_plain(notice.unit_name), notice.amount), []).append(notice)
        self.taken = dict(taken)  # notice pk → where it is held ("第3行")
        self.settled = settled  # numbers of notices that are no longer open (paid, voided)

    def match(self, *, row_number: int, amount: Decimal, payer_name: str, reference: str) -> LineMatch:
        numbers = notice_numbers_in(reference)
        notice = next((self.by_number[n] for n in numbers if n in self.by_number), None)
        if notice is not None:
            return self._by_number(notice, row_number, amount)
        if numbers:
            closed = next((n for n in numbers if n in self.settled), numbers[0])
            return LineMatch(
                "unmatched", note=f"附言中的通知单 {closed} 不是待收款的通知单（已收款或不存在）"
            )
        candidates = [n for n in self.by_unit.get((_plain(payer_name), amount), []) if n.pk not in self.taken]
        if len(candidates) == 1:
            self.taken[candidates[0].pk] = f"第{row_number}行"
            return LineMatch(
                "suggested", candidates[0].pk, "附言无通知单号：按付款人名称与金额建议，请核对后确认"
            )
        if candidates:
            return LineMatch("unmatched", note=f"有{len(candidates)}张同单位同金额的通知单，请人工核对")
        return LineMatch("unmatched", note="附言中没有通知单号，也没有同名同额的待收款通知单")

    def _by_number(self, notice: OpenNotice, row_number: int, amount: Decimal) -> LineMatch:
        if notice.pk in self.taken:
            held = self.taken[notice.pk]
            return LineMatch(
                "duplicate", notice.pk, f"通知单 {notice.number} 已由{held}匹配，本笔不能再用于该通知单"
            )
        if amount != notice.amount:
            return LineMatch(
                "amount_differs",
                notice.pk,
                f"到账 {amount:,.2f} 元，应缴 {notice.amount:,.2f} 元，金额不符，不能自动确认",
            )
        self.taken[notice.pk] = f"第{row_number}行"
        return LineMatch("matched", notice.pk)
