"""Hostile input as people meet it in the browser: the cap beside 核定给付金额, the refusal of 1e20, the
length under each text field, the Chinese page for a body over the limit, a material refused in the dialog."""

import pytest
from playwright.sync_api import expect

from tests.factories import Factory

pytestmark = pytest.mark.browser


def test_the_city_sees_the_cap_and_1e20_is_refused_with_a_message(actor, server, shot, shot_narrow):
    claim = Factory().claim_at_city()
    page = actor("city")
    page.goto(f"{server.url}/review/cases/{claim.case_id}/")
    expect(page.locator("#approved-amount-cap")).to_have_text("上限 15,000.00 元")
    page.get_by_label("核定给付金额（元）").fill("1e20")
    shot(page, "01-cap-shown")
    shot_narrow(page, "01-cap-shown")
    page.get_by_role("button", name="通过", exact=True).click()
    expect(page.locator("#messages")).to_contain_text("核定给付金额格式不正确：请只填写数字，最多两位小数")
    page.get_by_label("核定给付金额（元）").fill("20000")
    page.get_by_role("button", name="通过", exact=True).click()
    expect(page.locator("#messages")).to_contain_text("最多可给付 15,000.00 元")
    shot(page, "02-over-the-cap")
    page.get_by_label("核定给付金额（元）").fill("14,500.50")
    page.get_by_role("button", name="通过", exact=True).click()
    expect(page.locator("#messages")).to_contain_text("当前状态：审核通过")
    page.goto(f"{server.url}/review/cases/{claim.case_id}/")
    expect(page.locator("body")).to_contain_text("核定给付金额 14,500.50 元")  # in the timeline
    shot(page, "03-amount-in-the-timeline")


def test_text_limits_are_shown_and_a_huge_body_gets_a_chinese_page(actor, server, shot, shot_narrow):
    page = actor("13800000002")
    page.goto(f"{server.url}/units/new/")
    expect(page.locator("body")).to_contain_text("最多100字")
    expect(page.locator("body")).to_contain_text("最多200字")
    shot(page, "01-limits-under-the-fields")
    shot_narrow(page, "01-limits-under-the-fields")

    token = page.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    response = page.request.post(
        f"{server.url}/units/new/", form={"csrfmiddlewaretoken": token, "address": "址" * 2_100_000}
    )
    assert response.status == 413
    page.set_content(response.text())
    expect(page.locator("h1")).to_have_text("提交的内容过大")
    expect(page.locator("#error-page")).to_contain_text("提交的内容超过了 5 MB 的上限，系统没有接收")
    shot(page, "02-too-large-page")
    shot_narrow(page, "02-too-large-page")


def test_a_pdf_with_a_script_is_refused_in_the_upload_dialog(actor, server, shot, tmp_path):
    from tests.badinput.hostile import PDF_OPEN_ACTION_JS

    unit = Factory().unit(materials=False, agent=_demo_agent())
    evil = tmp_path / "批复文件.pdf"
    evil.write_bytes(PDF_OPEN_ACTION_JS)
    page = actor("13800000002")
    page.goto(f"{server.url}/units/{unit.pk}/edit/materials/")
    page.get_by_role("button", name="上传材料").click()
    dialog = page.get_by_role("dialog", name="上传材料")
    dialog.get_by_label("选择文件").set_input_files(evil)
    dialog.get_by_role("button", name="上传", exact=True).click()
    expect(dialog.locator("#upload-feedback")).to_contain_text("PDF 文件含有脚本或自动执行的动作")
    shot(page, "01-refused-in-the-dialog")


def _demo_agent():
    from accounts.models import User

    return User.objects.get(username="13800000002")
