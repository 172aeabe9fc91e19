"""给付批次: 制单 and 复核 by two people, the bank file split by the template's line limit, the bank's
result with a failed line (paid → 已结案 through the engine, failed → waiting again with the reason), a
claim in one open batch only."""

import io
import zipfile

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from claims.models import BankFileTemplate, PayoutBatchLine
from claims.selectors import payouts_awaiting
from claims.services import (
    claim_payout_record,
    payout_batch_check,
    payout_batch_create,
    payout_batch_files,
    payout_batch_settle,
)
from core.errors import DomainError, NotAllowed
from review.models import Status


@pytest.fixture
def claims(factory):
    unit = factory.approved_unit()
    return [factory.approved_claim(unit, name=name) for name in ("李梅", "王芳", "赵丽")]


@pytest.fixture
def maker(factory):
    return factory.finance()


@pytest.fixture
def checker(factory):
    return factory.finance()


def generic():
    return BankFileTemplate.objects.get(code="generic")


def test_the_maker_may_not_check_the_batch_and_a_second_clerk_may(claims, maker, checker):
    batch = payout_batch_create(actor=maker, claims=claims, template=generic())
    with pytest.raises(NotAllowed, match="制单人不能复核"):
        payout_batch_check(actor=maker, batch=batch)
    with pytest.raises(DomainError, match="尚未复核"):
        payout_batch_files(actor=maker, batch=batch)

    payout_batch_check(actor=checker, batch=batch)

    batch.refresh_from_db()
    assert (batch.state, batch.checked_by) == ("checked", checker)
    with pytest.raises(IntegrityError), transaction.atomic():  # the database keeps the rule too
        type(batch).objects.filter(pk=batch.pk).update(checked_by=maker)


def test_a_batch_over_the_templates_line_limit_becomes_several_files(claims, maker, checker):
    template = BankFileTemplate.objects.get(code="icbc")
    template.max_lines = 2
    template.save()
    batch = payout_batch_create(actor=maker, claims=claims, template=template)
    payout_batch_check(actor=checker, batch=batch)

    files = payout_batch_files(actor=maker, batch=batch)

    assert [name for name, _ in files] == [f"{batch.number}-icbc-01.xlsx", f"{batch.number}-icbc-02.xlsx"]
    first = CalamineWorkbook.from_filelike(io.BytesIO(files[0][1])).get_sheet_by_index(0).to_python()
    second = CalamineWorkbook.from_filelike(io.BytesIO(files[1][1])).get_sheet_by_index(0).to_python()
    assert first[0] == ["收款账号", "收款户名", "金额", "收款行名称", "用途", "个性化信息"]
    assert len(first) == 3 and len(second) == 2
    assert first[1][:3] == ["6222020000000000001", "李梅", 15000.0]
    assert second[1][5] == f"{batch.number}-0003"


def test_one_failed_line_goes_back_to_waiting_with_its_reason_and_the_others_are_closed(
    claims, maker, checker
):
    batch = payout_batch_create(actor=maker, claims=claims, template=generic())
    payout_batch_check(actor=checker, batch=batch)
    failed_line = batch.lines.get(claim=claims[1])

    paid, failed = payout_batch_settle(
        actor=maker, batch=batch, paid_on=timezone.localdate(), failures={failed_line.pk: "户名与账号不符"}
    )

    assert (paid, failed) == (2, 1)
    for claim in claims:
        claim.case.refresh_from_db()
    assert [c.case.status for c in claims] == [Status.CLOSED, Status.APPROVED, Status.CLOSED]
    assert claims[0].case.transitions.get(action="record_payout").reason.endswith(f"{batch.number}-0001")
    failed_line.refresh_from_db()
    assert (failed_line.result, failed_line.failure_reason, failed_line.is_open) == (
        "failed",
        "户名与账号不符",
        False,
    )
    waiting = payouts_awaiting(maker).get()
    assert waiting == claims[1]
    assert waiting.last_failure == "户名与账号不符"
    again = payout_batch_create(actor=maker, claims=[claims[1]], template=generic())  # into the next batch
    assert again.lines.count() == 1


def test_a_failed_line_needs_its_reason_and_nothing_is_recorded_without_it(claims, maker, checker):
    batch = payout_batch_create(actor=maker, claims=claims, template=generic())
    payout_batch_check(actor=checker, batch=batch)
    line = batch.lines.first()
    with pytest.raises(DomainError, match="请填写第1笔的失败原因"):
        payout_batch_settle(actor=maker, batch=batch, paid_on=timezone.localdate(), failures={line.pk: " "})
    assert all(c.case.status == Status.APPROVED for c in payouts_awaiting(maker))
    assert payouts_awaiting(maker).count() == 3


def test_a_claim_in_an_open_batch_may_not_join_another_or_be_paid_alone(claims, maker):
    payout_batch_create(actor=maker, claims=claims[:2], template=generic())

    with pytest.raises(DomainError, match="已在给付批次"):
        payout_batch_create(actor=maker, claims=claims[1:], template=generic())
    with pytest.raises(DomainError, match="已在给付批次中"):
        claim_payout_record(actor=maker, claim=claims[0], paid_on=timezone.localdate(), bank_reference="X")
    with pytest.raises(IntegrityError), transaction.atomic():  # the constraint behind the check
        other = payout_batch_create(actor=maker, claims=[claims[2]], template=generic())
        PayoutBatchLine.objects.create(batch=other, claim=claims[0], seq=2, amount=1)


def test_the_batch_screens_build_check_export_and_settle_in_constant_queries(
    client, factory, claims, maker, checker, count_queries, django_assert_max_num_queries
):
    client.force_login(maker)
    response = client.post(
        reverse("billing:batch_create"), {"claims": [c.pk for c in claims[:1]], "template": generic().pk}
    )
    assert response.status_code == 302
    batch = maker_batch = PayoutBatchLine.objects.get(claim=claims[0]).batch
    url = reverse("billing:batch", args=[batch.pk])
    client.get(url)
    with count_queries() as one:
        assert client.get(url).status_code == 200
    assert "制单人不能复核" in client.get(url).content.decode()  # the maker sees why there is no 【复核】
    big = payout_batch_create(actor=maker, claims=claims[1:], template=generic())
    with django_assert_max_num_queries(len(one)):
        assert client.get(reverse("billing:batch", args=[big.pk])).status_code == 200
    with django_assert_max_num_queries(len(one)):
        assert client.get(reverse("billing:batches")).status_code == 200

    client.force_login(checker)
    client.post(reverse("billing:batch_check", args=[maker_batch.pk]))
    export = client.get(reverse("billing:batch_export", args=[maker_batch.pk]))
    assert export["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    client.post(reverse("billing:batch_check", args=[big.pk]))
    template = big.template
    template.max_lines = 1
    template.save()
    archive = client.get(reverse("billing:batch_export", args=[big.pk]))
    assert archive["Content-Type"] == "application/zip"
    assert len(zipfile.ZipFile(io.BytesIO(archive.content)).namelist()) == 2

    line = big.lines.get(seq=2)
    response = client.post(
        reverse("billing:batch_settle", args=[big.pk]),
        {"paid_on": timezone.localdate().isoformat(), "failed": [line.pk], f"reason_{line.pk}": "账户已销户"},
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.result == "failed"
