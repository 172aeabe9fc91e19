"""Manual §1.1.2, §1.2 and §1.3 in a real browser, with the manual's button words.

(1) 张三 edits the approved demo unit's address (编辑 → three tabs → 上报 → 编辑市总审核中); `city` sees the
    before/after comparison and approves; the new address shows and 变更记录 lists the change.
(2) 李四 downloads the binding form (【绑定模板下载】), binds 张三's demo unit (fuzzy search, reason, stamped
    form, 保存, 上报); `city` approves; 李四 sees the unit in 单位注册, 张三 no longer does (404 on its URL).
(3) 开票信息管理: the notice with 【去填写】, 开一个户头 专票 (refused without 开户行及账号, then
    saved), the list, 编辑 to 开多个户头 with an attachment.
"""

import re

import pytest
from playwright.sync_api import Page, expect
from python_calamine import CalamineWorkbook

from demo.seed import DEMO_UNIT_NAME

pytestmark = pytest.mark.browser

ZHANG, LI = "13800000001", "13800000002"
OLD_ADDRESS = "青岛市市南区香港中路100号"
NEW_ADDRESS = "青岛市市南区香港中路188号"


def demo_unit():
    from units.models import Unit

    return Unit.objects.get(name=DEMO_UNIT_NAME)


def menu(page: Page, label: str) -> None:
    """Click an entry of the left menu (单位信息管理 → …) and wait for its page."""
    page.locator("#sidebar").get_by_role("link", name=label, exact=True).click()
    expect(page.get_by_role("heading", name=label, exact=True)).to_be_visible()


def unit_row(page: Page, name: str = DEMO_UNIT_NAME):
    return page.locator(f'#unit-table tr[data-unit="{name}"]')


def queue_item(page: Page, kind: str, title: str):
    """待审核业务 → the row of KIND whose 单位 / 业务 cell is TITLE → 审核."""
    page.get_by_role("link", name="待审核业务").click()
    row = page.locator("#queue-table tr", has=page.get_by_role("cell", name=title, exact=True)).filter(
        has=page.get_by_role("cell", name=kind, exact=True)
    )
    expect(row).to_have_count(1)
    return row


# --- (1) edit after approval -------------------------------------------------------------------------------


def test_agent_edits_the_approved_units_address_and_the_city_approves(actor, shot, shot_narrow, files):
    """One chapter of the manual acted out step by step, on purpose longer than 60 lines: the journey
    reads top to bottom like the manual, and split into parts it would lose the state each step hands on."""
    zhang = actor(ZHANG)
    menu(zhang, "单位注册")
    expect(unit_row(zhang).locator(".status-badge")).to_have_text("审核通过")
    shot(zhang, "01-list-approved")

    # 编辑 opens the same three tabs, pre-filled with the data in force.
    unit_row(zhang).get_by_role("link", name="编辑", exact=True).click()
    expect(zhang.locator(".nav-tabs .active")).to_have_text("1. 基本信息")
    expect(zhang.locator("#change-notice")).to_contain_text("市总审核通过后生效")
    expect(zhang.get_by_label("单位名称")).to_have_value(DEMO_UNIT_NAME)
    expect(zhang.get_by_label("单位地址")).to_have_value(OLD_ADDRESS)
    zhang.get_by_label("单位地址").fill(NEW_ADDRESS)
    shot(zhang, "02-edit-basic")
    shot_narrow(zhang, "02-edit-basic")
    zhang.get_by_role("button", name="保存").click()
    expect(zhang.locator(".nav-tabs .active")).to_have_text("2. 代办员信息")
    zhang.get_by_role("button", name="保存").click()
    expect(zhang.locator(".nav-tabs .active")).to_have_text("3. 材料信息")
    expect(zhang.locator("#material-table tr[data-material]")).to_have_count(2)  # carried over
    shot(zhang, "03-edit-materials")
    zhang.get_by_role("button", name="保存").click()
    expect(zhang.locator("#messages")).to_contain_text("单位信息已保存，可以上报")
    # The unit stays 审核通过 while its edit waits to be reported.
    expect(unit_row(zhang).locator(".status-badge")).to_have_text(["审核通过", "编辑未上报"])

    # 上报 → 编辑市总审核中; 编辑 is gone while the city reviews it.
    unit_row(zhang).get_by_role("button", name="上报", exact=True).click()
    expect(zhang.locator("#messages")).to_contain_text(f"“{DEMO_UNIT_NAME}”已上报，当前状态：编辑市总审核中")
    expect(unit_row(zhang).locator(".status-badge")).to_have_text(["审核通过", "编辑市总审核中"])
    expect(unit_row(zhang).get_by_role("link", name="编辑", exact=True)).to_have_count(0)
    shot(zhang, "04-list-in-review")
    shot_narrow(zhang, "04-list-in-review")
    # Meanwhile 查看 still shows the approved address.
    unit_row(zhang).get_by_role("link", name="查看", exact=True).click()
    expect(zhang.locator("#unit-basic")).to_contain_text(OLD_ADDRESS)
    expect(zhang.locator("main .alert-info")).to_contain_text("编辑市总审核中")

    # The city: the comparison shows only the address, before and after; 通过.
    city = actor("city")
    queue_item(city, "单位信息编辑", DEMO_UNIT_NAME).get_by_role("link", name="审核").click()
    expect(city.locator(".page-head .status-badge")).to_have_text("编辑市总审核中")
    fields = city.locator("#change-fields tbody tr")
    expect(fields).to_have_count(1)
    expect(fields.first).to_have_attribute("data-field", "address")
    expect(fields.first.locator("td").nth(0)).to_have_text(OLD_ADDRESS)
    expect(fields.first.locator("td").nth(1)).to_have_text(NEW_ADDRESS)
    expect(city.locator("#change-materials")).to_have_count(0)  # the materials did not change
    shot(city, "05-city-compare")
    shot_narrow(city, "05-city-compare")
    city.get_by_label("审核意见").fill("同意变更地址")
    city.get_by_role("button", name="通过", exact=True).click()
    expect(city.locator("#messages")).to_contain_text(f"已通过：{DEMO_UNIT_NAME}，当前状态：审核通过")

    # The agent: the new address in force, 变更记录 lists who/when/old → new.
    menu(zhang, "单位注册")
    expect(unit_row(zhang).locator(".status-badge")).to_have_text("审核通过")
    unit_row(zhang).get_by_role("link", name="查看", exact=True).click()
    expect(zhang.locator("#unit-basic")).to_contain_text(NEW_ADDRESS)
    zhang.get_by_role("link", name="变更记录").click()
    history = zhang.locator("#change-history section")
    expect(history).to_have_count(1)
    expect(history).to_contain_text("申请人 张三")
    expect(history).to_contain_text(re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2} 生效"))
    row = history.locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("td")).to_have_text(["单位地址", OLD_ADDRESS, NEW_ADDRESS])
    shot(zhang, "06-change-history")
    shot_narrow(zhang, "06-change-history")


# --- (2) change of agent ------------------------------------------------------------------------------------


def test_li_binds_zhangs_unit_and_after_city_approval_zhang_loses_it(server, actor, shot, shot_narrow, files):
    """One chapter of the manual acted out step by step, on purpose longer than 60 lines: the journey
    reads top to bottom like the manual, and split into parts it would lose the state each step hands on."""
    zhang = actor(ZHANG)
    menu(zhang, "单位注册")
    expect(unit_row(zhang)).to_be_visible()

    li = actor(LI)
    menu(li, "单位绑定")
    shot(li, "01-binding-list-empty")

    # 【绑定模板下载】: an xlsx made for 李四.
    with li.expect_download() as download_info:
        li.get_by_role("link", name="绑定模板下载").click()
    download = download_info.value
    assert download.suggested_filename == "代办员变更申请表.xlsx"
    rows = CalamineWorkbook.from_path(str(download.path())).get_sheet_by_name("代办员变更申请表").to_python()
    labels = {row[0]: row[1] for row in rows if row and row[0]}
    assert labels["新代办员姓名"] == "李四"
    assert "工会（盖章）" in labels["工会意见"]

    # 【单位绑定】: type part of the name, pick it from the list, the reason, the stamped form, 保存.
    li.locator("main").get_by_role("link", name=re.compile(r"单位绑定$")).click()
    li.get_by_label("单位名称").fill("海川")
    li.locator("#binding-results").get_by_role("button", name=re.compile(DEMO_UNIT_NAME)).click()
    expect(li.locator(f'#binding-list .chip[data-chip="{DEMO_UNIT_NAME}"]')).to_be_visible()
    li.get_by_label("变更原因").fill("原代办员张三调岗，由李四接替")
    li.get_by_label("盖章后的代办员变更申请表").set_input_files(files.pdf("binding-stamped.pdf"))
    shot(li, "02-binding-form")
    shot_narrow(li, "02-binding-form")
    li.get_by_role("button", name="保存").click()
    expect(li.locator("#messages")).to_contain_text(f"绑定申请已保存：{DEMO_UNIT_NAME}")
    row = li.locator(f'#binding-table tr[data-unit="{DEMO_UNIT_NAME}"]')
    expect(row.locator(".status-badge")).to_have_text("草稿")
    row.get_by_role("button", name="上报", exact=True).click()
    expect(li.locator("#messages")).to_contain_text("绑定申请已上报，当前状态：市总审核中")
    expect(row.locator(".status-badge")).to_have_text("市总审核中")
    shot(li, "03-binding-submitted")
    shot_narrow(li, "03-binding-submitted")

    # Before approval 李四 cannot open the unit.
    unit_url = f"{server.url}/units/{demo_unit().pk}/"
    assert li.goto(unit_url).status == 404
    li.go_back()

    # The city: the request with the old and the new agent and the stamped form; 通过.
    city = actor("city")
    title = f"{DEMO_UNIT_NAME}（新代办员：李四）"
    queue_item(city, "单位绑定", title).get_by_role("link", name="审核").click()
    info = city.locator("#binding-info")
    expect(info).to_contain_text("张三（13800000001）")
    expect(info).to_contain_text("李四")
    expect(info).to_contain_text("原代办员张三调岗，由李四接替")
    shot(city, "04-city-binding")
    city.get_by_role("tab", name=re.compile("材料信息")).click()
    expect(city.locator("#pane-materials")).to_have_class(re.compile(r"\bshow\b"))  # faded in
    expect(city.locator("#pane-materials #material-table")).to_contain_text("binding-stamped.pdf")
    expect(city.locator('#pane-materials iframe[title="binding-stamped.pdf"]')).to_be_visible()
    shot(city, "05-city-binding-materials")
    city.get_by_role("button", name="通过", exact=True).click()
    expect(city.locator("#messages")).to_contain_text("当前状态：审核通过")

    # 李四 now sees the unit with its registration history.
    menu(li, "单位注册")
    expect(unit_row(li).locator(".status-badge")).to_have_text("审核通过")
    shot(li, "06-li-units")
    shot_narrow(li, "06-li-units")
    unit_row(li).get_by_role("link", name="查看", exact=True).click()
    expect(li.locator("#unit-agent")).to_contain_text("李四")
    li.get_by_role("link", name="审核明细").click()
    registration = li.locator('section[data-case-kind="unit_registration"]')
    expect(registration).to_contain_text("通过 · 区县审核")
    expect(registration).to_contain_text("通过 · 市总审核")
    expect(li.locator('section[data-case-kind="unit_binding"]')).to_contain_text("审核通过")
    shot(li, "07-li-unit-timeline")

    # 张三 no longer has it: not in the list, 404 on its URL.
    menu(zhang, "单位注册")
    expect(zhang.get_by_text("您还没有注册单位。")).to_be_visible()
    expect(unit_row(zhang)).to_have_count(0)
    shot(zhang, "08-zhang-units")
    assert zhang.goto(unit_url).status == 404
    expect(zhang.get_by_role("heading", name="页面不存在或您无权查看")).to_be_visible()
    shot(zhang, "09-zhang-404")
    shot_narrow(zhang, "09-zhang-404")

    # 张三 was told: the bell leads to the message, which opens a page that says where the unit went —
    # and so do his older messages about that unit (no bounce to the list, no 404).
    zhang.goto(server.url + "/units/")
    zhang.locator("#notification-bell").click()
    unbound = zhang.locator("#notification-list li", has_text="您已解除与该单位的绑定")
    expect(unbound).to_contain_text(f"单位“{DEMO_UNIT_NAME}”已由代办员李四绑定（市总工会审核通过）")
    expect(unbound.locator(".badge", has_text="解除绑定")).to_be_visible()
    shot(zhang, "10-zhang-messages")
    shot_narrow(zhang, "10-zhang-messages")
    unbound.get_by_role("link").click()
    expect(zhang.locator("#unbound")).to_contain_text(f"您已解除与“{DEMO_UNIT_NAME}”的绑定。")
    expect(zhang.locator("#unbound")).to_contain_text("由代办员李四绑定")
    shot(zhang, "11-zhang-unbound")
    shot_narrow(zhang, "11-zhang-unbound")
    zhang.get_by_role("link", name="返回消息列表").click()
    older = zhang.locator("#notification-list li", has_text="主保期参保申请").first
    older.get_by_role("link").click()
    expect(zhang.locator("#unbound")).to_contain_text(f"您已解除与“{DEMO_UNIT_NAME}”的绑定。")


# --- (3) invoice information --------------------------------------------------------------------------------


def test_invoice_info_notice_one_title_special_then_edit_to_multiple(server, actor, shot, shot_narrow, files):
    """One chapter of the manual acted out step by step, on purpose longer than 60 lines: the journey
    reads top to bottom like the manual, and split into parts it would lose the state each step hands on."""
    unit = demo_unit()
    zhang = actor(ZHANG)
    menu(zhang, "开票信息管理")
    notice = zhang.locator("#invoice-notice")
    expect(notice).to_contain_text("有 1 个单位尚未填写开票信息")
    expect(zhang.locator(f'#invoice-table tr[data-unit="{DEMO_UNIT_NAME}"]')).to_contain_text("未填写")
    shot(zhang, "01-notice")
    shot_narrow(zhang, "01-notice")

    # 【去填写】: 开一个户头 with the defaults from the unit.
    notice.get_by_role("link", name="去填写").click()
    expect(zhang.get_by_role("heading", name="新增开票信息")).to_be_visible()
    expect(zhang.locator("#invoice-unit")).to_have_value(str(unit.pk))
    expect(zhang.get_by_role("radio", name="开一个户头")).to_be_checked()
    expect(zhang.get_by_label("发票抬头")).to_have_value(DEMO_UNIT_NAME)
    expect(zhang.get_by_label("纳税人识别号")).to_have_value(unit.credit_code)
    zhang.get_by_label("发票类型").select_option(label="增值税专用发票")
    zhang.get_by_label("接收邮箱").fill("caiwu@haichuan.example.com")
    zhang.get_by_role("button", name="保存").click()
    error = zhang.locator("#single-fields .invalid-feedback")
    expect(error).to_have_text("开增值税专用发票必须填写开户行及账号")
    shot(zhang, "02-special-needs-bank")
    shot_narrow(zhang, "02-special-needs-bank")
    zhang.get_by_label("开户行及账号").fill("中国工商银行青岛市南支行 3803020109000123456")
    zhang.get_by_role("button", name="保存").click()

    # The list: saved, the notice gone.
    expect(zhang.locator("#messages")).to_contain_text(f"“{DEMO_UNIT_NAME}”的开票信息已保存")
    expect(zhang.locator("#invoice-notice")).to_have_count(0)
    row = zhang.locator(f'#invoice-table tr[data-unit="{DEMO_UNIT_NAME}"]')
    expect(row).to_contain_text("开一个户头")
    expect(row).to_contain_text("增值税专用发票")
    expect(row).to_contain_text("caiwu@haichuan.example.com")
    shot(zhang, "03-list-one-title")
    shot_narrow(zhang, "03-list-one-title")

    # 编辑 → 开多个户头 with an attachment.
    row.get_by_role("link", name="编辑").click()
    expect(zhang.get_by_role("heading", name="编辑开票信息")).to_be_visible()
    expect(zhang.get_by_label("开户行及账号")).to_have_value("中国工商银行青岛市南支行 3803020109000123456")
    zhang.get_by_role("radio", name="开多个户头").check()
    expect(zhang.locator("#single-fields")).to_be_hidden()
    expect(zhang.locator("#multiple-fields")).to_be_visible()
    zhang.get_by_label("开票说明附件").set_input_files(files.pdf("kaipiao-shuoming.pdf"))
    shot(zhang, "04-edit-multiple")
    shot_narrow(zhang, "04-edit-multiple")
    zhang.get_by_role("button", name="保存").click()
    expect(zhang.locator("#messages")).to_contain_text("的开票信息已保存")
    expect(row).to_contain_text("开多个户头")
    attachment = row.get_by_role("link", name="查看附件")
    expect(attachment).to_be_visible()
    response = zhang.request.get(server.url + attachment.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    shot(zhang, "05-list-multiple")

    # 编辑 again → back to 开一个户头: the title and taxpayer ID start from the unit's, not empty.
    row.get_by_role("link", name="编辑").click()
    zhang.get_by_role("radio", name="开一个户头").check()
    expect(zhang.locator("#single-fields")).to_be_visible()
    expect(zhang.get_by_label("发票抬头")).to_have_value(DEMO_UNIT_NAME)
    expect(zhang.get_by_label("纳税人识别号")).to_have_value(unit.credit_code)
    shot(zhang, "06-back-to-one-title")
    shot_narrow(zhang, "06-back-to-one-title")
    menu(zhang, "开票信息管理")

    # Finance reads it in 开票信息查询.
    finance = actor("finance")
    menu(finance, "开票信息查询")
    expect(finance.locator("tbody")).to_contain_text(DEMO_UNIT_NAME)
    expect(finance.locator("tbody")).to_contain_text("开多个户头")
    shot(finance, "07-finance-all")
