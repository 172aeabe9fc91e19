"""Login events into the audit trail. Django's auth signals are the only place these events exist (the
login, logout and failure happen inside django.contrib.auth), so they are recorded here."""

import time

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from accounts.lockout import canonical_username, is_api
from accounts.middleware import SESSION_SEEN, SESSION_STARTED
from core.audit import audit_log
from core.models import AuditLog

AUTH = AuditLog.Category.AUTH


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_STARTED] = request.session[SESSION_SEEN] = time.time()
    audit_log(actor=user, verb="login", obj=user, category=AUTH)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is None:
        return
    reason = getattr(request, "session_timeout", None)
    verb = "session_timeout" if reason else "logout"
    audit_log(actor=user, verb=verb, obj=user, category=AUTH, changes={"reason": reason} if reason else {})


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    if request is None:
        return
    api = is_api(request, credentials)
    audit_log(
        actor=None,
        verb="api_auth_failed" if api else "login_failed",
        object_type="accounts.user",
        object_repr=("接口令牌" if api else canonical_username(request, credentials)),
        category=AUTH,
        outcome=AuditLog.Outcome.REFUSED if getattr(request, "axes_locked_out", False) else "failed",
        changes={"locked": bool(getattr(request, "axes_locked_out", False)), "path": request.path[:100]},
    )


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs):
    audit_log(
        actor=None,
        verb="lockout",
        object_type="accounts.user",
        object_repr=username or "",
        category=AUTH,
        outcome=AuditLog.Outcome.REFUSED,
        changes={"ip_address": ip_address},
    )
