import datetime
import secrets

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.hooks import credentials_withdrawn
from accounts.models import SmsCode, User
from accounts.realname import verify_real_name
from accounts.sms import send_sms
from core.audit import audit_log, records_refusals
from core.errors import DomainError, ErrorCode
from core.models import AuditLog
from core.validators import validate_id_number, validate_mobile

TOO_MANY_CODES = "获取验证码过于频繁，请稍后再试"


def _clean(validator, value):
    try:
        return validator(value)
    except ValidationError as error:
        raise DomainError(error.messages[0]) from None


def _sms_rate_check(*, mobile: str, client_ip: str | None, now) -> None:
    """One code per number per SMS_RESEND_SECONDS; per hour at most SMS_PER_NUMBER_PER_HOUR per number,
    SMS_PER_CLIENT_PER_HOUR per client and SMS_GLOBAL_PER_HOUR in all."""
    codes = SmsCode.objects.all()
    if codes.filter(
        mobile=mobile, created_at__gt=now - datetime.timedelta(seconds=settings.SMS_RESEND_SECONDS)
    ).exists():
        raise DomainError(f"验证码已发送，请 {settings.SMS_RESEND_SECONDS} 秒后再试")
    hour = codes.filter(created_at__gt=now - datetime.timedelta(hours=1))
    if hour.filter(mobile=mobile).count() >= settings.SMS_PER_NUMBER_PER_HOUR:
        raise DomainError(TOO_MANY_CODES)
    if client_ip and hour.filter(client_ip=client_ip).count() >= settings.SMS_PER_CLIENT_PER_HOUR:
        raise DomainError(TOO_MANY_CODES)
    if hour.count() >= settings.SMS_GLOBAL_PER_HOUR:
        raise DomainError("短信发送量已达上限，请稍后再试")


@records_refusals("sms_code_send")
def sms_code_send(
    *, mobile: str, purpose: str = SmsCode.Purpose.REGISTER, client_ip: str | None = None
) -> None:
    """Send a 6-digit code (rate limits: _sms_rate_check). The answer is the same whether or not the mobile
    already has an account: only the holder of the mobile learns that, after the code proves it."""
    mobile = _clean(validate_mobile, mobile)
    now = timezone.now()
    _sms_rate_check(mobile=mobile, client_ip=client_ip, now=now)
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        sms = SmsCode.objects.create(
            mobile=mobile,
            purpose=purpose,
            code_hash=make_password(code),
            created_at=now,
            expires_at=now + datetime.timedelta(seconds=settings.SMS_CODE_TTL_SECONDS),
            client_ip=client_ip or None,
        )
        audit_log(actor=None, verb="sms_code_send", obj=sms, object_repr=mobile, changes={"mobile": mobile})
        minutes = settings.SMS_CODE_TTL_SECONDS // 60
        transaction.on_commit(
            lambda: send_sms(mobile, f"【职工互助保障】您的验证码是{code}，{minutes}分钟内有效。")
        )


@records_refusals("sms_code_verify")
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
            audit_log(actor=None, verb="sms_code_verify", obj=sms, object_repr=mobile)
    if error:
        raise DomainError(error, code=ErrorCode.SMS_CODE)


@records_refusals("agent_register")
def agent_register(*, real_name: str, id_number: str, mobile: str, sms_code: str, password: str) -> User:
    """【立即注册】: formats and the password policy, then the SMS code (it proves the mobile), then real-name
    authentication; only then is "already registered" said, so the page reveals to nobody else whether an
    ID number or a mobile has an account."""
    real_name = (real_name or "").strip()
    id_number = _clean(validate_id_number, id_number)
    mobile = _clean(validate_mobile, mobile)
    user = User(
        username=mobile, real_name=real_name, id_number=id_number, mobile=mobile, role=User.Role.AGENT
    )
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise DomainError("密码不符合要求：" + "；".join(error.messages)) from None
    sms_code_verify(mobile=mobile, code=sms_code)
    verify_real_name(real_name=real_name, id_number=id_number)
    if User.objects.filter(mobile=mobile).exists():
        raise DomainError("该手机号已注册过账号，请直接登录", code=ErrorCode.DUPLICATE)
    if User.objects.filter(id_number=id_number).exists():
        raise DomainError("该身份证号已注册过账号，请直接登录或找回密码", code=ErrorCode.DUPLICATE)
    try:
        with transaction.atomic():
            user.set_password(password)
            user.realname_verified_at = timezone.now()
            user.password_changed_at = timezone.now()
            user.save()
            audit_log(actor=user, verb="agent_register", obj=user, changes={"mobile": mobile})
    except IntegrityError:
        raise DomainError("该身份证号或手机号已注册过账号", code=ErrorCode.DUPLICATE) from None
    return user


@records_refusals("password_change")
@transaction.atomic
def password_change(*, actor: User, new_password: str, reason: str = "") -> User:
    """修改密码 by the person themself (the old password was checked by the form): the policy, a new
    expiry date, and every API token of the account revoked."""
    try:
        validate_password(new_password, actor)
    except ValidationError as error:
        raise DomainError("密码不符合要求：" + "；".join(error.messages)) from None
    actor.set_password(new_password)
    actor.password_changed_at = timezone.now()
    actor.save(update_fields=["password", "password_changed_at"])
    revoked = sum(credentials_withdrawn.publish(user=actor, actor=actor, reason="修改密码"))
    audit_log(
        actor=actor,
        verb="password_change",
        obj=actor,
        category=AuditLog.Category.AUTH,
        changes={"revoked_tokens": revoked, **({"reason": reason} if reason else {})},
    )
    return actor


@transaction.atomic
def user_deactivate(*, user: User, actor) -> int:
    """The administrator 停用s an account (in /admin/): its API tokens are revoked with it."""
    User.objects.filter(pk=user.pk).update(is_active=False)
    revoked = sum(credentials_withdrawn.publish(user=user, actor=actor, reason="账号停用"))
    audit_log(
        actor=actor,
        verb="user_deactivate",
        obj=user,
        category=AuditLog.Category.AUTH,
        changes={"revoked_tokens": revoked},
    )
    return revoked
