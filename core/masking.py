"""The one masking helper: ID numbers, bank accounts and mobile numbers as every list, detail page, export
and API response shows them. The full value is shown only through 「显示完整」 (audit.views.reveal), which
writes an audit row.
"""

import re

# An 18-character ID number (GB 11643) or a run of 15–30 digits (a bank account) inside free text.
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_ACCOUNT_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])\d(?: ?\d){14,29}(?![0-9A-Za-z])")


def mask_id_number(value) -> str:
    """110105********002X — the first six and last four characters."""
    value = str(value or "")
    if len(value) <= 10:
        return value
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_bank_account(value) -> str:
    """6222 **** **** 1234 → 6222********1234: the first four and last four digits."""
    digits = "".join(str(value or "").split())
    if not digits:
        return ""
    if len(digits) <= 8:
        return "*" * (len(digits) - 2) + digits[-2:] if len(digits) > 2 else "**"
    return digits[:4] + "*" * (len(digits) - 8) + digits[-4:]


def mask_mobile(value) -> str:
    value = str(value or "")
    return value[:3] + "****" + value[-4:] if len(value) == 11 else value


MASKS = {"id_number": mask_id_number, "bank_account": mask_bank_account, "mobile": mask_mobile}


def mask(value, kind: str) -> str:
    return MASKS[kind](value)


def mask_text(text) -> str:
    """Free text (an audit row, an export cell) with every ID number and account number in it masked."""
    text = str(text or "")
    text = _ID_IN_TEXT.sub(lambda m: mask_id_number(m.group(0)), text)
    return _ACCOUNT_IN_TEXT.sub(lambda m: mask_bank_account(m.group(0)), text)
