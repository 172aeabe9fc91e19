from core.models import AuditLog

# The operations in words (系统管理 → 操作日志); an operation without a label shows its code.
VERB_LABELS = {
    "agent_register": "代办员注册",
    "application_create": "新建参保申请",
    "application_update": "编辑参保申请",
    "claim_create": "新建保障金申请",
    "claim_payout": "保障金给付",
    "claim_update": "编辑保障金申请",
    "invoice_info_save": "保存开票信息",
    "material_remove": "删除材料",
    "material_upload": "上传材料",
    "payment_confirm": "收款确认",
    "roster_export": "导出参保职工名单",
    "roster_import": "导入参保职工名单",
    "unit_binding_apply": "单位绑定生效",
    "unit_binding_create": "申请单位绑定",
    "unit_change_apply": "单位信息变更生效",
    "unit_register": "注册单位",
    "unit_update": "编辑单位信息",
}


def verb_label(verb: str) -> str:
    return VERB_LABELS.get(verb, verb)


def audit_log(*, actor, verb: str, obj, changes: dict | None = None) -> AuditLog:
    """Write one audit row; call inside the service's transaction so it commits with the change."""
    return AuditLog.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        verb=verb,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        changes=changes or {},
    )


def model_diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields that differ, values as strings for JSON."""
    return {
        key: [str(before.get(key, "")), str(after.get(key, ""))]
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }
