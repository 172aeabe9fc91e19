"""Spreadsheets for enrollment: the roster template, the error list and the roster export (XlsxWriter via
core.xlsx: formula-safe)."""

import io

from core.masking import mask_id_number, mask_mobile
from core.xlsx import workbook
from enrollment.models import Member
from enrollment.periods import age_on
from enrollment.roster import FIXED_COLUMNS, PlanColumn

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SEX = dict(Member.Sex.choices)


def roster_template_xlsx(*, application, plans: list[PlanColumn], rows: list[tuple] = ()) -> bytes:
    """参保职工名单模板: ID and mobile columns are text, 份 columns validated, with instructions."""
    buffer = io.BytesIO()
    book = workbook(buffer)
    _roster_sheet(book, plans, rows)
    _instructions_sheet(book, application, plans)
    book.close()
    return buffer.getvalue()


def _roster_sheet(book, plans: list[PlanColumn], rows) -> None:
    sheet = book.add_worksheet("参保职工名单")
    head = book.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1, "align": "center"})
    text = book.add_format({"num_format": "@"})
    headers = [*FIXED_COLUMNS, *(p.header for p in plans)]
    for col, title in enumerate(headers):
        sheet.write_string(0, col, title, head)
    sheet.set_column(0, 0, 8)
    sheet.set_column(1, 1, 12)
    sheet.set_column(2, 2, 22, text)
    sheet.set_column(3, 3, 15, text)
    sheet.set_column(4, 4 + len(plans), 22)
    last = max(len(rows), 1) + 20000
    sheet.data_validation(
        1,
        2,
        last,
        2,
        {
            "validate": "length",
            "criteria": "==",
            "value": 18,
            "error_title": "身份证号",
            "error_message": "身份证号应为18位",
        },
    )
    for offset, plan in enumerate(plans):
        sheet.data_validation(
            1,
            len(FIXED_COLUMNS) + offset,
            last,
            len(FIXED_COLUMNS) + offset,
            {
                "validate": "list",
                "source": [str(plan.shares)],
                "error_title": plan.name,
                "error_message": f"{plan.name}：参加填{plan.shares}（全单位统一份数），不参加请留空",
            },
        )
    for index, row in enumerate(rows, start=1):
        sheet.write_number(index, 0, index)
        sheet.write_string(index, 1, row[0])
        sheet.write_string(index, 2, row[1], text)
        sheet.write_string(index, 3, row[2] or "", text)
        for offset, plan in enumerate(plans):
            if plan.code in row[3]:
                sheet.write_number(index, len(FIXED_COLUMNS) + offset, row[3][plan.code])
    sheet.freeze_panes(1, 0)


def _instructions_sheet(book, application, plans: list[PlanColumn]) -> None:
    notes = book.add_worksheet("填写说明")
    notes.set_column(0, 0, 100)
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    lines = [
        f"单位：{application.unit.name}    申请：{application.get_kind_display()}    "
        f"保期：{application.period_start:%Y-%m-%d} 至 {application.period_end:%Y-%m-%d}",
        "1. 请在“参保职工名单”工作表第2行起逐行填写，不要修改、增加或删除表头列。",
        "2. 身份证号须为18位，末位X大小写均可；该列已设为文本格式，请勿改为数字，否则末几位会丢失。",
        "3. 性别和出生日期由身份证号自动识别，无需填写。",
        "4. 保障计划列：参加的填写份数（全单位统一份数，见下），不参加的留空。",
        *[
            f"   · {p.name}：{p.shares}份"
            + ("（仅限女职工）" if p.female_only else "")
            + f"，保期开始时须年满{p.min_age}周岁"
            for p in plans
        ],
        "5. 年满60周岁的职工系统会提示，但不影响导入。",
        "6. 空行会自动跳过；同一身份证号在名单中只能出现一次。",
        "7. 名单有错误时系统会逐行列出错误并提供错误清单下载；可修改后重新上传，或选择“只导入正确的行”。",
    ]
    for index, line in enumerate(lines):
        notes.write_string(index, 0, line, wrap)


def roster_errors_xlsx(errors: list) -> bytes:
    buffer = io.BytesIO()
    book = workbook(buffer)
    sheet = book.add_worksheet("错误清单")
    head = book.add_format({"bold": True, "bg_color": "#F8CBAD", "border": 1})
    for col, title in enumerate(("行号", "列", "错误说明")):
        sheet.write_string(0, col, title, head)
    sheet.set_column(0, 0, 8)
    sheet.set_column(1, 1, 24)
    sheet.set_column(2, 2, 70)
    for index, (row, column, message) in enumerate(errors, start=1):
        sheet.write_number(index, 0, row)
        sheet.write_string(index, 1, column)
        sheet.write_string(index, 2, message)
    book.close()
    return buffer.getvalue()


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
