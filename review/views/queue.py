"""待审核业务 (the reviewers' screens): the queue, what I decided, the item, 通过/退回/不予给付."""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.decorators import reviewer_required
from core.audit import audit_read
from core.errors import DomainError
from review.engine import case_transition
from review.forms import DecisionForm, QueueFilterForm
from review.models import BusinessKind, Status
from review.registry import business_type_for
from review.selectors import (
    active_materials,
    case_get_for,
    cases_decided_by,
    review_queue_rows,
    timeline_context,
)


@reviewer_required
def queue(request):
    """待审核业务: items at my step, oldest first, with filters."""
    form = QueueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    cases = review_queue_rows(
        request.user,
        kind=filters.get("kind") or "",
        unit_name=filters.get("unit") or "",
        district_id=filters.get("district"),
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    page = Paginator(cases, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "review/queue.html",
        {
            "page": page,
            "form": form,
            "page_title": "待审核业务",
            "show_district": request.user.is_city_reviewer,
        },
    )


@reviewer_required
def decided(request):
    """已处理业务: what I approved or returned, with its current status."""
    page = Paginator(cases_decided_by(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "review/decided.html", {"page": page, "page_title": "已处理业务"})


@login_required
def case_detail(request, pk):
    """The item under review: the business's tabs, its materials (previewed), the timeline, 通过/退回."""
    case = case_get_for(request.user, pk)
    if request.user.is_agent:
        return redirect(business_type_for(case.kind).agent_url(case))
    business = business_type_for(case.kind)
    if case.kind == BusinessKind.CLAIM:
        audit_read(actor=request.user, verb="claim_view", obj=case, details={"what": "保障金申请（含诊断）"})
    can_decide = rules.has_perm("review.decide_case", request.user, case) and case.status == Status.IN_REVIEW
    context = {
        "case": case,
        "business": business,
        "detail_template": business.detail_template,
        "materials": active_materials(case),
        "slots": business.slots_for(case),
        **timeline_context(case),
        "can_decide": can_decide,
        "can_reject": can_decide and case.workflow.allows_reject,
        "decision_form": DecisionForm(initial={"version": case.version}),
        "page_title": str(case),
        **business.detail_context(case),
    }
    return render(request, "review/case_detail.html", context)


@login_required
@require_POST
def decide(request, pk):
    """通过 / 退回 (reason required) / 不予给付 — through the engine, race-safe."""
    case = case_get_for(request.user, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        if "reason" in form.errors:
            messages.error(request, f"意见/退回原因{form.errors['reason'][0]}")
        else:
            messages.error(request, "请求无效，请刷新页面后重试")
        return redirect("review:case", pk=case.pk)
    data = form.cleaned_data
    try:
        case = case_transition(
            case=case,
            action=data["action"],
            actor=request.user,
            reason=data["reason"],
            expected_version=data["version"],
            data=request.POST,
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("review:case", pk=case.pk)
    messages.success(
        request,
        f"已{dict(form.fields['action'].choices)[data['action']]}：{case.title}，当前状态：{case.status_label}",
    )
    return redirect("review:queue")
