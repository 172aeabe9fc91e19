"""Money helpers: amounts are Decimal yuan with two places; strict parsing; capitals (大写) for notices."""

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

from core.errors import DomainError

CENT = Decimal("0.01")
# The largest amount any money column holds (max_digits=12, decimal_places=2).
MONEY_MAX = Decimal("9999999999.99")
# Plain digits (or correctly grouped thousands), at most two decimals. No sign, exponent, NaN or infinity.
MONEY_PATTERN = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d{1,13})(?:\.\d{1,2})?$")
DIGITS = "零壹贰叁肆伍陆柒捌玖"
PLACES = ("", "拾", "佰", "仟")
SECTIONS = ("", "万", "亿", "万亿")


def yuan(value) -> Decimal:
    """Round half up to the cent."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def parse_money(
    raw, *, label: str = "金额", maximum: Decimal = MONEY_MAX, minimum: Decimal = CENT
) -> Decimal:
    """A typed amount in yuan → Decimal with two places, or DomainError with a message naming the rule.

    Accepts "10000", "10000.5", "10,000.50" (full-width digits too); refuses negatives, exponents
    ("1e20"), NaN/Infinity, more than two decimals and anything outside [minimum, maximum].
    """
    text = unicodedata.normalize("NFKC", str(raw if raw is not None else "")).strip()
    text = "".join(text.split()).removesuffix("元")
    if not text:
        raise DomainError(f"请填写{label}（元）")
    if text.startswith("-"):
        raise DomainError(f"{label}不能为负数")
    if not MONEY_PATTERN.match(text):
        if re.fullmatch(r"\d+\.\d{3,}", text.replace(",", "")):
            raise DomainError(f"{label}最多保留两位小数（到分）")
        raise DomainError(f"{label}格式不正确：请只填写数字，最多两位小数，如 10000 或 10000.50")
    amount = Decimal(text.replace(",", "")).quantize(CENT)
    if amount < minimum:
        raise DomainError(f"{label}不能小于 {minimum:,.2f} 元")
    if amount > maximum:
        raise DomainError(f"{label}不能超过 {maximum:,.2f} 元")
    return amount


def _section(number: int) -> str:
    """0 < number < 10000 → e.g. 1005 → 壹仟零伍."""
    out, pending_zero = "", False
    for place in range(3, -1, -1):
        digit = number // 10**place % 10
        if digit == 0:
            pending_zero = bool(out)
        else:
            if pending_zero:
                out += "零"
                pending_zero = False
            out += DIGITS[digit] + PLACES[place]
    return out


def _integer(number: int) -> str:
    sections = []
    while number:
        sections.append(number % 10000)
        number //= 10000
    out, pending_zero = "", False
    for index in range(len(sections) - 1, -1, -1):
        section = sections[index]
        if section == 0:
            pending_zero = bool(out)
            continue
        if out and (pending_zero or section < 1000):
            out += "零"
        out += _section(section) + SECTIONS[index]
        pending_zero = False
    return out


def rmb_upper(amount) -> str:
    """1234.56 → 壹仟贰佰叁拾肆元伍角陆分; 100000 → 壹拾万元整; 0 → 零元整."""
    amount = yuan(amount)
    if amount < 0:
        return "负" + rmb_upper(-amount)
    whole = int(amount)
    cents = int((amount - whole) * 100)
    jiao, fen = divmod(cents, 10)
    out = _integer(whole) + "元" if whole else ""
    if not jiao and not fen:
        return (out or "零元") + "整"
    if jiao:
        out += DIGITS[jiao] + "角"
    elif whole:
        out += "零"
    if fen:
        out += DIGITS[fen] + "分"
    return out
