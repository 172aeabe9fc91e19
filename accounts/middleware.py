"""Session lifetime and password expiry, checked on every request of a signed-in person."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

SESSION_STARTED = "auth_started_at"
SESSION_SEEN = "auth_seen_at"
TIMEOUT_NOTICES = {
    "idle": "您已超过{minutes}分钟未操作，为保护账户安全已自动退出，请重新登录。",
    "absolute": "本次登录已满{hours}小时，为保护账户安全已自动退出，请重新登录。",
}


def timeout_notice(reason: str) -> str:
    return TIMEOUT_NOTICES.get(reason, "").format(
        minutes=settings.SESSION_IDLE_SECONDS // 60, hours=settings.SESSION_ABSOLUTE_SECONDS // 3600
    )


def _to_login(request, query: str):
    url = reverse("accounts:login") + query
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


class SessionTimeoutMiddleware:
    """Idle timeout (SESSION_IDLE_SECONDS without a request) and absolute timeout (SESSION_ABSOLUTE_SECONDS
    after login): the session ends and the login page says why."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            session = request.session
            started = session.setdefault(SESSION_STARTED, now)
            seen = session.get(SESSION_SEEN, now)
            reason = None
            if now - started > settings.SESSION_ABSOLUTE_SECONDS:
                reason = "absolute"
            elif now - seen > settings.SESSION_IDLE_SECONDS:
                reason = "idle"
            if reason:
                request.session_timeout = reason
                logout(request)
                return _to_login(request, f"?timeout={reason}")
            # Written at most once a minute, so that reading pages does not write the session each time.
            if now - seen >= 60 or SESSION_SEEN not in session:
                session[SESSION_SEEN] = now
        return self.get_response(request)


class PasswordExpiryMiddleware:
    """Staff whose password expired (or was set by the administrator) must change it before anything else."""

    ALLOWED = ("accounts:password_change", "accounts:logout")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.password_expired:
            allowed = {reverse(name) for name in self.ALLOWED}
            if request.path not in allowed and not request.path.startswith(settings.STATIC_URL):
                if user.password_changed_at is None:
                    text = "首次登录请先修改管理员设置的初始密码。"
                else:
                    text = f"您的密码已超过{settings.PASSWORD_MAX_AGE_DAYS}天未修改，请先修改密码。"
                messages.warning(request, text)
                url = reverse("accounts:password_change")
                if getattr(request, "htmx", False):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = url
                    return response
                return redirect(url)
        return self.get_response(request)
