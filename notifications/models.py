from django.conf import settings
from django.db import models


class Notification(models.Model):
    """站内消息 — tells an agent that one of their businesses changed status (SPEC §8)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    case = models.ForeignKey("review.Case", on_delete=models.CASCADE, related_name="notifications")
    text = models.CharField("内容", max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # The SMS goes out from the background worker; set once sent, so a re-run task does not send twice.
    sms_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "站内消息"
        ordering = ["-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.text
