from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from accounts.forms import LoginForm, RegisterForm, SmsCodeForm
from accounts.middleware import timeout_notice
from accounts.passwords import HELP_TEXT
from accounts.services import agent_register, password_change, sms_code_send
from core.audit import audit_log
from core.errors import DomainError
from core.middleware import client_ip
from core.models import AuditLog


def policy_context() -> dict:
    return {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "idle_minutes": settings.SESSION_IDLE_SECONDS // 60,
        "absolute_hours": settings.SESSION_ABSOLUTE_SECONDS // 3600,
        "password_help": HELP_TEXT,
    }


class LoginView(auth_views.LoginView):
    """登录. Lockout (django-axes) answers through accounts.lockout.lockout_response on this same page."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(policy_context())
        context["timeout_notice"] = timeout_notice(self.request.GET.get("timeout", ""))
        return context


class PasswordChangeView(auth_views.PasswordChangeView):
    """修改密码: the old password, then accounts.services.password_change (policy, expiry, tokens revoked)."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("core:home")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **policy_context(), "page_title": "修改密码"}

    def form_valid(self, form):
        try:
            password_change(actor=self.request.user, new_password=form.cleaned_data["new_password1"])
        except DomainError as error:
            form.add_error("new_password1", error.message)
            return super().form_invalid(form)  # the service recorded the refusal
        update_session_auth_hash(self.request, self.request.user)
        messages.success(self.request, "密码已修改；原有接口令牌已全部停用")
        return redirect(self.get_success_url())

    def form_invalid(self, form):
        if self.request.method == "POST":
            reasons = [str(e) for errors in form.errors.values() for e in errors]
            audit_log(
                actor=self.request.user,
                verb="password_change",
                obj=self.request.user,
                category=AuditLog.Category.AUTH,
                outcome=AuditLog.Outcome.REFUSED,
                changes={"reason": "；".join(reasons)[:300]},
            )
        return super().form_invalid(form)


def register(request):
    """【立即注册】 — agents only; staff accounts are created by the administrator."""
    if request.user.is_authenticated:
        return redirect("core:home")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            agent_register(
                real_name=data["real_name"],
                id_number=data["id_number"],
                mobile=data["mobile"],
                sms_code=data["sms_code"],
                password=data["password1"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "注册成功，实名认证已通过。请使用手机号或身份证号登录。")
            return redirect("accounts:login")
    context = {"form": form, "page_title": "代办员注册", **policy_context()}
    return render(request, "accounts/register.html", context)


@require_POST
def send_sms_code(request):
    """htmx: 【获取验证码】 → a one-line result under the mobile field."""
    form = SmsCodeForm(request.POST)
    if not form.is_valid():
        return render(request, "accounts/_sms_result.html", {"ok": False, "text": form.errors["mobile"][0]})
    try:
        sms_code_send(mobile=form.cleaned_data["mobile"], client_ip=client_ip(request))
    except DomainError as error:
        return render(request, "accounts/_sms_result.html", {"ok": False, "text": error.message})
    return render(request, "accounts/_sms_result.html", {"ok": True, "text": "验证码已发送，5分钟内有效"})
