from django.conf import settings
from django.db import models

from core.storage import private_storage  # encrypted at rest
from core.uploads import PrivateUploadTo


class PaymentNotice(models.Model):
    """缴费通知单 — issued when an enrollment application is approved; the amount is frozen here."""

    application = models.OneToOneField(
        "enrollment.Application", on_delete=models.PROTECT, related_name="payment_notice"
    )
    # The notice prints its number as the transfer's 转账附言 (required): the bank statement is matched by it.
    number = models.CharField("通知单号", max_length=30, unique=True)
    amount = models.DecimalField("应缴金额（元）", max_digits=14, decimal_places=2)
    issued_at = models.DateTimeField("开具时间")
    due_date = models.DateField("缴费截止日期")
    # The PDF as first delivered, kept in storage: every later download is the same document.
    pdf = models.FileField(upload_to=PrivateUploadTo("notices"), max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "缴费通知单"
        ordering = ["-issued_at"]

    def __str__(self):
        return self.number


class PaymentReceipt(models.Model):
    """收款确认 — finance confirms the bank transfer; one receipt per notice (database constraint)."""

    notice = models.OneToOneField(PaymentNotice, on_delete=models.PROTECT, related_name="receipt")
    amount = models.DecimalField("到账金额（元）", max_digits=14, decimal_places=2)
    paid_on = models.DateField("到账日期")
    bank_reference = models.CharField("银行流水号", max_length=64)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField("确认时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "收款确认"

    def __str__(self):
        return f"{self.notice.number} {self.amount}"


class IssuedInvoice(models.Model):
    """开票登记 — the invoice finance issued for a paid notice (one per notice), against the unit's 开票信息.

    A 数电发票 has a 20-digit number and no code; a paper/electronic one a 10- or 12-digit code and an
    8-digit number. The PDF is stored encrypted like the materials and read only through the access-checked
    view (billing:invoice_pdf)."""

    class Type(models.TextChoices):  # the values of units.InvoiceInfo.InvoiceType
        NORMAL = "normal", "普票"
        SPECIAL = "special", "专票"

    notice = models.OneToOneField(PaymentNotice, on_delete=models.PROTECT, related_name="invoice")
    invoice_type = models.CharField("发票类型", max_length=10, choices=Type.choices)
    code = models.CharField("发票代码", max_length=12, blank=True)
    number = models.CharField("发票号码", max_length=20)
    issued_on = models.DateField("开票日期")
    amount = models.DecimalField("开票金额（元）", max_digits=14, decimal_places=2)
    title = models.CharField("发票抬头", max_length=100)
    file = models.FileField(
        upload_to=PrivateUploadTo("issued-invoices"), storage=private_storage, max_length=200
    )
    original_name = models.CharField("文件名", max_length=200)
    sha256 = models.CharField(max_length=64)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "开票登记"
        constraints = [
            models.UniqueConstraint(fields=["code", "number"], name="issuedinvoice_unique_code_number")
        ]

    def __str__(self):
        return f"{self.code}{self.number}"


class NoticeReminder(models.Model):
    """缴费提醒 sent to the agent for one notice: N days before the due date, and on it — each once
    (database constraint), so the daily command may run any number of times."""

    class Kind(models.TextChoices):
        BEFORE = "before", "到期前提醒"
        DUE = "due", "到期当日提醒"

    notice = models.ForeignKey(PaymentNotice, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField("提醒类型", max_length=10, choices=Kind.choices)
    sent_on = models.DateField("发送日期")
    sent_at = models.DateTimeField("发送时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "缴费提醒"
        constraints = [
            models.UniqueConstraint(fields=["notice", "kind"], name="noticereminder_once_per_kind")
        ]

    def __str__(self):
        return f"{self.notice_id} {self.kind}"


class BankStatement(models.Model):
    """银行流水 — a statement file finance uploaded; the same file (by its SHA-256) is one statement."""

    sha256 = models.CharField(max_length=64, unique=True)
    filename = models.CharField("文件名", max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    line_count = models.PositiveIntegerField("流水笔数", default=0)
    skipped_count = models.PositiveIntegerField("此前已导入的笔数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "银行流水"
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return self.filename


class StatementLine(models.Model):
    """银行流水明细 — one incoming transfer of a statement and what it matched.

    A bank line exists once whatever file brought it (`fingerprint`, unique) and confirms at most one
    receipt (`receipt`, one-to-one): a line is never used twice."""

    class Match(models.TextChoices):
        MATCHED = "matched", "已匹配"
        SUGGESTED = "suggested", "建议匹配"
        AMOUNT_DIFFERS = "amount_differs", "金额不符"
        DUPLICATE = "duplicate", "重复匹配"
        UNMATCHED = "unmatched", "未匹配"
        CONFIRMED = "confirmed", "已确认收款"

    statement = models.ForeignKey(BankStatement, on_delete=models.PROTECT, related_name="lines")
    row_number = models.PositiveIntegerField("行号")
    fingerprint = models.CharField(max_length=64, unique=True)
    booked_on = models.DateField("交易日期")
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2)
    payer_name = models.CharField("付款人名称", max_length=200, blank=True)
    payer_account = models.CharField("付款人账号", max_length=64, blank=True)
    reference = models.CharField("附言", max_length=200, blank=True)
    bank_reference = models.CharField("银行流水号", max_length=64)
    match = models.CharField("匹配结果", max_length=20, choices=Match.choices, default=Match.UNMATCHED)
    notice = models.ForeignKey(
        PaymentNotice, null=True, blank=True, on_delete=models.PROTECT, related_name="statement_lines"
    )
    note = models.CharField("说明", max_length=300, blank=True)
    receipt = models.OneToOneField(
        PaymentReceipt, null=True, blank=True, on_delete=models.PROTECT, related_name="statement_line"
    )

    class Meta:
        verbose_name = verbose_name_plural = "银行流水明细"
        ordering = ["statement", "row_number"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(receipt__isnull=True) | models.Q(match="confirmed"),
                name="statementline_receipt_only_when_confirmed",
            )
        ]

    def __str__(self):
        return f"{self.statement_id}#{self.row_number} {self.amount}"
