import datetime
import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import SmsCode, User
from accounts.realname import verify_real_name
from accounts.sms import send_sms
from core.audit import audit_log
from core.errors import DomainError, ErrorCode
from core.validators import validate_id_number, validate_mobile


def _clean(validator, value):
    try:
        return validator(value)
    except ValidationError as error:
        raise DomainError(error.messages[0]) from None


def sms_code_send(*, mobile: str, purpose: str = SmsCode.Purpose.REGISTER) -> None:
    """Send a 6-digit code; at most one per SMS_RESEND_SECONDS for a mobile number."""
    mobile = _clean(validate_mobile, mobile)
    now = timezone.now()
    if purpose == SmsCode.Purpose.REGISTER and User.objects.filter(mobile=mobile).exists():
        raise DomainError("该手机号已注册，请直接登录")
    recent = SmsCode.objects.filter(
        mobile=mobile,
        purpose=purpose,
        created_at__gt=now - datetime.timedelta(seconds=settings.SMS_RESEND_SECONDS),
    ).exists()
    if recent:
        raise DomainError(f"验证码已发送，请 {settings.SMS_RESEND_SECONDS} 秒后再试")
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        SmsCode.objects.create(
            mobile=mobile,
            purpose=purpose,
            code_hash=make_password(code),
            created_at=now,
            expires_at=now + datetime.timedelta(seconds=settings.SMS_CODE_TTL_SECONDS),
        )
        minutes = settings.SMS_CODE_TTL_SECONDS // 60
        transaction.on_commit(
            lambda: send_sms(mobile, f"【职工互助保障】您的验证码是{code}，{minutes}分钟内有效。")
        )


def sms_code_verify(*, mobile: str, code: str, purpose: str = SmsCode.Purpose.REGISTER) -> None:
    """Consume the latest code for this mobile or raise with the reason (expired / too many tries / wrong).

    A wrong try is counted and committed even though the caller's operation is refused.
    """
    now = timezone.now()
    error = None
    with transaction.atomic():
        sms = (
            SmsCode.objects.select_for_update()
            .filter(mobile=mobile, purpose=purpose, used_at__isnull=True)
            .order_by("-created_at")
            .first()
        )
        if sms is None:
            error = "请先获取短信验证码"
        elif sms.expires_at <= now:
            error = "验证码已过期，请重新获取"
        elif sms.attempts >= settings.SMS_CODE_MAX_ATTEMPTS:
            error = "验证码错误次数过多，请重新获取"
        elif not check_password((code or "").strip(), sms.code_hash):
            SmsCode.objects.filter(pk=sms.pk).update(attempts=F("attempts") + 1)
            left = settings.SMS_CODE_MAX_ATTEMPTS - sms.attempts - 1
            error = "验证码错误" + (f"，还可尝试 {left} 次" if left > 0 else "，请重新获取")
        else:
            SmsCode.objects.filter(pk=sms.pk).update(used_at=now)
    if error:
        raise DomainError(error, code=ErrorCode.SMS_CODE)


def agent_register(*, real_name: str, id_number: str, mobile: str, sms_code: str, password: str) -> User:
    """【立即注册】: real-name authentication, SMS confirmation, then the agent account."""
    real_name = (real_name or "").strip()
    id_number = _clean(validate_id_number, id_number)
    mobile = _clean(validate_mobile, mobile)
    verify_real_name(real_name=real_name, id_number=id_number)
    if User.objects.filter(id_number=id_number).exists():
        raise DomainError("该身份证号已注册过账号，请直接登录或找回密码", code=ErrorCode.DUPLICATE)
    if User.objects.filter(mobile=mobile).exists():
        raise DomainError("该手机号已注册过账号，请直接登录", code=ErrorCode.DUPLICATE)
    user = User(
        username=mobile, real_name=real_name, id_number=id_number, mobile=mobile, role=User.Role.AGENT
    )
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise DomainError("密码不符合要求：" + "；".join(error.messages)) from None
    sms_code_verify(mobile=mobile, code=sms_code)
    try:
        with transaction.atomic():
            user.set_password(password)
            user.realname_verified_at = timezone.now()
            user.save()
            audit_log(actor=user, verb="agent_register", obj=user, changes={"mobile": mobile})
    except IntegrityError:
        raise DomainError("该身份证号或手机号已注册过账号", code=ErrorCode.DUPLICATE) from None
    return user
