from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from accounts.forms import LoginForm, RegisterForm, SmsCodeForm
from accounts.services import agent_register, sms_code_send
from core.errors import DomainError


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("core:home")

    def form_valid(self, form):
        messages.success(self.request, "密码已修改")
        return super().form_valid(form)


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
    return render(request, "accounts/register.html", {"form": form, "page_title": "代办员注册"})


@require_POST
def send_sms_code(request):
    """htmx: 【获取验证码】 → a one-line result under the mobile field."""
    form = SmsCodeForm(request.POST)
    if not form.is_valid():
        return render(request, "accounts/_sms_result.html", {"ok": False, "text": form.errors["mobile"][0]})
    try:
        sms_code_send(mobile=form.cleaned_data["mobile"])
    except DomainError as error:
        return render(request, "accounts/_sms_result.html", {"ok": False, "text": error.message})
    return render(request, "accounts/_sms_result.html", {"ok": True, "text": "验证码已发送，5分钟内有效"})
