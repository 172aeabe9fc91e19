"""Reads of the one audit trail: AuditLog rows and the review timeline (review.Transition) as one list."""

import datetime

from axes.models import AccessAttempt
from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db.models import CharField, F, Q, Value
from django.utils import timezone

from core.models import AuditLog
from core.verbs import VERB_LABELS
from review.models import Action, Transition

CASE_PREFIX = "case:"
DETAIL_KEYS = {
    "reason": "原因",
    "mobile": "手机号",
    "prefix": "令牌开头",
    "expires_at": "有效期至",
    "revoked_tokens": "停用令牌数",
    "message": "说明",
    "deleted": "已删除",
    "what": "内容",
    "rows": "行数",
    "page": "页",
    "locked": "已锁定",
    "path": "地址",
    "ip_address": "来源地址",
    "id_number": "身份证号",
    "field": "字段",
    "found": "查到",
    "file": "文件",
    "slot": "材料类型",
    "amount": "金额",
    "action": "操作",
}


def action_choices() -> list[tuple[str, str]]:
    verbs = sorted(VERB_LABELS.items(), key=lambda item: item[1])
    cases = [(CASE_PREFIX + value, f"审核流程：{label}") for value, label in Action.choices]
    return [("", "全部操作"), *verbs, *cases]


def audit_trail(
    *,
    person: str = "",
    action: str = "",
    obj: str = "",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    outcome: str = "",
):
    """(source, pk, at) of the matching rows, newest first — a union of both tables, paged by the caller."""
    logs = AuditLog.objects.all()
    moves = Transition.objects.all()
    if person:
        logs = logs.filter(Q(actor_name__icontains=person) | Q(actor__username=person))
        moves = moves.filter(Q(actor_name__icontains=person) | Q(actor__username=person))
    if action.startswith(CASE_PREFIX):
        logs = logs.none()
        moves = moves.filter(action=action.removeprefix(CASE_PREFIX))
    elif action:
        logs = logs.filter(verb=action)
        moves = moves.none()
    if obj:
        logs = logs.filter(Q(object_repr__icontains=obj) | Q(object_id=obj))
        case_q = Q(case__title__icontains=obj) | Q(case__unit__name__icontains=obj)
        if obj.isdigit():
            case_q |= Q(case_id=int(obj))
        moves = moves.filter(case_q)
    if date_from:
        logs, moves = logs.filter(at__date__gte=date_from), moves.filter(at__date__gte=date_from)
    if date_to:
        logs, moves = logs.filter(at__date__lte=date_to), moves.filter(at__date__lte=date_to)
    if outcome:
        logs = logs.filter(outcome=outcome)
        if outcome != AuditLog.Outcome.SUCCESS:
            moves = moves.none()
    text = CharField(max_length=10)
    left = (
        logs.order_by()
        .annotate(source=Value("log", output_field=text), row_at=F("at"))
        .values_list("source", "pk", "row_at")
    )
    right = (
        moves.order_by()
        .annotate(source=Value("case", output_field=text), row_at=F("at"))
        .values_list("source", "pk", "row_at")
    )
    return left.union(right, all=True).order_by("-row_at", "-pk")


def _object_label(object_type: str) -> str:
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


def _field_label(object_type: str, key: str) -> str:
    """A changed field by its name in the form (单位名称), else by the trail's own words, else as stored."""
    if key in DETAIL_KEYS:
        return DETAIL_KEYS[key]
    try:
        return str(apps.get_model(object_type)._meta.get_field(key).verbose_name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return key


def _details(changes: dict, object_type: str = "") -> str:
    parts = []
    for key, value in (changes or {}).items():
        label = _field_label(object_type, key)
        if isinstance(value, list) and len(value) == 2 and not any(isinstance(v, dict | list) for v in value):
            parts.append(f"{label}：{value[0] or '（空）'} → {value[1] or '（空）'}")
        elif isinstance(value, list | dict):
            parts.append(f"{label}：{value}")
        elif isinstance(value, bool):
            parts.append(f"{label}：{'是' if value else '否'}")
        else:
            parts.append(f"{label}：{value}")
    return "；".join(parts)


def audit_rows(keys) -> list[dict]:
    """The display rows for one page of (source, pk, at) keys, in the same order."""
    keys = list(keys)
    logs = AuditLog.objects.in_bulk([pk for source, pk, _at in keys if source == "log"])
    moves = Transition.objects.select_related("case", "case__unit").in_bulk(
        [pk for source, pk, _at in keys if source == "case"]
    )
    rows = []
    for source, pk, _at in keys:
        if source == "log" and pk in logs:
            row = logs[pk]
            rows.append(
                {
                    "at": row.at,
                    "actor": row.actor_name or "（未登录）",
                    "role": row.actor_role,
                    "action": VERB_LABELS.get(row.verb, row.verb),
                    "category": row.get_category_display(),
                    "outcome": row.get_outcome_display(),
                    "outcome_code": row.outcome,
                    "object": f"{_object_label(row.object_type)} {row.object_repr}".strip(),
                    "details": _details(row.changes, row.object_type),
                    "ip": row.ip_address or "",
                }
            )
        elif source == "case" and pk in moves:
            move = moves[pk]
            details = f"{move.from_label} → {move.to_label}"
            if move.reason:
                details += f"；意见：{move.reason}"
            rows.append(
                {
                    "at": move.at,
                    "actor": move.actor_name,
                    "role": move.actor_role,
                    "action": f"审核流程：{move.get_action_display()}",
                    "category": "业务状态",
                    "outcome": "成功",
                    "outcome_code": "success",
                    "object": f"{move.case.get_kind_display()} {move.case.title}（{move.case.unit.name}）",
                    "details": details,
                    "ip": "",
                }
            )
    return rows


def lockouts_recent(actor, *, limit: int = 200) -> list[dict]:
    """登录锁定 (the administrator): accounts and clients with failed logins in the lockout window, newest
    first, each marked locked once it reached the failure limit."""
    if not actor.is_admin:
        return []
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    attempts = AccessAttempt.objects.filter(attempt_time__gte=since).order_by("-attempt_time")[:limit]
    return [{"attempt": a, "locked": a.failures_since_start >= settings.AXES_FAILURE_LIMIT} for a in attempts]
