from django.conf import settings
from django.db import models

from core.verbs import verb_label


class AuditLog(models.Model):
    """操作日志 — the one audit trail: every mutation (success or refusal), every login event and every read
    of sensitive data, with who (and in which role), when, from where, what, and before → after.

    Status moves of a business are its review timeline (review.Transition); the audit screen reads both.
    Rows are append-only: no screen edits or deletes them, and the database refuses UPDATE (a trigger);
    `manage.py audit_prune` removes rows older than AUDIT_RETENTION_DAYS.
    """

    class Category(models.TextChoices):
        CHANGE = "change", "变更"
        READ = "read", "查阅敏感信息"
        AUTH = "auth", "登录与账号"

    class Outcome(models.TextChoices):
        SUCCESS = "success", "成功"
        REFUSED = "refused", "拒绝"
        FAILED = "failed", "失败"

    # No database constraint: a row keeps the id (and the name) of an account deleted later.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_name = models.CharField("操作人", max_length=100, blank=True)
    actor_role = models.CharField("角色", max_length=50, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    category = models.CharField("类别", max_length=10, choices=Category.choices, default=Category.CHANGE)
    verb = models.CharField("操作", max_length=64)
    outcome = models.CharField("结果", max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200, blank=True)
    changes = models.JSONField("变更内容", default=dict, blank=True)
    ip_address = models.GenericIPAddressField("来源地址", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "操作日志"
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            models.Index(fields=["verb", "at"]),
            models.Index(fields=["actor", "at"]),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {verb_label(self.verb)} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("audit rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError("audit rows are removed only by audit_prune after the retention period")


class WorkerHeartbeat(models.Model):
    """The background worker writes here every few seconds; /healthz reads it."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=200, blank=True)
    last_seen = models.DateTimeField(db_index=True)

    def __str__(self):
        return self.worker_id
