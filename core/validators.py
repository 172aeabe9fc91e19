"""Own validators for Chinese identifiers.

GB 11643 (居民身份证号码) and GB 32100 (统一社会信用代码). Deliberately small: the PyPI packages we
tried reject numbers that are valid in practice (e.g. they also enforce the GB 11714 organisation-code
check digit inside the credit code, which older registrations do not satisfy).
"""

import datetime
import operator
import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone

from core.masking import mask_id_number, mask_mobile  # noqa: F401 — the one masking helper lives there

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CODES = "10X98765432"

CREDIT_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def normalize_code(value) -> str:
    """Trim, full-width → half-width, drop inner spaces, upper-case (lower-case x → X)."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    return "".join(text.split()).upper()


def id_number_birth_date(id_number: str) -> datetime.date:
    return datetime.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def id_number_is_female(id_number: str) -> bool:
    return int(id_number[16]) % 2 == 0


def id_check_digit(first17: str) -> str:
    if len(first17) != 17:
        raise ValueError("id_check_digit needs the first 17 digits")
    total = sum(map(operator.mul, map(int, first17), ID_WEIGHTS))  # C-level loops: runs per roster row
    return ID_CHECK_CODES[total % 11]


def credit_check_char(first17: str) -> str:
    total = sum(CREDIT_CHARSET.index(c) * w for c, w in zip(first17, CREDIT_WEIGHTS, strict=True))
    return CREDIT_CHARSET[(31 - total % 31) % 31]


def validate_id_number(value, *, today: datetime.date | None = None) -> str:
    """Return the normalised 18-character ID number or raise ValidationError with a Chinese message."""
    number = normalize_code(value)
    if not number:
        raise ValidationError("请填写身份证号", code="id_required")
    if len(number) == 15 and number.isdigit():
        raise ValidationError("不再受理15位旧身份证号，请填写18位身份证号", code="id_15_digits")
    if len(number) != 18:
        raise ValidationError("身份证号应为18位", code="id_length")
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError("身份证号只能由数字和末位X组成", code="id_chars")
    try:
        birth = id_number_birth_date(number)
    except ValueError:
        raise ValidationError("身份证号中的出生日期不存在", code="id_birth_date") from None
    if birth.year < 1900 or birth > (today or timezone.localdate()):
        raise ValidationError("身份证号中的出生日期不存在", code="id_birth_date")
    if id_check_digit(number[:17]) != number[17]:
        raise ValidationError("身份证号校验位错误，请核对", code="id_checksum")
    return number


def validate_credit_code(value) -> str:
    """Return the normalised 统一社会信用代码 or raise ValidationError with a Chinese message."""
    code = normalize_code(value)
    if not code:
        raise ValidationError("请填写统一社会信用代码", code="credit_required")
    if len(code) != 18:
        raise ValidationError("统一社会信用代码应为18位", code="credit_length")
    if any(char not in CREDIT_CHARSET for char in code):
        raise ValidationError("统一社会信用代码含有不允许的字符（不使用 I、O、Z、S、V）", code="credit_chars")
    if credit_check_char(code[:17]) != code[17]:
        raise ValidationError("统一社会信用代码校验位错误，请核对", code="credit_checksum")
    return code


def validate_mobile(value) -> str:
    mobile = normalize_code(value)
    if len(mobile) != 11 or not mobile.isdigit() or mobile[0] != "1":
        raise ValidationError("请填写11位手机号", code="mobile")
    return mobile
