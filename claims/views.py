"""理赔业务经办 → 理赔申请 (manual §3): thin views over claims.services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from claims.forms import ClaimForm
from claims.models import Claim
from claims.selectors import claim_get_for, claim_list_for, member_in_agent_units
from claims.services import claim_create, claim_update, recheck
from core.audit import audit_member_lookup, audit_read
from core.errors import DomainError
from core.masking import mask_bank_account
from core.validators import normalize_code
from review.engine import steps_ahead
from review.models import Action, Status
from review.registry import business_type_for
from review.selectors import materials_context
from review.web import agent_case_actions, agent_transition


def _agent_only(request):
    if not request.user.is_agent:
        raise PermissionDenied


def _row_actions(claim: Claim) -> list[dict]:
    detail = reverse("claims:detail", args=[claim.pk])
    return agent_case_actions(
        claim.case,
        detail_url=detail,
        reason_url=detail + "?tab=flow",
        submit_url=reverse("claims:submit", args=[claim.pk]),
        edit_url=reverse("claims:edit", args=[claim.pk]),
        delete_url=reverse("claims:delete", args=[claim.pk]),
        delete_confirm="确定删除该申请吗？",
    )


@login_required
def claim_list(request):
    """理赔申请: the agent's claims with statuses and filters."""
    _agent_only(request)
    claims = claim_list_for(
        request.user,
        kind=request.GET.get("kind", ""),
        status=request.GET.get("status", ""),
        query=request.GET.get("q", "").strip(),
    )
    page = Paginator(claims, 20).get_page(request.GET.get("page"))
    rows = [{"claim": c, "case": c.case, "actions": _row_actions(c)} for c in page]
    statuses = [(v, label) for v, label in Status.choices if v not in (Status.DELETED, Status.EFFECTIVE)]
    return render(
        request,
        "claims/claim_list.html",
        {
            "page": page,
            "rows": rows,
            "kinds": Claim.Kind.choices,
            "statuses": statuses,
            "page_title": "理赔申请",
        },
    )


def _form_kwargs(data: dict) -> dict:
    return {
        "plan_choice": data["plan_choice"],
        "event_date": data["event_date"],
        "hospital": data["hospital"],
        "payee_name": data["payee_name"],
        "payee_bank": data["payee_bank"],
        "payee_account": data["payee_account"],
        "disease": data.get("disease"),
        "accident_description": data.get("accident_description", ""),
        "injury": data.get("injury", ""),
        "disability_grade": data.get("disability_grade"),
    }


@login_required
def claim_create_view(request):
    """【重疾女工理赔申请】 / 【意外伤害理赔申请】 → 【保存】 → 申请成功 → 【上传材料】."""
    _agent_only(request)
    kind = request.GET.get("kind") or request.POST.get("kind") or Claim.Kind.ILLNESS
    if kind not in Claim.Kind.values:
        kind = Claim.Kind.ILLNESS
    initial = {"plan_choice": Claim.PlanChoice.YW} if kind == Claim.Kind.ACCIDENT else {}
    form = ClaimForm(request.POST or None, kind=kind, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            claim, results = claim_create(
                actor=request.user, kind=kind, id_number=data["id_number"], **_form_kwargs(data)
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            for warning in [r for r in results if not r.blocking]:
                messages.warning(request, warning.message)
            return redirect(reverse("claims:detail", args=[claim.pk]) + "?tab=materials&saved=1")
    context = {"form": form, "kind": kind, "page_title": Claim.Kind(kind).label}
    return render(request, "claims/claim_form.html", context)


@login_required
def claim_edit(request, pk):
    """编辑 (草稿 / 材料待补充): change the form; materials are added on the 材料 tab."""
    _agent_only(request)
    claim = claim_get_for(request.user, pk)
    if not claim.case.is_editable:
        messages.error(request, f"当前状态为“{claim.case.status_label}”，不能编辑")
        return redirect("claims:detail", pk=claim.pk)
    initial = {
        "plan_choice": claim.plan_choice,
        "event_date": claim.event_date,
        "disease": claim.disease_id,
        "hospital": claim.hospital,
        "accident_description": claim.accident_description,
        "injury": claim.injury,
        "disability_grade": claim.disability_grade,
        "payee_name": claim.payee_name,
        "payee_bank": claim.payee_bank,
    }
    form = ClaimForm(request.POST or None, kind=claim.kind, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = {
            **form.cleaned_data,
            "payee_account": form.cleaned_data["payee_account"] or claim.payee_account,
        }
        try:
            claim_update(actor=request.user, claim=claim, **_form_kwargs(data))
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "申请已保存，请补充材料后上报")
            return redirect(reverse("claims:detail", args=[claim.pk]) + "?tab=materials")
    context = {
        "form": form,
        "kind": claim.kind,
        "claim": claim,
        "masked_account": mask_bank_account(claim.payee_account),
        "page_title": "编辑保障金申请",
    }
    return render(request, "claims/claim_form.html", context)


@login_required
def claim_detail(request, pk):
    claim = claim_get_for(request.user, pk)
    if not request.user.is_agent:
        return redirect("review:case", pk=claim.case_id)
    audit_read(actor=request.user, verb="claim_view", obj=claim, details={"what": "保障金申请（含诊断）"})
    case = claim.case
    business = business_type_for(case.kind)
    editable = case.is_editable
    context = {
        **materials_context(request.user, case),
        "claim": claim,
        "lines": list(claim.lines.select_related("plan")),
        "tab": request.GET.get("tab", "info"),
        "saved": request.GET.get("saved") == "1",
        "actions": [a for a in _row_actions(claim) if a["key"] != "view"],
        "required_labels": [s.label for s in business.slots_for(case) if s.required],
        "editable": editable,
        "transitions": case.transitions.all(),
        "steps_ahead": steps_ahead(case),
        "eligibility_now": [r.as_dict() for r in recheck(claim)] if editable else claim.eligibility,
        "page_title": Claim.Kind(claim.kind).label,
    }
    if case.status == Status.REJECTED:
        decision = case.transitions.filter(action=Action.REJECT).order_by("-at", "-id").first()
        context["rejection"] = decision
    return render(request, "claims/claim_detail.html", context)


@login_required
@require_POST
def claim_submit(request, pk):
    _agent_only(request)
    claim = claim_get_for(request.user, pk)
    agent_transition(request, claim.case, Action.SUBMIT, success="保障金申请已上报，当前状态：{status}")
    return redirect("claims:list")


@login_required
@require_POST
def claim_delete(request, pk):
    _agent_only(request)
    claim = claim_get_for(request.user, pk)
    agent_transition(request, claim.case, Action.DELETE, success="申请已删除")
    return redirect("claims:list")


@login_required
def member_panel(request):
    """htmx: 会员身份证号 → the member's name and effective coverages in the agent's units, or a message."""
    _agent_only(request)
    id_number = normalize_code(request.GET.get("id_number", ""))
    member, coverages = member_in_agent_units(request.user, id_number) if len(id_number) == 18 else (None, [])
    if len(id_number) == 18:
        audit_member_lookup(actor=request.user, member=member, id_number=id_number, where="保障金申请")
    return render(
        request,
        "claims/_member_panel.html",
        {"member": member, "coverages": coverages, "id_number": id_number},
    )
