"""Money helpers: amounts are Decimal yuan with two places; capitals (大写) for notices."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
DIGITS = "零壹贰叁肆伍陆柒捌玖"
PLACES = ("", "拾", "佰", "仟")
SECTIONS = ("", "万", "亿", "万亿")


def yuan(value) -> Decimal:
    """Round half up to the cent."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


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
