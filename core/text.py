"""Clean free text before it is stored: no NUL, no control characters, no bidi overrides.

NUL is refused (PostgreSQL cannot store it, and nobody types it); other C0/C1 control characters and the
invisible direction/format characters that make a name display as something else (U+202E RIGHT-TO-LEFT
OVERRIDE turns "abc.exe" into "exe.cba") are removed. Line breaks survive only in multi-line fields.
"""

import os
import re
import unicodedata

NUL = "\x00"
# Direction embeddings/overrides/isolates, marks, zero-width characters, word joiner, BOM.
INVISIBLE = (
    "\u061c\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069\ufeff"
)
_CONTROL = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f" + INVISIBLE + "]")
_LINE_BREAKS = re.compile(r"\r\n?|[\u2028\u2029]")


class UnsafeText(ValueError):
    """The text contains a NUL byte: refused, never silently changed."""


def has_nul(value: str) -> bool:
    return NUL in value


def clean_text(value, *, multiline: bool = False) -> str:
    """The text without control/bidi characters, trimmed; tabs become spaces; UnsafeText on NUL.

    Single-line text also has its line breaks turned into spaces; multi-line text keeps "\n".
    """
    if value is None:
        return ""
    text = str(value)
    if NUL in text:
        raise UnsafeText("内容中含有不允许的空字符（NUL），请删除后重新填写")
    text = _LINE_BREAKS.sub("\n", text).replace("\t", " ")
    text = _CONTROL.sub("", text)
    if not multiline:
        text = text.replace("\n", " ")
    return text.strip()


def is_clean(value: str) -> bool:
    return NUL not in value and not _CONTROL.search(value)


def clean_filename(name, *, default: str = "file", max_length: int = 200) -> str:
    """A file name safe to store and to show: the last path part, no control characters, bounded."""
    text = (name or "").replace("\\", "/").split("/")[-1]
    text = _CONTROL.sub("", text.replace(NUL, ""))
    text = unicodedata.normalize("NFC", " ".join(text.split()))
    text = text.lstrip(".") or default
    if len(text) > max_length:
        stem, ext = os.path.splitext(text)
        text = stem[: max_length - len(ext[:10])] + ext[:10]
    return text


def bounded_text(value, *, label: str, max_length: int, multiline: bool = False) -> str:
    """clean_text for services: the same cleaning as the form fields, and the column's length as a rule."""
    from core.errors import DomainError

    try:
        text = clean_text(value, multiline=multiline)
    except UnsafeText as error:
        raise DomainError(f"{label}：{error}") from None
    if len(text) > max_length:
        raise DomainError(f"{label}最多可填写{max_length}个字（现在是{len(text)}个字）")
    return text
