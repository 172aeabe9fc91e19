"""Bearer-token authentication for the JSON API (no session, no CSRF: the token is the credential)."""

import functools
import json

from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth.signals import user_login_failed
from django.http import Http404, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from accounts.lockout import lockout_response
from api.models import ApiToken
from core.errors import DomainError, ErrorCode

API_CREDENTIALS = {"username": None, "api_token": True}


def error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(
        {"error": {"code": code, "message": message}},
        status=status,
        json_dumps_params={"ensure_ascii": False},
    )


def api_view(view):
    """Authenticate with `Authorization: Bearer <token>` as an agent; DomainErrors become 400 JSON.

    A wrong, revoked or expired token counts as a failed login of the client (django-axes): after
    AXES_FAILURE_LIMIT failures the client gets 429 for the lockout period, whatever token it sends."""

    @csrf_exempt
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if AxesProxyHandler.is_locked(request, API_CREDENTIALS):
            return lockout_response(request, None, API_CREDENTIALS)
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return error(
                401, "unauthenticated", "缺少接口令牌：请在请求头中提供 Authorization: Bearer <令牌>"
            )
        token = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=ApiToken.hash(header[7:].strip()), revoked_at__isnull=True)
            .first()
        )
        if token is None or token.is_expired or not token.user.is_active or not token.user.is_agent:
            user_login_failed.send(sender=__name__, credentials=dict(API_CREDENTIALS), request=request)
            if getattr(request, "axes_locked_out", False):
                return lockout_response(request, None, API_CREDENTIALS)
            if token is not None and token.is_expired:
                return error(401, "token_expired", "接口令牌已过期，请在“接口令牌”页面重新生成")
            return error(401, "unauthenticated", "接口令牌无效或已停用")
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        request.user = token.user
        try:
            return view(request, *args, **kwargs)
        except Http404:
            return error(404, "not_found", "不存在或无权访问")
        except DomainError as exc:
            return error(413 if exc.code == ErrorCode.TOO_LARGE else 400, str(exc.code), exc.message)

    return wrapper


def ok(data, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def body_json(request) -> dict:
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        raise DomainError("请求体不是有效的 JSON") from None
    if "\\u0000" in request.body.decode("utf-8", "replace"):  # a raw NUL is already invalid JSON
        raise DomainError("请求体中含有不允许的空字符（NUL）")
    return data
