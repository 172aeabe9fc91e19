from django.conf import settings
from django.db import models


class AuditLog(models.Model):
    """操作日志 — every mutation outside the review timeline: who, what, when, before/after."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    verb = models.CharField("操作", max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200, blank=True)
    changes = models.JSONField("变更内容", default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "操作日志"
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        from core.audit import verb_label

        return f"{self.at:%Y-%m-%d %H:%M} {verb_label(self.verb)} {self.object_repr}"


class WorkerHeartbeat(models.Model):
    """The background worker writes here every few seconds; /healthz reads it."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=200, blank=True)
    last_seen = models.DateTimeField(db_index=True)

    def __str__(self):
        return self.worker_id
