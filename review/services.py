from django.db import transaction
from django.utils import timezone

from core.audit import audit_log, records_refusals
from core.errors import DomainError, InvalidTransition, NotAllowed
from core.uploads import CONTENT_TYPES, check_material, display_name, sha256_of, storage_name
from review.models import BusinessKind, Case, Material, Workflow
from review.registry import business_type_for
from review.rules import is_case_agent


def case_create(*, kind: BusinessKind, unit, applicant, title: str) -> Case:
    """A new business in 草稿, on the chain configured for its kind."""
    workflow = Workflow.objects.filter(kind=kind).first()
    if workflow is None:
        raise DomainError("该业务的审核流程尚未配置，请联系管理员")
    return Case.objects.create(
        kind=kind, workflow=workflow, unit=unit, applicant=applicant, title=title[:200]
    )


def _ensure_editable_by(case: Case, actor) -> None:
    if not is_case_agent(actor, case):
        raise NotAllowed("您无权修改该业务")
    if not case.is_editable:
        raise InvalidTransition(f"当前状态为“{case.status_label}”，不能修改")


@records_refusals("material_upload", obj="case")
@transaction.atomic
def material_upload(*, case: Case, slot: str, upload, actor) -> Material:
    """【上传材料】: one file into one typed slot of an editable case."""
    case = Case.objects.select_for_update(of=("self",)).select_related("current_step", "unit").get(pk=case.pk)
    _ensure_editable_by(case, actor)
    business = business_type_for(case.kind)
    material_slot = business.slot(case, slot)
    if material_slot is None:
        raise DomainError("请选择材料类型")
    return material_store(case=case, slot=material_slot.code, upload=upload, actor=actor)


def material_store(*, case: Case, slot: str, upload, actor) -> Material:
    """One checked file into SLOT of CASE, audited; the caller has locked the case and decided that ACTOR
    may add it (material_upload: the agent of an editable case; claims.services.claim_register_death: the
    city reviewer's proofs of a death after the approval)."""
    kind = check_material(upload)
    material = Material(
        case=case,
        slot=slot,
        original_name=display_name(upload.name, kind),
        content_type=CONTENT_TYPES[kind],
        size=upload.size,
        sha256=sha256_of(upload),
        uploaded_by=actor,
    )
    # Stored under a random name; if the transaction later rolls back, the orphan file is unreachable.
    material.file.save(storage_name(kind), upload, save=True)
    audit_log(
        actor=actor, verb="material_upload", obj=case, changes={"slot": slot, "file": material.original_name}
    )
    return material


@records_refusals("material_remove", obj="material")
@transaction.atomic
def material_remove(*, material: Material, actor) -> None:
    """删除 a material from an editable case (kept on disk and in the database for the record)."""
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("current_step", "unit")
        .get(pk=material.case_id)
    )
    _ensure_editable_by(case, actor)
    updated = Material.objects.filter(pk=material.pk, removed_at__isnull=True).update(
        removed_at=timezone.now(), removed_by=actor
    )
    if updated:
        audit_log(
            actor=actor,
            verb="material_remove",
            obj=case,
            changes={"slot": material.slot, "file": material.original_name},
        )
