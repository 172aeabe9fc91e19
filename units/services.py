"""Writes of units. Status changes go through review.engine; every service is one transaction."""

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from core.audit import audit_log, model_diff, records_refusals
from core.errors import DomainError, ErrorCode, InvalidTransition, NotAllowed
from core.text import bounded_text
from core.uploads import CONTENT_TYPES, check_material, display_name, storage_name
from review.engine import case_transition
from review.models import Action, BusinessKind, Case, Material
from review.services import case_create, material_upload
from units.hooks import binding_applied
from units.models import (
    BASIC_FIELDS,
    UNIT_MATERIAL_SLOTS,
    InvoiceInfo,
    Unit,
    UnitBinding,
    UnitChange,
    merge_history_gap,
)
from units.selectors import unit_case_to_act_on

FIELD_LABELS = {field: Unit._meta.get_field(field).verbose_name for field in BASIC_FIELDS}
# One answer for "no such unit", "another agent's draft", "not approved yet" and "someone else's open
# request": none of them may tell an agent anything about a unit that is not theirs to see.
BINDING_UNAVAILABLE = (
    "该单位暂不能申请绑定：请输入单位名称，从搜索结果中选择已通过注册审核的单位；如有疑问请联系市总工会"
)
REASON_MAX_LENGTH = 500
FIELD_LABELS["merged_from"] = "由哪些单位合并/拆解"
INVOICE_FIELDS = ("mode", "invoice_type", "title", "taxpayer_id", "address_phone", "bank_account", "email")


def _check_unique(*, name: str, credit_code: str, exclude_pk=None) -> None:
    others = Unit.objects.filter(deleted_at__isnull=True)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    if others.annotate(lname=Lower("name")).filter(lname=name.lower()).exists():
        raise DomainError(
            f"单位名称“{name}”已被注册，请核对；如需更换代办员请使用单位绑定", code=ErrorCode.DUPLICATE
        )
    if others.filter(credit_code=credit_code).exists():
        raise DomainError(f"统一社会信用代码 {credit_code} 已被注册，请核对", code=ErrorCode.DUPLICATE)


class FieldRefusal(DomainError):
    """A refusal about one field of the form: the page shows it under that field (UnitBasicForm,
    InvoiceInfoForm: add_service_error)."""

    def __init__(self, message: str, *, field: str, code=None):
        super().__init__(message, code=code)
        self.field = field


def _check_basic(fields: dict, merged_from, *, exclude_pk=None) -> None:
    """The rules of 基本信息: 上级单位 is a leaf of the tree, a merge/split names its units, and name and
    credit code are not another unit's."""
    if not fields["parent_org"].is_leaf:
        raise FieldRefusal("上级单位请选择到具体区县或市直类别", field="parent_org")
    gap = merge_history_gap(fields["merge_history"], bool(merged_from))
    if gap:
        raise FieldRefusal(f"请搜索并选择由哪些单位{gap}", field="merged_from")
    _check_unique(name=fields["name"], credit_code=fields["credit_code"], exclude_pk=exclude_pk)


def basic_values(obj) -> dict:
    """The 基本信息 of a unit or a change as display strings, merged_from included."""
    values = {}
    for field in BASIC_FIELDS:
        if field == "parent_org":
            values[field] = obj.parent_org.name if obj.parent_org_id else ""
        elif field in ("nature", "merge_history"):
            values[field] = getattr(obj, f"get_{field}_display")()
        else:
            values[field] = str(getattr(obj, field))
    values["merged_from"] = "、".join(sorted(u.name for u in obj.merged_from.all()))
    return values


def _apply_basic(target, *, fields: dict, merged_from) -> None:
    """Write the 基本信息 fields (and merged_from) onto a Unit or a UnitChange."""
    for field in BASIC_FIELDS:
        setattr(target, field, fields[field])
    target.full_clean(
        exclude=["agent", "registration_case", "materials_case", "unit", "case"],
        validate_unique=False,
        validate_constraints=False,
    )
    try:
        with transaction.atomic():
            target.save()
    except IntegrityError:
        raise DomainError("单位名称或统一社会信用代码已被注册，请核对", code=ErrorCode.DUPLICATE) from None
    own_pk = target.pk if isinstance(target, Unit) else target.unit_id
    if fields["merge_history"] == Unit.MergeHistory.NONE:
        target.merged_from.clear()
    else:
        target.merged_from.set([u for u in merged_from if u.pk != own_pk])


def _lock_unit_of(actor, unit: Unit) -> Unit:
    unit = Unit.objects.select_for_update().select_related("parent_org").get(pk=unit.pk)
    if unit.agent_id != actor.id or unit.deleted_at is not None:
        raise NotAllowed("您无权修改该单位")
    return unit


# --- 单位注册 (manual §1.1.1) -------------------------------------------------------------------


@records_refusals("unit_register")
@transaction.atomic
def unit_register(*, actor, merged_from=(), **fields) -> Unit:
    """【注册单位信息】 → 【保存】 on tab 1: a new unit in 草稿 with its registration case."""
    if not actor.is_agent:
        raise NotAllowed("只有代办员可以注册单位")
    _check_basic(fields, merged_from)
    unit = Unit(agent=actor)
    _apply_basic(unit, fields=fields, merged_from=merged_from)
    unit.registration_case = case_create(
        kind=BusinessKind.UNIT_REGISTRATION, unit=unit, applicant=actor, title=unit.name
    )
    unit.materials_case = unit.registration_case
    unit.save(update_fields=["registration_case", "materials_case"])
    audit_log(actor=actor, verb="unit_register", obj=unit, changes=model_diff({}, basic_values(unit)))
    return unit


@records_refusals("unit_update", obj="unit")
@transaction.atomic
def unit_update_registration(*, actor, unit: Unit, merged_from=(), **fields) -> Unit:
    """编辑 of a unit whose registration is 草稿 or 退回 (tab 1 【保存】)."""
    unit = _lock_unit_of(actor, unit)
    case = unit.registration_case
    if unit.is_approved or not case.is_editable:
        raise InvalidTransition(f"当前状态为“{case.status_label}”，不能编辑")
    _check_basic(fields, merged_from, exclude_pk=unit.pk)
    before = basic_values(unit)
    _apply_basic(unit, fields=fields, merged_from=merged_from)
    Case.objects.filter(pk=case.pk).update(title=unit.name[:200])
    changes = model_diff(before, basic_values(unit))
    if changes:
        audit_log(actor=actor, verb="unit_update", obj=unit, changes=changes)
    return unit


# --- 单位信息编辑 (manual §1.1.2): a pending change, the approved data stays in force -------------


def _copy_materials(*, source: Case, target: Case, actor) -> None:
    """Start a change from the materials in force; the agent then replaces what changed."""
    for material in source.materials.filter(removed_at__isnull=True):
        Material.objects.create(
            case=target,
            slot=material.slot,
            file=material.file.name,
            original_name=material.original_name,
            content_type=material.content_type,
            size=material.size,
            sha256=material.sha256,
            uploaded_by=material.uploaded_by,
        )


@records_refusals("unit_change_save", obj="unit")
@transaction.atomic
def unit_change_save(*, actor, unit: Unit, merged_from=(), **fields) -> UnitChange:
    """编辑 of an approved unit → 【保存】: create or update its one pending change (草稿/退回)."""
    unit = _lock_unit_of(actor, unit)
    if not unit.is_approved:
        raise InvalidTransition("单位注册审核通过后才能编辑单位信息")
    change = (
        unit.changes.select_for_update(of=("self", "case"))
        .filter(is_open=True)
        .select_related("case__current_step")
        .first()
    )
    if change is not None and not change.case.is_editable:
        raise InvalidTransition(
            f"该单位的信息变更正在审核中（{change.case.status_label}），审核完成前不能再次编辑"
        )
    _check_basic(fields, merged_from, exclude_pk=unit.pk)
    if change is None:
        case = case_create(kind=BusinessKind.UNIT_CHANGE, unit=unit, applicant=actor, title=unit.name)
        change = UnitChange(unit=unit, case=case)
        _apply_basic(change, fields=fields, merged_from=merged_from)
        _copy_materials(source=unit.materials_case, target=case, actor=actor)
        verb = "unit_change_create"
    else:
        _apply_basic(change, fields=fields, merged_from=merged_from)
        verb = "unit_change_update"
    audit_log(actor=actor, verb=verb, obj=unit, changes=model_diff(basic_values(unit), basic_values(change)))
    return change


def unit_change_diff(change: UnitChange, unit: Unit | None = None) -> list[dict]:
    """[{field, label, old, new}] for the 基本信息 that the change would alter."""
    unit = unit or change.unit
    old, new = basic_values(unit), basic_values(change)
    return [
        {"field": field, "label": FIELD_LABELS[field], "old": old[field], "new": new[field]}
        for field in (*BASIC_FIELDS, "merged_from")
        if old[field] != new[field]
    ]


def unit_change_material_diff(change: UnitChange, unit: Unit | None = None) -> list[dict]:
    """[{slot, old: [names], new: [names]}] for material slots whose files differ (by content)."""
    unit = unit or change.unit

    def by_slot(case):
        slots: dict[str, dict[str, str]] = {}
        if case is not None:
            for m in case.materials.filter(removed_at__isnull=True):
                slots.setdefault(m.slot, {})[m.sha256] = m.original_name
        return slots

    old, new = by_slot(unit.materials_case), by_slot(change.case)
    labels = {s.code: s.label for s in UNIT_MATERIAL_SLOTS}
    return [
        {
            "slot": labels.get(slot, slot),
            "old": sorted(old.get(slot, {}).values()),
            "new": sorted(new.get(slot, {}).values()),
        }
        for slot in sorted(set(old) | set(new))
        if set(old.get(slot, {})) != set(new.get(slot, {}))
    ]


@records_refusals("unit_change_apply", obj="change")
def unit_change_apply(*, change: UnitChange, actor) -> Unit:
    """Called by the engine when the city approves: apply atomically, keep the before/after record."""
    unit = Unit.objects.select_for_update().select_related("parent_org").get(pk=change.unit_id)
    _check_unique(name=change.name, credit_code=change.credit_code, exclude_pk=unit.pk)
    diff = unit_change_diff(change, unit)
    material_diff = unit_change_material_diff(change, unit)
    fields = {field: getattr(change, field) for field in BASIC_FIELDS}
    _apply_basic(unit, fields=fields, merged_from=list(change.merged_from.all()))
    unit.materials_case = change.case
    unit.save(update_fields=["materials_case"])
    record = {row["label"]: [row["old"], row["new"]] for row in diff}
    for row in material_diff:
        record[f"材料：{row['slot']}"] = ["、".join(row["old"]), "、".join(row["new"])]
    UnitChange.objects.filter(pk=change.pk).update(
        is_open=False, applied_at=timezone.now(), changed_fields=record
    )
    audit_log(actor=actor, verb="unit_change_apply", obj=unit, changes=record)
    return unit


# --- 上报 / 删除 of whatever the agent is editing ------------------------------------------------


@records_refusals("unit_submit", obj="unit")
def unit_submit(*, actor, unit: Unit, expected_version: int | None = None) -> Case:
    """列表 【上报】: the registration, or the pending change, starts (or restarts) review at step 1."""
    case = unit_case_to_act_on(unit, Action.SUBMIT)
    return case_transition(case=case, action=Action.SUBMIT, actor=actor, expected_version=expected_version)


@records_refusals("unit_delete", obj="unit")
def unit_delete(*, actor, unit: Unit) -> Case:
    """列表 【删除】: a never-submitted registration (the unit goes) or a draft change (discarded)."""
    case = unit_case_to_act_on(unit, Action.DELETE)
    return case_transition(case=case, action=Action.DELETE, actor=actor)


# --- 单位绑定 (manual §1.2): change of agent ------------------------------------------------------


@records_refusals("unit_binding_create", obj="unit")
@transaction.atomic
def unit_binding_create(*, actor, unit: Unit, reason: str, upload) -> UnitBinding:
    """【单位绑定】 → pick the unit, upload the stamped form, 【保存】: a binding request in 草稿."""
    if not actor.is_agent:
        raise NotAllowed("只有代办员可以申请单位绑定")
    unit = (
        Unit.objects.select_for_update()
        .filter(pk=unit.pk, deleted_at__isnull=True, approved_at__isnull=False)
        .first()
    )
    if unit is None:
        raise DomainError(BINDING_UNAVAILABLE)
    if unit.agent_id == actor.id:
        raise DomainError(f"“{unit.name}”已绑定在您的账号下，无需再绑定")
    open_request = UnitBinding.objects.filter(unit=unit, is_open=True).first()
    if open_request is not None:
        if open_request.requester_id == actor.id:
            raise DomainError(
                "您已为该单位提交过绑定申请，请在单位绑定列表中继续办理", code=ErrorCode.DUPLICATE
            )
        raise DomainError(BINDING_UNAVAILABLE)
    reason = bounded_text(reason, label="变更原因", max_length=REASON_MAX_LENGTH, multiline=True)
    if not reason:
        raise DomainError("请填写变更原因")
    case = case_create(
        kind=BusinessKind.UNIT_BINDING,
        unit=unit,
        applicant=actor,
        title=f"{unit.name}（新代办员：{actor.real_name}）",
    )
    try:
        with transaction.atomic():
            binding = UnitBinding.objects.create(
                unit=unit, case=case, requester=actor, previous_agent=unit.agent, reason=reason
            )
    except IntegrityError:  # another request won the race: the same neutral answer
        raise DomainError(BINDING_UNAVAILABLE) from None
    material_upload(case=case, slot="binding_form", upload=upload, actor=actor)
    audit_log(actor=actor, verb="unit_binding_create", obj=unit, changes={"requester": actor.display_name})
    return binding


@records_refusals("unit_binding_update", obj="binding")
@transaction.atomic
def unit_binding_update(*, actor, binding: UnitBinding, reason: str) -> UnitBinding:
    """编辑 a binding request in 草稿/退回: the reason (the form is replaced in the materials list)."""
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("current_step", "unit")
        .get(pk=binding.case_id)
    )
    if binding.requester_id != actor.id:
        raise NotAllowed("您无权修改该绑定申请")
    if not case.is_editable:
        raise InvalidTransition(f"当前状态为“{case.status_label}”，不能编辑")
    reason = bounded_text(reason, label="变更原因", max_length=REASON_MAX_LENGTH, multiline=True)
    if not reason:
        raise DomainError("请填写变更原因")
    before = binding.reason
    UnitBinding.objects.filter(pk=binding.pk).update(reason=reason)
    binding.refresh_from_db()
    audit_log(
        actor=actor, verb="unit_binding_update", obj=binding, changes={"reason": [before, binding.reason]}
    )
    return binding


@records_refusals("unit_binding_apply", obj="binding")
def unit_binding_apply(*, binding: UnitBinding, actor) -> Unit:
    """Called by the engine when the city approves: swap the agent in the same transaction."""
    unit = Unit.objects.select_for_update().get(pk=binding.unit_id)
    if unit.agent_id != binding.previous_agent_id:
        raise DomainError("该单位的代办员在申请后已发生变化，请退回该申请")
    Unit.objects.filter(pk=unit.pk).update(agent=binding.requester)
    UnitBinding.objects.filter(pk=binding.pk).update(is_open=False, applied_at=timezone.now())
    binding_applied.publish(binding=binding)
    audit_log(
        actor=actor,
        verb="unit_binding_apply",
        obj=unit,
        changes={"代办员": [binding.previous_agent.display_name, binding.requester.display_name]},
    )
    unit.refresh_from_db()
    return unit


# --- 开票信息管理 (manual §1.3) ---------------------------------------------------------------------


@records_refusals("invoice_info_save", obj="unit")
@transaction.atomic
def invoice_info_save(*, actor, unit: Unit, data: dict, attachment=None, instance: InvoiceInfo | None = None):
    """【新增开票信息】/编辑 → 【保存】. One record per unit; the database refuses a second one."""
    unit = Unit.objects.select_for_update().filter(pk=unit.pk, deleted_at__isnull=True).first()
    if unit is None or unit.agent_id != actor.id:
        raise NotAllowed("您无权维护该单位的开票信息")
    if not unit.is_approved:
        raise DomainError("单位注册审核通过后才能填写开票信息")
    existing = InvoiceInfo.objects.filter(unit=unit).first()
    if instance is None and existing is not None:
        raise DomainError(
            f"“{unit.name}”已有开票信息，一个单位只能有一条，如需修改请点击编辑", code=ErrorCode.DUPLICATE
        )
    if instance is not None and instance.unit_id != unit.pk:
        raise NotAllowed("开票信息与单位不符")
    info = existing if instance is not None else InvoiceInfo(unit=unit)
    before = {f: str(getattr(info, f)) for f in INVOICE_FIELDS} if info.pk else {}
    mode = data["mode"]
    info.mode = mode
    if mode == InvoiceInfo.Mode.SINGLE:
        for field in INVOICE_FIELDS[1:]:
            setattr(info, field, (data.get(field) or "").strip())
        if info.invoice_type == InvoiceInfo.InvoiceType.SPECIAL and not info.bank_account:
            raise FieldRefusal("开增值税专用发票必须填写开户行及账号", field="bank_account")
        info.attachment, info.attachment_name, info.attachment_type = "", "", ""
    else:
        for field in INVOICE_FIELDS[1:]:
            setattr(info, field, "")
        if attachment is None and not info.attachment:
            raise DomainError("开多个户头时请上传说明开票信息的附件")
    if attachment is not None:
        kind = check_material(attachment)
        info.attachment_name = display_name(attachment.name, kind)
        info.attachment_type = CONTENT_TYPES[kind]
        info.attachment.save(storage_name(kind), attachment, save=False)
    info.updated_by = actor
    try:
        with transaction.atomic():
            info.save()
    except IntegrityError:
        raise DomainError(
            f"“{unit.name}”已有开票信息，一个单位只能有一条，如需修改请点击编辑", code=ErrorCode.DUPLICATE
        ) from None
    after = {f: str(getattr(info, f)) for f in INVOICE_FIELDS}
    audit_log(actor=actor, verb="invoice_info_save", obj=unit, changes=model_diff(before, after))
    return info
