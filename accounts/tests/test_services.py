"""【立即注册】: real-name authentication, SMS code rules and duplicate accounts (accounts.services)."""

import datetime
import re

import pytest
import time_machine
from django.utils import timezone

from accounts import sms
from accounts.models import SmsCode, User
from accounts.services import agent_register, sms_code_send
from core.errors import DomainError, ErrorCode
from core.samples import demo_id

MOBILE = "13912345678"
ID_NUMBER = demo_id("37020219900101100")  # ends in X
PASSWORD = "Haichuan@2026"
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def send_code(django_capture_on_commit_callbacks):
    """Send a code the way the page does and return what the SMS said (the message leaves on commit)."""

    def send(mobile=MOBILE) -> str:
        with django_capture_on_commit_callbacks(execute=True):
            sms_code_send(mobile=mobile)
        sent_to, text = sms.outbox[-1]
        assert sent_to == mobile
        return re.search(r"验证码是(\d{6})", text).group(1)

    return send


def register(code, **overrides):
    data = {
        "real_name": "王小明",
        "id_number": ID_NUMBER,
        "mobile": MOBILE,
        "sms_code": code,
        "password": PASSWORD,
    }
    data.update(overrides)
    return agent_register(**data)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


def attempts_on_latest_code(mobile=MOBILE) -> int:
    return SmsCode.objects.filter(mobile=mobile).latest("created_at").attempts


@pytest.mark.django_db
def test_the_sms_code_is_sent_on_commit_and_stored_only_as_a_hash(send_code):
    code = send_code()

    stored = SmsCode.objects.get(mobile=MOBILE)
    assert code not in stored.code_hash
    assert "5分钟内有效" in sms.outbox[-1][1]


@pytest.mark.django_db
def test_an_agent_registers_with_the_code_from_the_sms(send_code):
    user = register(send_code())

    assert user.role == User.Role.AGENT
    assert user.username == MOBILE
    assert user.id_number == ID_NUMBER
    assert user.realname_verified_at is not None
    assert user.check_password(PASSWORD)


@pytest.mark.django_db
def test_a_code_can_be_used_only_once(send_code):
    code = send_code()
    register(code)
    User.objects.filter(mobile=MOBILE).delete()

    with pytest.raises(DomainError, match="请先获取短信验证码"):
        register(code)


@pytest.mark.django_db
def test_registration_without_a_code_ever_sent_is_refused():
    with pytest.raises(DomainError, match="请先获取短信验证码") as error:
        register("123456")

    assert error.value.code == ErrorCode.SMS_CODE
    assert not User.objects.exists()


@pytest.mark.django_db
def test_a_code_is_still_valid_just_before_five_minutes(send_code):
    with time_machine.travel(START, tick=False) as clock:
        code = send_code()
        clock.shift(datetime.timedelta(minutes=4, seconds=59))

        register(code)

    assert User.objects.filter(mobile=MOBILE).exists()


@pytest.mark.django_db
def test_a_code_expires_after_five_minutes(send_code):
    with time_machine.travel(START, tick=False) as clock:
        code = send_code()
        clock.shift(datetime.timedelta(minutes=5))

        with pytest.raises(DomainError, match="验证码已过期，请重新获取"):
            register(code)

    assert not User.objects.exists()


@pytest.mark.django_db
def test_a_wrong_code_is_counted_even_though_registration_is_refused(send_code):
    code = send_code()

    with pytest.raises(DomainError, match="验证码错误，还可尝试 4 次"):
        register(wrong(code))

    assert attempts_on_latest_code() == 1
    assert not User.objects.exists()


@pytest.mark.django_db
def test_five_wrong_tries_lock_the_code_so_the_right_code_is_then_refused(send_code):
    code = send_code()
    messages = []
    for _ in range(5):
        with pytest.raises(DomainError) as error:
            register(wrong(code))
        messages.append(error.value.message)

    with pytest.raises(DomainError, match="验证码错误次数过多，请重新获取"):
        register(code)

    assert messages[0] == "验证码错误，还可尝试 4 次"
    assert messages[-1] == "验证码错误，请重新获取"
    assert attempts_on_latest_code() == 5
    assert not User.objects.exists()


@pytest.mark.django_db
def test_a_new_code_after_a_lock_works_again(send_code):
    with time_machine.travel(START, tick=False) as clock:
        locked = send_code()
        for _ in range(5):
            with pytest.raises(DomainError):
                register(wrong(locked))
        clock.shift(datetime.timedelta(seconds=61))

        register(send_code())

    assert User.objects.filter(mobile=MOBILE).exists()


@pytest.mark.django_db
def test_a_second_code_within_sixty_seconds_is_refused(send_code):
    with time_machine.travel(START, tick=False) as clock:
        send_code()
        clock.shift(datetime.timedelta(seconds=59))

        with pytest.raises(DomainError, match="验证码已发送，请 60 秒后再试"):
            sms_code_send(mobile=MOBILE)

    assert SmsCode.objects.filter(mobile=MOBILE).count() == 1
    assert len(sms.outbox) == 1


@pytest.mark.django_db
def test_a_second_code_after_sixty_seconds_replaces_the_first(send_code, monkeypatch):
    codes = iter([111111, 222222])
    monkeypatch.setattr("accounts.services.secrets.randbelow", lambda _: next(codes))
    with time_machine.travel(START, tick=False) as clock:
        assert send_code() == "111111"
        clock.shift(datetime.timedelta(seconds=60))
        assert send_code() == "222222"

        with pytest.raises(DomainError, match="验证码错误"):
            register("111111")
        register("222222")

    assert User.objects.filter(mobile=MOBILE).exists()


@pytest.mark.django_db
def test_a_registered_mobile_gets_the_same_answer_and_learns_it_has_an_account_only_with_the_code(
    factory, send_code
):
    factory.agent(mobile=MOBILE)

    code = send_code()  # no "already registered" here: the answer does not tell anyone else

    with pytest.raises(DomainError, match="验证码错误"):
        register(wrong(code))
    with pytest.raises(DomainError, match="该手机号已注册过账号，请直接登录"):
        register(code)
    assert User.objects.filter(mobile=MOBILE).count() == 1


@pytest.mark.django_db
def test_a_registered_id_number_with_a_wrong_code_gets_the_code_error_not_already_registered(
    factory, send_code
):
    factory.agent(id_number=ID_NUMBER, mobile="13700000001")
    code = send_code()

    with pytest.raises(DomainError) as error:
        register(wrong(code))

    assert "已注册" not in error.value.message
    assert error.value.message.startswith("验证码错误")


@pytest.mark.django_db
def test_sms_codes_are_limited_per_number_per_client_and_globally_per_hour(settings, send_code):
    settings.SMS_PER_NUMBER_PER_HOUR, settings.SMS_PER_CLIENT_PER_HOUR, settings.SMS_GLOBAL_PER_HOUR = 2, 3, 4
    with time_machine.travel(START, tick=False) as clock:
        for _ in range(2):
            sms_code_send(mobile=MOBILE, client_ip="10.0.0.1")
            clock.shift(datetime.timedelta(minutes=2))
        with pytest.raises(DomainError, match="获取验证码过于频繁"):
            sms_code_send(mobile=MOBILE, client_ip="10.0.0.9")  # the number's hourly limit

        sms_code_send(mobile="13900000001", client_ip="10.0.0.1")
        with pytest.raises(DomainError, match="获取验证码过于频繁"):
            sms_code_send(mobile="13900000002", client_ip="10.0.0.1")  # the client's limit

        sms_code_send(mobile="13900000003", client_ip="10.0.0.2")
        with pytest.raises(DomainError, match="短信发送量已达上限"):
            sms_code_send(mobile="13900000004", client_ip="10.0.0.3")  # the global limit

        clock.shift(datetime.timedelta(hours=1))
        sms_code_send(mobile="13900000004", client_ip="10.0.0.1")  # a new hour

    assert SmsCode.objects.count() == 5


@pytest.mark.django_db
def test_a_malformed_mobile_gets_no_code():
    with pytest.raises(DomainError, match="请填写11位手机号"):
        sms_code_send(mobile="1391234")

    assert not SmsCode.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("typed", [ID_NUMBER, ID_NUMBER.lower(), f" {ID_NUMBER} "])
def test_a_second_account_with_the_same_id_number_is_refused(factory, send_code, typed):
    factory.agent(id_number=demo_id("11010519491231002"))  # another agent, unrelated
    existing = factory.agent(id_number=ID_NUMBER, mobile="13700000001")
    code = send_code()

    with pytest.raises(DomainError, match="该身份证号已注册过账号，请直接登录或找回密码") as error:
        register(code, id_number=typed)

    assert error.value.code == ErrorCode.DUPLICATE
    assert User.objects.filter(id_number=ID_NUMBER).get() == existing


@pytest.mark.django_db
def test_a_second_account_with_the_same_mobile_is_refused(factory, send_code):
    code = send_code()
    factory.agent(mobile=MOBILE)  # registered elsewhere after the code was sent

    with pytest.raises(DomainError, match="该手机号已注册过账号，请直接登录") as error:
        register(code)

    assert error.value.code == ErrorCode.DUPLICATE
    assert not User.objects.filter(id_number=ID_NUMBER).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("weak", ["12345678", "abc", "password", "wangwu123", "zhangsan2026", "mutualaid"])
def test_a_weak_password_is_refused_and_the_code_stays_usable(send_code, weak):
    code = send_code()

    with pytest.raises(DomainError, match=r"^密码不符合要求："):
        register(code, password=weak)

    assert not User.objects.exists()
    register(code)
    assert User.objects.filter(mobile=MOBILE).exists()


@pytest.mark.django_db
def test_an_id_number_with_a_wrong_check_digit_is_refused_before_the_code_is_used(send_code):
    code = send_code()
    bad = ID_NUMBER[:17] + ("0" if ID_NUMBER[17] != "0" else "1")

    with pytest.raises(DomainError, match="身份证号校验位错误"):
        register(code, id_number=bad)

    assert attempts_on_latest_code() == 0
    assert SmsCode.objects.get(mobile=MOBILE).used_at is None


@pytest.mark.django_db
def test_a_name_that_is_not_a_real_name_is_refused(send_code):
    code = send_code()

    with pytest.raises(DomainError, match="姓名格式不正确"):
        register(code, real_name="王1")

    assert not User.objects.exists()


@pytest.mark.django_db
def test_the_registration_is_audited(send_code):
    from core.models import AuditLog

    user = register(send_code())

    entry = AuditLog.objects.get(verb="agent_register")
    assert entry.actor == user
    assert entry.changes == {"mobile": MOBILE}
    assert entry.at <= timezone.now()
