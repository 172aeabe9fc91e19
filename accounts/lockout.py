"""django-axes hooks: what a lockout is keyed on, the canonical account name, the Chinese lockout answer.

Web logins lock an account + client (username and IP address together) so an attacker cannot lock a real
user out from elsewhere; API bearer tokens carry no account name, so their failures lock the client.
"""

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Q
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone

from core.masking import mask_text
from core.validators import normalize_code

API_USERNAME = "（接口令牌）"


def is_api(request_or_attempt, credentials=None) -> bool:
    if credentials and "api_token" in credentials:
        return True
    path = getattr(request_or_attempt, "path_info", "") or ""
    return path.startswith("/api/")


def lockout_parameters(request_or_attempt, credentials=None):
    if is_api(request_or_attempt, credentials):
        return ["ip_address"]
    return [["username", "ip_address"]]


def canonical_username(request, credentials=None) -> str:
    """The account the typed name resolves to (mobile, ID number and username lock the same account);
    a name that is no account is kept as typed (masked), so unknown names lock just the same."""
    from accounts.models import User

    if is_api(request, credentials):
        return API_USERNAME
    typed = (credentials or {}).get("username")
    if typed is None:
        typed = request.POST.get("username", "")
    typed = str(typed or "").strip()[:64]
    normalized = normalize_code(typed)
    if not typed:
        return ""
    matches = list(
        User.objects.filter(Q(username=typed) | Q(mobile=normalized) | Q(id_number=normalized)).values_list(
            "username", flat=True
        )[:2]
    )
    return matches[0] if len(matches) == 1 else mask_text(normalized)[:150]


def retry_at(username: str | None, ip_address: str):
    """When the lock of this account + client (or this client, for the API) ends."""
    attempts = AccessAttempt.objects.filter(ip_address=ip_address)
    if username is not None:
        attempts = attempts.filter(username=username)
    latest = attempts.order_by("-attempt_time").values_list("attempt_time", flat=True).first()
    return timezone.localtime((latest or timezone.now()) + settings.AXES_COOLOFF_TIME)


def lockout_message(until) -> str:
    minutes = max(1, round((until - timezone.now()).total_seconds() / 60))
    return (
        f"登录失败次数过多，账号已临时锁定。请在 {until:%H:%M} 之后再试（约{minutes}分钟后），"
        "或联系管理员解锁。"
    )


def lockout_response(request, original_response=None, credentials=None):
    from accounts.forms import LoginForm
    from accounts.views import policy_context

    if is_api(request, credentials):
        until = retry_at(None, request.axes_ip_address)
        return JsonResponse(
            {"error": {"code": "locked", "message": lockout_message(until).replace("账号", "该客户端")}},
            status=429,
            json_dumps_params={"ensure_ascii": False},
            headers={"Retry-After": str(int(settings.AXES_COOLOFF_TIME.total_seconds()))},
        )
    username = canonical_username(request, credentials)
    until = retry_at(username, request.axes_ip_address)
    form = LoginForm(request, data=None, initial={"username": request.POST.get("username", "")})
    context = {
        "form": form,
        "lockout_message": lockout_message(until),
        "page_title": "登录",
        **policy_context(),
    }
    return render(request, "accounts/login.html", context, status=429)
