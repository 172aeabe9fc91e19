"""Messages read like sentences a person writes and lead to their item: agents hear of every status change
made by someone else (in-app and SMS), an unbound agent is told where the unit went, and old messages about
a unit that left the agent open a page that says so."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts import sms
from core.errors import NotAllowed
from core.samples import tiny_pdf
from notifications.models import Notification
from notifications.sms import notification_sms_send
from review.engine import case_transition
from review.models import Action
from tests.clients import client_for
from tests.tasks import run_queued_tasks
from units.models import UnitBinding
from units.services import unit_binding_create


@pytest.fixture
def submitted(factory, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return factory.submitted_unit()


def texts_of(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("id").values_list("text", flat=True))


def test_the_agents_own_submission_sends_no_message(submitted):
    assert not Notification.objects.filter(recipient=submitted.agent).exists()


def test_a_return_tells_the_agent_with_the_reason_in_app_and_by_sms(
    factory, submitted, django_capture_on_commit_callbacks
):
    reviewer = factory.district_reviewer("市南区")
    with django_capture_on_commit_callbacks(execute=True):
        case_transition(
            case=submitted.registration_case, action=Action.RETURN, actor=reviewer, reason="批复文件不清晰。"
        )
    message = Notification.objects.get(recipient=submitted.agent)
    assert message.text == (
        f"您的单位注册申请（{submitted.name}）在区县审核时被退回。原因：批复文件不清晰。请修改后重新上报。"
    )
    assert message.read_at is None and message.url == f"/units/{submitted.pk}/"
    assert sms.outbox == []  # the SMS goes out from the background worker, not the reviewer's request

    run_queued_tasks()

    assert sms.outbox == [(submitted.agent.mobile, f"【职工互助保障】{message.text}")]
    message.refresh_from_db()
    assert message.sms_sent_at is not None


def test_a_re_run_sms_task_does_not_send_the_message_twice(
    factory, submitted, django_capture_on_commit_callbacks
):
    reviewer = factory.district_reviewer("市南区")
    with django_capture_on_commit_callbacks(execute=True):
        case_transition(case=submitted.registration_case, action=Action.APPROVE, actor=reviewer)
    message = Notification.objects.get(recipient=submitted.agent)
    run_queued_tasks()

    assert notification_sms_send(notification_id=message.pk) is False  # what a re-queued task would do

    assert len(sms.outbox) == 1


def test_each_step_of_a_registration_is_a_sentence(factory, submitted):
    case_transition(
        case=submitted.registration_case, action=Action.APPROVE, actor=factory.district_reviewer()
    )
    case_transition(case=submitted.registration_case, action=Action.APPROVE, actor=factory.city_reviewer())
    assert texts_of(submitted.agent) == [
        f"您的单位注册申请（{submitted.name}）已通过区县审核，现转市总审核。",
        f"您的单位注册申请（{submitted.name}）已通过市总审核。单位注册完成，可以为职工办理参保业务。",
    ]


def test_an_approved_application_asks_to_download_the_notice_and_pay(client, factory):
    application = factory.approved_application(rows=factory.people(3))
    agent = application.unit.agent
    notice = application.payment_notice
    period = f"保期{application.period_start:%Y-%m-%d}至{application.period_end:%Y-%m-%d}"
    subject = f"您为{application.unit.name}办理的主保期参保申请（{period}）"
    message = Notification.objects.filter(recipient=agent).order_by("id").last()
    assert message.text == (
        f"{subject}已通过市总审核。请下载缴费通知单，于{notice.due_date:%Y-%m-%d}前缴费90.00元。"
    )
    client.force_login(agent)
    response = client.get(f"/notifications/{message.pk}/")
    assert response["Location"] == f"/enrollment/{application.pk}/?tab=payment"

    factory.effective_application(application)
    assert texts_of(agent)[-1] == (
        f"{subject}已确认收款，保期生效，名单中的3名职工自{application.period_start:%Y-%m-%d}起享受保障。"
    )


def test_claim_messages_say_what_was_decided_and_what_to_do(factory):
    unit = factory.approved_unit()
    member = factory.covered_member(unit)
    claim = factory.claim(unit, member)
    factory.claim_materials(claim)
    shinan, city = factory.district_reviewer(), factory.city_reviewer()
    case = case_transition(case=claim.case, action=Action.SUBMIT, actor=unit.agent)
    case = case_transition(case=case, action=Action.APPROVE, actor=shinan)
    case = case_transition(case=case, action=Action.RETURN, actor=city, reason="请补充病理报告原件")
    subject = f"您为会员{member.name}申请的女职工特殊疾病保障金"
    assert texts_of(unit.agent)[-1] == (
        f"{subject}在市总审核时被退回，状态为“材料待补充”。原因：请补充病理报告原件。请补充材料或修改后重新上报。"
    )
    case = case_transition(case=case, action=Action.SUBMIT, actor=unit.agent)
    case = case_transition(case=case, action=Action.APPROVE, actor=shinan)
    case_transition(case=case, action=Action.REJECT, actor=city, reason="不属于保障范围")
    assert texts_of(unit.agent)[-1] == (
        f"{subject}经市总审核决定不予给付。原因：不属于保障范围。这是最终审核结论，该申请已办结。"
    )


def test_no_message_or_sms_survives_a_refused_transition(
    factory, submitted, django_capture_on_commit_callbacks
):
    city = factory.city_reviewer()  # not the city's step yet: refused
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(NotAllowed):
        case_transition(case=submitted.registration_case, action=Action.APPROVE, actor=city)
    assert not Notification.objects.exists()
    run_queued_tasks()
    assert sms.outbox == []


def test_opening_a_message_marks_it_read_and_leads_to_the_business(client, factory, submitted):
    case_transition(
        case=submitted.registration_case, action=Action.APPROVE, actor=factory.district_reviewer()
    )
    message = Notification.objects.get(recipient=submitted.agent)
    client.force_login(submitted.agent)
    response = client.get(f"/notifications/{message.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/units/{submitted.pk}/"
    message.refresh_from_db()
    assert message.read_at is not None


def test_the_bell_counts_unread_messages(client, factory, submitted):
    case_transition(
        case=submitted.registration_case, action=Action.APPROVE, actor=factory.district_reviewer()
    )
    client.force_login(submitted.agent)
    page = client.get("/units/").content.decode()
    assert 'id="unread-count">1<' in page
    client.post("/notifications/read-all/")
    assert 'id="unread-count"' not in client.get("/units/").content.decode()


def test_another_users_message_is_not_found(client, factory, submitted):
    case_transition(
        case=submitted.registration_case, action=Action.APPROVE, actor=factory.district_reviewer()
    )
    message = Notification.objects.get(recipient=submitted.agent)
    client.force_login(factory.agent())
    assert client.get(f"/notifications/{message.pk}/").status_code == 404


# --- 单位绑定: the previous agent is told, and his old messages explain where the unit went -------------


@pytest.fixture
def bound_away(factory, django_capture_on_commit_callbacks):
    """张三's approved unit is bound to 李四 (city approves); returns (unit, zhang, li)."""
    unit = factory.approved_unit()
    zhang = unit.agent
    li = factory.agent(name="李四")
    form = SimpleUploadedFile("form.pdf", tiny_pdf("form.pdf"), content_type="application/pdf")
    binding = unit_binding_create(actor=li, unit=unit, reason="原代办员调岗", upload=form)
    case_transition(case=binding.case, action=Action.SUBMIT, actor=li)
    with django_capture_on_commit_callbacks(execute=True):
        case_transition(case=binding.case, action=Action.APPROVE, actor=factory.city_reviewer())
    return unit, zhang, li


def test_the_previous_agent_is_told_that_the_unit_was_bound_to_another_agent(bound_away):
    unit, zhang, li = bound_away
    message = Notification.objects.filter(recipient=zhang, kind=Notification.Kind.UNBOUND).get()
    assert message.text == (
        f"单位“{unit.name}”已由代办员李四绑定（市总工会审核通过），您已解除与该单位的绑定，"
        "不能再查看或办理该单位的业务。如有疑问，请联系市总工会。"
    )
    run_queued_tasks()  # the SMS goes out from the worker
    assert (zhang.mobile, f"【职工互助保障】{message.text[:120]}") in sms.outbox
    assert texts_of(li)[-1] == (
        f"您绑定单位“{unit.name}”的申请已通过市总审核。该单位已绑定到您的账号，可以查看和办理它的全部业务。"
    )


def test_old_messages_about_a_unit_bound_away_open_a_page_that_says_so(bound_away):
    unit, zhang, _li = bound_away
    client = client_for(zhang)
    old = Notification.objects.filter(recipient=zhang, kind=Notification.Kind.CASE).first()
    assert old is not None  # e.g. 您的单位注册申请…已通过市总审核
    unbound = Notification.objects.get(recipient=zhang, kind=Notification.Kind.UNBOUND)
    applied = UnitBinding.objects.get(unit=unit).applied_at
    for message in (old, unbound):
        response = client.get(f"/notifications/{message.pk}/")
        assert response.status_code == 200
        page = response.content.decode()
        assert f"您已解除与“{unit.name}”的绑定。" in page
        assert f"该单位已于 {timezone.localtime(applied):%Y-%m-%d} 由代办员李四绑定" in page
        assert message.text in page
    assert client.get(f"/units/{unit.pk}/").status_code == 404  # the unit itself stays out of reach
