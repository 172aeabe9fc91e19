from django.conf import settings
from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from core.errors import DomainError


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
