"""意外身故 with two 继承人 in a real browser, screenshots at 1280 and 390 px.

张三 files an accident claim for 赵强 with 伤情「死亡」: the payee fields give way to the heir rows; a first
【保存】 with shares of 60 % + 30 % is refused with the sum and saves nothing; 【添加继承人】 rows fixed to
60 % + 40 % are saved; 上报 names the three proofs until they are uploaded; 市南区 and 市总 通过 (20,000.00);
the reviewer sees both heirs masked with their parts; finance 制单s, finance2 复核s; the batch has two lines,
one per heir (12,000.00 and 8,000.00); the bank's result → 已结案, and 给付记录 lists both heirs.
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from core.masking import mask_id_number
from tests.e2e.test_claims import (
    AGENT,
    DEMO,
    claim_row,
    close_dialog,
    decide,
    expect_claim_status,
    got_it,
    open_claims,
    open_in_queue,
    open_upload_dialog,
    save_claim,
    type_member_id,
    upload,
)
from tests.factories import Factory

pytestmark = pytest.mark.browser

SPOUSE_ID = Factory.person_id(datetime.date(1982, 4, 2), 24)
CHILD_ID = Factory.person_id(datetime.date(2004, 9, 9), 31)


def both(shot, shot_narrow, page: Page, name: str) -> None:
    shot(page, name)
    shot_narrow(page, name)


def fill_heir(page: Page, index: int, name, relation, id_number, account, share) -> None:
    row = page.locator("#heir-rows [data-heir-row]").nth(index)
    row.locator(f'[name="heirs-{index}-name"]').fill(name)
    row.locator(f'[name="heirs-{index}-relation"]').select_option(label=relation)
    row.locator(f'[name="heirs-{index}-id_number"]').fill(id_number)
    row.locator(f'[name="heirs-{index}-bank_name"]').fill("中国建设银行青岛市南支行")
    row.locator(f'[name="heirs-{index}-bank_account"]').fill(account)
    row.locator(f'[name="heirs-{index}-share"]').fill(share)


def test_an_accident_death_claim_is_paid_to_two_heirs_in_two_lines(
    actor, reference_data, shot, shot_narrow, files
):  # reference_data: the bank-file templates (a flushed test database has none)
    """One chapter of the manual acted out step by step, on purpose longer than 60 lines: the journey
    reads top to bottom like the manual, and split into parts it would lose the state each step hands on."""
    from claims.models import Claim

    agent = actor(AGENT)
    event = timezone.localdate() - datetime.timedelta(days=20)
    title = f"赵强 意外伤害 {event:%Y-%m-%d}"
    open_claims(agent)
    agent.get_by_role("link", name="意外伤害理赔申请").click()
    type_member_id(agent, DEMO["赵强"], "赵强")
    agent.get_by_label("出险时间").fill(event.isoformat())
    agent.get_by_label("医院名称").fill("青岛市市立医院")
    agent.get_by_label("意外情况").fill("上班途中骑电动车被机动车撞伤，经抢救无效身故")
    expect(agent.locator("#heirs-section")).to_be_hidden()
    agent.get_by_label("伤情").select_option(label="死亡")
    expect(agent.locator("#heirs-section")).to_be_visible()
    expect(agent.locator("#payee-section")).to_be_hidden()
    fill_heir(agent, 0, "王秀英", "配偶", SPOUSE_ID, "6227003810000000011", "60")
    agent.locator("#add-heir").click()
    expect(agent.locator("#heir-rows [data-heir-row]")).to_have_count(2)
    fill_heir(agent, 1, "赵小明", "子女", CHILD_ID, "6227003810000000029", "30")

    # Shares of 90 %: refused, nothing saved, the rows kept as typed.
    agent.get_by_role("button", name="保存", exact=True).click()
    expect(agent.locator(".alert-danger[role=alert]")).to_have_text(
        "各继承人份额合计应为100%，当前合计为90.00%"
    )
    assert not Claim.objects.exists()
    expect(agent.locator('[name="heirs-1-name"]')).to_have_value("赵小明")
    both(shot, shot_narrow, agent, "01-shares-refused")
    agent.locator('[name="heirs-1-share"]').fill("40")
    pk = save_claim(agent)
    got_it(agent)
    expect(agent.locator("#missing-materials")).to_have_text(
        "上报前还需上传：事故证明、诊断证明或病历、死亡证明、户籍注销证明、亲属关系证明"
    )

    dialog = open_upload_dialog(agent)
    upload(dialog, "事故证明（必传）", files.pdf("事故证明.pdf"))
    upload(dialog, "诊断证明或病历（必传）", files.pdf("诊断证明.pdf"))
    upload(dialog, "死亡证明（必传）", files.pdf("死亡证明.pdf"))
    upload(dialog, "户籍注销证明（必传）", files.pdf("户籍注销证明.pdf"))
    close_dialog(dialog)
    open_claims(agent)
    claim_row(agent, pk).get_by_role("button", name="上报").click()
    expect(agent.locator("#messages")).to_contain_text("请先上传以下材料后再上报：亲属关系证明")
    claim_row(agent, pk).get_by_role("link", name="查看").click()
    agent.locator("#tab-materials").click()
    dialog = open_upload_dialog(agent)
    upload(dialog, "亲属关系证明（必传）", files.pdf("亲属关系证明.pdf"))
    close_dialog(dialog)
    expect(agent.locator("#missing-materials")).to_have_count(0)
    agent.get_by_role("link", name="申请信息").click()
    heirs = agent.locator("#heir-table")
    expect(heirs).to_contain_text(mask_id_number(SPOUSE_ID))
    expect(heirs).not_to_contain_text(SPOUSE_ID)
    expect(heirs.locator("tr[data-heir='1'] .heir-part")).to_have_text("12,000.00")
    both(shot, shot_narrow, agent, "02-info-heirs")
    agent.locator(".page-head").get_by_role("button", name="上报").click()
    expect(agent.locator("#messages")).to_contain_text("保障金申请已上报，当前状态：区县审核中")

    shinan = actor("shinan")
    open_in_queue(shinan, title)
    decide(shinan, title, "通过")
    city = actor("city")
    open_in_queue(city, title)
    review_heirs = city.locator("#heir-table")
    expect(review_heirs.locator("tr[data-heir='2']")).to_contain_text("赵小明")
    expect(review_heirs.locator("tr[data-heir='2'] .heir-part")).to_have_text("8,000.00")
    expect(review_heirs).not_to_contain_text(CHILD_ID)
    expect(city.get_by_label("核定给付金额（元）")).to_have_value("20000.00")
    both(shot, shot_narrow, city, "03-city-heirs")
    decide(city, title, "通过")

    finance = actor("finance")
    finance.locator("#sidebar").get_by_role("link", name="保障金给付", exact=True).click()
    row = finance.locator(f'#payout-table tr[data-claim="{pk}"]')
    expect(row).to_contain_text("按继承人份额分别给付")
    expect(row.get_by_role("link", name="记录给付")).to_have_count(0)
    finance.locator("#sidebar").get_by_role("link", name="给付批次", exact=True).click()
    finance.get_by_role("link", name="制单", exact=True).click()
    finance.locator(f'#waiting-table tr[data-claim="{pk}"] input').check()
    finance.get_by_role("button", name="生成批次").click()
    expect(finance.locator("#batch-state")).to_have_text("待复核")
    batch_url = finance.url

    checker = actor("finance2")
    checker.goto(batch_url)
    checker.get_by_role("button", name="复核通过").click()
    expect(checker.locator("#batch-state")).to_have_text("已复核")
    lines = checker.locator("#batch-lines tbody tr")
    expect(lines).to_have_count(2)
    expect(lines.nth(0)).to_contain_text("王秀英")
    expect(lines.nth(0)).to_contain_text("12,000.00")
    expect(lines.nth(1)).to_contain_text("赵小明")
    expect(lines.nth(1)).to_contain_text("8,000.00")
    with checker.expect_download() as download:
        checker.locator("#batch-export").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    checker.get_by_label("银行处理日期").fill(timezone.localdate().isoformat())
    both(shot, shot_narrow, checker, "04-batch-two-heirs")
    checker.get_by_role("button", name="登记银行结果").click()
    expect(checker.locator("#messages")).to_contain_text("给付成功 2 笔")
    expect(lines.nth(1)).to_contain_text("已给付")

    checker.locator("#sidebar").get_by_role("link", name="收款/给付记录", exact=True).click()
    checker.get_by_role("link", name="给付记录", exact=True).click()
    expect(checker.locator("#ledger-table")).to_contain_text("王秀英")
    expect(checker.locator("#ledger-table")).to_contain_text("赵小明")
    both(shot, shot_narrow, checker, "05-payout-records")

    open_claims(agent)
    expect_claim_status(agent, pk, "已结案")
    claim_row(agent, pk).get_by_role("link", name="查看").click()
    expect(agent.locator("#heir-table")).to_contain_text("已于")
    both(shot, shot_narrow, agent, "06-closed")


def test_the_city_registers_two_heirs_of_a_member_who_died_after_the_approval(
    actor, server, factory, shot, shot_narrow, files
):
    """李梅's 女职工特殊疾病 claim is approved (15,000.00, 待给付) when she dies: the city reviewer opens the
    review item, 【登记身故及继承人】 with two heirs (60 % + 40 %) — a first try without 亲属关系证明 is
    refused naming it — and the 给付批次 then has two lines, one per heir (9,000.00 and 6,000.00)."""
    claim = factory.approved_claim()
    city = actor("city")
    city.goto(f"{server.url}/review/cases/{claim.case_id}/")
    city.locator("#register-death-link").click()
    expect(city.locator("#heirs-section")).to_be_hidden()
    city.get_by_label("会员已于给付前身故，保障金改由继承人按份额领取").check()
    expect(city.locator("#heirs-section")).to_be_visible()
    fill_heir(city, 0, "王秀英", "配偶", SPOUSE_ID, "6227003810000000011", "60")
    city.locator("#add-heir").click()
    fill_heir(city, 1, "赵小明", "子女", CHILD_ID, "6227003810000000029", "40")
    city.get_by_label("死亡证明").set_input_files(files.pdf("死亡证明.pdf"))
    city.get_by_label("户籍注销证明").set_input_files(files.pdf("户籍注销证明.pdf"))
    city.once("dialog", lambda dialog: dialog.accept())
    city.locator("#register-death").click()
    expect(city.locator(".alert-danger[role=alert]")).to_have_text("请上传以下材料后再登记：亲属关系证明")
    assert not claim.heirs.exists()
    both(shot, shot_narrow, city, "11-death-proof-missing")

    city.get_by_label("死亡证明").set_input_files(files.pdf("死亡证明.pdf"))  # files are not kept
    city.get_by_label("户籍注销证明").set_input_files(files.pdf("户籍注销证明.pdf"))
    city.get_by_label("亲属关系证明").set_input_files(files.pdf("亲属关系证明.pdf"))
    city.once("dialog", lambda dialog: dialog.accept())
    city.locator("#register-death").click()
    expect(city.locator("#messages")).to_contain_text("已登记会员身故及继承人")
    heirs = city.locator("#heir-table")
    expect(heirs.locator("tr[data-heir='1'] .heir-part")).to_have_text("9,000.00")
    expect(heirs.locator("tr[data-heir='2'] .heir-part")).to_have_text("6,000.00")
    expect(heirs).not_to_contain_text(SPOUSE_ID)
    expect(city.locator("#register-death-link")).to_have_count(0)
    both(shot, shot_narrow, city, "12-death-registered")

    finance = actor("finance")
    finance.locator("#sidebar").get_by_role("link", name="给付批次", exact=True).click()
    finance.get_by_role("link", name="制单", exact=True).click()
    finance.locator(f'#waiting-table tr[data-claim="{claim.pk}"] input').check()
    finance.get_by_role("button", name="生成批次").click()
    lines = finance.locator("#batch-lines tbody tr")
    expect(lines).to_have_count(2)
    expect(lines.nth(0)).to_contain_text("王秀英")
    expect(lines.nth(0)).to_contain_text("9,000.00")
    expect(lines.nth(1)).to_contain_text("赵小明")
    expect(lines.nth(1)).to_contain_text("6,000.00")
    both(shot, shot_narrow, finance, "13-batch-two-heirs")
