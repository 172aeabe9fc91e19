"""理赔业务经办 → 理赔申请 (manual §3): the agent's list, 【重疾女工理赔申请】/【意外伤害理赔申请】/
【住院医疗保障金申请】 (with the medical receipt rows), 编辑, 查看 with 材料 and 审核流程, and the member
panel of the form. Thin views over claims.services; 上报/删除 are review.views.agent.case_action."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.decorators import agent_required
from claims.forms import ClaimForm, heir_formset, heir_specs, receipt_formset
from claims.models import Claim
from claims.selectors import claim_get_for, claim_lines, claim_list_for, claim_receipts, member_in_agent_units
from claims.services import claim_create, claim_update, recheck
from core.audit import audit_member_lookup, audit_read
from core.errors import DomainError
from core.masking import mask_bank_account
from core.validators import normalize_code
from review.models import Status
from review.registry import business_type_for
from review.selectors import materials_context, timeline_context
from review.ui import agent_case_actions, agent_urls, without_view

# The statuses an agent can filter by (a deleted claim is gone; 保期生效 is enrollment's).
LIST_STATUSES = [(v, label) for v, label in Status.choices if v not in (Status.DELETED, Status.EFFECTIVE)]


def _row_actions(claim: Claim) -> list[dict]:
    urls = agent_urls("claims:", claim.pk)
    return agent_case_actions(
        claim.case, **urls, reason_url=urls["detail_url"] + "?tab=flow", delete_confirm="确定删除该申请吗？"
    )


@agent_required
def claim_list(request):
    """理赔申请: the agent's claims with statuses and filters."""
    claims = claim_list_for(
        request.user,
        kind=request.GET.get("kind", ""),
        status=request.GET.get("status", ""),
        query=request.GET.get("q", "").strip(),
    )
    page = Paginator(claims, 20).get_page(request.GET.get("page"))
    rows = [{"claim": c, "case": c.case, "actions": _row_actions(c)} for c in page]
    return render(
        request,
        "claims/claim_list.html",
        {
            "page": page,
            "rows": rows,
            "kinds": Claim.Kind.choices,
            "statuses": LIST_STATUSES,
            "page_title": "理赔申请",
        },
    )


def _receipts_of_form(request, kind, receipts=()):
    """The receipt rows (住院医疗, 意外伤害) or None; `adding` when the no-JS 【添加票据】 was pressed."""
    if kind == Claim.Kind.ILLNESS:
        return None, False
    adding = request.method == "POST" and "add_receipt" in request.POST
    data = request.POST if request.method == "POST" else None
    return receipt_formset(data, receipts=receipts, add_row=adding), adding


def _parsed(form, formset) -> bool:
    """Form and receipt rows both valid; a row's first problem becomes the form's message. The rows of
    an accident count only for 伤情「医疗」 (else they are hidden and ignored)."""
    valid = form.is_valid()
    if valid and form.kind == Claim.Kind.ACCIDENT and form.cleaned_data.get("injury") != Claim.Injury.MEDICAL:
        return True
    if formset is not None and not formset.is_valid():
        form.add_error(None, formset.first_error())
        return False
    return valid


PLAN_OF_KIND = {Claim.Kind.ACCIDENT: Claim.PlanChoice.YW, Claim.Kind.MEDICAL: Claim.PlanChoice.YL}


@agent_required
def claim_create_view(request):
    """【重疾女工理赔申请】 / 【意外伤害理赔申请】 / 【住院医疗保障金申请】 → 【保存】 → 申请成功 →
    【上传材料】."""
    kind = request.GET.get("kind") or request.POST.get("kind") or Claim.Kind.ILLNESS
    if kind not in Claim.Kind.values:
        kind = Claim.Kind.ILLNESS
    initial = {"plan_choice": PLAN_OF_KIND[kind]} if kind in PLAN_OF_KIND else {}
    form = ClaimForm(request.POST or None, kind=kind, initial=initial)
    heirs = heir_formset(request.POST if request.method == "POST" else None)
    formset, adding = _receipts_of_form(request, kind)
    parsed = request.method == "POST" and not adding and _parsed(form, formset)
    if parsed and (specs := heir_specs(heirs)) is not None:
        try:
            claim, results = claim_create(
                actor=request.user,
                kind=kind,
                id_number=form.cleaned_data["id_number"],
                heirs=specs,
                receipts=formset.receipts() if formset is not None else (),
                **form.claim_fields(),
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            for warning in [r for r in results if not r.blocking]:
                messages.warning(request, warning.message)
            return redirect(reverse("claims:detail", args=[claim.pk]) + "?tab=materials&saved=1")
    context = {
        "form": form,
        "heirs": heirs,
        "formset": formset,
        "kind": kind,
        "page_title": Claim.Kind(kind).label,
    }
    return render(request, "claims/claim_form.html", context)


@agent_required
def claim_edit(request, pk):
    """编辑 (草稿 / 材料待补充): change the form; materials are added on the 材料 tab."""
    claim = claim_get_for(request.user, pk)
    if not claim.case.is_editable:
        messages.error(request, f"当前状态为“{claim.case.status_label}”，不能编辑")
        return redirect("claims:detail", pk=claim.pk)
    form = ClaimForm(
        request.POST or None, kind=claim.kind, initial=ClaimForm.initial_from(claim), editing=True
    )
    heirs = heir_formset(request.POST if request.method == "POST" else None, claim=claim)
    formset, adding = _receipts_of_form(request, claim.kind, claim_receipts(claim))
    parsed = request.method == "POST" and not adding and _parsed(form, formset)
    if parsed and (specs := heir_specs(heirs)) is not None:
        try:
            claim_update(
                actor=request.user,
                claim=claim,
                heirs=specs,
                receipts=formset.receipts() if formset is not None else None,
                **form.claim_fields(keep_account=claim.payee_account),
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "申请已保存，请补充材料后上报")
            return redirect(reverse("claims:detail", args=[claim.pk]) + "?tab=materials")
    context = {
        "form": form,
        "heirs": heirs,
        "formset": formset,
        "kind": claim.kind,
        "claim": claim,
        "masked_account": mask_bank_account(claim.payee_account),
        "page_title": "编辑保障金申请",
    }
    return render(request, "claims/claim_form.html", context)


@login_required
def claim_detail(request, pk):
    """查看: 申请信息 with the eligibility panel, 材料, 审核流程; staff go to the review item instead."""
    claim = claim_get_for(request.user, pk)
    if not request.user.is_agent:
        return redirect("review:case", pk=claim.case_id)
    audit_read(actor=request.user, verb="claim_view", obj=claim, details={"what": "保障金申请（含诊断）"})
    case = claim.case
    editable = case.is_editable
    context = {
        **materials_context(request.user, case),
        **timeline_context(case),
        "claim": claim,
        "lines": claim_lines(claim),
        "receipts": claim_receipts(claim),
        "tab": request.GET.get("tab", "info"),
        "saved": request.GET.get("saved") == "1",
        "actions": without_view(_row_actions(claim)),
        "required_labels": [s.label for s in business_type_for(case.kind).slots_for(case) if s.required],
        "editable": editable,
        "eligibility_now": [r.as_dict() for r in recheck(claim)] if editable else claim.eligibility,
        "page_title": Claim.Kind(claim.kind).label,
    }
    return render(request, "claims/claim_detail.html", context)


@agent_required
def member_panel(request):
    """htmx: 会员身份证号 → the member's name and effective coverages in the agent's units, or a message."""
    id_number = normalize_code(request.GET.get("id_number", ""))
    member, coverages = None, []
    if len(id_number) == 18:
        member, coverages = member_in_agent_units(request.user, id_number)
        audit_member_lookup(actor=request.user, member=member, id_number=id_number, where="保障金申请")
    return render(
        request,
        "claims/_member_panel.html",
        {"member": member, "coverages": coverages, "id_number": id_number},
    )
