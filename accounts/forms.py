from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from core.forms import TextField
from core.validators import validate_id_number, validate_mobile


class LoginForm(AuthenticationForm):
    username = TextField(
        label="账号",
        max_length=64,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
    error_messages = {
        "invalid_login": "账号或密码错误。代办员请使用手机号或身份证号登录。",
        "inactive": "该账号已停用，请联系管理员。",
    }


class RegisterForm(forms.Form):
    real_name = TextField(label="姓名", max_length=50)
    id_number = TextField(label="身份证号", max_length=30)
    mobile = TextField(label="手机号", max_length=20)
    sms_code = TextField(label="短信验证码", max_length=6)
    password1 = forms.CharField(
        label="密码", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label="确认密码", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean_id_number(self):
        return validate_id_number(self.cleaned_data["id_number"])

    def clean_mobile(self):
        return validate_mobile(self.cleaned_data["mobile"])

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", "两次输入的密码不一致")
        return data


class SmsCodeForm(forms.Form):
    mobile = TextField(max_length=20)

    def clean_mobile(self):
        try:
            return validate_mobile(self.cleaned_data["mobile"])
        except ValidationError:
            raise ValidationError("请先填写正确的11位手机号") from None
