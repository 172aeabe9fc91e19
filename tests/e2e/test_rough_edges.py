"""What a clerk trips over (issue 9), each screen looked at in a real browser at 1280 and 390 px.

The demo data of `make run`: 张三 (13800000001) with the approved demo unit and its paid period, shinan,
city, finance, admin. Businesses a step needs are prepared through the services, as the other journeys do.
"""

import datetime

import pytest
from playwright.sync_api import Page, expect
from python_calamine import CalamineWorkbook

from core.samples import tiny_pdf
from demo.seed import DEMO_UNIT_NAME

pytestmark = pytest.mark.browser

ZHANG = "13800000001"
NARROW = {"width": 390, "height": 844}


def demo_unit():
    from units.models import Unit

    return Unit.objects.get(name=DEMO_UNIT_NAME)


def menu(page: Page, label: str) -> None:
    page.locator("#sidebar").get_by_role("link", name=label, exact=True).click()
    expect(page.get_by_role("heading", name=label, exact=True)).to_be_visible()


def both(shot, shot_narrow, page: Page, name: str) -> None:
    shot(page, name)
    shot_narrow(page, name)


def pdf_upload(name="letter.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, tiny_pdf(name), content_type="application/pdf")


def demo_renewal(factory, *, days: int, people: int):
    """A 提前续保 of the demo unit starting after its paid period, DAYS long, with a roster of PEOPLE."""
    from enrollment.selectors import latest_period

    start = latest_period(demo_unit()).period_end + datetime.timedelta(days=1)
    return factory.application(
        demo_unit(),
        kind="renewal",
        period_start=start,
        period_end=start + datetime.timedelta(days=days),
        rows=factory.people(people),
    )


# --- (1) a saved edit of an approved unit: still 审核通过, 【撤销编辑】 ------------------------


def test_a_pending_edit_keeps_the_unit_approved_and_is_cancelled_with_a_clear_question(
    actor, shot, shot_narrow
):
    zhang = actor(ZHANG)
    menu(zhang, "单位注册")
    row = zhang.locator(f'#unit-table tr[data-unit="{DEMO_UNIT_NAME}"]')
    row.get_by_role("link", name="编辑", exact=True).click()
    zhang.get_by_label("单位地址").fill("青岛市市南区香港中路199号")
    for _tab in range(3):
        zhang.get_by_role("button", name="保存").click()
    expect(row.locator(".status-badge")).to_have_text(["审核通过", "编辑未上报"])
    cancel = row.locator(".row-actions").get_by_role("button", name="撤销编辑")
    expect(cancel).to_be_visible()
    expect(row.get_by_role("button", name="删除", exact=True)).to_have_count(0)
    both(shot, shot_narrow, zhang, "01-list-pending-edit")

    asked = []
    zhang.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    cancel.click()
    expect(zhang.locator("#messages")).to_contain_text(
        f"已撤销“{DEMO_UNIT_NAME}”的本次编辑，单位仍为审核通过，信息保持不变"
    )
    assert "已审核通过的单位信息保持不变，单位不会被删除" in asked[0]
    expect(row.locator(".status-badge")).to_have_text(["审核通过"])
    both(shot, shot_narrow, zhang, "02-list-edit-cancelled")


# --- (2) a returned 提前续保: 保期结束日期 can be corrected ---------------------------------


def test_a_returned_renewal_shows_its_period_end_for_correction(actor, factory, shot, shot_narrow):
    from review.engine import case_transition
    from review.models import Action
    from review.services import material_upload

    renewal = demo_renewal(factory, days=180, people=2)
    start = renewal.period_start
    zhang_user = demo_unit().agent
    material_upload(case=renewal.case, slot="application_letter", upload=pdf_upload(), actor=zhang_user)
    case = case_transition(case=renewal.case, action=Action.SUBMIT, actor=zhang_user)
    case_transition(
        case=case, action=Action.RETURN, actor=factory.district_reviewer(), reason="保期结束日期有误"
    )

    zhang = actor(ZHANG)
    menu(zhang, "参保申请")
    row = zhang.locator(f'tr[data-application="{renewal.pk}"]')
    row.locator(".row-actions").get_by_role("link", name="编辑", exact=True).click()
    expect(zhang.locator("#kind-fixed")).to_have_text("提前续保")
    end = zhang.get_by_label("保期结束日期")
    expect(end).to_be_visible()
    expect(end).to_have_value(f"{renewal.period_end:%Y-%m-%d}")
    corrected = start + datetime.timedelta(days=240)
    end.fill(f"{corrected:%Y-%m-%d}")
    both(shot, shot_narrow, zhang, "01-edit-returned-renewal")
    zhang.get_by_role("button", name="提交").click()
    expect(zhang.locator("#messages")).to_contain_text("申请信息已保存")
    expect(zhang.locator(".page-head")).to_contain_text(f"{start:%Y-%m-%d} 至 {corrected:%Y-%m-%d}")


# --- (4) 不予给付 reads as final ---------------------------------------------------------------


def test_a_rejected_claim_offers_the_reason_of_the_rejection(actor, factory, shot, shot_narrow):
    from enrollment.models import Member
    from review.engine import case_transition
    from review.models import Action

    unit = demo_unit()
    claim = factory.claim(unit, Member.objects.get(name="李梅"))
    factory.claim_materials(claim)
    case = case_transition(case=claim.case, action=Action.SUBMIT, actor=unit.agent)
    case = case_transition(case=case, action=Action.APPROVE, actor=factory.district_reviewer())
    case_transition(case=case, action=Action.REJECT, actor=factory.city_reviewer(), reason="不属于保障范围")

    zhang = actor(ZHANG)
    menu(zhang, "理赔申请")
    row = zhang.locator(f'#claim-table tr[data-claim="{claim.pk}"]')
    expect(row.locator(".status-badge")).to_have_text("不予给付")
    reason = row.locator(".row-actions").get_by_role("link", name="查看不予给付原因")
    expect(reason).to_be_visible()
    both(shot, shot_narrow, zhang, "01-claim-list-rejected")
    reason.click()
    alert = zhang.locator("#reject-reason")
    expect(alert).to_contain_text("不予给付（最终审核结论）：不属于保障范围")
    expect(alert).to_contain_text("该申请已办结，不能再编辑或重新上报")
    both(shot, shot_narrow, zhang, "02-claim-rejected-reason")


# --- (6, 13) a big roster: page numbers, jump, 200 a page, search, export; cards on a phone ----


def test_a_large_roster_pages_searches_exports_and_reads_on_a_phone(
    actor, factory, server, shot, shot_narrow
):
    application = demo_renewal(factory, days=300, people=450)
    zhang = actor(ZHANG)
    zhang.goto(f"{server.url}/enrollment/{application.pk}/?tab=roster")
    rows = zhang.locator("#roster-table tbody tr")
    expect(rows).to_have_count(20)
    expect(zhang.locator("#roster-count")).to_have_text("共 450 人，第 1–20 行")
    pages = zhang.locator("#roster-pages .pagination")
    expect(pages).to_contain_text("23")
    shot(zhang, "01-roster-first-page")

    zhang.get_by_label("跳至第").fill("12")
    zhang.locator("#roster-jump").get_by_role("button", name="跳转").click()
    expect(zhang.locator("#roster-count")).to_have_text("共 450 人，第 221–240 行")
    expect(rows.first).to_contain_text("职工221")
    expect(zhang.locator("#roster-pages .page-item.active")).to_have_text("12")
    shot(zhang, "02-roster-page-12")

    zhang.get_by_label("每页行数").select_option("200")
    expect(rows).to_have_count(200)
    expect(zhang.locator("#roster-count")).to_have_text("共 450 人，第 1–200 行")
    zhang.get_by_role("button", name="第 3 页").click()
    expect(rows).to_have_count(50)

    zhang.get_by_role("searchbox", name="搜索名单").fill("职工44")
    zhang.locator("#roster-search").get_by_role("button", name="搜索").click()
    expect(zhang.locator("#roster-count")).to_have_text("找到 11 人（搜索“职工44”）")
    expect(rows).to_have_count(11)
    both(shot, shot_narrow, zhang, "03-roster-search")

    with zhang.expect_download() as download_info:
        zhang.get_by_role("link", name="导出名单").click()
    book = CalamineWorkbook.from_path(str(download_info.value.path()))
    exported = book.get_sheet_by_name("参保职工名单").to_python()
    assert exported[0][:3] == ["行号", "姓名", "身份证号"] and len(exported) == 12  # the 11 matches

    # A phone: one card per member with every field labelled, and every tab reachable.
    zhang.set_viewport_size(NARROW)
    zhang.get_by_role("searchbox", name="搜索名单").fill("")
    zhang.locator("#roster-search").get_by_role("button", name="搜索").click()
    expect(zhang.locator("#roster-count")).to_contain_text("共 450 人")
    card = rows.first
    expect(card.locator('td[data-label="参保计划"]')).to_be_visible()
    box = card.locator('td[data-label="参保计划"]').bounding_box()
    assert box["x"] + box["width"] <= NARROW["width"]  # nothing cut off at the right
    last_tab = zhang.get_by_role("link", name="审核流程")
    tab_box = last_tab.bounding_box()
    assert tab_box["x"] + tab_box["width"] <= NARROW["width"]
    shot(zhang, "04-roster-phone-cards-390")


# --- (7) 会员查询 by name -------------------------------------------------------------------------


def test_member_lookup_by_name_offers_masked_ids_to_pick_from(actor, shot, shot_narrow):
    from core.validators import mask_id_number
    from enrollment.models import Member

    li_mei = Member.objects.get(name="李梅")
    zhang = actor(ZHANG)
    menu(zhang, "会员查询")
    zhang.get_by_label("会员身份证号或姓名").fill("3702021985")
    zhang.get_by_role("button", name="查询").click()
    expect(zhang.locator("#member-hint")).to_contain_text(
        "需要输入完整的18位（或15位）身份证号；也可以输入会员姓名查询"
    )
    zhang.get_by_label("会员身份证号或姓名").fill("李梅")
    zhang.get_by_role("button", name="查询").click()
    match = zhang.locator(f'#member-matches tr[data-member="{li_mei.pk}"]')
    expect(match).to_contain_text(mask_id_number(li_mei.id_number))
    expect(match).not_to_contain_text(li_mei.id_number)
    both(shot, shot_narrow, zhang, "01-member-by-name")
    match.get_by_role("link", name="查看").click()
    # The demo period's four plans: 重大疾病, 女职工特殊疾病, 意外伤害 and 住院医疗.
    expect(zhang.locator("#coverage-table tbody tr")).to_have_count(4)
    expect(zhang.locator("#coverage-table")).to_contain_text("住院医疗")
    both(shot, shot_narrow, zhang, "02-member-picked")


# --- (8) staff: count badges and the 每日待办 message --------------------------------------------


def test_staff_see_what_waits_at_their_step_and_a_daily_digest(actor, factory, shot, shot_narrow):
    from notifications.services import daily_digest_send

    factory.submitted_unit(org="市南区", name="青岛甲方机械有限公司")
    factory.submitted_unit(org="市南区", name="青岛乙方物流有限公司")
    factory.approved_application(rows=factory.people(2))  # a notice awaiting 收款确认
    daily_digest_send()

    shinan = actor("shinan")
    badge = shinan.locator('#sidebar [data-waiting="review:queue"]')
    expect(badge).to_have_text("2")
    shot(shinan, "01-reviewer-badge")
    shinan.set_viewport_size(NARROW)
    expect(shinan.locator("#menu-waiting")).to_have_text("2")
    shot(shinan, "02-reviewer-badge-390")
    shinan.set_viewport_size({"width": 1280, "height": 900})

    shinan.locator("#notification-bell").click()
    digest = shinan.locator("#notification-list li", has_text="每日待办")
    expect(digest).to_contain_text("待审核业务 2 件")
    both(shot, shot_narrow, shinan, "03-reviewer-digest")
    digest.get_by_role("link").click()
    expect(shinan.get_by_role("heading", name="待审核业务")).to_be_visible()

    finance = actor("finance")
    expect(finance.locator('#sidebar [data-waiting="billing:workbench"]')).to_have_text("1")
    expect(finance.locator('#sidebar [data-waiting="billing:payouts"]')).to_have_count(0)
    both(shot, shot_narrow, finance, "04-finance-badges")


# --- (10) a confirmed notice's page shows the receipt --------------------------------------------


def test_finance_reopening_a_confirmed_notice_sees_the_receipt(actor, server, shot, shot_narrow):
    from billing.models import PaymentNotice

    notice = PaymentNotice.objects.get(application__unit__name=DEMO_UNIT_NAME)
    finance = actor("finance")
    finance.goto(f"{server.url}/billing/notices/{notice.pk}/confirm/")
    expect(finance.locator("#receipt")).to_contain_text("已确认收款")
    expect(finance.locator("#receipt-info")).to_contain_text("DEMO0001")
    expect(finance.locator("#confirm-form")).to_have_count(0)
    both(shot, shot_narrow, finance, "01-confirmed-notice")


# --- (14) no notice without the union's account --------------------------------------------------


def test_the_city_is_told_that_no_notice_can_be_issued_without_the_unions_account(
    actor, factory, settings, shot, shot_narrow
):
    from billing.selectors import UNION_ACCOUNT_MISSING
    from review.engine import case_transition
    from review.models import Action

    application = factory.application(rows=factory.people(2))
    case = case_transition(case=application.case, action=Action.SUBMIT, actor=application.unit.agent)
    case_transition(case=case, action=Action.APPROVE, actor=factory.district_reviewer())
    settings.UNION_BANK_ACCOUNT = ""

    city = actor("city")
    city.get_by_role("link", name="待审核业务").click()
    city.locator("#queue-table tr", has_text=application.unit.name).get_by_role("link", name="审核").click()
    city.get_by_role("button", name="通过", exact=True).click()
    expect(city.locator("#messages")).to_contain_text(UNION_ACCOUNT_MISSING)
    expect(city.locator(".page-head .status-badge")).to_have_text("市总审核中")
    both(shot, shot_narrow, city, "01-approval-refused-no-account")


# --- (11) 统计报表: 参保单位数 per plan ---------------------------------------------------------


def test_the_report_counts_the_units_of_each_plan(actor, shot, shot_narrow):
    city = actor("city")
    menu(city, "统计报表")
    row = city.locator('#plan-table tr[data-row="重大疾病互助保障"]')
    expect(row.locator("td").nth(1)).to_have_text("1")
    expect(city.locator("#plan-table thead")).to_contain_text("参保单位数")
    both(shot, shot_narrow, city, "01-report-plans")
    with city.expect_download() as download_info:
        city.get_by_role("link", name="导出Excel").click()
    book = CalamineWorkbook.from_path(str(download_info.value.path()))
    plans = book.get_sheet_by_name("按保障计划").to_python()
    assert plans[2][1] == "参保单位数"
    assert {r[0]: r[1] for r in plans[3:]}["重大疾病互助保障"] == 1


# --- (12) 系统管理 in Chinese, in the site's colours --------------------------------------------


def test_the_administration_speaks_chinese_in_the_sites_colours(actor, shot, shot_narrow):
    admin = actor("admin")
    admin.locator("#sidebar").get_by_role("link", name="用户与角色").click()
    expect(admin.locator("#site-name")).to_have_text("职工互助保障信息化管理系统 · 系统管理")
    expect(admin.get_by_role("link", name="返回业务系统")).to_be_visible()
    header = admin.locator("#header")
    assert header.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(179, 38, 30)"
    both(shot, shot_narrow, admin, "01-admin-users")
    admin.get_by_role("link", name="13800000001").click()
    expect(admin.get_by_text("角色与实名信息")).to_be_visible()
    expect(admin.locator('select[name="user_permissions"]')).to_have_count(0)
    both(shot, shot_narrow, admin, "02-admin-user-change")
    admin.goto(admin.url.split("/admin/")[0] + "/admin/")
    expect(admin.locator("#content")).not_to_contain_text("Task")
    both(shot, shot_narrow, admin, "03-admin-index")


# --- (14) the 404 page and the favicon ---------------------------------------------------------


def test_an_unknown_address_shows_the_chinese_page_and_the_site_has_an_icon(actor, server, shot, shot_narrow):
    zhang = actor(ZHANG)
    response = zhang.goto(f"{server.url}/units/99999/")
    assert response.status == 404
    expect(zhang.get_by_role("heading", name="页面不存在或您无权查看")).to_be_visible()
    expect(zhang.locator("#sidebar")).to_be_attached()
    both(shot, shot_narrow, zhang, "01-not-found")
    icon = zhang.request.get(f"{server.url}/favicon.ico")
    assert icon.status == 200 and icon.body()[:4] == b"\x00\x00\x01\x00"
    assert zhang.locator('link[rel="icon"]').get_attribute("href") == "/static/core/favicon.ico"
