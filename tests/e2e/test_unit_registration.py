"""Manual §1.1 单位注册 in a real browser, with the manual's button words.

(1) a new agent registers (【立即注册】, real-name + SMS code), registers a unit (三个页签, 合并 with a
    fuzzy-searched unit, 上传材料 dialog), 上报s it; 市南区 and 市总 approve; 查看 → 审核明细.
(2) 市总 退回 with a reason; 查看退回原因, 编辑, 上报 again restarts at 区县审核中; both approve.
(3) a 市直企业 unit goes straight to 市总审核中 and never reaches the district queue.
(4) at phone width the row actions live in the ⋯ menu and the left menu opens from ☰.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from core.samples import demo_credit_code
from core.validators import id_check_digit
from demo.seed import DEMO_UNIT_NAME

pytestmark = pytest.mark.browser

WIDE = {"width": 1280, "height": 900}
NARROW = {"width": 390, "height": 844}  # a phone

AGENT_LI = "13800000002"  # 李四: demo agent without units


# --- steps shared by the journeys ---------------------------------------------------------------------


def sms_code_for(mobile: str) -> str:
    """The code the (in-process, LocMem) SMS backend sent to MOBILE most recently."""
    from accounts import sms

    texts = [text for to, text in sms.outbox if to == mobile]
    assert texts, f"no SMS sent to {mobile}: {sms.outbox!r}"
    return re.search(r"验证码是(\d{6})", texts[-1]).group(1)


def unit_row(page: Page, name: str):
    return page.locator("#unit-table tr", has=page.locator(f'a:text-is("{name}")'))


def expect_status(page: Page, name: str, label: str) -> None:
    expect(unit_row(page, name).locator(".status-badge")).to_have_text(label)


def fill_basic(
    page: Page, *, name: str, credit_code: str, parent: str, address: str = "青岛市市南区东海西路15号"
):
    """Tab 1 基本信息 (everything but 合并/拆分)."""
    page.get_by_label("单位名称").fill(name)
    page.get_by_label("统一社会信用代码").fill(credit_code)
    page.get_by_label("上级单位").select_option(label=parent)
    page.get_by_label("单位性质").select_option(label="企业")
    page.get_by_label("单位地址").fill(address)
    page.get_by_label("联系人电话").fill("0532-86001234")
    page.get_by_label("职工人数").fill("85")
    page.get_by_label("工会名称").fill(f"{name}工会")


def open_upload_dialog(page: Page):
    page.get_by_role("button", name="上传材料").click()
    dialog = page.get_by_role("dialog", name="上传材料")
    expect(dialog).to_be_visible()
    return dialog


def upload(dialog, *, slot: str, path) -> None:
    """In the 上传材料 dialog: choose the material type and the file, 上传, wait for the row."""
    dialog.get_by_label("材料类型").select_option(label=f"{slot}（必传）")
    dialog.get_by_label("选择文件").set_input_files(path)
    dialog.get_by_role("button", name="上传", exact=True).click()
    expect(dialog.locator("#upload-feedback")).to_have_text(f"“{path.name}”上传成功")
    expect(dialog.page.locator(f'#material-table tr[data-material="{path.name}"]')).to_contain_text(slot)


def close_dialog(dialog) -> None:
    dialog.get_by_role("button", name="关闭", exact=True).last.click()
    expect(dialog).to_be_hidden()


def review(page: Page, unit_name: str, *, action: str, reason: str = "", shot=None, prefix="") -> None:
    """A reviewer opens 待审核业务 → the item → 通过 / 退回 (with the reason)."""
    page.get_by_role("link", name="待审核业务").click()
    row = page.locator("#queue-table tr", has=page.get_by_role("cell", name=unit_name, exact=True))
    expect(row).to_be_visible()
    if shot:
        shot(page, f"{prefix}queue")
    row.get_by_role("link", name="审核").click()
    expect(page.get_by_role("heading", name=unit_name)).to_be_visible()
    expect(page.locator("#pane-info")).to_contain_text("统一社会信用代码")
    if shot:
        shot(page, f"{prefix}item")
    if reason:
        page.get_by_label("审核意见").fill(reason)
    page.get_by_role("button", name=action, exact=True).click()
    expect(page.locator("#messages")).to_contain_text(f"已{action}：{unit_name}")


# --- (1) new agent, full registration, two approvals ----------------------------------------------------


def register_agent(page: Page, server, *, real_name: str, id_number: str, mobile: str, password: str) -> None:
    page.goto(server.url + "/accounts/login/")
    page.get_by_role("link", name="立即注册").click()
    expect(page.get_by_role("heading", name="代办员注册（实名认证）")).to_be_visible()
    page.get_by_label("姓名").fill(real_name)
    page.get_by_label("身份证号").fill(id_number)
    page.get_by_label("手机号").fill(mobile)
    page.get_by_role("button", name="获取验证码").click()
    expect(page.locator("#sms-result")).to_have_text("验证码已发送，5分钟内有效")
    page.get_by_label("短信验证码").fill(sms_code_for(mobile))
    page.locator("#id_password1").fill(password)
    page.locator("#id_password2").fill(password)
    page.get_by_role("button", name="立即注册").click()
    expect(page.locator("#messages")).to_contain_text("注册成功，实名认证已通过")


def test_new_agent_registers_unit_and_both_levels_approve(
    server, new_context, actor, log_in, shot, shot_narrow, files
):
    """One chapter of the manual acted out step by step, on purpose longer than 60 lines: the journey
    reads top to bottom like the manual, and split into parts it would lose the state each step hands on."""
    page = new_context(viewport=WIDE).new_page()
    id_number = "37020219880808123" + id_check_digit("37020219880808123")
    mobile, password = "13912345678", "Qd#Mutual2026"
    unit_name = "青岛新海川精密制造有限公司"

    register_agent(page, server, real_name="王五", id_number=id_number, mobile=mobile, password=password)
    shot(page, "01-registered-login")
    log_in(page, mobile, password)
    expect(page.get_by_role("heading", name="单位注册")).to_be_visible()
    shot(page, "02-empty-list")

    # Tab 1 基本信息, 合并 with the demo unit picked from the fuzzy search.
    page.get_by_role("link", name="注册单位信息").first.click()
    expect(page.locator(".nav-tabs .active")).to_have_text("1. 基本信息")
    fill_basic(page, name=unit_name, credit_code=demo_credit_code("91370202MA5E00012"), parent="市南区")
    page.get_by_role("radio", name="合并").check()
    page.get_by_label("由哪些单位合并/拆解").fill("海川")
    page.locator("#merged-results").get_by_role("button", name=re.compile(DEMO_UNIT_NAME)).click()
    expect(page.locator(f'#merged-list .chip[data-chip="{DEMO_UNIT_NAME}"]')).to_be_visible()
    shot(page, "03-tab-basic")
    shot_narrow(page, "03-tab-basic")
    page.get_by_role("button", name="保存").click()

    # Tab 2 代办员信息: pre-filled from the real-name profile.
    expect(page.locator(".nav-tabs .active")).to_have_text("2. 代办员信息")
    expect(page.locator("main")).to_contain_text("王五")
    expect(page.locator("main")).to_contain_text(mobile)
    expect(page.locator("main")).not_to_contain_text(id_number)  # masked
    shot(page, "04-tab-agent")
    shot_narrow(page, "04-tab-agent")
    page.get_by_role("button", name="保存").click()

    # Tab 3 材料信息: 上传材料 → 批复文件 → 上传 → 关闭; 上传材料 → 法人资格证书 → 上传 → 关闭; 保存.
    expect(page.locator(".nav-tabs .active")).to_have_text("3. 材料信息")
    expect(page.locator("#missing-materials")).to_contain_text("批复文件、法人资格证书")
    dialog = open_upload_dialog(page)
    upload(dialog, slot="批复文件", path=files.pdf("pifu-wenjian.pdf"))
    shot(page, "05-upload-dialog")
    shot_narrow(page, "05-upload-dialog")
    close_dialog(dialog)
    dialog = open_upload_dialog(page)
    upload(dialog, slot="法人资格证书", path=files.png("faren-zhengshu.png"))
    close_dialog(dialog)
    expect(page.locator("#missing-materials")).to_have_count(0)
    shot(page, "06-tab-materials")
    shot_narrow(page, "06-tab-materials")
    page.get_by_role("button", name="保存").click()

    # The list: 上报 / 查看 / 编辑 / 删除 → 上报.
    expect(page.locator("#messages")).to_contain_text("单位信息已保存，可以上报")
    row = unit_row(page, unit_name)
    expect_status(page, unit_name, "草稿")
    for label in ("上报", "删除"):
        expect(row.get_by_role("button", name=label, exact=True)).to_be_visible()
    for label in ("查看", "编辑"):
        expect(row.get_by_role("link", name=label, exact=True)).to_be_visible()
    shot(page, "07-list-draft")
    shot_narrow(page, "07-list-draft")
    row.get_by_role("button", name="上报", exact=True).click()
    expect(page.locator("#messages")).to_contain_text(f"“{unit_name}”已上报，当前状态：区县审核中")
    expect_status(page, unit_name, "区县审核中")
    expect(unit_row(page, unit_name).get_by_role("link", name="编辑", exact=True)).to_have_count(0)
    shot(page, "08-list-submitted")

    # 市南区 reviewer: 待审核业务 → the item → 材料信息 (previewed) → 通过.
    shinan = actor("shinan")
    shinan.get_by_role("link", name="待审核业务").click()
    queue_row = shinan.locator("#queue-table tr", has=shinan.get_by_role("cell", name=unit_name, exact=True))
    expect(queue_row).to_contain_text("区县审核中")
    shot(shinan, "09-shinan-queue")
    queue_row.get_by_role("link", name="审核").click()
    expect(shinan.locator("#unit-basic")).to_contain_text(DEMO_UNIT_NAME)  # 由哪些单位合并
    shot(shinan, "10-shinan-item")
    shot_narrow(shinan, "10-shinan-item")
    with shinan.expect_response(re.compile(r"/review/materials/\d+/file/$")) as pdf_response:
        shinan.get_by_role("tab", name=re.compile("材料信息")).click()
    assert pdf_response.value.status == 200
    assert pdf_response.value.headers["content-type"] == "application/pdf"
    assert pdf_response.value.headers.get("x-frame-options", "SAMEORIGIN") == "SAMEORIGIN"
    materials = shinan.locator("#pane-materials")
    expect(materials.locator("#material-table")).to_contain_text("pifu-wenjian.pdf")
    expect(materials.locator('iframe[title="pifu-wenjian.pdf"]')).to_be_visible()
    image = materials.get_by_role("img", name="faren-zhengshu.png")
    expect(image).to_be_visible()
    expect(image).to_have_js_property("naturalWidth", 160)
    shot(shinan, "11-shinan-materials")
    shot_narrow(shinan, "11-shinan-materials")
    shinan.get_by_label("审核意见").fill("材料齐全，同意")
    shinan.get_by_role("button", name="通过", exact=True).click()
    expect(shinan.locator("#messages")).to_contain_text(f"已通过：{unit_name}，当前状态：市总审核中")

    # 市总 reviewer: 通过.
    city = actor("city")
    review(city, unit_name, action="通过", reason="同意注册", shot=shot, prefix="12-city-")

    # The agent: 审核通过; 查看 → 审核明细.
    page.reload()
    expect_status(page, unit_name, "审核通过")
    shot(page, "13-list-approved")
    unit_row(page, unit_name).get_by_role("link", name="查看", exact=True).click()
    page.get_by_role("link", name="审核明细").click()
    steps = page.locator("#timeline li")
    expect(steps).to_have_count(3)
    expect(steps.nth(0)).to_contain_text("上报")
    expect(steps.nth(0)).to_contain_text("草稿 → 区县审核中")
    expect(steps.nth(1)).to_contain_text("通过 · 区县审核")
    expect(steps.nth(1)).to_contain_text("材料齐全，同意")
    expect(steps.nth(1)).to_contain_text("市南区")
    expect(steps.nth(2)).to_contain_text("通过 · 市总审核")
    expect(steps.nth(2)).to_contain_text("市总审核中 → 审核通过")
    shot(page, "14-timeline")
    shot_narrow(page, "14-timeline")


# --- (2) returned by the city, edited, submitted again ---------------------------------------------------


def register_unit_as(page: Page, files, *, name: str, credit17: str, parent: str) -> None:
    """The agent's 注册单位信息 → three tabs → back on the list (no 合并)."""
    page.get_by_role("link", name="注册单位信息").first.click()
    fill_basic(page, name=name, credit_code=demo_credit_code(credit17), parent=parent)
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".nav-tabs .active")).to_have_text("2. 代办员信息")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".nav-tabs .active")).to_have_text("3. 材料信息")
    dialog = open_upload_dialog(page)
    upload(dialog, slot="批复文件", path=files.pdf("approval.pdf"))
    upload(dialog, slot="法人资格证书", path=files.pdf("certificate.pdf"))
    close_dialog(dialog)
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#messages")).to_contain_text("单位信息已保存，可以上报")


def test_city_returns_agent_edits_and_resubmits(server, actor, shot, files):
    unit_name = "青岛蓝湾物流有限公司"
    reason = "单位地址与营业执照不一致，请核对后重新上报"
    agent = actor(AGENT_LI)
    register_unit_as(agent, files, name=unit_name, credit17="91370202MA5E00029", parent="市南区")
    unit_row(agent, unit_name).get_by_role("button", name="上报", exact=True).click()
    expect_status(agent, unit_name, "区县审核中")

    shinan, city = actor("shinan"), actor("city")
    review(shinan, unit_name, action="通过")
    review(city, unit_name, action="退回", reason=reason)

    # The agent sees 退回 and reads the reason.
    agent.reload()
    expect_status(agent, unit_name, "退回")
    shot(agent, "01-list-returned")
    unit_row(agent, unit_name).get_by_role("link", name="查看退回原因").click()
    expect(agent.locator("#return-reason")).to_have_text(f"退回原因：{reason}")
    expect(agent.locator("#timeline li.returned")).to_contain_text("退回 · 市总审核")
    expect(agent.locator("#timeline li.ahead")).to_have_count(2)  # the chain restarts at 区县审核
    shot(agent, "02-return-reason")

    # 编辑: change the address, click through the tabs, 上报 again → back to step 1.
    agent.get_by_role("link", name="编辑", exact=True).first.click()
    expect(agent.get_by_label("单位地址")).to_have_value("青岛市市南区东海西路15号")
    agent.get_by_label("单位地址").fill("青岛市市南区香港中路8号")
    shot(agent, "03-edit-basic")
    agent.get_by_role("button", name="保存").click()
    agent.get_by_role("button", name="保存").click()
    expect(agent.locator("#material-table tr[data-material]")).to_have_count(2)
    agent.get_by_role("button", name="保存").click()
    expect_status(agent, unit_name, "退回")
    unit_row(agent, unit_name).get_by_role("button", name="上报", exact=True).click()
    expect_status(agent, unit_name, "区县审核中")
    shot(agent, "04-list-resubmitted")

    review(shinan, unit_name, action="通过", shot=shot, prefix="05-shinan-")
    expect(shinan.locator("#messages")).to_contain_text("当前状态：市总审核中")
    review(city, unit_name, action="通过")
    agent.reload()
    expect_status(agent, unit_name, "审核通过")
    unit_row(agent, unit_name).get_by_role("link", name="查看", exact=True).click()
    expect(agent.locator("#unit-basic")).to_contain_text("青岛市市南区香港中路8号")
    agent.get_by_role("link", name="审核明细").click()
    actions = agent.locator("#timeline li > div.fw-semibold")
    expect(actions).to_have_count(6)
    expect(actions.nth(3)).to_contain_text("上报")
    expect(actions.nth(3)).to_contain_text("退回 → 区县审核中")
    shot(agent, "06-timeline")


# --- (3) 市直企业: the city is the first and only reviewer -----------------------------------------------


def test_city_direct_unit_goes_straight_to_city(server, actor, shot, files):
    unit_name = "青岛港湾投资集团有限公司"
    agent = actor(AGENT_LI)
    register_unit_as(agent, files, name=unit_name, credit17="91370200MA5E00037", parent="市直企业")
    unit_row(agent, unit_name).get_by_role("button", name="上报", exact=True).click()
    expect_status(agent, unit_name, "市总审核中")
    shot(agent, "01-list-city-review")

    shinan = actor("shinan")
    shinan.get_by_role("link", name="待审核业务").click()
    expect(shinan.locator("#queue-table")).to_be_visible()
    expect(shinan.locator("#queue-table")).not_to_contain_text(unit_name)
    shot(shinan, "02-shinan-queue-without-it")

    city = actor("city")
    review(city, unit_name, action="通过", reason="同意", shot=shot, prefix="03-city-")
    agent.reload()
    expect_status(agent, unit_name, "审核通过")
    unit_row(agent, unit_name).get_by_role("link", name="查看", exact=True).click()
    agent.get_by_role("link", name="审核明细").click()
    expect(agent.locator("#timeline li")).to_have_count(2)
    expect(agent.locator("#timeline")).not_to_contain_text("区县审核")
    shot(agent, "04-timeline")


# --- (4) phone width: ⋯ menu and ☰ menu ---------------------------------------------------------------


def test_phone_layout_row_menu_and_side_menu(server, actor, shot, factory):
    from accounts.models import User

    li = User.objects.get(username=AGENT_LI)
    unit = factory.unit(agent=li, name="青岛小港湾餐饮有限公司")
    agent = actor(AGENT_LI, viewport=NARROW)
    expect(agent.get_by_role("heading", name="单位注册")).to_be_visible()
    row = unit_row(agent, unit.name)
    expect(row.locator(".row-actions")).to_be_hidden()
    shot(agent, "01-list")

    # ☰ opens the left menu.
    expect(agent.locator("#sidebar")).not_to_be_in_viewport()
    agent.get_by_role("button", name="菜单").click()
    sidebar = agent.locator("#sidebar")
    expect(sidebar.get_by_role("link", name="单位注册")).to_be_visible()
    shot(agent, "02-side-menu")
    sidebar.get_by_role("button", name="关闭").click()
    expect(sidebar.get_by_role("link", name="单位注册")).to_be_hidden()

    # ⋯ → 编辑.
    row.get_by_role("button", name="更多操作").click()
    menu = row.locator(".dropdown-menu")
    expect(menu).to_be_visible()
    expect(menu).to_be_in_viewport(ratio=1)  # not clipped by the scrolling table wrapper
    for label in ("上报", "查看", "编辑", "删除"):
        expect(menu.get_by_text(label, exact=True)).to_be_visible()
    shot(agent, "03-row-menu")
    menu.get_by_role("link", name="编辑").click()
    expect(agent.get_by_label("单位名称")).to_have_value(unit.name)
    expect(agent.locator(".nav-tabs .active")).to_have_text("1. 基本信息")
    shot(agent, "04-edit")

    # Back to the list; ⋯ → 上报.
    agent.get_by_role("link", name="返回列表").click()
    row.get_by_role("button", name="更多操作").click()
    row.locator(".dropdown-menu").get_by_role("button", name="上报").click()
    expect(agent.locator("#messages")).to_contain_text("已上报，当前状态：区县审核中")
    expect_status(agent, unit.name, "区县审核中")
    row.get_by_role("button", name="更多操作").click()
    expect(row.locator(".dropdown-menu").get_by_text("编辑", exact=True)).to_have_count(0)
    shot(agent, "05-list-submitted")
