"""Writes of the audit screens: releasing a login lockout, pruning the trail after its retention period."""

import datetime

from axes.models import AccessAttempt
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.audit import audit_log, records_refusals
from core.errors import NotAllowed
from core.models import AuditLog


def _admin_only(actor):
    if actor is None or not actor.is_admin:
        raise NotAllowed("只有管理员可以解除登录锁定")


@records_refusals("lockout_release")
@transaction.atomic
def lockout_release(*, actor, attempt: AccessAttempt) -> None:
    """【解锁】 an account + client: its failures are forgotten, the next login is checked afresh."""
    _admin_only(actor)
    username, ip_address = attempt.username, attempt.ip_address
    removed = AccessAttempt.objects.filter(username=username, ip_address=ip_address).delete()[0]
    audit_log(
        actor=actor,
        verb="lockout_release",
        object_type="accounts.user",
        object_repr=username or "",
        category=AuditLog.Category.AUTH,
        changes={"ip_address": ip_address, "failures": attempt.failures_since_start, "removed": removed},
    )


@transaction.atomic
def audit_prune(*, actor=None, now: datetime.datetime | None = None) -> int:
    """Remove audit rows older than AUDIT_RETENTION_DAYS (never fewer than 183 days) and say so in the
    trail itself."""
    now = now or timezone.now()
    days = max(183, settings.AUDIT_RETENTION_DAYS)
    before = now - datetime.timedelta(days=days)
    removed = AuditLog.objects.filter(at__lt=before)._raw_delete(AuditLog.objects.db)
    audit_log(
        actor=actor,
        verb="audit_prune",
        object_type="core.auditlog",
        object_repr="操作日志",
        changes={"before": before.date().isoformat(), "removed": removed, "retention_days": days},
    )
    return removed
