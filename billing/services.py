"""缴费通知单 and 收款确认 (SPEC §6.4)."""

import datetime
import hashlib
import os
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from billing.documents import ledger_xlsx, payment_notice_pdf
from billing.models import (
    BankStatement,
    IssuedInvoice,
    NoticeReminder,
    PaymentNotice,
    PaymentReceipt,
    StatementLine,
)
from billing.reconciliation import Matcher, OpenNotice, notice_numbers_in
from billing.selectors import receipts_history, union_account
from billing.statements import StatementRow, read_statement
from claims.selectors import payouts_history
from core.audit import audit_log, records_refusals
from core.errors import BadFile, DomainError, ErrorCode, InvalidTransition
from core.money import yuan
from core.text import bounded_text
from core.uploads import check_material, display_name, sha256_of, storage_name
from notifications.services import notify_agent
from review.engine import case_transition
from review.models import Action, Status
from review.registry import business_type_for


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


# --- 逾期: reminders and 作废 ----------------------------------------------------------------------------


def _reminder_text(notice: PaymentNotice, kind: str, today: datetime.date) -> str:
    unit = notice.application.unit.name
    head = f"缴费提醒：{unit}的缴费通知单 {notice.number}（应缴 {notice.amount:,.2f} 元）"
    if kind == NoticeReminder.Kind.DUE:
        return f"{head}今天（{notice.due_date:%Y-%m-%d}）到期，请今日内缴费，转账附言填写通知单号。"
    days = (notice.due_date - today).days
    return f"{head}将于{notice.due_date:%Y-%m-%d}到期（还有 {days} 天），请按时缴费，转账附言填写通知单号。"


def _reminder_kind(notice: PaymentNotice, today: datetime.date) -> str | None:
    if notice.due_date == today:
        return NoticeReminder.Kind.DUE
    if today < notice.due_date <= today + datetime.timedelta(days=settings.NOTICE_REMINDER_DAYS_BEFORE):
        return NoticeReminder.Kind.BEFORE  # a day missed by the timer is caught up the next day
    return None


def notice_reminders_send(*, today: datetime.date | None = None) -> int:
    """manage.py notice_reminders (daily): an SMS + in-app 缴费提醒 to the agent of each unpaid notice
    NOTICE_REMINDER_DAYS_BEFORE days before its due date and on the due date, each once (the NoticeReminder
    row, unique per notice and kind, is the record that it was sent). Returns the number sent."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=settings.NOTICE_REMINDER_DAYS_BEFORE)
    notices = PaymentNotice.objects.filter(
        application__case__status=Status.APPROVED,
        receipt__isnull=True,
        due_date__gte=today,
        due_date__lte=horizon,
    ).select_related("application__unit", "application__case__unit")
    sent = 0
    for notice in notices:
        kind = _reminder_kind(notice, today)
        if kind is not None and _reminder_send(notice, kind, today):
            sent += 1
    return sent


@transaction.atomic
def _reminder_send(notice: PaymentNotice, kind: str, today: datetime.date) -> bool:
    _, created = NoticeReminder.objects.get_or_create(notice=notice, kind=kind, defaults={"sent_on": today})
    if created:
        case = notice.application.case
        url = business_type_for(case.kind).agent_url(case) + "?tab=payment"
        notify_agent(case=case, text=_reminder_text(notice, kind, today), url=url)
    return created


@records_refusals("notice_void", obj="notice")
@transaction.atomic
def notice_void(*, actor, notice: PaymentNotice, reason: str) -> PaymentNotice:
    """作废 an unpaid notice (finance): the application moves to 已作废 through the engine, with the reason
    on its timeline row; the agent is told and may apply again."""
    notice = (
        PaymentNotice.objects.select_for_update(of=("self",))
        .select_related("application__case")
        .get(pk=notice.pk)
    )
    if _already_confirmed(notice):
        raise InvalidTransition(f"缴费通知单 {notice.number} 已确认收款，不能作废")
    case_transition(case=notice.application.case, action=Action.VOID, actor=actor, reason=reason)
    return notice


# --- 开票登记 ---------------------------------------------------------------------------------------------


def _checked_invoice_number(code: str, number: str) -> tuple[str, str]:
    """数电发票: 20 digits, no code; otherwise a 10- or 12-digit code and an 8-digit number."""
    code, number = (code or "").strip(), (number or "").strip()
    if not number.isdigit() or (code and not code.isdigit()):
        raise DomainError("发票代码和发票号码只能填写数字")
    if not code and len(number) != 20:
        raise DomainError(
            "数电发票号码为20位数字；纸质或旧版电子发票请同时填写发票代码（10或12位）和号码（8位）"
        )
    if code and (len(code) not in (10, 12) or len(number) != 8):
        raise DomainError("发票代码为10或12位数字，发票号码为8位数字；数电发票只填20位号码，不填代码")
    return code, number


def _checked_invoice_type(notice: PaymentNotice, invoice_type: str) -> str:
    """The unit's 开票信息 decides the type (开多个户头: its attachment does, so either type)."""
    info = getattr(notice.application.unit, "invoice_info", None)
    if info is None:
        raise DomainError(
            f"{notice.application.unit.name}尚未填写开票信息，请联系代办员在【开票信息管理】中填写后再开票"
        )
    if info.invoice_type and invoice_type != info.invoice_type:
        wanted = IssuedInvoice.Type(info.invoice_type).label
        raise DomainError(f"该单位开票信息中的发票类型为“{wanted}”，请按开票信息开具")
    return info.title or notice.application.unit.name


@records_refusals("invoice_register", obj="notice")
@transaction.atomic
def invoice_register(
    *, actor, notice: PaymentNotice, invoice_type: str, code: str, number: str, issued_on, amount, upload
) -> IssuedInvoice:
    """开票登记 of a paid notice (待开票 → 已开票): the type from the unit's 开票信息, the number, the
    date, the amount (the receipt's), the invoice PDF (checked by its content, stored encrypted). Once per
    notice."""
    notice = (
        PaymentNotice.objects.select_for_update(of=("self",))
        .select_related("application__unit__invoice_info", "receipt")
        .get(pk=notice.pk)
    )
    receipt = getattr(notice, "receipt", None)
    if receipt is None:
        raise InvalidTransition(f"缴费通知单 {notice.number} 尚未确认收款，不能开票登记")
    if IssuedInvoice.objects.filter(notice=notice).exists():
        raise InvalidTransition(
            f"缴费通知单 {notice.number} 已开票登记，不能重复登记", code=ErrorCode.DUPLICATE
        )
    title = _checked_invoice_type(notice, invoice_type)
    code, number = _checked_invoice_number(code, number)
    if IssuedInvoice.objects.filter(code=code, number=number).exists():
        raise DomainError(
            f"发票号码 {code}{number} 已登记在另一张缴费通知单上，请核对", code=ErrorCode.DUPLICATE
        )
    if yuan(amount) != receipt.amount:
        raise DomainError(f"开票金额 {yuan(amount):,.2f} 元与到账金额 {receipt.amount:,.2f} 元不一致，请核对")
    if not (receipt.paid_on <= issued_on <= timezone.localdate()):
        raise DomainError(f"开票日期应在到账日期（{receipt.paid_on:%Y-%m-%d}）与今天之间")
    if check_material(upload) != "pdf":
        raise BadFile("发票文件须为 PDF（数电发票的版式文件），请重新选择")
    invoice = IssuedInvoice(
        notice=notice,
        invoice_type=invoice_type,
        code=code,
        number=number,
        issued_on=issued_on,
        amount=receipt.amount,
        title=title,
        original_name=display_name(upload.name, "pdf"),
        sha256=sha256_of(upload),
        recorded_by=actor,
    )
    invoice.file.save(storage_name("pdf"), upload, save=True)
    audit_log(
        actor=actor,
        verb="invoice_register",
        obj=notice,
        changes={"number": f"{code}{number}", "type": invoice_type, "amount": str(invoice.amount)},
    )
    return invoice


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


# --- 银行流水对账 ------------------------------------------------------------------------------------------


def _line_fingerprints(rows: list[StatementRow]) -> list[str]:
    """One fingerprint per transfer: the same transfer in another file has the same one; two identical
    transfers in one file are the first and the second of them."""
    seen: dict[str, int] = {}
    prints = []
    for row in rows:
        identity = row.identity()
        seen[identity] = seen.get(identity, 0) + 1
        prints.append(hashlib.sha256(f"{identity}#{seen[identity]}".encode()).hexdigest())
    return prints


def _matcher_for(rows: list[StatementRow]) -> Matcher:
    open_notices = [
        OpenNotice(pk=pk, number=number, amount=amount, unit_name=unit_name)
        for pk, number, amount, unit_name in PaymentNotice.objects.filter(
            application__case__status=Status.APPROVED, receipt__isnull=True
        ).values_list("pk", "number", "amount", "application__unit__name")
    ]
    held = StatementLine.objects.filter(
        match__in=[StatementLine.Match.MATCHED, StatementLine.Match.SUGGESTED], notice__isnull=False
    ).values_list("notice_id", "statement__filename", "row_number")
    taken = {notice_id: f"“{filename}”第{row}行" for notice_id, filename, row in held}
    numbers = {number for row in rows for number in notice_numbers_in(row.reference)}
    settled = set(PaymentNotice.objects.filter(number__in=numbers).values_list("number", flat=True))
    return Matcher(open_notices, taken=taken, settled=settled)


@transaction.atomic
def statement_upload(*, actor, upload) -> tuple[BankStatement, bool]:
    """Read a bank statement and match its incoming transfers; (statement, created).

    The same file again is the statement already uploaded (created=False) and changes nothing; a transfer
    already brought by an earlier file is skipped (counted as 此前已导入)."""
    sha256 = sha256_of(upload)
    existing = BankStatement.objects.filter(sha256=sha256).first()
    if existing is not None:
        return existing, False
    rows = read_statement(upload)
    prints = _line_fingerprints(rows)
    known = set(StatementLine.objects.filter(fingerprint__in=prints).values_list("fingerprint", flat=True))
    fresh = [(row, mark) for row, mark in zip(rows, prints, strict=True) if mark not in known]
    name = bounded_text(os.path.basename(upload.name or "银行流水"), label="文件名", max_length=200)
    statement = BankStatement.objects.create(
        sha256=sha256, filename=name, uploaded_by=actor, line_count=len(fresh), skipped_count=len(known)
    )
    matcher = _matcher_for([row for row, _ in fresh])
    lines = []
    for row, mark in fresh:
        found = matcher.match(
            row_number=row.row_number, amount=row.amount, payer_name=row.payer_name, reference=row.reference
        )
        lines.append(
            StatementLine(
                statement=statement,
                row_number=row.row_number,
                fingerprint=mark,
                booked_on=row.booked_on,
                amount=row.amount,
                payer_name=row.payer_name,
                payer_account=row.payer_account,
                reference=row.reference,
                bank_reference=row.bank_reference or f"BS{mark[:14].upper()}",
                match=found.match,
                notice_id=found.notice_pk,
                note=found.note[:300],
            )
        )
    StatementLine.objects.bulk_create(lines, batch_size=1000)
    audit_log(
        actor=actor,
        verb="statement_upload",
        obj=statement,
        changes={
            "lines": len(fresh),
            "skipped": len(known),
            "matched": sum(1 for x in lines if x.match == "matched"),
        },
    )
    return statement, True


@transaction.atomic
def statement_line_confirm(*, actor, line: StatementLine, suggested: bool = False) -> PaymentReceipt:
    """收款确认 of one statement line's notice, through payment_confirm (the same checks, the same
    history), all or nothing. A matched line; a suggested one only when finance confirms it by hand
    (SUGGESTED). A line whose amount differs is never confirmed here."""
    line = StatementLine.objects.select_for_update(of=("self",)).select_related("notice").get(pk=line.pk)
    if line.receipt_id is not None or line.match == StatementLine.Match.CONFIRMED:
        raise InvalidTransition(
            f"第{line.row_number}行流水已确认收款，不能重复使用", code=ErrorCode.DUPLICATE
        )
    allowed = {StatementLine.Match.MATCHED} | ({StatementLine.Match.SUGGESTED} if suggested else set())
    if line.match not in allowed or line.notice is None:
        raise DomainError(f"第{line.row_number}行流水为“{line.get_match_display()}”，不能确认收款")
    receipt = payment_confirm(
        actor=actor,
        notice=line.notice,
        amount=line.amount,
        paid_on=line.booked_on,
        bank_reference=line.bank_reference,
    )
    line.receipt, line.match, line.note = receipt, StatementLine.Match.CONFIRMED, ""
    line.save(update_fields=["receipt", "match", "note"])
    return receipt


def statement_confirm_matched(*, actor, statement: BankStatement) -> tuple[int, list[str]]:
    """【确认全部已匹配】: each matched line through statement_line_confirm, each in its own transaction —
    one refused line (a notice paid meanwhile, a date before the notice) does not undo the others; its
    reason is kept on the line. (confirmed count, refusal messages)."""
    confirmed, refused = 0, []
    pending = statement.lines.filter(match=StatementLine.Match.MATCHED, receipt__isnull=True)
    for line in pending.order_by("row_number"):
        try:
            statement_line_confirm(actor=actor, line=line)
        except DomainError as error:
            StatementLine.objects.filter(pk=line.pk).update(note=error.message[:300])
            refused.append(f"第{line.row_number}行：{error.message}")
        else:
            confirmed += 1
    return confirmed, refused
