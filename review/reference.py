"""Review chains of SPEC §4 — reference data (administrators may change them in 系统管理 → 审核流程)."""

DISTRICT = ("district", "区县审核", "区县审核中")
CITY = ("city", "市总审核", "市总审核中")
CITY_EDIT = ("city", "市总审核", "编辑市总审核中")

CHAINS = {
    # kind: (steps, return_status, allows_reject, settlement_action)
    "unit_registration": ([DISTRICT, CITY], "returned", False, ""),
    "unit_change": ([CITY_EDIT], "returned", False, ""),
    "unit_binding": ([CITY], "returned", False, ""),
    "enrollment": ([DISTRICT, CITY], "returned", False, "confirm_payment"),
    "claim": ([DISTRICT, CITY], "needs_materials", True, "record_payout"),
}


def ensure_workflows(Workflow=None, WorkflowStep=None):
    if Workflow is None:
        from review.models import Workflow, WorkflowStep

    for kind, (steps, return_status, allows_reject, settlement) in CHAINS.items():
        workflow, created = Workflow.objects.get_or_create(
            kind=kind,
            defaults={
                "return_status": return_status,
                "allows_reject": allows_reject,
                "settlement_action": settlement,
            },
        )
        if created or not workflow.steps.exists():
            for position, (actor, name, label) in enumerate(steps, start=1):
                WorkflowStep.objects.create(
                    workflow=workflow, position=position, actor=actor, name=name, status_label=label
                )
