from django.conf import settings
from django.db import models

from core.uploads import PrivateUploadTo


class PaymentNotice(models.Model):
    """缴费通知单 — issued when an enrollment application is approved; the amount is frozen here."""

    application = models.OneToOneField(
        "enrollment.Application", on_delete=models.PROTECT, related_name="payment_notice"
    )
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
