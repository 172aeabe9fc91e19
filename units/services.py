"""Writes of units. Status changes go through review.engine; everything here is one transaction."""

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower

from core.audit import audit_log, model_diff
from core.errors import DomainError, ErrorCode, InvalidTransition, NotAllowed
from review.engine import case_transition
from review.models import Action, BusinessKind, Case
from review.services import case_create
from units.models import BASIC_FIELDS, Unit


def _check_unique(*, name: str, credit_code: str, exclude_pk=None) -> None:
    others = Unit.objects.filter(deleted_at__isnull=True)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    if others.annotate(lname=Lower("name")).filter(lname=name.lower()).exists():
        raise DomainError(f"单位名称“{name}”已被注册，请核对；如需更换代办员请使用单位绑定", code=ErrorCode.DUPLICATE)
    if others.filter(credit_code=credit_code).exists():
        raise DomainError(f"统一社会信用代码 {credit_code} 已被注册，请核对", code=ErrorCode.DUPLICATE)


def _snapshot(unit: Unit) -> dict:
    data = {field: getattr(unit, field) for field in BASIC_FIELDS}
    data["parent_org"] = unit.parent_org.name if unit.parent_org_id else ""
    return data


def _apply_basic(unit: Unit, *, fields: dict, merged_from) -> None:
    for field in BASIC_FIELDS:
        setattr(unit, field, fields[field])
    unit.full_clean(exclude=["agent", "registration_case"], validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            unit.save()
    except IntegrityError:
        raise DomainError("单位名称或统一社会信用代码已被注册，请核对", code=ErrorCode.DUPLICATE) from None
    if fields["merge_history"] == Unit.MergeHistory.NONE:
        unit.merged_from.clear()
    else:
        unit.merged_from.set([u for u in merged_from if u.pk != unit.pk])


@transaction.atomic
def unit_register(*, actor, merged_from=(), **fields) -> Unit:
    """【注册单位信息】 → 【保存】 on tab 1: a new unit in 草稿 with its registration case."""
    if not actor.is_agent:
        raise NotAllowed("只有代办员可以注册单位")
    if not fields["parent_org"].is_leaf:
        raise DomainError("上级单位请选择到具体区县或市直类别")
    _check_unique(name=fields["name"], credit_code=fields["credit_code"])
    unit = Unit(agent=actor)
    _apply_basic(unit, fields=fields, merged_from=merged_from)
    unit.registration_case = case_create(
        kind=BusinessKind.UNIT_REGISTRATION, unit=unit, applicant=actor, title=unit.name
    )
    unit.save(update_fields=["registration_case"])
    audit_log(actor=actor, verb="unit_register", obj=unit, changes=model_diff({}, _snapshot(unit)))
    return unit


def _lock_editable_registration(*, actor, unit: Unit) -> Case:
    case = Case.objects.select_for_update().select_related("unit", "current_step").get(pk=unit.registration_case_id)
    if case.unit.agent_id != actor.id:
        raise NotAllowed("您无权修改该单位")
    if not case.is_editable:
        raise InvalidTransition(f"当前状态为“{case.status_label}”，不能编辑")
    return case


@transaction.atomic
def unit_update_registration(*, actor, unit: Unit, merged_from=(), **fields) -> Unit:
    """编辑 of a unit whose registration is 草稿 or 退回 (tab 1 【保存】)."""
    case = _lock_editable_registration(actor=actor, unit=unit)
    if not fields["parent_org"].is_leaf:
        raise DomainError("上级单位请选择到具体区县或市直类别")
    unit = Unit.objects.select_related("parent_org").get(pk=unit.pk)
    before = _snapshot(unit)
    _check_unique(name=fields["name"], credit_code=fields["credit_code"], exclude_pk=unit.pk)
    _apply_basic(unit, fields=fields, merged_from=merged_from)
    Case.objects.filter(pk=case.pk).update(title=unit.name[:200])
    changes = model_diff(before, _snapshot(unit))
    if changes:
        audit_log(actor=actor, verb="unit_update", obj=unit, changes=changes)
    return unit


def unit_submit(*, actor, unit: Unit, expected_version: int | None = None) -> Case:
    """列表 【上报】: the registration starts (or restarts) review at step 1."""
    return case_transition(
        case=unit.registration_case, action=Action.SUBMIT, actor=actor, expected_version=expected_version
    )


def unit_delete(*, actor, unit: Unit) -> Case:
    """列表 【删除】: only a never-submitted draft; kept in the database as 已删除."""
    return case_transition(case=unit.registration_case, action=Action.DELETE, actor=actor)
