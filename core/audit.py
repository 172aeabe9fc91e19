"""The one audit trail (操作日志). `audit_log` is the entry point for every service that writes; refusals are
recorded by `records_refusals`; sensitive reads by `audit_read`. Values that look like ID numbers or bank
accounts are masked before they are stored, so the trail never holds a clear copy of encrypted data.
"""

import contextvars
import functools

from core.errors import DomainError
from core.masking import mask_text
from core.models import AuditLog

# The client address of the request being served (set by core.middleware.AuditContextMiddleware).
current_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("audit_ip", default=None)

# Chinese names of the verbs for the audit screen (a verb without one is shown as it is).
VERB_LABELS = {
    "login": "登录成功",
    "login_failed": "登录失败",
    "logout": "退出登录",
    "session_timeout": "会话超时退出",
    "lockout": "账号锁定",
    "lockout_release": "解除登录锁定",
    "password_change": "修改密码",
    "password_expired": "密码过期强制修改",
    "agent_register": "代办员注册",
    "sms_code_send": "发送短信验证码",
    "sms_code_verify": "校验短信验证码",
    "api_token_create": "生成接口令牌",
    "api_token_revoke": "停用接口令牌",
    "api_auth_failed": "接口令牌认证失败",
    "admin_add": "系统管理：新增",
    "admin_change": "系统管理：修改",
    "admin_delete": "系统管理：删除",
    "case_create": "创建业务",
    "case_transition": "业务状态变更",
    "material_upload": "上传材料",
    "material_remove": "删除材料",
    "material_view": "查看材料",
    "unit_register": "注册单位",
    "unit_update": "修改单位注册信息",
    "unit_change_save": "保存单位信息变更",
    "unit_change_update": "修改单位信息变更",
    "unit_change_apply": "单位信息变更生效",
    "unit_submit": "上报单位",
    "unit_delete": "删除单位",
    "unit_binding_create": "单位绑定申请",
    "unit_binding_update": "修改单位绑定申请",
    "unit_binding_apply": "单位绑定生效",
    "invoice_info_save": "保存开票信息",
    "invoice_attachment_view": "查看开票附件",
    "application_create": "创建参保申请",
    "application_update": "修改参保申请",
    "roster_import": "导入参保职工名单",
    "roster_import_retry": "重新导入名单",
    "roster_export": "导出名单",
    "roster_errors_export": "下载名单错误清单",
    "payment_confirm": "收款确认",
    "notice_pdf": "下载缴费通知单",
    "claim_create": "保存保障金申请",
    "claim_update": "修改保障金申请",
    "claim_approved_amount": "核定给付金额",
    "claim_payout": "记录给付",
    "member_lookup": "会员查询",
    "reveal": "显示完整",
    "report_export": "导出统计报表",
    "audit_export": "导出操作日志",
    "audit_prune": "清理过期日志",
    "api_read": "接口读取个人信息",
    "binding_form_export": "下载绑定申请表",
    "roster_upload": "上传参保职工名单",
    "notice_issue": "生成缴费通知单",
    "user_deactivate": "停用账号",
    "claim_view": "查看保障金申请",
}


def verb_label(verb: str) -> str:
    return VERB_LABELS.get(verb, verb)


def _clean(value):
    """JSON-safe, with ID numbers and account numbers masked."""
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_clean(v) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return mask_text(str(value))


def _actor_fields(actor) -> dict:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {"actor": None, "actor_name": "", "actor_role": ""}
    role = actor.get_role_display()
    if getattr(actor, "org_id", None) and actor.is_district_reviewer:
        role += f"（{actor.org.name}）"
    return {"actor": actor, "actor_name": actor.display_name[:100], "actor_role": role[:50]}


def audit_log(
    *,
    actor,
    verb: str,
    obj=None,
    changes: dict | None = None,
    outcome: str = AuditLog.Outcome.SUCCESS,
    category: str = AuditLog.Category.CHANGE,
    object_type: str = "",
    object_id="",
    object_repr: str = "",
) -> AuditLog:
    """Write one audit row; call inside the service's transaction so it commits with the change."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
        object_repr = object_repr or str(obj)
    return AuditLog.objects.create(
        **_actor_fields(actor),
        verb=verb,
        category=category,
        outcome=outcome,
        object_type=object_type[:64],
        object_id=str(object_id or "")[:64],
        object_repr=mask_text(object_repr)[:200],
        changes=_clean(changes or {}),
        ip_address=current_ip.get(),
    )


def audit_read(*, actor, verb: str, obj=None, details: dict | None = None, **kwargs) -> AuditLog:
    """A read of sensitive data (unmasked value, medical material, member lookup, export, API roster)."""
    return audit_log(
        actor=actor, verb=verb, obj=obj, changes=details, category=AuditLog.Category.READ, **kwargs
    )


def audit_member_lookup(*, actor, member, id_number: str, where: str = "会员查询") -> AuditLog:
    """A look-up of a member by ID number (会员查询, the claim form's member panel): found or not."""
    return audit_read(
        actor=actor,
        verb="member_lookup",
        obj=member,
        object_type="enrollment.member",
        object_repr=member.name if member else id_number,
        details={"id_number": id_number, "found": member is not None, "what": where},
    )


def records_refusals(verb: str, *, obj: str | None = None):
    """Decorator for a service: a DomainError it raises is recorded as a refused VERB (after the service's
    own transaction rolled back, so the row survives), then re-raised. OBJ names the keyword argument that
    holds the object acted on. Put it above @transaction.atomic."""

    def decorate(service):
        @functools.wraps(service)
        def wrapper(*args, **kwargs):
            try:
                return service(*args, **kwargs)
            except DomainError as error:
                target = kwargs.get(obj) if obj else None
                audit_log(
                    actor=kwargs.get("actor"),
                    verb=verb,
                    obj=target if hasattr(target, "_meta") else None,
                    object_type="" if hasattr(target, "_meta") else service.__module__.split(".")[0],
                    outcome=AuditLog.Outcome.REFUSED,
                    changes={"reason": error.message, **_refusal_details(kwargs)},
                )
                raise

        wrapper.records_refusals = verb
        return wrapper

    return decorate


def _refusal_details(kwargs: dict) -> dict:
    details = {}
    for key in ("action", "slot", "kind", "plan_choice", "amount"):
        if key in kwargs and kwargs[key] not in (None, ""):
            details[key] = str(kwargs[key])
    return details


def model_diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields that differ, values as strings for JSON."""
    return {
        key: [str(before.get(key, "")), str(after.get(key, ""))]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }
