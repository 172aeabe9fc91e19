"""Documents generated for agents: the change-of-agent form (绑定模板)."""

import io

from django.utils import timezone

from core.xlsx import workbook


def binding_form_xlsx(*, requester, unit=None) -> bytes:
    """单位代办员变更申请表 — pre-filled with the new agent (and the unit when one is picked)."""
    buffer = io.BytesIO()
    book = workbook(buffer)
    sheet = book.add_worksheet("代办员变更申请表")
    title = book.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"})
    label = book.add_format(
        {"bold": True, "border": 1, "valign": "vcenter", "bg_color": "#F2F2F2", "text_wrap": True}
    )
    cell = book.add_format({"border": 1, "valign": "vcenter", "text_wrap": True, "num_format": "@"})
    note = book.add_format({"font_size": 9, "font_color": "#666666", "text_wrap": True})
    sheet.set_column(0, 0, 18)
    sheet.set_column(1, 3, 22)
    sheet.merge_range("A1:D1", "青岛市职工互助保障 单位代办员变更申请表", title)
    sheet.set_row(0, 36)

    unit_name = unit.name if unit else ""
    credit_code = unit.credit_code if unit else ""
    old_agent = unit.agent if unit else None
    rows = [
        ("单位名称", unit_name),
        ("统一社会信用代码", credit_code),
        ("原代办员姓名", old_agent.real_name if old_agent else ""),
        ("新代办员姓名", requester.real_name),
        ("新代办员身份证号", requester.id_number or ""),
        ("新代办员手机号", requester.mobile or ""),
    ]
    row = 2
    for caption, value in rows:
        sheet.write(row, 0, caption, label)
        sheet.merge_range(row, 1, row, 3, value, cell)
        sheet.set_row(row, 24)
        row += 1
    sheet.write(row, 0, "变更原因", label)
    sheet.merge_range(row, 1, row, 3, "", cell)
    sheet.set_row(row, 60)
    row += 1
    sheet.write(row, 0, "单位意见", label)
    sheet.merge_range(row, 1, row, 3, "\n\n单位（盖章）：                    日期：    年   月   日", cell)
    sheet.set_row(row, 70)
    row += 1
    sheet.write(row, 0, "工会意见", label)
    sheet.merge_range(row, 1, row, 3, "\n\n工会（盖章）：                    日期：    年   月   日", cell)
    sheet.set_row(row, 70)
    row += 2
    sheet.merge_range(
        row,
        0,
        row,
        3,
        "填写说明：请填写变更原因，由单位和工会盖章后扫描或拍照（PDF、JPG、PNG），在“单位信息管理—单位绑定”中上传并上报。"
        f"本表由系统于 {timezone.localdate():%Y-%m-%d} 为新代办员 {requester.real_name} 生成。",
        note,
    )
    sheet.set_row(row, 48)
    sheet.print_area(0, 0, row, 3)
    sheet.fit_to_pages(1, 1)
    book.close()
    return buffer.getvalue()
