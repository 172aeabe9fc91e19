"""住院医疗保障金申请 (SPEC §7.4) in a real browser, on the demo data of `make run` (the demo unit's period
covers 住院医疗 1份 for every member).

(1) 周杰: two receipts (the second row through 【添加票据】) → 【保存】 → 申请成功 with the computed amount
    (乙类先行自付 600 + 自付 2,400 + 自付 1,000 − 起付线 1,000) × 50 % = 1,500.00 → 【上传材料】 the four
    materials → 【上报】 → 区县 通过 → 市总 退回 → 材料待补充 → the agent adds a 费用明细清单 → 【上报】 →
    both approve the computed 1,500.00 → finance 记录给付 → 已结案.
(2) 周杰's second stay in the same period: 500,000 元 个人自付 would pay 250,000, but only 208,500 of the
    210,000 annual cap is left; the claim screen and the city's item say so and the city approves 208,500.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from demo.seed import demo_member_rows
from tests.e2e.test_claims import (
    AGENT,
    approve_at_city,
    claim_row,
    close_dialog,
    decide,
    expect_claim_status,
    fill_payee_bank,
    got_it,
    open_claims,
    open_in_queue,
    open_upload_dialog,
    record_payout,
    submit_from_list,
    type_member_id,
    upload,
)

pytestmark = pytest.mark.browser
DEMO = {name: id_number for name, id_number, _mobile, _shares in demo_member_rows()}


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def fill_receipt(page: Page, index: int, *, number, day, total, fund, category_b, self_pay, self_funded):
    values = {
        "code": "37020126",
        "number": number,
        "issued_on": day.isoformat(),
        "total": total,
        "fund_paid": fund,
        "category_b_self": category_b,
        "self_pay": self_pay,
        "self_funded": self_funded,
    }
    for field, value in values.items():
        page.locator(f'[name="receipts-{index}-{field}"]').fill(value)


def start_yl_claim(page: Page, name: str, admitted: datetime.date, discharged: datetime.date) -> None:
    open_claims(page)
    page.get_by_role("link", name="住院医疗保障金申请").click()
    expect(page.get_by_role("heading", name="住院医疗保障金申请")).to_be_visible()
    type_member_id(page, DEMO[name], name)
    expect(page.locator("#member-found")).to_contain_text("在职职工住院医疗互助保障 1份")
    expect(page.get_by_label("保障计划")).to_have_value("YL")
    page.get_by_label("入院日期").fill(admitted.isoformat())
    page.get_by_label("出院日期").fill(discharged.isoformat())
    page.locator("#id_hospital").fill("青岛大学附属医院")
    page.get_by_label("诊断").fill("急性阑尾炎（腹腔镜阑尾切除术后）")
    fill_payee_bank(page)


def save_and_get_pk(page: Page) -> int:
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_role("dialog", name="申请成功")).to_be_visible()
    return int(re.search(r"/claims/(\d+)/", page.url).group(1))


def upload_medical_materials(page: Page, files) -> None:
    dialog = open_upload_dialog(page)
    upload(dialog, "出院记录（必传）", files.pdf("出院记录.pdf"))
    upload(dialog, "费用明细清单（必传）", files.pdf("费用明细清单.pdf"))
    upload(dialog, "医疗票据（必传）", files.png("医疗票据.png"))
    upload(dialog, "医保结算单（必传）", files.pdf("医保结算单.pdf"))
    close_dialog(dialog)
    expect(page.locator("#missing-materials")).to_have_count(0)


def test_yl_claim_with_two_receipts_returned_completed_approved_and_paid(actor, shot, shot_narrow, files):
    """One chapter acted out step by step, on purpose longer than 60 lines: the journey reads top to
    bottom like the manual, and split into parts it would lose the state each step hands on."""
    agent = actor(AGENT)
    admitted, discharged = days_ago(30), days_ago(24)
    title = f"周杰 住院医疗 {admitted:%Y-%m-%d}"

    start_yl_claim(agent, "周杰", admitted, discharged)
    fill_receipt(
        agent, 0, number="00012345", day=discharged, total="8300.00", fund="5000.00",
        category_b="600.00", self_pay="2400.00", self_funded="300.00",
    )  # fmt: skip
    agent.get_by_role("button", name="添加票据").click()  # a second row, in the page
    expect(agent.locator("#receipt-body tr")).to_have_count(2)
    fill_receipt(
        agent, 1, number="00012346", day=discharged, total="3000.00", fund="2000.00",
        category_b="0", self_pay="1000.00", self_funded="0",
    )  # fmt: skip
    shot(agent, "01-form")
    shot_narrow(agent, "01-form")

    pk = save_and_get_pk(agent)
    expect(agent.locator("#saved-suggested")).to_contain_text("建议给付 1,500.00 元")
    shot(agent, "02-saved")
    got_it(agent)
    upload_medical_materials(agent, files)
    agent.get_by_role("link", name="申请信息").click()
    expect(agent.locator("#receipt-table tbody tr")).to_have_count(2)
    computation = agent.locator("#medical-computation")
    expect(computation).to_contain_text("个人自付合计（乙类先行自付 + 自付，不含自费）")
    expect(computation.locator("tbody tr").first).to_contain_text("4,000.00")
    expect(computation.locator("tbody tr").last).to_contain_text("1,500.00")
    expect(agent.locator("#suggested-amount")).to_have_text("1,500.00")
    shot(agent, "03-computation")
    shot_narrow(agent, "03-computation")
    submit_from_list(agent, pk)

    shinan = actor("shinan")
    open_in_queue(shinan, title)
    expect(shinan.locator("#medical-computation-now")).to_contain_text("1,500.00")
    decide(shinan, title, "通过")

    city = actor("city")
    open_in_queue(city, title)
    city.get_by_label("审核意见").fill("费用明细清单缺少第二张票据对应的明细，请补充")
    shot(city, "04-city-return")
    decide(city, title, "退回")

    open_claims(agent)
    expect_claim_status(agent, pk, "材料待补充")
    claim_row(agent, pk).get_by_role("link", name="查看退回原因").click()
    expect(agent.locator("#timeline #return-reason")).to_contain_text("缺少第二张票据对应的明细")
    agent.get_by_role("link", name="编辑").first.click()
    expect(agent.locator('[name="receipts-1-number"]')).to_have_value("00012346")  # the rows are kept
    agent.get_by_role("button", name="保存", exact=True).click()
    expect(agent.locator("#messages")).to_contain_text("申请已保存，请补充材料后上报")
    dialog = open_upload_dialog(agent)
    upload(dialog, "费用明细清单（必传）", files.pdf("费用明细清单-补充.pdf"))
    close_dialog(dialog)
    expect(agent.locator("#material-table tbody tr")).to_have_count(5)
    shot(agent, "05-material-added")
    agent.locator(".page-head").get_by_role("button", name="上报").click()
    expect(agent.locator("#messages")).to_contain_text("保障金申请已上报，当前状态：区县审核中")

    open_in_queue(shinan, title)
    decide(shinan, title, "通过")
    approve_at_city(city, title, "1,500.00", shot=shot, prefix="06-")

    finance = actor("finance")
    record_payout(finance, "周杰", "1,500.00", "BOC20260101", shot=shot, prefix="07-")
    open_claims(agent)
    expect_claim_status(agent, pk, "已结案")
    expect(claim_row(agent, pk)).to_contain_text("1,500.00")
    shot(agent, "08-list-closed")
    shot_narrow(agent, "08-list-closed")

    # (2) a second stay of the same member in the same period: cut to what is left of the annual cap.
    second_in, second_out = days_ago(20), days_ago(12)
    start_yl_claim(agent, "周杰", second_in, second_out)
    fill_receipt(
        agent, 0, number="00019999", day=second_out, total="620000.00", fund="120000.00",
        category_b="0", self_pay="500000.00", self_funded="0",
    )  # fmt: skip
    second = save_and_get_pk(agent)
    expect(agent.locator("#saved-suggested")).to_contain_text("建议给付 208,500.00 元")
    got_it(agent)
    agent.get_by_role("link", name="申请信息").click()
    expect(agent.locator("#cap-reached")).to_contain_text(
        "按规则计算 250,000.00 元，超过限额剩余 208,500.00 元"
    )
    expect(agent.locator("#medical-computation")).to_contain_text("本保期其他1笔申请已占1,500.00元")
    expect(agent.locator("#eligibility")).to_contain_text("超过限额剩余208,500.00元")
    shot(agent, "09-second-claim-capped")
    shot_narrow(agent, "09-second-claim-capped")

    agent.locator("#tab-materials").click()
    upload_medical_materials(agent, files)
    second_title = f"周杰 住院医疗 {second_in:%Y-%m-%d}"
    submit_from_list(agent, second)
    open_in_queue(shinan, second_title)
    decide(shinan, second_title, "通过")
    open_in_queue(city, second_title)
    expect(city.locator("#approved-amount-cap")).to_have_text("上限 208,500.00 元")
    city.get_by_label("核定给付金额（元）").fill("210000.00")
    city.get_by_label("审核意见").fill("按全额给付")
    city.get_by_role("button", name="通过", exact=True).click()
    expect(city.locator("#messages")).to_contain_text("最多可给付 208,500.00 元（限额剩余）")
    shot(city, "10-city-over-cap-refused")
    approve_at_city(city, second_title, "208,500.00", shot=shot, prefix="11-")
    open_claims(agent)
    expect_claim_status(agent, second, "审核通过")
    expect(claim_row(agent, second)).to_contain_text("208,500.00")
