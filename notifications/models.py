from django.conf import settings
from django.db import models


class Notification(models.Model):
    """站内消息 — a sentence to one user with a link: a status change of an agent's business (SPEC §8), the
    notice that a unit was bound to another agent, or a staff member's 每日待办 (daily digest)."""

    class Kind(models.TextChoices):
        CASE = "case", "业务进展"
        UNBOUND = "unbound", "解除绑定"
        DIGEST = "digest", "每日待办"
        REMINDER = "reminder", "缴费提醒"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name="接收人",
    )
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.CASE)
    case = models.ForeignKey(
        "review.Case",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name="业务",
    )
    text = models.CharField("内容", max_length=300)
    url = models.CharField("链接", max_length=300, blank=True, help_text="where opening the message leads")
    digest_on = models.DateField("待办日期", null=True, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)
    # The SMS goes out from the background worker; set once sent, so a re-run task does not send twice.
    sms_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "站内消息"
        ordering = ["-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "digest_on"],
                condition=models.Q(digest_on__isnull=False),
                name="notification_one_digest_per_day",
            )
        ]

    def __str__(self):
        return self.text
