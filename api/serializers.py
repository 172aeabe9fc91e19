"""The JSON shapes of the API's answers (what the OpenAPI document describes): plain dicts, masked."""

from core.masking import mask_id_number, mask_mobile
from enrollment.models import RosterImport


def unit_json(u) -> dict:
    case = u.registration_case
    return {
        "id": u.pk,
        "name": u.name,
        "credit_code": u.credit_code,
        "parent_org": u.parent_org.name,
        "status": case.status if case else None,
        "status_label": case.status_label if case else None,
        "approved": u.is_approved,
    }


def application_json(a) -> dict:
    return {
        "id": a.pk,
        "unit_id": a.unit_id,
        "kind": a.kind,
        "kind_label": a.get_kind_display(),
        "period_start": a.period_start.isoformat(),
        "period_end": a.period_end.isoformat(),
        "months": a.months,
        "status": a.case.status,
        "status_label": a.case.status_label,
        "roster_count": a.roster_count,
        "over60_count": a.over60_count,
        "total_amount": str(a.total_amount),
        "plans": [
            {
                "code": line.plan.code,
                "name": line.plan.name,
                "shares": line.shares,
                "fee_per_share": str(line.fee_per_share),
                "fee_per_member": str(line.fee_per_member),
                "members": line.member_count,
                "amount": str(line.amount),
            }
            for line in a.plan_lines.select_related("plan")
        ],
    }


def import_json(job: RosterImport) -> dict:
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": job.get_status_display(),
        "total_rows": job.total_rows,
        "processed_rows": job.processed_rows,
        "imported_rows": job.imported_rows,
        "over60_count": job.over60_count,
        "message": job.message,
        "retryable": job.status == RosterImport.Status.FAILED and job.retryable,
        "errors": [{"row": r, "column": c, "message": m} for r, c, m in job.errors[:1000]],
        "error_count": job.error_count,
    }


def claim_json(c) -> dict:
    return {
        "id": c.pk,
        "number": c.number,
        "unit_id": c.unit_id,
        "kind": c.kind,
        "member_name": c.member.name,
        "member_id_number": mask_id_number(c.member.id_number),
        "plan": c.plan_choice,
        "event_date": c.event_date.isoformat(),
        "discharge_date": c.discharge_date.isoformat() if c.discharge_date else None,
        "disease": c.disease.name if c.disease else None,
        "status": c.case.status,
        "status_label": c.case.status_label,
        "suggested_amount": str(c.suggested_amount),
        "approved_amount": None if c.approved_amount is None else str(c.approved_amount),
    }


def roster_entry_json(e) -> dict:
    """One roster row; the ID number and the mobile masked."""
    return {
        "row": e.row_number,
        "name": e.name,
        "id_number": mask_id_number(e.id_number),
        "mobile": mask_mobile(e.mobile),
        "sex": e.sex,
        "birth_date": e.birth_date.isoformat(),
        "shares": e.shares,
    }
