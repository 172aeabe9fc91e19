"""【导出名单】: the roster of an application as xlsx, formula-safe (core.xlsx)."""

import io

from django.db import transaction

from core.audit import audit_log
from core.masking import mask_id_number, mask_mobile
from core.xlsx import workbook
from enrollment.models import Member
from enrollment.periods import age_on
from enrollment.selectors import roster_page

SEX = dict(Member.Sex.choices)


def roster_xlsx(application, entries, plan_lines, *, full: bool = False) -> bytes:
    """行号, 姓名, 身份证号, 性别, 出生日期, 年龄, 手机号 and one 份 column per plan; text as text.
    ID numbers and mobiles are masked unless FULL (a logged 「含完整身份证号」 export)."""
    buffer = io.BytesIO()
    book = workbook(buffer)
    sheet = book.add_worksheet("参保职工名单")
    head = book.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1})
    plan_headers = [f"{line.plan.name}(份)" for line in plan_lines]
    for col, title in enumerate(
        ["行号", "姓名", "身份证号", "性别", "出生日期", "年龄", "手机号", *plan_headers]
    ):
        sheet.write_string(0, col, title, head)
    sheet.set_column(1, 1, 12)
    sheet.set_column(2, 2, 22)
    sheet.set_column(4, 4, 12)
    sheet.set_column(6, 6, 15)
    sheet.set_column(7, 7 + len(plan_lines), 18)
    codes = [line.plan.code for line in plan_lines]
    start = application.period_start
    rows = entries.values_list("row_number", "name", "id_number", "sex", "birth_date", "mobile", "shares")
    write_string, write_number = sheet.write_string, sheet.write_number
    show_id, show_mobile = (str, str) if full else (mask_id_number, mask_mobile)
    for index, (row_number, name, id_number, sex, birth, mobile, shares) in enumerate(
        rows.iterator(chunk_size=5000), start=1
    ):
        write_number(index, 0, row_number)
        write_string(index, 1, name)
        write_string(index, 2, show_id(id_number))
        write_string(index, 3, SEX.get(sex, ""))
        write_string(index, 4, birth.isoformat())
        write_number(index, 5, age_on(birth, start))
        if mobile:
            write_string(index, 6, show_mobile(mobile))
        for offset, code in enumerate(codes):
            if code in shares:
                write_number(index, 7 + offset, shares[code])
    sheet.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()


@transaction.atomic
def roster_export_xlsx(*, actor, application, query: str = "", full: bool = False) -> bytes:
    """The roster (or the rows matching QUERY) as xlsx, masked; FULL (for a role that may see full values,
    decided by the caller) carries the ID numbers and mobiles as submitted. Every export is an audit row
    (who, which application, how many rows, whether full)."""
    entries = roster_page(application, query=query)
    lines = list(application.plan_lines.select_related("plan"))
    content = roster_xlsx(application, entries, lines, full=full)
    changes = {"query": query, "rows": entries.count()}
    if full:
        changes["full"] = True
    audit_log(actor=actor, verb="roster_export", obj=application, changes=changes)
    return content
