"""【导出名单】: the roster of an application as xlsx, formula-safe (XlsxWriter, constant memory)."""

import io

import xlsxwriter
from django.db import transaction

from core.audit import audit_log
from enrollment.models import Member
from enrollment.periods import age_on
from enrollment.selectors import roster_page

# A cell that starts with one of these is a formula (or DDE) to Excel/WPS; a leading ' keeps it text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value) -> str:
    """Text for a cell that a spreadsheet will never run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


SEX = dict(Member.Sex.choices)


def roster_xlsx(application, entries, plan_lines) -> bytes:
    """行号, 姓名, 身份证号, 性别, 出生日期, 年龄, 手机号 and one 份 column per plan; text as text."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("参保职工名单")
    head = book.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1})
    plan_headers = [f"{line.plan.name}(份)" for line in plan_lines]
    for col, title in enumerate(
        ["行号", "姓名", "身份证号", "性别", "出生日期", "年龄", "手机号", *plan_headers]
    ):
        sheet.write_string(0, col, safe_text(title), head)
    sheet.set_column(1, 1, 12)
    sheet.set_column(2, 2, 22)
    sheet.set_column(4, 4, 12)
    sheet.set_column(6, 6, 15)
    sheet.set_column(7, 7 + len(plan_lines), 18)
    codes = [line.plan.code for line in plan_lines]
    start = application.period_start
    rows = entries.values_list("row_number", "name", "id_number", "sex", "birth_date", "mobile", "shares")
    write_string, write_number = sheet.write_string, sheet.write_number
    for index, (row_number, name, id_number, sex, birth, mobile, shares) in enumerate(
        rows.iterator(chunk_size=5000), start=1
    ):
        write_number(index, 0, row_number)
        write_string(index, 1, safe_text(name))
        write_string(index, 2, safe_text(id_number))
        write_string(index, 3, SEX.get(sex, ""))
        write_string(index, 4, birth.isoformat())
        write_number(index, 5, age_on(birth, start))
        if mobile:
            write_string(index, 6, safe_text(mobile))
        for offset, code in enumerate(codes):
            if code in shares:
                write_number(index, 7 + offset, shares[code])
    sheet.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()


@transaction.atomic
def roster_export_xlsx(*, actor, application, query: str = "") -> bytes:
    """The roster (or the rows matching QUERY) as xlsx. It carries the full ID numbers the agent submitted,
    so each export is written to the audit log (who, which application, how many rows)."""
    entries = roster_page(application, query=query)
    content = roster_xlsx(application, entries, list(application.plan_lines.select_related("plan")))
    audit_log(
        actor=actor, verb="roster_export", obj=application, changes={"query": query, "rows": entries.count()}
    )
    return content
