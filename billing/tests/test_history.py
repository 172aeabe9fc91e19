"""收款记录 / 给付记录: the filters, the daily and monthly totals in and out, the masked formula-safe export,
and a constant number of queries however many rows there are."""

import datetime
import io
import itertools
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from billing.models import PaymentReceipt
from billing.selectors import ledger_summary, receipts_history
from claims.selectors import PAYOUT_PATHS, payouts_history
from claims.services import claim_payout_record
from core.models import AuditLog
from orgs.models import OrgNode
from plans.models import Plan

_first_person = itertools.count(0, 10)


def receipt(factory, *, rows=3, org="市南区", reference=None, name=None):
    unit = factory.approved_unit(org=org, **({"name": name} if name else {}))
    application = factory.effective_application(
        unit=unit, rows=factory.people(rows, first=next(_first_person))
    )
    found = PaymentReceipt.objects.get(notice__application=application)
    if reference:
        PaymentReceipt.objects.filter(pk=found.pk).update(bank_reference=reference)
    return found


def payout(factory, *, reference="PAY1", name="李梅"):
    claim = factory.approved_claim(name=name)
    return claim_payout_record(
        actor=factory.finance(), claim=claim, paid_on=timezone.localdate(), bank_reference=reference
    )


def test_receipts_are_filtered_by_unit_district_plan_amount_and_reference(factory):
    finance = factory.finance()
    small = receipt(factory, rows=1, reference="ICBC-0001", name="甲公司")
    big = receipt(factory, rows=4, org="市北区", reference="ICBC-0002", name="乙公司")

    def found(**filters):
        return set(receipts_history(finance, filters))

    assert found() == {small, big}
    assert found(unit="甲") == {small}
    assert found(district=OrgNode.objects.get(name="市北区")) == {big}
    assert found(amount_min=Decimal("100.00")) == {big}
    assert found(amount_max=Decimal("30.00")) == {small}
    assert found(bank_reference="0002") == {big}
    assert found(plan=Plan.objects.get(code="ZJ")) == {small, big}
    assert found(plan=Plan.objects.get(code="YW")) == set()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert found(date_from=tomorrow) == set()


def test_only_finance_sees_the_ledgers(factory):
    receipt(factory)
    payout(factory)
    reviewer = factory.city_reviewer()
    assert not receipts_history(reviewer, {}).exists()
    assert not payouts_history(reviewer, {}).exists()


def test_totals_per_day_and_month_add_up_money_in_and_out(factory):
    finance = factory.finance()
    receipt(factory, rows=1)
    receipt(factory, rows=2)
    paid = payout(factory)
    today = timezone.localdate()

    daily = ledger_summary(
        receipts_history(finance, {}), payouts_history(finance, {}), PAYOUT_PATHS, monthly=False
    )
    monthly = ledger_summary(
        receipts_history(finance, {}), payouts_history(finance, {}), PAYOUT_PATHS, monthly=True
    )

    assert daily == [
        {
            "period": today,
            "in_count": 2,
            "in_amount": Decimal("90.00"),
            "out_count": 1,
            "out_amount": paid.amount,
        }
    ]
    assert monthly[0]["period"] == today.replace(day=1)
    assert (monthly[0]["in_amount"], monthly[0]["out_amount"]) == (Decimal("90.00"), Decimal("15000.00"))


def test_the_export_masks_ids_and_accounts_and_keeps_formulas_as_text(client, factory):
    receipt(factory, reference='=HYPERLINK("http://x")')
    paid = payout(factory)
    finance = factory.finance()
    client.force_login(finance)

    response = client.get(reverse("billing:history_export"))

    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    receipts_sheet = book.get_sheet_by_name("收款记录").to_python()
    payouts_sheet = book.get_sheet_by_name("给付记录").to_python()
    assert receipts_sheet[1][5] == '\'=HYPERLINK("http://x")'  # text, never a live formula
    id_number = paid.claim.member.id_number
    assert payouts_sheet[1][2] == id_number[:6] + "********" + id_number[-4:]
    assert payouts_sheet[1][7] == "6222***********0001"
    assert payouts_sheet[1][8] == 15000
    assert AuditLog.objects.filter(verb="ledger_export", actor=finance).exists()


def test_a_filter_that_does_not_parse_is_shown_and_nothing_is_filtered_by_it(client, factory):
    receipt(factory)
    client.force_login(factory.finance())
    response = client.get(reverse("billing:history"), {"amount_min": "1e9"})
    assert response.status_code == 200
    assert "格式不正确" in response.content.decode()


@pytest.mark.parametrize("tab", ["receipts", "payouts"])
def test_the_history_screen_runs_a_constant_number_of_queries(
    client, factory, django_assert_max_num_queries, count_queries, tab
):
    finance = factory.finance()
    client.force_login(finance)
    url = reverse("billing:history")
    receipt(factory)
    payout(factory, name="王芳")
    client.get(url, {"tab": tab})  # warm the session and the menu's caches

    with count_queries() as few:
        assert client.get(url, {"tab": tab}).status_code == 200
    for n in range(3):
        receipt(factory)
        payout(factory, name=f"会员{n}", reference=f"PAY{n + 2}")
    with django_assert_max_num_queries(len(few)):
        response = client.get(url, {"tab": tab})
    assert response.content.decode().count("<tr><td>") >= 4
