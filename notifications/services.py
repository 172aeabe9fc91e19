"""Messages (站内消息): written as a person would write them, each leading to its item.

Agents hear of every status change of their businesses (an in-app message in the same transaction as the
change, and an SMS through the pluggable backend, sent by the background worker after the commit, so
nothing leaves early and a slow SMS gateway never holds up the reviewer's page); an agent
whose unit is bound to another agent is told so; staff get one 每日待办 message a day (daily_digest).
"""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.navigation import work_waiting
from notifications.models import Notification
from notifications.tasks import send_notification_sms
from review.models import Action, Status
from review.registry import business_type_for


def _reason(text: str) -> str:
    return (text or "").strip().rstrip("。.！!；;")


def case_message(*, case, transition) -> str:
    """The sentence for one move of CASE, e.g. 您为…办理的主保期参保申请（…）已通过市总审核。请下载…"""
    business = business_type_for(case.kind)
    subject = business.subject(case)
    step = transition.step_name or "审核"
    reason = _reason(transition.reason)
    action, to_status = transition.action, transition.to_status
    if action == Action.APPROVE and to_status == Status.IN_REVIEW:
        following = case.current_step.name if case.current_step else "下一环节"
        return f"{subject}已通过{step}，现转{following}。"
    if action == Action.APPROVE:
        return f"{subject}已通过{step}。{business.approved_next(case)}"
    if action == Action.RETURN and to_status == Status.NEEDS_MATERIALS:
        return f"{subject}在{step}时被退回，状态为“材料待补充”。原因：{reason}。请补充材料或修改后重新上报。"
    if action == Action.RETURN:
        return f"{subject}在{step}时被退回。原因：{reason}。请修改后重新上报。"
    if action == Action.REJECT:
        return f"{subject}经{step}决定不予给付。原因：{reason}。这是最终审核结论，该申请已办结。"
    if action == Action.VOID:
        return (
            f"{subject}的缴费通知单已由财务作废。原因：{reason}。该申请已办结；如需参保，请重新提交参保申请。"
        )
    if action in (Action.CONFIRM_PAYMENT, Action.RECORD_PAYOUT):
        return f"{subject}{business.settled_text(case)}"
    return f"{subject}已{transition.get_action_display()}，当前状态：{transition.to_label}。"


def _deliver(*, recipient, text: str, **fields) -> Notification:
    notification = Notification.objects.create(recipient=recipient, text=text[:300], **fields)
    if recipient.mobile:
        transaction.on_commit(lambda: send_notification_sms.enqueue(notification.pk))
    return notification


def notify_case_transition(*, case, transition) -> Notification | None:
    """Subscribed to every move of the review engine (review.registry.case_moved); the agent's own moves
    (上报/删除) need no message."""
    if transition.actor_id == case.agent_id or transition.to_status == Status.DELETED:
        return None
    agent = User.objects.filter(pk=case.agent_id, is_active=True).first()
    if agent is None:
        return None
    return _deliver(
        recipient=agent,
        text=case_message(case=case, transition=transition),
        kind=Notification.Kind.CASE,
        case=case,
        url=business_type_for(case.kind).message_url(case, transition),
    )


def notify_agent(*, case, text: str, url: str = "") -> Notification | None:
    """A message to CASE's agent that is not a status move (e.g. billing's 缴费提醒): in-app and SMS."""
    agent = User.objects.filter(pk=case.agent_id, is_active=True).first()
    if agent is None:
        return None
    return _deliver(recipient=agent, text=text, kind=Notification.Kind.REMINDER, case=case, url=url)


def notify_unbound(*, binding) -> Notification | None:
    """单位绑定 approved (units.hooks.binding_applied): the previous agent learns that the unit and its
    businesses left his account."""
    agent = User.objects.filter(pk=binding.previous_agent_id, is_active=True).first()
    if agent is None:
        return None
    text = (
        f"单位“{binding.unit.name}”已由代办员{binding.requester.display_name}绑定（市总工会审核通过），"
        "您已解除与该单位的绑定，不能再查看或办理该单位的业务。如有疑问，请联系市总工会。"
    )
    return _deliver(recipient=agent, text=text, kind=Notification.Kind.UNBOUND, case=binding.case)


def digest_text(items, *, today: datetime.date) -> str:
    """每日待办 in one sentence: 今日待办（12月1日）：待审核业务 3 件，最早的一件已等待 5 天；…"""
    parts = []
    for item in items:
        part = f"{item.label} {item.count} {item.unit}"
        if item.overdue:
            part += f"（其中 {item.overdue} {item.unit}{item.overdue_label}）"
        if item.oldest is not None:
            days = (today - timezone.localdate(item.oldest)).days
            if days >= 1:
                part += f"，最早的一{item.unit}已等待 {days} 天"
        parts.append(part)
    return f"今日待办（{today.month}月{today.day}日）：" + "；".join(parts) + "。请及时办理。"


@transaction.atomic
def daily_digest_send(*, today: datetime.date | None = None) -> int:
    """One 每日待办 message per staff member with work waiting at their step; none when nothing waits.

    Idempotent per day: running it again the same day refreshes that day's message instead of adding one.
    Returns the number of messages written."""
    today = today or timezone.localdate()
    staff = User.objects.filter(
        is_active=True,
        role__in=User.WORK_QUEUE_ROLES,
    ).select_related("org")
    written = 0
    for user in staff:
        items = [item for item in work_waiting(user) if item.count]
        if not items:
            continue
        Notification.objects.update_or_create(
            recipient=user,
            digest_on=today,
            defaults={
                "kind": Notification.Kind.DIGEST,
                "text": digest_text(items, today=today)[:300],
                "url": items[0].url,
            },
        )
        written += 1
    return written


def notifications_mark_read(*, user, ids=None) -> int:
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())
