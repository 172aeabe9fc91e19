"""住院医疗保障金申请 through the screens: the list's 【住院医疗保障金申请】, 【保存】 with receipt rows
(and the no-JavaScript 【添加票据】), a clear message when the parts do not add up, 编辑, the
computation on 查看 and on the reviewer's item; the pages read the receipts in one query; the YL
amount shows in 统计报表, in 给付批次 and in 收款/给付记录."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from claims.models import BankFileTemplate, Claim, MedicalReceipt
from claims.services import claim_payout_record, payout_batch_check, payout_batch_create, payout_batch_settle
from reports.selectors import report_for
from review.engine import case_transition
from review.models import Action, Status
from tests.clients import client_for

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def today():
    return timezone.localdate()


@pytest.fixture
def unit(factory):
    return factory.approved_unit(org="市南区")


@pytest.fixture
def wang(factory, unit):
    return factory.covered_member(unit, plans={"YL": 1}, name="王强", female=False)


def receipt_rows(*rows, total_forms=None) -> dict:
    data = {"receipts-TOTAL_FORMS": str(total_forms or len(rows)), "receipts-INITIAL_FORMS": "0"}
    for i, row in enumerate(rows):
        data.update({f"receipts-{i}-{key}": value for key, value in row.items()})
    return data


def row(number, self_pay="3000.00", *, total="8500.00", fund="5000.00", self_funded="500.00", day=None):
    return {
        "code": "37020126",
        "number": number,
        "issued_on": (day or today() - 30 * DAY).isoformat(),
        "total": total,
        "fund_paid": fund,
        "category_b_self": "0",
        "self_pay": self_pay,
        "self_funded": self_funded,
    }


def yl_form(member, *rows, **extra) -> dict:
    return {
        "kind": "medical",
        "id_number": member.id_number,
        "plan_choice": "YL",
        "event_date": (today() - 35 * DAY).isoformat(),
        "discharge_date": (today() - 30 * DAY).isoformat(),
        "hospital": "青岛市市立医院",
        "diagnosis": "社区获得性肺炎",
        "payee_name": member.name,
        "payee_bank": "中国银行青岛分行",
        "payee_account": "6216610000000000018",
        **receipt_rows(*rows),
        **extra,
    }


def test_the_list_offers_the_yl_claim_and_its_form_has_the_receipt_rows(factory, unit):
    agent = client_for(unit.agent)
    page = agent.get(reverse("claims:list")).content.decode()
    assert "住院医疗保障金申请" in page and "?kind=medical" in page
    form = agent.get(reverse("claims:create") + "?kind=medical").content.decode()
    for label in (
        "入院日期",
        "出院日期",
        "诊断",
        "票据代码",
        "票据号码",
        "开票日期",
        "总金额",
        "医保统筹支付",
    ):
        assert label in form
    assert "乙类先行自付" in form and "自费" in form and 'id="add-receipt"' in form


def test_saving_with_two_receipts_shows_the_computation_and_the_materials_tab(factory, unit, wang):
    agent = client_for(unit.agent)
    response = agent.post(
        reverse("claims:create"), yl_form(wang, row("00000001"), row("00000002", "1000.00", total="6500.00"))
    )
    claim = Claim.objects.get()
    assert response.status_code == 302 and "tab=materials&saved=1" in response["Location"]
    assert claim.suggested_amount == Decimal("1500.00")  # (3,000 + 1,000 − 1,000) × 50 %
    saved = agent.get(response["Location"]).content.decode()
    assert "建议给付 <strong>1,500.00</strong> 元" in saved
    info = agent.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert claim.number in info and "医疗费用计算" in info and "个人自付合计" in info
    assert info.count("37020126") >= 2 and "社区获得性肺炎" in info


def test_parts_that_do_not_add_up_are_refused_with_the_rows_number_and_nothing_is_saved(factory, unit, wang):
    agent = client_for(unit.agent)
    response = agent.post(reverse("claims:create"), yl_form(wang, row("1"), row("2", total="9000.00")))
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        "第2张票据：医保统筹支付 + 乙类先行自付 + 自付 + 自费 = 8,500.00 元，与总金额 9,000.00 元不一致"
        in page
    )
    assert Claim.objects.count() == 0 and MedicalReceipt.objects.count() == 0


def test_a_bad_amount_in_a_row_is_named_by_its_row(factory, unit, wang):
    agent = client_for(unit.agent)
    response = agent.post(reverse("claims:create"), yl_form(wang, row("1", self_pay="1e9")))
    assert "第1张票据：自付" in response.content.decode()
    assert Claim.objects.count() == 0


def test_add_receipt_without_javascript_redraws_the_form_with_one_more_row(factory, unit, wang):
    agent = client_for(unit.agent)
    response = agent.post(reverse("claims:create"), yl_form(wang, row("1"), add_receipt="1"))
    page = response.content.decode()
    assert response.status_code == 200 and Claim.objects.count() == 0
    assert 'name="receipts-TOTAL_FORMS" value="2"' in page and 'name="receipts-1-code"' in page
    assert 'value="37020126"' in page  # the typed row is kept


def test_editing_replaces_the_receipts_and_recomputes(factory, unit, wang):
    agent = client_for(unit.agent)
    agent.post(reverse("claims:create"), yl_form(wang, row("1"), row("2")))
    claim = Claim.objects.get()
    assert claim.suggested_amount == Decimal("2500.00")
    edit = agent.get(reverse("claims:edit", args=[claim.pk])).content.decode()
    assert 'name="receipts-1-number" value="2"' in edit
    data = yl_form(wang, row("1"), {key: "" for key in row("x")}, id_number="")
    response = agent.post(reverse("claims:edit", args=[claim.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    claim.refresh_from_db()
    assert list(claim.receipts.values_list("number", flat=True)) == ["1"]
    assert claim.suggested_amount == Decimal("1000.00")


def _at_city(factory, claim):
    factory.claim_materials(claim)
    case = case_transition(case=claim.case, action=Action.SUBMIT, actor=claim.unit.agent)
    case_transition(case=case, action=Action.APPROVE, actor=factory.district_reviewer("市南区"))
    claim.refresh_from_db()
    return claim


def test_the_reviewer_sees_the_receipts_the_computation_now_and_the_cap(factory, unit, wang):
    claim = _at_city(factory, factory.claim(unit, wang, kind="medical"))
    page = client_for(factory.city_reviewer()).get(reverse("review:case", args=[claim.case_id])).content
    page = page.decode()
    assert "医疗费用计算（按当前数据" in page and 'id="receipt-table"' in page
    assert "按医疗费用给付规则计算 1,000.00 元" in page and "上限 210,000.00 元" in page
    assert "请在意见中填写调整原因" in page


def _with_receipts(factory, unit, member, count):
    claim = factory.claim(
        unit, member, kind="medical", receipts=[factory.receipt("100.00") for _ in range(count)]
    )
    return claim


def _queries(client, url) -> int:
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_detail_and_review_pages_read_the_receipts_in_one_query(factory, unit, wang):
    small = _at_city(factory, _with_receipts(factory, unit, wang, 2))
    other = factory.covered_member(unit, plans={"YL": 1}, name="李四", female=False)
    large = _at_city(factory, _with_receipts(factory, unit, other, 12))
    agent, city = client_for(unit.agent), client_for(factory.city_reviewer())
    for client, name in ((agent, "claims:detail"), (city, "review:case")):
        args_small = [small.pk if name == "claims:detail" else small.case_id]
        args_large = [large.pk if name == "claims:detail" else large.case_id]
        assert _queries(client, reverse(name, args=args_large)) <= _queries(
            client, reverse(name, args=args_small)
        )


def _approved_yl(factory, unit, member):
    claim = _at_city(factory, factory.claim(unit, member, kind="medical"))
    case_transition(
        case=claim.case,
        action=Action.APPROVE,
        actor=factory.city_reviewer(),
        data={"approved_amount": str(claim.suggested_amount)},
    )
    claim.refresh_from_db()
    return claim


def test_a_paid_yl_claim_shows_in_the_statistics_per_plan_and_district(factory, unit, wang, city):
    claim = _approved_yl(factory, unit, wang)
    claim_payout_record(actor=factory.finance(), claim=claim, paid_on=today(), bank_reference="YL1")
    report = report_for(city, start=today() - 365 * DAY, end=today(), today=today())
    yl = next(r for r in report["plans"] if r.label == "在职职工住院医疗互助保障")
    assert (yl.claims_filed, yl.claims_paid, yl.paid_amount) == (1, 1, Decimal("1000.00"))
    shinan = next(r for r in report["districts"] if r.label == "市南区")
    assert shinan.paid_amount == Decimal("1000.00")
    page = client_for(city).get("/reports/").content.decode()
    assert "在职职工住院医疗互助保障" in page and "1,000.00" in page


def test_a_yl_claim_is_paid_through_a_batch_and_shows_in_the_payout_history(factory, unit, wang):
    claim = _approved_yl(factory, unit, wang)
    maker, checker = factory.finance(), factory.finance()
    assert claim.pk in [c.pk for c in client_for(maker).get(reverse("billing:payouts")).context["page"]]
    batch = payout_batch_create(actor=maker, claims=[claim], template=BankFileTemplate.objects.first())
    payout_batch_check(actor=checker, batch=batch)
    assert payout_batch_settle(actor=maker, batch=batch, paid_on=today(), failures={}) == (1, 0)
    claim.case.refresh_from_db()
    assert claim.case.status == Status.CLOSED
    history = client_for(maker).get(reverse("billing:history") + "?tab=payouts").content.decode()
    assert "王强" in history and "1,000.00" in history


def accident_form(member, injury, *rows, **extra) -> dict:
    return {
        "kind": "accident",
        "id_number": member.id_number,
        "plan_choice": "YW",
        "event_date": (today() - 20 * DAY).isoformat(),
        "hospital": "青岛市市立医院",
        "accident_description": "上班途中骑车摔伤右臂",
        "injury": injury,
        "disability_grade": "8" if injury == "disability" else "",
        "payee_name": member.name,
        "payee_bank": "中国银行青岛分行",
        "payee_account": "6216610000000000018",
        **receipt_rows(*rows),
        **extra,
    }


def test_an_accident_with_medical_injury_takes_the_receipts_and_is_suggested_by_the_rule(factory, unit):
    member = factory.covered_member(unit, plans={"YW": 2}, name="赵六", female=False)
    agent = client_for(unit.agent)
    form = agent.get(reverse("claims:create") + "?kind=accident").content.decode()
    assert 'data-show-when="injury=medical"' in form and "receipts-TOTAL_FORMS" in form
    response = agent.post(
        reverse("claims:create"), accident_form(member, "medical", row("1", day=today() - 20 * DAY))
    )
    assert response.status_code == 302
    claim = Claim.objects.get()
    assert claim.suggested_amount == Decimal("4640.00")  # (3,000 − 100) × 80 % × 2份
    info = agent.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert "医疗费用计算" in info and "本次限额" in info


def test_an_accident_of_another_injury_ignores_half_typed_receipt_rows(factory, unit):
    member = factory.covered_member(unit, plans={"YW": 2}, name="赵六", female=False)
    agent = client_for(unit.agent)
    half = {"code": "1", "number": "", "issued_on": "", "total": "abc"}
    response = agent.post(reverse("claims:create"), accident_form(member, "disability", half))
    assert response.status_code == 302
    claim = Claim.objects.get()
    assert claim.suggested_amount == Decimal("6000.00") and claim.receipts.count() == 0


def test_a_medical_accident_without_receipts_is_refused(factory, unit):
    member = factory.covered_member(unit, plans={"YW": 2}, name="赵六", female=False)
    response = client_for(unit.agent).post(reverse("claims:create"), accident_form(member, "medical"))
    assert "请至少填写一张医疗票据" in response.content.decode()
    assert Claim.objects.count() == 0
