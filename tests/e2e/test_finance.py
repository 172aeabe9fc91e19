"""财务管理 in a real browser (demo accounts finance / finance2, agent 张三), screenshots at 1280 and 390 px.

(a) 银行流水对账: upload a CSV statement with one line naming an open notice and one unknown transfer;
    the statement shows 已匹配 / 未匹配; 【确认全部已匹配】 confirms the receipt (the notice leaves 收款确认).
(b) 给付批次: finance 制单s two waiting claims; finance cannot 复核 his own batch, finance2 does;
    【导出代发文件】 downloads the bank file; 登记银行结果 with one failed line → one 已结案, one
    待给付 again.
(c) 开票登记: the demo unit's paid notice is 待开票; finance registers a 数电发票 with its PDF; 张三
    sees 已开票 on the application's 缴费 tab and downloads the invoice.
"""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from core.samples import tiny_pdf
from demo.seed import DEMO_UNIT_NAME

pytestmark = pytest.mark.browser

ZHANG = "13800000001"


def menu(page: Page, label: str) -> None:
    page.locator("#sidebar").get_by_role("link", name=label, exact=True).click()
    expect(page.get_by_role("heading", name=label, exact=True)).to_be_visible()


def both(shot, shot_narrow, page: Page, name: str) -> None:
    shot(page, name)
    shot_narrow(page, name)


# --- (a) 银行流水对账 -----------------------------------------------------------------------------------


def test_finance_uploads_a_statement_and_confirms_the_matched_line(
    actor, factory, shot, shot_narrow, tmp_path
):
    notice = factory.approved_application(rows=factory.people(2)).payment_notice
    today = timezone.localdate()
    statement = tmp_path / "网银流水.csv"
    statement.write_text(
        "交易日期,金额,付款人名称,付款人账号,附言,流水号\n"
        f"{today:%Y-%m-%d},{notice.amount},{notice.application.unit.name},6222000011112222,"
        f"参保缴费 {notice.number},BK0001\n"
        f"{today:%Y-%m-%d},123.45,某某贸易有限公司,6222000033334444,货款,BK0002\n",
        encoding="utf-8",
    )
    finance = actor("finance")
    menu(finance, "银行流水对账")
    finance.locator("#statement-file").set_input_files(str(statement))
    finance.get_by_role("button", name="上传并匹配").click()
    expect(finance.locator('#line-table tr[data-line="2"]')).to_have_attribute("data-match", "matched")
    expect(finance.locator('#line-table tr[data-line="3"]')).to_have_attribute("data-match", "unmatched")
    both(shot, shot_narrow, finance, "a1-statement-matched")

    finance.locator("#confirm-matched").click()
    expect(finance.locator("#messages")).to_contain_text("1")
    expect(finance.locator('#line-table tr[data-line="2"]')).to_have_attribute("data-match", "confirmed")
    both(shot, shot_narrow, finance, "a2-statement-confirmed")
    menu(finance, "收款确认")
    expect(finance.locator(f'#notice-table tr[data-notice="{notice.number}"]')).to_have_count(0)


# --- (b) 给付批次 -----------------------------------------------------------------------------------------


def test_a_payout_batch_is_made_checked_by_another_clerk_exported_and_settled_with_one_failure(
    actor, factory, shot, shot_narrow
):
    first = factory.approved_claim(name="李梅")
    second = factory.approved_claim(name="王芳")
    finance = actor("finance")
    menu(finance, "给付批次")
    finance.get_by_role("link", name="制单", exact=True).click()
    finance.locator(f'#waiting-table tr[data-claim="{first.pk}"] input').check()
    finance.locator(f'#waiting-table tr[data-claim="{second.pk}"] input').check()
    both(shot, shot_narrow, finance, "b1-batch-make")
    finance.get_by_role("button", name="生成批次").click()
    expect(finance.locator("#batch-state")).to_have_text("待复核")
    expect(finance.get_by_text("制单人不能复核自己制作的给付批次")).to_be_visible()
    batch_url = finance.url

    checker = actor("finance2")
    checker.goto(batch_url)
    checker.get_by_role("button", name="复核通过").click()
    expect(checker.locator("#batch-state")).to_have_text("已复核")
    with checker.expect_download() as download:
        checker.locator("#batch-export").click()
    assert download.value.suggested_filename.endswith((".xlsx", ".zip"))

    checker.locator('#batch-lines tr[data-seq="2"] input[type=checkbox]').check()
    checker.locator('#batch-lines tr[data-seq="2"] input[name^=reason_]').fill("户名与账号不符")
    checker.get_by_label("银行处理日期").fill(timezone.localdate().isoformat())
    both(shot, shot_narrow, checker, "b2-batch-settle")
    checker.get_by_role("button", name="登记银行结果").click()
    expect(checker.locator('#batch-lines tr[data-seq="2"]')).to_contain_text("户名与账号不符")
    both(shot, shot_narrow, checker, "b3-batch-settled")
    for claim, status in ((first, "closed"), (second, "approved")):
        claim.case.refresh_from_db()
        assert claim.case.status == status
    menu(checker, "保障金给付")
    expect(checker.get_by_text("户名与账号不符")).to_be_visible()


# --- (c) 开票登记 -----------------------------------------------------------------------------------------


def test_finance_registers_an_invoice_and_the_agent_sees_it(actor, shot, shot_narrow, tmp_path):
    from units.models import InvoiceInfo, Unit

    unit = Unit.objects.get(name=DEMO_UNIT_NAME)
    InvoiceInfo.objects.update_or_create(
        unit=unit,
        defaults={
            "invoice_type": InvoiceInfo.InvoiceType.NORMAL,
            "title": unit.name,
            "taxpayer_id": unit.credit_code,
            "updated_by": unit.agent,
        },
    )
    invoice_pdf = tmp_path / "数电发票.pdf"
    invoice_pdf.write_bytes(tiny_pdf("数电发票"))
    finance = actor("finance")
    menu(finance, "开票登记")
    row = finance.locator("#invoice-table tbody tr[data-notice]").first
    expect(row).to_contain_text(DEMO_UNIT_NAME)
    both(shot, shot_narrow, finance, "c1-awaiting-invoice")
    row.get_by_role("link", name="开票登记").click()
    finance.get_by_label("发票号码").fill("26372000000012345678")
    finance.locator("#invoice-file").set_input_files(str(invoice_pdf))
    both(shot, shot_narrow, finance, "c2-invoice-form")
    finance.locator("#invoice-submit").click()
    expect(finance.locator("#messages")).to_contain_text("已开票登记")
    expect(finance.locator("#invoice-table tbody tr[data-notice]")).to_have_count(0)

    zhang = actor(ZHANG)
    menu(zhang, "参保申请")
    zhang.get_by_role("link", name="查看").first.click()
    zhang.locator("#tab-payment").click()
    expect(zhang.locator("#invoice-status")).to_contain_text("已开票")
    expect(zhang.locator("#invoice-status")).to_contain_text("26372000000012345678")
    both(shot, shot_narrow, zhang, "c3-agent-invoiced")
    with zhang.expect_download() as download:
        zhang.locator("#invoice-link").click()
    assert download.value.suggested_filename.endswith(".pdf")
