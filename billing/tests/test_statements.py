"""银行流水对账: a statement's transfers matched to open notices by the 通知单号 in the 附言 and the amount,
confirmed through the one 收款确认 service; never a line twice, never a differing amount, never twice the
same file."""

import io

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from billing.models import BankStatement, PaymentReceipt, StatementLine
from billing.services import statement_confirm_matched, statement_line_confirm, statement_upload
from core.errors import DomainError
from core.xlsx import workbook
from review.models import Status

HEADER = "交易日期,交易金额,付款人名称,付款人账号,附言,交易流水号"


@pytest.fixture
def notice(factory):
    """市南区 unit, 3 members × ZJ 1份 × 30 元: a notice of 90.00 元 awaiting payment."""
    return factory.approved_application(rows=factory.people(3)).payment_notice


def csv_upload(factory, *lines, name="流水.csv"):
    return factory.upload(("\n".join([HEADER, *lines]) + "\n").encode("utf-8"), name)


def line_for(notice, *, amount=None, reference=None, serial="B0001", payer=None):
    today = timezone.localdate().isoformat()
    amount = notice.amount if amount is None else amount
    payer = payer or notice.application.unit.name
    reference = notice.number if reference is None else reference
    return f"{today},{amount},{payer},6222000011112222,{reference},{serial}"


def test_a_transfer_naming_the_notice_with_its_amount_is_matched_and_confirmed_through_the_one_service(
    factory, notice
):
    finance = factory.finance()
    statement, created = statement_upload(actor=finance, upload=csv_upload(factory, line_for(notice)))
    assert created
    [line] = statement.lines.all()
    assert (line.match, line.notice) == (StatementLine.Match.MATCHED, notice)

    confirmed, refused = statement_confirm_matched(actor=finance, statement=statement)

    assert (confirmed, refused) == (1, [])
    line.refresh_from_db()
    assert line.match == StatementLine.Match.CONFIRMED
    assert line.receipt.bank_reference == "B0001"
    assert line.receipt.amount == notice.amount
    notice.application.case.refresh_from_db()
    assert notice.application.case.status == Status.EFFECTIVE
    assert notice.application.case.transitions.filter(action="confirm_payment").count() == 1


def test_a_differing_amount_is_shown_and_never_confirmed(factory, notice):
    finance = factory.finance()
    statement, _ = statement_upload(
        actor=finance, upload=csv_upload(factory, line_for(notice, amount="89.99"))
    )
    [line] = statement.lines.all()
    assert line.match == StatementLine.Match.AMOUNT_DIFFERS
    assert "金额不符" in line.note

    assert statement_confirm_matched(actor=finance, statement=statement) == (0, [])
    with pytest.raises(DomainError, match="金额不符"):
        statement_line_confirm(actor=finance, line=line, suggested=True)
    assert not PaymentReceipt.objects.exists()


def test_uploading_the_same_statement_again_changes_nothing(factory, notice):
    finance = factory.finance()
    content = csv_upload(factory, line_for(notice)).read()
    first, _ = statement_upload(actor=finance, upload=factory.upload(content, "流水.csv"))
    statement_confirm_matched(actor=finance, statement=first)

    again, created = statement_upload(actor=finance, upload=factory.upload(content, "流水-副本.csv"))

    assert (again, created) == (first, False)
    assert BankStatement.objects.count() == 1
    assert StatementLine.objects.count() == 1
    assert PaymentReceipt.objects.count() == 1


def test_a_transfer_brought_again_by_another_file_is_skipped_and_a_line_is_never_used_twice(factory, notice):
    finance = factory.finance()
    transfer = line_for(notice)
    first, _ = statement_upload(actor=finance, upload=csv_upload(factory, transfer))
    statement_confirm_matched(actor=finance, statement=first)
    other = factory.approved_application(rows=factory.people(1, first=50)).payment_notice

    second, _ = statement_upload(
        actor=finance, upload=csv_upload(factory, transfer, line_for(other, serial="B0002"), name="月末.csv")
    )

    assert (second.line_count, second.skipped_count) == (1, 1)
    [line] = second.lines.all()
    assert line.notice == other
    confirmed = first.lines.get()
    with pytest.raises(DomainError, match="不能重复使用"):
        statement_line_confirm(actor=finance, line=confirmed)
    with pytest.raises(IntegrityError), transaction.atomic():  # the database says so too
        StatementLine.objects.create(
            statement=second, row_number=9, fingerprint=confirmed.fingerprint, booked_on=line.booked_on,
            amount=line.amount, bank_reference="X",
        )  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        StatementLine.objects.filter(pk=line.pk).update(receipt=confirmed.receipt, match="confirmed")


def test_a_notice_named_by_two_transfers_is_matched_by_the_first_only(factory, notice):
    finance = factory.finance()
    statement, _ = statement_upload(
        actor=finance,
        upload=csv_upload(factory, line_for(notice, serial="B1"), line_for(notice, serial="B2")),
    )
    first, second = statement.lines.order_by("row_number")
    assert first.match == StatementLine.Match.MATCHED
    assert second.match == StatementLine.Match.DUPLICATE
    assert "已由第2行匹配" in second.note

    assert statement_confirm_matched(actor=finance, statement=statement) == (1, [])
    assert PaymentReceipt.objects.count() == 1
    with pytest.raises(DomainError, match="重复匹配"):
        statement_line_confirm(actor=finance, line=second, suggested=True)


def test_without_a_number_the_unit_name_and_amount_only_suggest_and_finance_confirms_by_hand(factory, notice):
    finance = factory.finance()
    statement, _ = statement_upload(
        actor=finance, upload=csv_upload(factory, line_for(notice, reference="互助保障费"))
    )
    [line] = statement.lines.all()
    assert (line.match, line.notice) == (StatementLine.Match.SUGGESTED, notice)

    assert statement_confirm_matched(actor=finance, statement=statement) == (0, [])
    statement_line_confirm(actor=finance, line=line, suggested=True)
    line.refresh_from_db()
    assert line.match == StatementLine.Match.CONFIRMED


def test_an_unknown_transfer_is_unmatched(factory, notice):
    statement, _ = statement_upload(
        actor=factory.finance(),
        upload=csv_upload(factory, line_for(notice, reference="货款", payer="别的公司")),
    )
    assert statement.lines.get().match == StatementLine.Match.UNMATCHED


def test_an_xlsx_statement_with_other_column_names_is_read(factory, notice):
    buffer = io.BytesIO()
    book = workbook(buffer)
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["记账日期", "贷方发生额", "对方户名", "对方账号", "摘要"])
    sheet.write_row(
        1, 0, [timezone.localdate().isoformat(), float(notice.amount), "某公司", "6222", notice.number]
    )
    sheet.write_row(2, 0, [timezone.localdate().isoformat(), -500.0, "手续费", "", ""])  # money out: skipped
    book.close()

    statement, _ = statement_upload(
        actor=factory.finance(), upload=factory.upload(buffer.getvalue(), "流水.xlsx")
    )

    [line] = statement.lines.all()
    assert line.match == StatementLine.Match.MATCHED


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (f"{HEADER}\n2026-13-45,90.00,甲,1,JF1,B\n", "第2行：交易日期"),
        (f"{HEADER}\n2026-01-05,1e9,甲,1,JF1,B\n", "第2行：金额格式不正确"),
        ("姓名,身份证号\n张三,1\n", "没有找到银行流水的表头"),
        ("", "银行流水文件无法读取"),
    ],
)
def test_a_statement_that_does_not_parse_is_refused_whole_and_nothing_is_stored(factory, content, message):
    with pytest.raises(DomainError, match=message):
        statement_upload(actor=factory.finance(), upload=factory.upload(content.encode(), "流水.csv"))
    assert not BankStatement.objects.exists()


def test_the_screens_upload_confirm_and_run_a_constant_number_of_queries(
    client, factory, notice, django_assert_max_num_queries, count_queries
):
    from django.urls import reverse

    client.force_login(factory.finance())
    response = client.post(reverse("billing:statements"), {"file": csv_upload(factory, line_for(notice))})
    statement = BankStatement.objects.get()
    assert response.status_code == 302
    url = reverse("billing:statement", args=[statement.pk])
    client.get(url)
    with count_queries() as one_line:
        assert "确认全部已匹配（1笔）" in client.get(url).content.decode()
    others = [
        factory.approved_application(rows=factory.people(1, first=60 + n)).payment_notice for n in range(3)
    ]
    many = csv_upload(factory, *(line_for(n, serial=f"S{n.pk}") for n in others), name="第二份.csv")
    client.post(reverse("billing:statements"), {"file": many})
    second = BankStatement.objects.get(filename="第二份.csv")
    with django_assert_max_num_queries(len(one_line)):
        assert client.get(reverse("billing:statement", args=[second.pk])).status_code == 200
    with django_assert_max_num_queries(len(one_line)):
        assert client.get(reverse("billing:statements")).status_code == 200

    client.post(reverse("billing:statement_confirm", args=[second.pk]))
    assert PaymentReceipt.objects.count() == 3

    again = client.post(
        reverse("billing:statements"), {"file": csv_upload(factory, line_for(notice))}, follow=True
    )
    assert "未作任何变更" in again.content.decode()


def test_a_refused_file_is_shown_on_the_upload_form(client, factory):
    from django.urls import reverse

    client.force_login(factory.finance())
    response = client.post(reverse("billing:statements"), {"file": factory.upload(b"a,b\n1,2\n", "x.csv")})
    assert response.status_code == 200
    assert "没有找到银行流水的表头" in response.content.decode()
    assert not BankStatement.objects.exists()
