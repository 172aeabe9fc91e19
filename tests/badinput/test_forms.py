"""Hostile numbers, dates, text and ids typed into forms and URLs: a Chinese message, never a 5xx, nothing
stored. Money is strict Decimal, dates are plausible, text is bounded and clean, ids are range-checked."""

import pytest
from django.urls import reverse

from enrollment.models import Application
from tests.badinput.conftest import assert_refused, client_for, future, nothing_changes

pytestmark = pytest.mark.django_db

BAD_FORMAT = "格式不正确：请只填写数字，最多两位小数"
HUGE = "99999999999999999999"


# --- 核定给付金额: the city's amount on a claim ---------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("1e20", BAD_FORMAT),
        ("NaN", BAD_FORMAT),
        ("Infinity", BAD_FORMAT),
        ("-1", "核定给付金额不能为负数"),
        ("100.123", "最多保留两位小数"),
        ("99999999999.99", "核定给付金额不能超过 9,999,999,999.99 元"),
        ("1,000,000", "超过上限：按该会员所参份数和给付标准，最多可给付 15,000.00 元"),
        ("0x10", BAD_FORMAT),
    ],
    ids=["exponent", "nan", "infinity", "negative", "three-decimals", "eleven-digits", "over-the-cap", "hex"],
)
def test_a_hostile_approved_amount_is_refused_and_the_queues_keep_working(
    claim_at_city, city, amount, message
):
    client = client_for(city)
    with nothing_changes():
        response = client.post(
            reverse("review:decide", args=[claim_at_city.case_id]),
            {
                "action": "approve",
                "reason": "",
                "version": claim_at_city.case.version,
                "approved_amount": amount,
            },
            follow=True,
        )
    assert_refused(response, message)
    claim_at_city.refresh_from_db()
    assert claim_at_city.approved_amount is None and claim_at_city.case.status_label == "市总审核中"
    agent = client_for(claim_at_city.unit.agent)
    assert agent.get(reverse("claims:list")).status_code == 200
    assert client_for(city).get(reverse("review:case", args=[claim_at_city.case_id])).status_code == 200


def test_the_reviewer_sees_the_cap_next_to_the_amount(claim_at_city, city):
    page = client_for(city).get(reverse("review:case", args=[claim_at_city.case_id])).content.decode()
    assert "上限 15,000.00 元" in page


# --- dates ----------------------------------------------------------------------------------------------


def claim_form(member, **changes):
    data = {
        "id_number": member.id_number,
        "plan_choice": "NG",
        "event_date": future(-60).isoformat(),
        "hospital": "青岛大学附属医院",
        "payee_name": member.name,
        "payee_bank": "中国工商银行",
        "payee_account": "6222020000000000001",
    }
    from plans.models import Disease

    data["disease"] = Disease.objects.get(plan__code="NG", name="原发性乳腺癌").pk
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("event_date", "message"),
    [
        ("9999-12-31", "诊断时间应在"),
        ("1800-01-01", "诊断时间应在"),
        ("2026-02-30", "请按“年-月-日”填写日期"),
    ],
    ids=["year-9999", "year-1800", "impossible-day"],
)
def test_an_implausible_claim_date_is_refused(factory, event_date, message):
    unit = factory.approved_unit()
    member = factory.covered_member(unit)
    client = client_for(unit.agent)
    with nothing_changes():
        response = client.post(reverse("claims:create"), claim_form(member, event_date=event_date))
    assert_refused(response, message)


def test_a_one_megabyte_accident_description_is_refused_with_its_limit(factory):
    unit = factory.approved_unit()
    member = factory.covered_member(unit)
    data = claim_form(
        member, plan_choice="YW", accident_description="摔" * 1_000_000, injury="medical", disease=""
    )
    client = client_for(unit.agent)
    with nothing_changes():
        response = client.post(reverse("claims:create") + "?kind=accident", {**data, "kind": "accident"})
    assert_refused(response, "最多可填写1000个字（现在是1000000个字）")


def test_a_renewal_period_in_the_year_9999_is_refused(agent, agent_app):
    with nothing_changes():
        response = agent.post(
            reverse("enrollment:create"),
            {
                "unit": agent_app.unit_id,
                "kind": Application.Kind.RENEWAL,
                "period_start": "9999-01-01",
                "period_end": "9999-12-31",
                "plan_ZJ": "1",
            },
        )
    assert_refused(response, "保期开始日期应在")


@pytest.mark.parametrize(
    ("amount", "paid_on", "message"),
    [
        ("1e20", 0, "到账金额格式不正确"),
        ("NaN", 0, "到账金额格式不正确"),
        ("-0.01", 0, "到账金额不能为负数"),
        (None, -1, "到账日期不能早于缴费通知单的开具日期"),
        (None, "9999-12-31", "到账日期应在"),
    ],
    ids=["exponent", "nan", "negative", "before-the-notice", "year-9999"],
)
def test_a_hostile_receipt_is_refused(notice, finance, amount, paid_on, message):
    client = client_for(finance)
    data = {
        "amount": str(notice.amount) if amount is None else amount,
        "paid_on": paid_on if isinstance(paid_on, str) else future(paid_on).isoformat(),
        "bank_reference": "B1",
    }
    with nothing_changes():
        response = client.post(reverse("billing:confirm", args=[notice.pk]), data)
    assert_refused(response, message)


def test_a_payout_dated_before_the_approval_or_in_9999_is_refused(payout_claim, finance):
    client = client_for(finance)
    url = reverse("billing:payout_record", args=[payout_claim.pk])
    for paid_on, message in (
        (future(-1), "给付日期不能早于市总审核通过的日期"),
        ("9999-12-31", "给付日期应在"),
    ):
        with nothing_changes():
            response = client.post(url, {"paid_on": str(paid_on), "bank_reference": "P1"})
        assert_refused(response, message)


def test_a_queue_filter_dated_9999_12_31_is_a_message_not_a_crash(city):
    response = client_for(city).get(reverse("review:queue"), {"date_from": "9999-12-31"})
    assert_refused(response, "上报日期从应在")


# --- text ------------------------------------------------------------------------------------------------


def unit_form(**changes):
    from core.samples import demo_credit_code
    from orgs.models import OrgNode

    data = {
        "name": "青岛测试机械有限公司",
        "credit_code": demo_credit_code("91370202MA9999999"),
        "parent_org": OrgNode.objects.get(name="市南区").pk,
        "nature": "enterprise",
        "address": "青岛市市南区香港中路1号",
        "contact_phone": "0532-88888888",
        "employee_count": "50",
        "union_name": "测试工会",
        "merge_history": "none",
    }
    data.update(changes)
    return data


def test_a_nul_byte_in_a_unit_name_is_refused_on_every_database(factory):
    client = client_for(factory.agent())
    with nothing_changes():
        response = client.post(reverse("units:create"), unit_form(name="青岛\x00机械有限公司"))
    assert_refused(response, "含有不允许的空字符（NUL）", status=400)


def test_a_nul_byte_in_a_search_is_refused_not_sent_to_the_database(city):
    client = client_for(city)
    for url in (reverse("units:directory"), reverse("units:search"), reverse("review:queue")):
        response = client.get(url, {"q": "青岛\x00", "unit": "\x00"})
        assert_refused(response, "含有不允许的空字符（NUL）", status=400)


def test_control_and_bidi_characters_are_removed_from_a_unit_name_and_address(factory):
    agent = factory.agent()
    response = client_for(agent).post(
        reverse("units:create"),
        unit_form(
            name="青岛\x1b[31m\u202e司公限有\u202c机械\x07有限公司",
            address="市南区\u2066香港路\u2069\x08一号",
        ),
    )
    assert response.status_code == 302
    unit = agent.units.get() if hasattr(agent, "units") else None
    from units.models import Unit

    unit = Unit.objects.get(agent=agent)
    assert unit.name == "青岛[31m司公限有机械有限公司"
    assert unit.address == "市南区香港路一号"


def test_a_unit_name_over_its_column_is_refused_with_the_limit(factory):
    client = client_for(factory.agent())
    with nothing_changes():
        response = client.post(reverse("units:create"), unit_form(name="青" * 101))
    assert_refused(response, "最多可填写100个字（现在是101个字）")


def test_a_return_reason_of_1001_characters_says_its_limit(claim_at_city, city):
    client = client_for(city)
    with nothing_changes():
        response = client.post(
            reverse("review:decide", args=[claim_at_city.case_id]),
            {"action": "return", "reason": "缺" * 1001, "version": claim_at_city.case.version},
            follow=True,
        )
    assert_refused(response, "意见/退回原因最多可填写1000个字（现在是1001个字）")


def test_a_binding_reason_over_500_characters_says_its_limit(factory):
    target = factory.approved_unit()
    client = client_for(factory.agent(name="王五"))
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.samples import tiny_pdf

    with nothing_changes():
        response = client.post(
            reverse("units:binding_create"),
            {
                "unit": target.pk,
                "reason": "因" * 501,
                "form_file": SimpleUploadedFile("a.pdf", tiny_pdf("a")),
            },
        )
    assert_refused(response, "最多可填写500个字（现在是501个字）")


def test_a_form_body_of_six_megabytes_gets_a_chinese_page(factory):
    client = client_for(factory.agent())
    with nothing_changes():
        response = client.post(reverse("units:create"), unit_form(address="址" * 2_100_000))
    assert_refused(response, "提交的内容超过了 5 MB 的上限，系统没有接收", status=413)


def test_an_api_token_name_over_its_column_is_refused(agent):
    with nothing_changes():
        response = agent.post(reverse("api:token_create"), {"name": "令" * 51}, follow=True)
    assert_refused(response, "用途最多可填写50个字")


# --- ids in URLs and query strings ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        f"/units/{HUGE}/",
        f"/enrollment/{HUGE}/roster/",
        f"/claims/{HUGE}/",
        f"/review/cases/{HUGE}/",
        f"/review/materials/{HUGE}/file/",
        f"/notifications/{HUGE}/",
        "/units/9223372036854775808/",  # 2^63: one past BIGINT
    ],
)
def test_an_id_beyond_any_database_integer_is_a_404_page(agent, path):
    response = agent.get(path)
    assert_refused(response, "页面不存在", status=404)


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("units:directory", {"org": HUGE}),
        ("units:directory", {"org": "²"}),
        ("units:search", {"q": "青岛", "exclude": HUGE}),
        ("reports:report", {"year": "²"}),
        ("reports:report", {"year": HUGE}),
        ("review:queue", {"district": HUGE, "page": HUGE}),
    ],
)
def test_an_integer_in_a_query_string_is_range_checked(city, path, params):
    response = client_for(city).get(reverse(path), params)
    assert response.status_code == 200


def test_the_binding_template_with_a_huge_id_is_the_blank_form(factory):
    response = client_for(factory.agent()).get(reverse("units:binding_template"), {"binding": HUGE})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")


def test_a_version_that_is_not_an_ascii_integer_is_ignored(agent, agent_app):
    response = agent.post(reverse("enrollment:submit", args=[agent_app.pk]), {"version": "²"}, follow=True)
    assert response.status_code == 200


def test_the_api_answers_json_for_a_huge_id_a_huge_page_and_a_nul(api, agent_app):
    assert_refused(api.get(f"/api/v1/applications/{HUGE}"), "不存在或无权访问", status=404)
    page = api.get(f"/api/v1/applications/{agent_app.pk}/roster", {"page": HUGE})
    assert page.status_code == 200 and page.json()["page"] == 1
    assert_refused(api.get("/api/v1/units", {"page": "\x00"}), "空字符", status=400)


# --- names: one neutral answer -------------------------------------------------------------------------


def test_binding_another_agents_draft_or_a_missing_unit_gets_one_neutral_answer(factory):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from core.samples import tiny_pdf
    from units.services import BINDING_UNAVAILABLE

    draft = factory.unit(name="张三草稿单位有限公司")
    client = client_for(factory.agent(name="王五"))
    pages = []
    for unit_id in (draft.pk, 987654321, HUGE):
        with nothing_changes():
            response = client.post(
                reverse("units:binding_create"),
                {"unit": unit_id, "reason": "接替", "form_file": SimpleUploadedFile("a.pdf", tiny_pdf("a"))},
            )
        pages.append(assert_refused(response, BINDING_UNAVAILABLE))
    assert all("张三草稿单位有限公司" not in page for page in pages)


# --- the administrator's forms parse money the same way -----------------------------------------------


def test_the_admin_refuses_a_plan_benefit_of_1e20_or_nan():
    from django.contrib import admin
    from django.test import RequestFactory

    from plans.models import Plan

    plan_admin = admin.site._registry[Plan]
    request = RequestFactory().get("/admin/")
    form_class = plan_admin.get_form(request, Plan.objects.first())
    for value in ("1e20", "NaN", "-5"):
        field = form_class.base_fields["benefit_per_share"]
        with pytest.raises(Exception) as caught:
            field.clean(value)
        assert "每份保障金" in str(caught.value.messages[0]) or "金额" in str(caught.value.messages[0])
