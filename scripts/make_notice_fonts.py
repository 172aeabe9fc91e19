"""Write billing/fonts/notice-sans-sc-{regular,bold}.otf: Noto Sans CJK SC (the system's fonts-noto-cjk)
cut down to what a 缴费通知单 prints — ASCII, the 6,763 characters of GB 2312 and its symbols, and the
CJK punctuation — and renamed "Notice Sans SC" (a modified font under the SIL OFL 1.1 takes another name).

    .venv/bin/python scripts/make_notice_fonts.py

Each face is about 1.5 MB instead of 16 MB, so WeasyPrint's per-document subset of it takes milliseconds;
a character outside the cut (a rare one in a unit's name) is still printed, by the full system font the
stylesheet names next (billing/documents.py).
"""

import contextlib
import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

SOURCE = Path("/usr/share/fonts/opentype/noto")
TARGET = Path(__file__).resolve().parents[1] / "billing" / "fonts"
FAMILY = "Notice Sans SC"
SC_INDEX = 2  # the SC face of the collection (JP, KR, SC, TC, HK, then the mono ones)


def characters() -> set[str]:
    chars = {chr(code) for code in range(0x20, 0x7F)}
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.add(bytes([high, low]).decode("gb2312"))
    return (
        chars
        | {chr(code) for code in range(0x3000, 0x3040)}
        | {chr(c) for c in range(0xFF01, 0xFF5F)}
        | set("¥·—…")
    )


def make(source: str, style: str) -> Path:
    font = TTFont(SOURCE / source, fontNumber=SC_INDEX)
    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    options.desubroutinize = True
    options.drop_tables += ["GSUB", "GPOS"]  # WeasyPrint drops them from the embedded font anyway
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in characters()])
    subsetter.subset(font)
    full = f"{FAMILY} {style}" if style != "Regular" else FAMILY
    postscript = f"{FAMILY.replace(' ', '')}-{style}"
    for record in font["name"].names:
        text = {1: FAMILY, 2: style, 3: postscript, 4: full, 6: postscript, 16: FAMILY, 17: style}
        if record.nameID in text:
            record.string = text[record.nameID]
    if "CFF " in font:
        font["CFF "].cff.fontNames = [postscript]
    path = TARGET / f"notice-sans-sc-{style.lower()}.otf"
    font.save(path)
    return path


if __name__ == "__main__":
    TARGET.mkdir(exist_ok=True)
    for source, style in (("NotoSansCJK-Regular.ttc", "Regular"), ("NotoSansCJK-Bold.ttc", "Bold")):
        print(make(source, style), file=sys.stderr)
