"""Manual §3 保障金业务经办 in a real browser, with the manual's button words (demo data of `make run`).

(1) 重疾女工理赔申请 for 李梅 (重疾+女工, 原发性乳腺癌, diagnosed ~2 months ago): 会员身份证号 → the member
    panel; 【保存】 → 申请成功 【知道了】 → 【上传材料】 the four materials, 删除 one and upload it again,
    【关闭】, 【上报】 from the list; `city` cannot act at the district step; `shinan` approves; `city`
    退回s with a reason → 材料待补充; the agent reads the reason, 【编辑】s, adds a 病理报告, 【上报】s;
    shinan approves; city approves the suggested 25,000.00; finance 保障金给付 → 记录给付 → 已结案.
(2) 意外伤害理赔申请 for 赵强 with 伤残 8级: 【保存】 → 证明材料 tab; 上报 without the 伤残鉴定书 names it;
    through both reviews (2份 × 10,000 × 30% = 6,000.00) to the payout.
(3) a member whose coverage started recently: 【保存】 is refused with the waiting-period rule's message.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from core.masking import mask_id_number
from demo.seed import DEMO_UNIT_NAME, demo_member_rows

pytestmark = pytest.mark.browser

AGENT = "13800000001"  # 张三, agent of the demo unit (市南区)
DEMO = {name: id_number for name, id_number, _mobile, _shares in demo_member_rows()}


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


# --- steps shared by the journeys ---------------------------------------------------------------------


def open_claims(page: Page) -> None:
    page.locator("#sidebar").get_by_role("link", name="理赔申请", exact=True).click()
    expect(page.get_by_role("heading", name="理赔申请")).to_be_visible()


def claim_row(page: Page, pk: int):
    return page.locator(f'#claim-table tr[data-claim="{pk}"]')


def expect_claim_status(page: Page, pk: int, label: str) -> None:
    expect(claim_row(page, pk).locator(".status-badge")).to_have_text(label)


def type_member_id(page: Page, id_number: str, name: str) -> None:
    """会员身份证号 → the member's name and coverages appear (htmx), the payee defaults to the member."""
    page.get_by_label("会员身份证号").fill(id_number)
    expect(page.locator("#member-found")).to_contain_text(name)
    expect(page.get_by_label("收款人")).to_have_value(name)


def fill_payee_bank(page: Page) -> None:
    page.get_by_label("开户银行").fill("中国工商银行青岛市南支行")
    page.get_by_label("银行账号").fill("6222021234567890123")


def save_claim(page: Page) -> int:
    """【保存】 → 申请成功 dialog → 【知道了】; returns the claim's id from the address."""
    page.get_by_role("button", name="保存", exact=True).click()
    dialog = page.get_by_role("dialog", name="申请成功")
    expect(dialog).to_be_visible()
    return int(re.search(r"/claims/(\d+)/", page.url).group(1))


def got_it(page: Page) -> None:
    dialog = page.get_by_role("dialog", name="申请成功")
    dialog.get_by_role("button", name="知道了").click()
    expect(dialog).to_be_hidden()


def open_upload_dialog(page: Page):
    page.get_by_role("button", name="上传材料").click()
    dialog = page.get_by_role("dialog", name="上传材料")
    expect(dialog).to_be_visible()
    return dialog


def upload(dialog, option: str, path) -> None:
    """In the 上传材料 dialog: the material type (its option text), the file, 【上传】, wait for the row."""
    dialog.get_by_label("材料类型").select_option(label=option)
    dialog.get_by_label("选择文件").set_input_files(path)
    dialog.get_by_role("button", name="上传", exact=True).click()
    expect(dialog.locator("#upload-feedback")).to_have_text(f"“{path.name}”上传成功")
    slot = option.removesuffix("（必传）")
    expect(dialog.page.locator(f'#material-table tr[data-material="{path.name}"]')).to_contain_text(slot)


def close_dialog(dialog) -> None:
    dialog.get_by_role("button", name="关闭", exact=True).last.click()
    expect(dialog).to_be_hidden()


def delete_material(page: Page, file_name: str) -> None:
    row = page.locator(f'#material-table tr[data-material="{file_name}"]')
    page.once("dialog", lambda confirm: confirm.accept())  # hx-confirm “确定删除材料…吗？”
    row.get_by_role("button", name="删除").click()
    expect(row).to_have_count(0)


def submit_from_list(page: Page, pk: int) -> None:
    open_claims(page)
    claim_row(page, pk).get_by_role("button", name="上报").click()
    expect(page.locator("#messages")).to_contain_text("保障金申请已上报，当前状态：区县审核中")
    expect_claim_status(page, pk, "区县审核中")


def open_in_queue(page: Page, title: str) -> None:
    page.locator("#sidebar").get_by_role("link", name="待审核业务", exact=True).click()
    row = page.locator(f'#queue-table tr[data-case="{title}"]')
    expect(row).to_be_visible()
    row.get_by_role("link", name="审核").click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()


def decide(page: Page, title: str, action: str, *, reason: str = "") -> None:
    if reason:
        page.get_by_label("审核意见").fill(reason)
    page.get_by_role("button", name=action, exact=True).click()
    expect(page.locator("#messages")).to_contain_text(f"已{action}：{title}")


def approve_at_city(page: Page, title: str, amount: str, *, shot=None, prefix="") -> None:
    """The city's item: the 核定给付金额 is pre-filled with the suggestion; 通过."""
    open_in_queue(page, title)
    amount_input = page.get_by_label("核定给付金额（元）")
    expect(amount_input).to_have_value(amount.replace(",", ""))
    expect(page.locator("#suggested-amount")).to_have_text(amount)
    expect(page.locator("#eligibility .bi-x-circle-fill")).to_have_count(0)
    if shot:
        shot(page, f"{prefix}city-amount")
    decide(page, title, "通过")


def record_payout(page: Page, member: str, amount: str, reference: str, *, shot=None, prefix="") -> None:
    """Finance: 保障金给付 → 记录给付 (date pre-filled, bank reference) → 已结案."""
    page.locator("#sidebar").get_by_role("link", name="保障金给付", exact=True).click()
    row = page.locator("#payout-table tr", has=page.get_by_role("cell", name=member, exact=True))
    expect(row).to_contain_text(amount)
    if shot:
        shot(page, f"{prefix}payouts")
    row.get_by_role("link", name="记录给付").click()
    expect(page.get_by_role("heading", name="记录给付")).to_be_visible()
    expect(page.get_by_label("给付日期")).to_have_value(timezone.localdate().isoformat())
    page.get_by_label("银行流水号").fill(reference)
    if shot:
        shot(page, f"{prefix}payout-form")
    page.get_by_role("button", name="确认已给付").click()
    expect(page.locator("#messages")).to_contain_text(f"已记录给付：{member} {amount} 元，已结案")
    expect(page.locator("#payout-table")).not_to_contain_text(member)


# --- (1) 重疾+女工 for 李梅: upload, delete and re-upload, 退回 (材料待补充), approvals, payout -------------


def test_illness_claim_for_both_plans_with_return_approvals_and_payout(
    server, actor, shot, shot_narrow, files
):
    """One chapter of the manual acted out step by step, on purpose longer than 60 lines: the journey
    reads top to bottom like the manual, and split into parts it would lose the state each step hands on."""
    agent = actor(AGENT)
    event = days_ago(60)
    title = f"李梅 重疾+女工 {event:%Y-%m-%d}"

    open_claims(agent)
    shot(agent, "01-list-empty")
    agent.get_by_role("link", name="重疾女工理赔申请").click()
    expect(agent.get_by_role("heading", name="重疾女工理赔申请")).to_be_visible()

    # An ID that is not covered in the agent's units gets a message, then 李梅's panel appears.
    agent.get_by_label("会员身份证号").fill("110101199003077777")
    expect(agent.locator("#member-not-found")).to_have_text("该身份证号在您的单位没有参保记录，请核对。")
    type_member_id(agent, DEMO["李梅"], "李梅")
    panel = agent.locator("#member-found")
    for line in (
        "重大疾病互助保障 1份",
        "女职工特殊疾病互助保障 1份",
        "意外伤害互助保障 2份",
        DEMO_UNIT_NAME,
    ):
        expect(panel).to_contain_text(line)
    agent.get_by_label("保障计划").select_option(label="重疾+女工")
    agent.get_by_label("诊断时间").fill(event.isoformat())
    agent.get_by_label("疾病名称").select_option(label="原发性乳腺癌（可申请重疾+女工）")
    agent.get_by_label("医院名称").fill("青岛大学附属医院")
    fill_payee_bank(agent)
    shot(agent, "02-form")
    shot_narrow(agent, "02-form")

    pk = save_claim(agent)
    shot(agent, "03-saved-dialog")
    got_it(agent)
    expect(agent.locator("#missing-materials")).to_have_text("上报前还需上传：入院记录、病理报告、出院记录")
    expect(agent.locator("main")).to_contain_text("需上传：入院记录、病理报告、出院记录；其他材料可按需上传")

    # 【上传材料】: the four materials; one was the wrong file → 删除, upload again.
    dialog = open_upload_dialog(agent)
    upload(dialog, "入院记录（必传）", files.pdf("入院记录.pdf"))
    upload(dialog, "手术记录", files.pdf("手术记录.pdf"))
    upload(dialog, "病理报告（必传）", files.pdf("病理报告-错误.pdf"))
    upload(dialog, "出院记录（必传）", files.pdf("出院记录.pdf"))
    shot(agent, "04-upload-dialog")
    close_dialog(dialog)
    expect(agent.locator("#material-table tbody tr")).to_have_count(4)
    delete_material(agent, "病理报告-错误.pdf")
    expect(agent.locator("#missing-materials")).to_have_text("上报前还需上传：病理报告")
    dialog = open_upload_dialog(agent)
    upload(dialog, "病理报告（必传）", files.pdf("病理报告.pdf"))
    close_dialog(dialog)
    expect(agent.locator("#missing-materials")).to_have_count(0)
    expect(agent.locator("#material-table tbody tr")).to_have_count(4)
    shot(agent, "05-materials")
    shot_narrow(agent, "05-materials")

    # The 申请信息 tab: both plans with the suggested amounts, the rules all passed.
    agent.get_by_role("link", name="申请信息").click()
    expect(agent.locator("#claim-lines")).to_contain_text("重大疾病互助保障")
    expect(agent.locator("#suggested-amount")).to_have_text("25,000.00")
    expect(agent.locator("#eligibility")).to_contain_text("已过90天等待期")
    expect(agent.locator("#eligibility .bi-x-circle-fill")).to_have_count(0)
    shot(agent, "06-info")

    submit_from_list(agent, pk)
    shot(agent, "07-list-submitted")

    # The city cannot act while it is at the district step.
    from claims.models import Claim

    case_pk = Claim.objects.get(pk=pk).case_id
    city = actor("city")
    city.locator("#sidebar").get_by_role("link", name="待审核业务", exact=True).click()
    expect(city.locator(f'#queue-table tr[data-case="{title}"]')).to_have_count(0)
    city.goto(f"{server.url}/review/cases/{case_pk}/")
    expect(city.locator("main")).to_contain_text("该业务当前处于“区县审核中”环节，不在您的审核环节")
    expect(city.get_by_role("button", name="通过")).to_have_count(0)

    # 市南区 approves: no amount at the district step, the eligibility panel and the materials.
    shinan = actor("shinan")
    open_in_queue(shinan, title)
    expect(shinan.locator("#pane-info")).to_contain_text("资格审核（按当前数据）")
    expect(shinan.get_by_label("核定给付金额（元）")).to_have_count(0)
    shot(shinan, "08-district-item")
    shinan.get_by_role("tab", name="材料信息（4）").click()
    expect(shinan.locator("#pane-materials")).to_contain_text("病理报告.pdf")
    decide(shinan, title, "通过")

    # 市总 退回 with a reason → 材料待补充.
    open_in_queue(city, title)
    city.get_by_label("审核意见").fill("病理报告缺少免疫组化结果，请补充")
    shot(city, "09-city-return")
    decide(city, title, "退回")

    open_claims(agent)
    expect_claim_status(agent, pk, "材料待补充")
    shot(agent, "10-list-needs-materials")
    claim_row(agent, pk).get_by_role("link", name="查看退回原因").click()
    expect(agent.locator("#timeline #return-reason")).to_contain_text("病理报告缺少免疫组化结果，请补充")
    expect(agent.locator("#return-reason")).to_have_count(1)  # once, not also above the tabs
    shot(agent, "11-return-reason")
    shot_narrow(agent, "11-return-reason")

    # 【编辑】 → 保存 → the materials tab: another 病理报告 → 关闭 → 上报.
    agent.get_by_role("link", name="编辑").first.click()
    expect(agent.get_by_role("heading", name="编辑保障金申请")).to_be_visible()
    # The member is fixed once saved: shown masked; the account is kept unless retyped.
    expect(agent.locator("#claim-member")).to_have_text(f"李梅（{mask_id_number(DEMO['李梅'])}）")
    expect(agent.get_by_label("银行账号")).to_have_value("")
    agent.get_by_role("button", name="保存", exact=True).click()
    expect(agent.locator("#messages")).to_contain_text("申请已保存，请补充材料后上报")
    expect(agent.locator("#return-reason")).to_have_text("材料待补充：病理报告缺少免疫组化结果，请补充")
    dialog = open_upload_dialog(agent)
    upload(dialog, "病理报告（必传）", files.pdf("病理报告-免疫组化.pdf"))
    close_dialog(dialog)
    expect(agent.locator("#material-table tbody tr")).to_have_count(5)
    shot(agent, "12-materials-added")
    agent.locator(".page-head").get_by_role("button", name="上报").click()
    expect(agent.locator("#messages")).to_contain_text("保障金申请已上报，当前状态：区县审核中")
    expect_claim_status(agent, pk, "区县审核中")

    # Both approve again; the city takes the suggested 25,000.00.
    open_in_queue(shinan, title)
    decide(shinan, title, "通过")
    approve_at_city(city, title, "25,000.00", shot=shot, prefix="13-")

    open_claims(agent)
    expect_claim_status(agent, pk, "审核通过")
    expect(claim_row(agent, pk)).to_contain_text("25,000.00")

    finance = actor("finance")
    record_payout(finance, "李梅", "25,000.00", "ICBC20260001", shot=shot, prefix="14-")

    open_claims(agent)
    expect_claim_status(agent, pk, "已结案")
    shot(agent, "15-list-closed")
    shot_narrow(agent, "15-list-closed")
    claim_row(agent, pk).get_by_role("link", name="查看").click()
    expect(agent.locator("#approved-amount")).to_have_text("25,000.00")
    expect(agent.locator("#claim-lines")).to_contain_text("ICBC20260001")
    agent.get_by_role("link", name="审核流程").click()
    expect(agent.locator("#timeline")).to_contain_text("给付 25,000.00 元，流水号 ICBC20260001")
    shot(agent, "16-timeline-closed")


# --- (2) 意外伤害 for 赵强, 伤残 8级 -----------------------------------------------------------------------


def test_accident_claim_with_disability_grade_8_to_payout(actor, shot, shot_narrow, files):
    """One chapter of the manual acted out step by step, on purpose longer than 60 lines: the journey
    reads top to bottom like the manual, and split into parts it would lose the state each step hands on."""
    agent = actor(AGENT)
    event = days_ago(40)
    title = f"赵强 意外伤害 {event:%Y-%m-%d}"

    open_claims(agent)
    agent.get_by_role("link", name="意外伤害理赔申请").click()
    expect(agent.get_by_role("heading", name="意外伤害理赔申请")).to_be_visible()
    type_member_id(agent, DEMO["赵强"], "赵强")
    expect(agent.locator("#member-found")).not_to_contain_text("女职工特殊疾病")
    expect(agent.get_by_label("保障计划")).to_have_value("YW")
    agent.get_by_label("出险时间").fill(event.isoformat())
    agent.get_by_label("医院名称").fill("青岛市市立医院")
    agent.get_by_label("意外情况").fill("在车间搬运钢材时被滑落的钢板砸伤左腿，送医治疗")
    expect(agent.get_by_label("伤残等级")).to_be_hidden()
    agent.get_by_label("伤情").select_option(label="伤残")
    agent.get_by_label("伤残等级").select_option(label="8级")
    fill_payee_bank(agent)
    shot(agent, "01-form")
    shot_narrow(agent, "01-form")

    pk = save_claim(agent)
    got_it(agent)
    expect(agent.locator(".nav-tabs .active")).to_have_text("证明材料")
    expect(agent.locator("#missing-materials")).to_have_text(
        "上报前还需上传：事故证明、诊断证明或病历、伤残鉴定书"
    )

    dialog = open_upload_dialog(agent)
    upload(dialog, "事故证明（必传）", files.pdf("事故证明.pdf"))
    upload(dialog, "诊断证明或病历（必传）", files.png("诊断证明.png"))
    close_dialog(dialog)

    # 上报 without the 伤残鉴定书: refused, naming it.
    open_claims(agent)
    claim_row(agent, pk).get_by_role("button", name="上报").click()
    expect(agent.locator("#messages")).to_contain_text("请先上传以下材料后再上报：伤残鉴定书")
    expect_claim_status(agent, pk, "草稿")
    shot(agent, "02-missing-assessment")

    claim_row(agent, pk).get_by_role("link", name="查看").click()
    agent.locator("#tab-materials").click()
    dialog = open_upload_dialog(agent)
    upload(dialog, "伤残鉴定书", files.pdf("伤残鉴定书.pdf"))
    close_dialog(dialog)
    expect(agent.locator("#missing-materials")).to_have_count(0)
    shot(agent, "03-materials")

    agent.get_by_role("link", name="申请信息").click()
    expect(agent.locator("#claim-info")).to_contain_text("伤残（8级）")
    expect(agent.locator("#suggested-amount")).to_have_text("6,000.00")
    submit_from_list(agent, pk)

    shinan = actor("shinan")
    open_in_queue(shinan, title)
    expect(shinan.locator("#pane-info")).to_contain_text("在车间搬运钢材时被滑落的钢板砸伤左腿")
    decide(shinan, title, "通过")
    city = actor("city")
    approve_at_city(city, title, "6,000.00", shot=shot, prefix="04-")

    finance = actor("finance")
    record_payout(finance, "赵强", "6,000.00", "CCB20260002", shot=shot, prefix="05-")
    shot_narrow(finance, "05-payouts-empty")

    open_claims(agent)
    expect_claim_status(agent, pk, "已结案")
    expect(claim_row(agent, pk)).to_contain_text("6,000.00")
    shot(agent, "06-list-closed")


# --- (3) inside the waiting period: refused at 保存 ----------------------------------------------------


def covered_recently(name: str, *, days: int) -> tuple[str, datetime.date]:
    """A new member of the demo unit with 重大疾病 since DAYS ago (on the demo period's application)."""
    from enrollment.models import Application, Coverage, Member
    from plans.models import Plan
    from tests.factories import Factory

    application = Application.objects.filter(unit__name=DEMO_UNIT_NAME).latest("pk")
    id_number = Factory.person_id(datetime.date(1991, 5, 20), 301)  # 301: odd → male
    member = Member.objects.create(
        id_number=id_number, name=name, sex="M", birth_date=datetime.date(1991, 5, 20)
    )
    start = days_ago(days)
    Coverage.objects.create(
        member=member,
        unit=application.unit,
        plan=Plan.objects.get(code="ZJ"),
        application=application,
        shares=1,
        start=start,
        end=application.period_end,
    )
    return id_number, start


def test_a_claim_inside_the_waiting_period_is_refused_at_save(actor, shot, shot_narrow):
    agent = actor(AGENT)
    id_number, start = covered_recently("钱进", days=20)
    event = days_ago(5)
    waiting_end = start + datetime.timedelta(days=90)

    open_claims(agent)
    agent.get_by_role("link", name="重疾女工理赔申请").click()
    type_member_id(agent, id_number, "钱进")
    expect(agent.locator("#member-found")).to_contain_text(f"重大疾病互助保障 1份 · {start:%Y-%m-%d}")
    agent.get_by_label("保障计划").select_option(label="重大疾病")
    agent.get_by_label("诊断时间").fill(event.isoformat())
    agent.get_by_label("疾病名称").select_option(label="较重急性心肌梗死")
    agent.get_by_label("医院名称").fill("青岛市海慈医院")
    fill_payee_bank(agent)
    agent.get_by_role("button", name="保存", exact=True).click()

    error = agent.locator(".alert-danger[role=alert]")
    expect(error).to_have_text(
        f"不符合申请条件：处于等待期：重大疾病互助保障首次参保有90天等待期（自{start:%Y-%m-%d}起，"
        f"{waiting_end:%Y-%m-%d}及以后确诊/出险方可申请）"
    )
    expect(agent.get_by_role("dialog", name="申请成功")).to_have_count(0)
    # The form keeps what was typed.
    expect(agent.get_by_label("会员身份证号")).to_have_value(id_number)
    expect(agent.get_by_label("医院名称")).to_have_value("青岛市海慈医院")
    shot(agent, "01-refused")
    shot_narrow(agent, "01-refused")

    open_claims(agent)
    expect(agent.locator("#claim-table")).to_contain_text("暂无保障金申请")
