"""缴费通知单 and 收款确认 (SPEC §6.4)."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from billing.documents import ledger_xlsx, payment_notice_pdf
from billing.models import PaymentNotice, PaymentReceipt
from billing.selectors import receipts_history, union_account
from claims.selectors import payouts_history
from core.audit import audit_log, records_refusals
from core.errors import DomainError, ErrorCode, InvalidTransition
from core.money import yuan
from core.text import bounded_text
from review.engine import case_transition
from review.models import Action, Status


def payment_notice_issue(*, application, actor) -> PaymentNotice:
    """At final approval, once enrollment froze that day's fee (enrollment.hooks.application_approved):
    issue the notice, in the engine's transaction.

    Refused while the union's account is not configured: the approval then rolls back as a whole."""
    union_account()
    application.refresh_from_db()
    today = timezone.localdate()
    notice, _ = PaymentNotice.objects.get_or_create(
        application=application,
        defaults={
            "number": f"JF{today:%Y%m%d}{application.pk:06d}",
            "amount": application.total_amount,
            "issued_at": timezone.now(),
            "due_date": today + datetime.timedelta(days=settings.PAYMENT_DUE_DAYS),
        },
    )
    audit_log(
        actor=actor,
        verb="notice_issue",
        obj=notice,
        changes={"number": notice.number, "amount": str(notice.amount)},
    )
    return notice


def payment_notice_document(*, notice: PaymentNotice) -> bytes:
    """The notice's PDF: rendered at its first download and kept in storage (so it is in the backups), then
    always that same file. Two first downloads at once keep the one stored first."""
    if not notice.pdf:
        storage = notice.pdf.storage
        name = storage.save(
            notice.pdf.field.generate_filename(notice, f"{notice.number}.pdf"),
            ContentFile(payment_notice_pdf(notice)),
        )
        if not PaymentNotice.objects.filter(pk=notice.pk, pdf="").update(pdf=name):
            storage.delete(name)
        notice.refresh_from_db(fields=["pdf"])
    with notice.pdf.open("rb") as handle:
        return handle.read()


def _already_confirmed(notice: PaymentNotice) -> bool:
    return (
        notice.application.case.status == Status.EFFECTIVE
        or PaymentReceipt.objects.filter(notice=notice).exists()
    )


def _confirmed_twice(notice: PaymentNotice) -> InvalidTransition:
    """The one refusal of a second confirmation, whether it came in second or lost the race."""
    return InvalidTransition(f"缴费通知单 {notice.number} 已确认收款，无需重复确认", code=ErrorCode.DUPLICATE)


@records_refusals("payment_confirm", obj="notice")
@transaction.atomic
def payment_confirm(
    *, actor, notice: PaymentNotice, amount: Decimal, paid_on: datetime.date, bank_reference: str
):
    """收款确认: the amount must equal the notice; the coverages become effective in the same transaction.

    Idempotent: a second confirmation of the same notice is refused with a message and changes nothing.
    """
    notice = (
        PaymentNotice.objects.select_for_update(of=("self",))
        .select_related("application__case")
        .get(pk=notice.pk)
    )
    case = notice.application.case
    if _already_confirmed(notice):
        raise _confirmed_twice(notice)
    amount = yuan(amount)
    if amount != notice.amount:
        raise DomainError(
            f"到账金额 {amount:,.2f} 元与应缴金额 {notice.amount:,.2f} 元不一致，不能确认收款，请核对"
        )
    if paid_on > timezone.localdate():
        raise DomainError("到账日期不能晚于今天")
    issued_on = timezone.localdate(notice.issued_at)
    if paid_on < issued_on:
        raise DomainError(f"到账日期不能早于缴费通知单的开具日期（{issued_on:%Y-%m-%d}）")
    bank_reference = bounded_text(bank_reference, label="银行流水号", max_length=64)
    if not bank_reference:
        raise DomainError("请填写银行流水号")
    try:
        with transaction.atomic():
            receipt = PaymentReceipt.objects.create(
                notice=notice,
                amount=amount,
                paid_on=paid_on,
                bank_reference=bank_reference,
                confirmed_by=actor,
            )
    except IntegrityError:  # a confirmation that committed after our check: the same refusal
        raise _confirmed_twice(notice) from None
    case_transition(
        case=case,
        action=Action.CONFIRM_PAYMENT,
        actor=actor,
        reason=f"到账 {amount:,.2f} 元，流水号 {bank_reference}",
    )
    # One record of the fact: this 收款确认 move's timeline row (amount, 流水号), read by the audit screen.
    return receipt


@transaction.atomic
def ledger_export(*, actor, filters: dict) -> bytes:
    """收款记录 and 给付记录 matching FILTERS as xlsx (masked); every export is an audit row."""
    receipts = receipts_history(actor, filters)
    payouts = payouts_history(actor, filters)
    content = ledger_xlsx(receipts, payouts)
    shown = {key: str(value) for key, value in filters.items() if value not in (None, "")}
    audit_log(
        actor=actor,
        verb="ledger_export",
        changes={"filters": shown, "receipts": receipts.count(), "payouts": payouts.count()},
    )
    return content
