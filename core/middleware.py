import logging
import re
import time
import uuid

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import BadRequest, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect
from django.urls import get_resolver, get_urlconf
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme

from core.errors import DomainError
from core.logging import current_request_id

request_logger = logging.getLogger("request")
# An id handed in by the load balancer (X-Request-ID) is kept when it looks like one; otherwise ours.
INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestLogMiddleware:
    """Give every request an id (X-Request-ID in and out, on error pages) and log one line when it ends:
    request id, user id, method, path (never the query string), status, duration."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if INCOMING_ID.match(incoming) else uuid.uuid4().hex[:16]
        token = current_request_id.set(request.request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        response["X-Request-ID"] = request.request_id
        user = getattr(request, "user", None)
        request_logger.info(
            "%s %s %s",
            request.method,
            request.path,
            response.status_code,
            extra={
                "request_id": request.request_id,
                "user_id": user.pk if user is not None and user.is_authenticated else None,
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": duration_ms,
            },
        )
        return response


class DomainErrorMiddleware:
    """Safety net: a DomainError that escapes a view becomes a message on the page, never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DomainError):
            return None
        messages.error(request, exception.message)
        if getattr(request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        back = request.headers.get("Referer", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = "/"
        return redirect(back)


NUL_MESSAGE = "提交的内容中含有不允许的空字符（NUL），请删除后重新填写。"


def _has_nul(query_dict) -> bool:
    return any(
        "\x00" in key or any("\x00" in value for value in values) for key, values in query_dict.lists()
    )


class RequestLimitsMiddleware:
    """First middleware: bodies over the limits get a Chinese 413 (JSON under /api/) before anything else
    reads them; form bodies are parsed here, through core.uploads.LimitedUploadHandler, so an upload over
    its limit stops while it streams in; a NUL byte in any parameter is refused (400)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.refusal(request) or self.get_response(request)

    def refusal(self, request):
        from core.uploads import upload_limit_for
        from core.views import refuse, too_large

        if _has_nul(request.GET):
            return refuse(request, status=400, message=NUL_MESSAGE)
        if request.method not in ("POST", "PUT", "PATCH"):
            return None
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        form_limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if request.content_type == "multipart/form-data":
            limit = upload_limit_for(request)
            if length > limit + form_limit:
                return too_large(request, limit, files=True)
            try:
                request.POST, request.FILES  # noqa: B018 — parse now, through the limited handler
            except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent):
                return too_large(request, form_limit, files=False)
            except MultiPartParserError:
                return refuse(request, status=400, message="提交的数据格式不正确，请刷新页面后重试。")
            if getattr(request, "upload_too_large", None):
                return too_large(request, limit, files=True)
        elif request.content_type == "application/x-www-form-urlencoded":
            if length > form_limit:
                return too_large(request, form_limit, files=False)
            try:
                request.POST  # noqa: B018
            except (RequestDataTooBig, TooManyFieldsSent):
                return too_large(request, form_limit, files=False)
        else:  # a raw body (the API's roster upload reads it as a stream, up to the view's limit)
            limit = upload_limit_for(request, default="DATA_UPLOAD_MAX_MEMORY_SIZE")
            if length > limit:
                return too_large(request, limit, files=True)
            return None
        if _has_nul(request.POST):
            return refuse(request, status=400, message=NUL_MESSAGE)
        return None


def client_ip(request) -> str:
    """The client's address: REMOTE_ADDR, or with TRUSTED_PROXY_COUNT proxies in front the address they saw
    (the N-th entry from the right of X-Forwarded-For; entries further left are the client's to forge)."""
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if count and len(forwarded) >= count:
        return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "") or "0.0.0.0"


class AuditContextMiddleware:
    """Makes the client address available to core.audit.audit_log for the length of the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from core.audit import current_ip

        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)


class MenuCountsMiddleware:
    """A signed-in user's write (any POST/PUT/PATCH/DELETE) marks his session, so that the next page counts
    his menu's badges afresh (core.navigation.menu_waiting). After the session and the user are known."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from core.navigation import note_action

        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.method not in ("GET", "HEAD", "OPTIONS") and user is not None and user.is_authenticated:
            note_action(request.session)
        return response


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every response of the application (pages, downloads, API): nothing a
    signed-in person saw stays in a browser or proxy cache. Static files are served before this runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        patch_cache_control(response, no_store=True, private=True)
        response["Pragma"] = "no-cache"
        return response


# Django's technical 404/500 pages (DEBUG) carry this tag in their <head>; our own pages never do.
TECHNICAL_PAGE_MARK = b'<meta name="robots" content="NONE,NOARCHIVE">'


class FriendlyErrorPagesMiddleware:
    """With DEBUG on (runserver, `make dev`), a user still gets the Chinese 400/404/500 page of the
    configured error handlers instead of Django's technical page in English, which lists every URL of the
    site. The innermost middleware, so the replacement passes through sessions, CSRF and messages as
    usual. The traceback of a 500 is still logged by Django (logger django.request)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            settings.DEBUG
            and response.status_code in (400, 404, 500)
            and not response.streaming
            and TECHNICAL_PAGE_MARK in response.content[:4096]
        ):
            return self.friendly(request, response.status_code)
        return response

    @staticmethod
    def friendly(request, status_code):
        handler = get_resolver(get_urlconf()).resolve_error_handler(status_code)
        if status_code == 500:
            response = handler(request)
        else:
            response = handler(request, Http404() if status_code == 404 else BadRequest())
        if hasattr(response, "render") and not getattr(response, "is_rendered", True):
            response = response.render()
        return response
