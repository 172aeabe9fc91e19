"""Manual §2 参保业务经办 in a real browser, with the manual's button words.

The demo unit 青岛海川机械有限公司 (agent 13800000001 张三, 市南区) has a paid main period that ends at the
end of the current month, so this month is the one in which the next 主保期参保 may be 上报'd.

(1) 主保期参保 with a 50-row roster (two members aged 60+): 【提交】 → 参保职工名单 →
    【参保职工名单模板下载】 → 【导入参保职工名单】 → 【上传】 → 60+ warning → 【上报】 → 市南区 and
    市总 approve (roster summary, paged roster) → 【缴费通知单】 (the PDF looked at as an image) →
    财务 收款确认 (a wrong amount is refused) → 保期生效 → 会员查询 shows the coverage.
(2) 市总 退回 with a reason → 【查看退回原因】 → 【编辑】 from the ⋯ menu at phone width → 上报
    again → approved.
(3) 补充参保申请, 理由 提前续保: a hand-entered period after the current one, roster, 材料, 上报,
    approved, notice.
(4) 补充参保申请, 理由 追加 of two people: the pro-rata amount (1 remaining month) on the
    application and on the notice.
(5) a PDF renamed .xlsx → one clear message; a roster with errors → per-row list,
    【下载错误清单】, nothing imported.
"""

import datetime
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import xlsxwriter
from django.utils import timezone
from playwright.sync_api import Page, expect
from python_calamine import CalamineWorkbook

from core.samples import tiny_pdf
from core.validators import id_check_digit, mask_id_number
from demo.seed import DEMO_UNIT_NAME, demo_member_rows
from enrollment.periods import add_months

pytestmark = pytest.mark.browser

WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 390, "height": 844}  # a phone
AGENT = "13800000001"  # 张三, owns the demo unit

ZJ, NG, YW = "重大疾病互助保障", "女职工特殊疾病互助保障", "意外伤害互助保障"
PLAN_NAMES = {"ZJ": ZJ, "NG": NG, "YW": YW}
FIXED_HEADER = ["序号", "姓名", "身份证号", "手机号"]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = ["建国", "秀英", "海燕", "志强", "丽娜", "晓东", "桂兰", "俊杰", "雪梅", "文博"]


# --- people and periods ---------------------------------------------------------------------------------


@dataclass
class Person:
    name: str
    id_number: str
    mobile: str
    female: bool


def make_id(birth: datetime.date, sequence: int) -> str:
    """370202 (市南区) + birth date + 3-digit sequence (odd male, even female) + check digit."""
    first17 = f"370202{birth:%Y%m%d}{sequence:03d}"
    return first17 + id_check_digit(first17)


def staff(count: int, *, base: int, over60_at: tuple[int, ...] = ()) -> list[Person]:
    """COUNT employees, women at even positions, aged 26–50 except those at OVER60_AT (born 1958/1961).

    Sequences start at BASE (≥ 300), so the ID numbers differ from the demo members' (100–123)."""
    people = []
    for i in range(count):
        female = i % 2 == 0
        if i in over60_at:
            birth = datetime.date(1958 + 3 * over60_at.index(i), 3 + i % 9, 15)
        else:
            birth = datetime.date(1976 + i % 24, 1 + i % 12, 1 + (7 * i) % 28)
        sequence = base + 2 * i + (0 if female else 1)
        name = SURNAMES[i % len(SURNAMES)] + GIVEN[i % len(GIVEN)]
        people.append(Person(name, make_id(birth, sequence), f"1375532{i:04d}", female))
    return people


def demo_people() -> list[Person]:
    """The demo unit's 12 covered members (for a renewal)."""
    return [
        Person(name, id_number, mobile, "NG" in shares)
        for name, id_number, mobile, shares in demo_member_rows()
    ]


def current_period_end(today: datetime.date) -> datetime.date:
    """The demo unit's paid main period ends at the end of the current month."""
    return add_months(today.replace(day=1), 1) - datetime.timedelta(days=1)


def next_period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    start = current_period_end(today) + datetime.timedelta(days=1)
    return start, add_months(start, 12) - datetime.timedelta(days=1)


# --- spreadsheets ---------------------------------------------------------------------------------------


def roster_xlsx(path: Path, header: list[str], people: list[Person], shares: dict[str, int]) -> Path:
    """A filled-in copy of the downloaded template: one row per person, 份 in each chosen plan's column
    (the female-only plan for women only). ID and mobile are written as text, as the template asks."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("参保职工名单")
    text = book.add_format({"num_format": "@"})
    for col, title in enumerate(header):
        sheet.write_string(0, col, title)
    for row, person in enumerate(people, start=1):
        sheet.write_number(row, 0, row)
        sheet.write_string(row, 1, person.name)
        sheet.write_string(row, 2, person.id_number, text)
        sheet.write_string(row, 3, person.mobile, text)
        for col, title in enumerate(header[len(FIXED_HEADER) :], start=len(FIXED_HEADER)):
            plan = title.removesuffix("(份)")
            if plan in shares and (person.female or plan != NG):
                sheet.write_number(row, col, shares[plan])
    book.close()
    return path


def read_xlsx(path) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()


def download_template(page: Page) -> list[str]:
    """【参保职工名单模板下载】 → the header row of the downloaded xlsx."""
    with page.expect_download() as info:
        page.get_by_role("link", name="参保职工名单模板下载").click()
    download = info.value
    assert download.suggested_filename == f"参保职工名单模板-{DEMO_UNIT_NAME}.xlsx"
    return [str(cell) for cell in read_xlsx(download.path())[0] if cell not in (None, "")]


# --- steps shared by the journeys -----------------------------------------------------------------------


def menu(page: Page, label: str) -> None:
    page.locator("#sidebar").get_by_role("link", name=label, exact=True).click()


def application_row(page: Page, pk: int):
    return page.locator(f'#application-table tr[data-application="{pk}"]')


def expect_status(page: Page, pk: int, label: str) -> None:
    expect(application_row(page, pk).locator(".status-badge")).to_have_text(label)


def fill_application(
    page: Page,
    *,
    shares: dict[str, int],
    reason: str = "",
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> None:
    if reason:
        page.get_by_role("radio", name=reason).check()
    if start:
        page.get_by_label("保期开始日期").fill(start.isoformat())
    if end:
        page.get_by_label("保期结束日期").fill(end.isoformat())
    # The form starts from the plans of the period being renewed; SHARES (when given) are exactly the choice.
    for select in page.locator("#plan-table select").all() if shares else []:
        select.select_option(label="不参加")
    for plan, count in shares.items():
        page.get_by_label(f"{plan}份数").select_option(label=f"{count}份")


def submit_application(page: Page) -> int:
    """【提交】 → the 参保职工名单 tab opens; returns the application's id."""
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.locator("#messages")).to_contain_text("申请已提交，请导入参保职工名单")
    expect(page.locator(".nav-tabs .active")).to_have_text("参保职工名单")
    return int(re.search(r"/enrollment/(\d+)/", page.url).group(1))


def upload_roster(page: Page, path: Path, *, shot=None, name: str = "") -> None:
    """【导入参保职工名单】 → choose the file → 【上传】 (the page reloads on the roster tab)."""
    page.get_by_role("button", name="导入参保职工名单").click()
    dialog = page.get_by_role("dialog", name="导入参保职工名单")
    expect(dialog).to_be_visible()
    dialog.locator("input[type=file]").set_input_files(path)
    if shot:
        shot(page, name)
    dialog.get_by_role("button", name="上传", exact=True).click()
    expect(dialog).to_be_hidden()
    expect(page.locator(".nav-tabs .active")).to_have_text("参保职工名单")


def upload_material(page: Page, path: Path, *, shot=None, name: str = "") -> None:
    """材料 tab → 【上传材料】 → 补充参保申请说明 → 上传 → 关闭."""
    page.get_by_role("link", name="材料", exact=True).click()
    page.get_by_role("button", name="上传材料").click()
    dialog = page.get_by_role("dialog", name="上传材料")
    expect(dialog).to_be_visible()
    dialog.get_by_label("材料类型").select_option(label="补充参保申请说明（必传）")
    dialog.get_by_label("选择文件").set_input_files(path)
    dialog.get_by_role("button", name="上传", exact=True).click()
    expect(dialog.locator("#upload-feedback")).to_have_text(f"“{path.name}”上传成功")
    expect(page.locator(f'#material-table tr[data-material="{path.name}"]')).to_contain_text(
        "补充参保申请说明"
    )
    if shot:
        shot(page, name)
    dialog.get_by_role("button", name="关闭", exact=True).last.click()
    expect(dialog).to_be_hidden()


def report(page: Page, pk: int) -> None:
    """Back to the list → 【上报】 → 区县审核中."""
    menu(page, "参保申请")
    application_row(page, pk).get_by_role("button", name="上报", exact=True).click()
    expect(page.locator("#messages")).to_contain_text("参保申请已上报，当前状态：区县审核中")
    expect_status(page, pk, "区县审核中")


def open_in_queue(page: Page, title: str):
    """A reviewer: 待审核业务 → the row whose title contains TITLE → 审核."""
    menu(page, "待审核业务")
    row = page.locator("#queue-table tr", has_text=title)
    expect(row).to_have_count(1)
    row.get_by_role("link", name="审核").click()
    expect(page.get_by_role("heading", name=re.compile(re.escape(title)))).to_be_visible()
    return page.locator("#pane-info")


def decide(page: Page, action: str, *, reason: str = "", then: str) -> None:
    if reason:
        page.get_by_label("审核意见").fill(reason)
    page.get_by_role("button", name=action, exact=True).click()
    expect(page.locator("#messages")).to_contain_text(re.compile(f"已{action}：.*当前状态：{then}"))


def approve_both(actor, title: str, *, shot=None, prefix: str = "") -> None:
    for username, then in (("shinan", "市总审核中"), ("city", "审核通过")):
        reviewer = actor(username)
        pane = open_in_queue(reviewer, title)
        expect(pane.locator("#roster-table")).to_be_visible()
        if shot:
            shot(reviewer, f"{prefix}{username}-item")
        decide(reviewer, "通过", then=then)


def notice_pdf(page: Page, server, pk: int, folder: Path, name: str) -> str:
    """The list row's 【缴费通知单】, fetched with the agent's session: keep it (PDF + page 1 as PNG
    next to the screenshots) and return its text."""
    href = application_row(page, pk).get_by_role("link", name="缴费通知单").get_attribute("href")
    response = page.request.get(server.url + href)
    assert response.ok, response.status
    assert response.headers["content-type"] == "application/pdf"
    pdf = folder / f"{name}.pdf"
    pdf.write_bytes(response.body())
    subprocess.run(
        ["pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(folder / name)],
        check=True,
    )
    assert (folder / f"{name}.png").stat().st_size > 10_000
    result = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True)
    return result.stdout.decode()


def start_application(page: Page, button: str) -> None:
    menu(page, "参保申请")
    page.get_by_role("link", name=button, exact=True).click()


# --- (1) 主保期参保, 50 members, two approvals, notice, receipt, 保期生效, 会员查询 ------------------------


def test_main_period_enrollment_to_coverage_in_force(server, actor, shot, shot_narrow, tmp_path):
    """One chapter of the manual acted out step by step, on purpose longer than 60 lines: the journey
    reads top to bottom like the manual, and split into parts it would lose the state each step hands on."""
    today = timezone.localdate()
    start, end = next_period(today)
    period = f"{start:%Y-%m-%d} 至 {end:%Y-%m-%d}"
    people = staff(50, base=500, over60_at=(10, 35))
    page = actor(AGENT)

    # The list → 【主保期参保】 → the form → 【提交】.
    menu(page, "参保申请")
    expect(page.get_by_role("heading", name="参保申请")).to_be_visible()
    shot(page, "01-list")
    shot_narrow(page, "01-list")
    page.get_by_role("link", name="主保期参保", exact=True).click()
    expect(page.get_by_role("heading", name="主保期参保")).to_be_visible()
    expect(page.locator("main")).to_contain_text(f"当前保期：{add_months(start, -12):%Y-%m-%d} 至")
    fill_application(page, shares={ZJ: 1, NG: 1, YW: 2})
    shot(page, "02-form")
    shot_narrow(page, "02-form")
    pk = submit_application(page)
    expect(page.locator("main")).to_contain_text(f"主保期参保 · {period}")
    expect(page.locator("#roster-table")).to_contain_text("尚未导入参保职工名单")

    # 【参保职工名单模板下载】 → fill in 50 rows → 【导入参保职工名单】 → 【上传】.
    header = download_template(page)
    assert header == [*FIXED_HEADER, f"{ZJ}(份)", f"{NG}(份)", f"{YW}(份)"]
    path = roster_xlsx(tmp_path / "参保职工名单.xlsx", header, people, {ZJ: 1, NG: 1, YW: 2})
    upload_roster(page, path, shot=shot, name="03-import-dialog")
    expect(page.locator("#messages")).to_contain_text("成功导入50名职工")
    expect(page.locator("#over60-warning")).to_contain_text("名单中有 2 名职工年满60周岁")
    rows = page.locator("#roster-table tbody tr")
    expect(rows).to_have_count(20)
    expect(rows.first).to_contain_text(people[0].name)
    expect(rows.first.locator("td").nth(2).locator(".masked-text")).to_have_text(
        mask_id_number(people[0].id_number)
    )
    expect(page.locator("#roster-count")).to_have_text("共 50 人，第 1–20 行")
    expect(page.locator("#roster-table")).not_to_contain_text(people[0].id_number)
    shot(page, "04-roster-tab")
    shot_narrow(page, "04-roster-tab")
    page.get_by_role("link", name="申请信息").click()
    expect(page.locator("#application-info")).to_contain_text("50 人")
    expect(page.locator("#over60")).to_have_text("其中 2 人年满60周岁")
    expect(page.locator("#total-amount")).to_have_text("4,600.00")
    shot(page, "05-info-tab")

    # Close → the row in the list → 【上报】.
    page.get_by_role("link", name="返回", exact=True).click()
    expect(application_row(page, pk)).to_contain_text("4,600.00")
    expect_status(page, pk, "草稿")
    shot(page, "06-list-draft")
    report(page, pk)

    # 市南区 and 市总: the roster summary and the paged, searchable roster; 通过.
    title = f"{DEMO_UNIT_NAME} 主保期参保 {start:%Y-%m-%d}至{end:%Y-%m-%d}"
    for username, then in (("shinan", "市总审核中"), ("city", "审核通过")):
        reviewer = actor(username)
        pane = open_in_queue(reviewer, title)
        expect(pane.locator("#application-info")).to_contain_text("50 人")
        expect(pane.locator("#over60")).to_have_text("其中 2 人年满60周岁")
        lines = pane.locator("#plan-lines tbody tr")
        expect(lines).to_have_count(3)
        expect(lines.nth(0)).to_contain_text(ZJ)
        expect(lines.nth(1).locator("td").nth(4)).to_have_text("25")  # women in the female-only plan
        expect(pane.locator("#total-amount")).to_have_text("4,600.00")
        expect(pane.locator("#roster-count")).to_have_text("共 50 人，第 1–20 行")
        shot(reviewer, f"07-{username}-item")
        if username == "shinan":
            shot_narrow(reviewer, f"07-{username}-item")
            pane.get_by_role("button", name="下一页").click()
            expect(pane.locator("#roster-count")).to_have_text("共 50 人，第 21–40 行")
            expect(pane.locator("#roster-table tbody tr").first).to_contain_text(people[20].name)
            pane.get_by_role("searchbox", name="搜索名单").fill(people[35].id_number[-6:])
            pane.get_by_role("button", name="搜索", exact=True).click()
            expect(pane.locator("#roster-table tbody tr")).to_have_count(1)
            expect(pane.locator("#roster-table tbody tr")).to_contain_text(people[35].name)
            shot(reviewer, "08-shinan-roster-search")
        decide(reviewer, "通过", reason="名单已核对" if username == "shinan" else "", then=then)

    # The agent: 审核通过 → 【缴费通知单】 (PDF, looked at as an image).
    page.reload()
    expect_status(page, pk, "审核通过")
    folder = shot(page, "09-list-approved").parent
    text = notice_pdf(page, server, pk, folder, "10-notice-page1")
    assert "缴费通知单" in text
    assert DEMO_UNIT_NAME in text
    assert "4,600.00" in text
    assert "肆仟陆佰元整" in text
    assert f"{start.year}年{start.month}月{start.day}日" in text
    number = re.search(r"JF\d{14}", text).group(0)

    # 财务: 收款确认 — a different amount is refused, the right one confirms.
    finance = actor("finance")
    menu(finance, "收款确认")
    notice_row = finance.locator(f'#notice-table tr[data-notice="{number}"]')
    expect(notice_row).to_contain_text("4,600.00")
    shot(finance, "11-finance-workbench")
    shot_narrow(finance, "11-finance-workbench")
    notice_row.get_by_role("link", name="收款确认").click()
    finance.get_by_label("到账金额（元）").fill("4060")
    finance.get_by_label("银行流水号").fill("BOC20261129001")
    finance.get_by_role("button", name="确认收款").click()
    error = finance.locator("main .alert-danger")
    expect(error).to_have_count(1)
    expect(error).to_have_text("到账金额 4,060.00 元与应缴金额 4,600.00 元不一致，不能确认收款，请核对")
    shot(finance, "12-finance-wrong-amount")
    shot_narrow(finance, "12-finance-wrong-amount")
    finance.get_by_label("到账金额（元）").fill("4600.00")
    finance.get_by_label("银行流水号").fill("BOC20261129001")
    finance.get_by_role("button", name="确认收款").click()
    expect(finance.locator("#messages")).to_contain_text(f"已确认收款：{number}，{DEMO_UNIT_NAME}保期生效")
    expect(finance.locator(f'#notice-table tr[data-notice="{number}"]')).to_have_count(0)
    shot(finance, "13-finance-confirmed")

    # The agent: 保期生效; 查看 → 缴费 tab.
    page.reload()
    expect_status(page, pk, "保期生效")
    shot(page, "14-list-effective")
    application_row(page, pk).get_by_role("link", name="查看", exact=True).click()
    page.get_by_role("link", name="缴费", exact=True).click()
    expect(page.locator("#payment-info")).to_contain_text(number)
    expect(page.locator("#payment-info")).to_contain_text("确认收款，保期生效")
    shot(page, "15-payment-tab")

    # 会员查询: the coverage of one new member (three plans, the new period, not started yet).
    member = people[0]
    menu(page, "会员查询")
    page.get_by_label("会员身份证号").fill(member.id_number)
    page.get_by_role("button", name="查询").click()
    coverage = page.locator("#coverage-table tbody tr")
    expect(coverage).to_have_count(3)
    for plan in (ZJ, NG, YW):
        expect(page.locator("#coverage-table")).to_contain_text(plan)
    expect(coverage.first).to_contain_text(DEMO_UNIT_NAME)
    expect(coverage.first).to_contain_text(period)
    expect(coverage.first).to_contain_text("未开始")
    shot(page, "16-member-lookup")
    shot_narrow(page, "16-member-lookup")


# --- (2) 退回 → 查看退回原因 → ⋯ → 编辑 at phone width → 上报 again → approved ----------------------------


def test_returned_application_is_edited_and_resubmitted(server, actor, shot, tmp_path):
    """One chapter of the manual acted out step by step, on purpose longer than 60 lines: the journey
    reads top to bottom like the manual, and split into parts it would lose the state each step hands on."""
    today = timezone.localdate()
    start, end = next_period(today)
    title = f"{DEMO_UNIT_NAME} 主保期参保 {start:%Y-%m-%d}至{end:%Y-%m-%d}"
    reason = "名单中手机号有误，请核对后重新上报"
    page = actor(AGENT)
    start_application(page, "主保期参保")
    fill_application(page, shares={ZJ: 1, YW: 1})
    pk = submit_application(page)
    header = download_template(page)
    upload_roster(page, roster_xlsx(tmp_path / "r.xlsx", header, staff(3, base=300), {ZJ: 1, YW: 1}))
    expect(page.locator("#messages")).to_contain_text("成功导入3名职工")
    report(page, pk)

    shinan = actor("shinan")
    open_in_queue(shinan, title)
    decide(shinan, "通过", then="市总审核中")
    city = actor("city")
    open_in_queue(city, title)
    shot(city, "01-city-item")
    decide(city, "退回", reason=reason, then="退回")

    # The agent: 退回 → 【查看退回原因】.
    page.reload()
    expect_status(page, pk, "退回")
    shot(page, "02-list-returned")
    application_row(page, pk).get_by_role("link", name="查看退回原因").click()
    expect(page.locator("#timeline #return-reason")).to_contain_text(reason)
    expect(page.locator("#return-reason")).to_have_count(1)  # once on this tab, not twice
    shot(page, "03-return-reason")

    # At phone width: the row actions are in the ⋯ menu → 【编辑】 → 【提交】.
    page.set_viewport_size(NARROW)
    page.goto(server.url + "/enrollment/")
    row = application_row(page, pk)
    expect(row.get_by_role("button", name="上报", exact=True)).to_be_hidden()
    row.get_by_role("button", name="更多操作").click()
    expect(row.get_by_role("link", name="编辑", exact=True)).to_be_visible()
    expect(row.get_by_role("link", name="查看退回原因")).to_be_visible()
    shot(page, "04-row-menu-390")
    row.get_by_role("link", name="编辑", exact=True).click()
    expect(page.get_by_role("heading", name="编辑参保申请")).to_be_visible()
    expect(page.get_by_label(f"{ZJ}份数")).to_have_value("1")
    page.get_by_label("备注").fill("已核对手机号")
    shot(page, "05-edit-390")
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.locator("#messages")).to_contain_text("申请信息已保存")
    expect(page.locator("#roster-table tbody tr")).to_have_count(3)  # same plans and period: roster kept

    # ⋯ → 【上报】 again: back to 区县审核中; both levels approve.
    page.goto(server.url + "/enrollment/")
    row.get_by_role("button", name="更多操作").click()
    row.get_by_role("button", name="上报", exact=True).click()
    expect(page.locator("#messages")).to_contain_text("参保申请已上报，当前状态：区县审核中")
    shot(page, "06-resubmitted-390")
    open_in_queue(shinan, title)
    decide(shinan, "通过", then="市总审核中")
    open_in_queue(city, title)
    decide(city, "通过", then="审核通过")
    page.set_viewport_size(WIDE)
    page.reload()
    expect_status(page, pk, "审核通过")
    application_row(page, pk).get_by_role("link", name="查看", exact=True).click()
    page.get_by_role("link", name="审核流程").click()
    steps = page.locator("#timeline li")
    expect(steps).to_have_count(6)
    expect(steps.nth(2)).to_contain_text("退回 · 市总审核")
    expect(steps.nth(2)).to_contain_text(reason)
    expect(steps.nth(5)).to_contain_text("市总审核中 → 审核通过")
    shot(page, "07-timeline")


# --- (3) 补充参保申请 · 提前续保: a hand-entered period, roster, 材料, 上报, approved, notice ---------------


def test_early_renewal_with_manual_period(server, actor, shot, shot_narrow, files, tmp_path):
    today = timezone.localdate()
    start, end = next_period(today)
    page = actor(AGENT)
    start_application(page, "补充参保申请")
    expect(page.get_by_role("heading", name="补充参保申请")).to_be_visible()
    expect(page.get_by_role("radio", name="提前续保")).to_be_checked()

    # A period overlapping the current one is refused with the rule; the next one is accepted.
    fill_application(page, shares={ZJ: 1, NG: 1, YW: 2}, start=today, end=add_months(today, 6))
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.locator("main .alert-danger")).to_have_text(
        f"提前续保的保期应在当前保期（至{current_period_end(today):%Y-%m-%d}）结束之后开始"
    )
    fill_application(page, shares={}, start=start, end=end)
    shot(page, "01-form")
    shot_narrow(page, "01-form")
    pk = submit_application(page)
    expect(page.locator("main")).to_contain_text(
        f"补充参保申请（提前续保） · {start:%Y-%m-%d} 至 {end:%Y-%m-%d}"
    )

    # The roster: the demo unit's 12 members renew (the page compares with the previous period).
    header = download_template(page)
    path = roster_xlsx(tmp_path / "续保名单.xlsx", header, demo_people(), {ZJ: 1, NG: 1, YW: 2})
    upload_roster(page, path)
    expect(page.locator("#messages")).to_contain_text("成功导入12名职工")
    expect(page.locator("#roster-diff")).to_contain_text("新增 0 人，减少 0 人，续保 12 人")
    shot(page, "02-roster-tab")

    # 材料: the 补充参保申请说明 is required before 上报.
    upload_material(page, files.pdf("renewal-letter.pdf"), shot=shot, name="03-material-dialog")
    shot(page, "04-materials-tab")
    shot_narrow(page, "04-materials-tab")
    report(page, pk)

    title = f"{DEMO_UNIT_NAME} 补充参保申请（提前续保） {start:%Y-%m-%d}至{end:%Y-%m-%d}"
    approve_both(actor, title, shot=shot, prefix="05-")
    page.reload()
    expect_status(page, pk, "审核通过")
    expect(application_row(page, pk)).to_contain_text("1,104.00")
    shot(page, "06-list-approved")
    folder = shot(page, "06-list-approved").parent
    text = notice_pdf(page, server, pk, folder, "07-notice-page1")
    assert "补充参保申请（提前续保）" in text
    assert "1,104.00" in text
    assert "壹仟壹佰零肆元整" in text
    assert f"{end.year}年{end.month}月{end.day}日" in text


# --- (4) 补充参保申请 · 追加 of two people: pro rata by whole remaining months --------------------------


def test_supplement_two_people_pro_rata(server, actor, shot, shot_narrow, files, tmp_path):
    today = timezone.localdate()
    period_end = current_period_end(today)  # this month: 1 whole month remains → 30元/12 = 2.50 per 份
    page = actor(AGENT)
    start_application(page, "补充参保申请")
    page.get_by_role("radio", name="追加").check()
    expect(page.get_by_label("保期结束日期")).to_be_hidden()
    fill_application(page, shares={ZJ: 1})
    shot(page, "01-form")
    pk = submit_application(page)
    expect(page.locator("main")).to_contain_text(
        f"补充参保申请（追加） · {today:%Y-%m-%d} 至 {period_end:%Y-%m-%d}"
    )
    header = download_template(page)
    assert header == [*FIXED_HEADER, f"{ZJ}(份)"]
    two = staff(2, base=800)
    upload_roster(page, roster_xlsx(tmp_path / "追加名单.xlsx", header, two, {ZJ: 1}))
    expect(page.locator("#messages")).to_contain_text("成功导入2名职工")
    expect(page.locator("#roster-table tbody tr")).to_have_count(2)

    page.get_by_role("link", name="申请信息").click()
    expect(page.locator("#application-info")).to_contain_text("（按 1 个月计费）")
    line = page.locator("#plan-lines tbody tr")
    expect(line).to_have_count(1)
    expect(line.locator("td")).to_have_text([ZJ, "1", "30.00", "2.50", "2", "5.00"])
    expect(page.locator("#total-amount")).to_have_text("5.00")
    shot(page, "02-info-pro-rata")
    shot_narrow(page, "02-info-pro-rata")

    upload_material(page, files.pdf("supplement-letter.pdf"))
    report(page, pk)
    title = f"{DEMO_UNIT_NAME} 补充参保申请（追加） {today:%Y-%m-%d}至{period_end:%Y-%m-%d}"
    approve_both(actor, title, shot=shot, prefix="03-")

    page.reload()
    expect_status(page, pk, "审核通过")
    expect(application_row(page, pk)).to_contain_text("5.00")
    folder = shot(page, "04-list-approved").parent
    text = notice_pdf(page, server, pk, folder, "05-notice-page1")
    assert "补充参保申请（追加）" in text
    assert "剩余 1 个整月" in text
    assert "¥5.00" in text
    assert "伍元整" in text


# --- (5) bad files: not a spreadsheet → one message; a roster with errors → per-row list, nothing imported


def test_bad_roster_files(server, actor, shot, shot_narrow, tmp_path):
    """One chapter of the manual acted out step by step, on purpose longer than 60 lines: the journey
    reads top to bottom like the manual, and split into parts it would lose the state each step hands on."""
    today = timezone.localdate()
    start, _ = next_period(today)
    page = actor(AGENT)
    start_application(page, "主保期参保")
    fill_application(page, shares={ZJ: 1, NG: 1})
    pk = submit_application(page)
    header = download_template(page)

    # A PDF renamed to .xlsx: one clear message, nothing else.
    fake = tmp_path / "名单.xlsx"
    fake.write_bytes(tiny_pdf("not a spreadsheet"))
    upload_roster(page, fake)
    error = page.locator("main .alert-danger")
    expect(error).to_have_count(1)
    expect(error).to_contain_text("文件不是Excel表格：请上传 .xlsx（或 .xls、.csv）格式的参保职工名单")
    expect(page.locator("#roster-table")).to_contain_text("尚未导入参保职工名单")
    shot(page, "01-not-a-spreadsheet")
    shot_narrow(page, "01-not-a-spreadsheet")

    # A roster with errors: every error with its row number; 【下载错误清单】; nothing imported.
    good = staff(3, base=400)
    man = good[1]
    bad_checksum = good[2].id_number[:17] + ("0" if good[2].id_number[17] != "0" else "1")
    minor = make_id(datetime.date(start.year - 14, 5, 5), 402)
    path = tmp_path / "有错误的名单.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, header)
    rows = [
        [1, good[0].name, good[0].id_number, good[0].mobile, 1, 1],  # row 2: fine
        [2, man.name, man.id_number, man.mobile, 1, 1],  # row 3: a man in the female-only plan
        [3, good[2].name, bad_checksum, "", 1, ""],  # row 4: wrong check digit
        [4, "", good[0].id_number, "", 1, ""],  # row 5: no name, duplicate of row 2
        [5, "王小雨", minor, "", 1, 1],  # row 6: 14 years old
    ]
    for number, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if isinstance(value, int):
                sheet.write_number(number, col, value)
            elif value:
                sheet.write_string(number, col, value)
    sheet.write_number(6, 0, 6)
    sheet.write_string(6, 1, "赵大海")
    sheet.write_number(6, 2, 370202198001011234)  # row 7: the ID stored as a number
    sheet.write_number(6, 4, 1)
    book.close()

    upload_roster(page, path)
    rejected = page.locator("#import-rejected")
    expect(rejected).to_contain_text("未导入任何职工")
    errors = page.locator("#import-errors tbody tr")
    expect(errors.locator("td:first-child")).to_have_text(["3", "4", "5", "5", "6", "6", "7"])
    table = page.locator("#import-errors")
    expect(errors.nth(0)).to_contain_text(f"{NG}仅限女职工参加")
    expect(errors.nth(1)).to_contain_text("身份证号校验位错误")
    expect(table).to_contain_text("姓名不能为空")
    expect(table).to_contain_text("与第2行身份证号重复")
    expect(table).to_contain_text("保期开始时未满16周岁")
    expect(errors.nth(6)).to_contain_text("身份证号被Excel存成了数字")
    expect(page.locator("#roster-table")).to_contain_text("尚未导入参保职工名单")
    expect(page.locator("#roster-diff")).to_have_count(0)  # no "减少 12 人" before a roster exists
    shot(page, "02-roster-errors")
    shot_narrow(page, "02-roster-errors")

    with page.expect_download() as info:
        page.get_by_role("link", name="下载错误清单").click()
    listed = read_xlsx(info.value.path())
    assert listed[0] == ["行号", "列", "错误说明"]
    assert [int(row[0]) for row in listed[1:]] == [3, 4, 5, 5, 6, 6, 7]

    menu(page, "参保申请")
    expect(application_row(page, pk).locator("td").nth(3)).to_have_text("0")
