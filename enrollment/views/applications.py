"""参保业务经办 → 参保申请: the list, 【主保期参保】/【补充参保申请】 and 编辑, 查看, 上报 and 删除."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.decorators import agent_required
from core.errors import DomainError
from enrollment.forms import ApplicationForm, RosterUploadForm
from enrollment.models import Application
from enrollment.selectors import (
    application_get_for,
    application_list_for_agent,
    application_page,
    latest_plan_shares,
    period_hints,
    units_for_enrollment,
)
from enrollment.services import application_create, application_update, roster_import_current
from enrollment.views import to_roster_tab
from review.models import Status
from review.ui import agent_case_actions

Kind = Application.Kind


def row_actions(application: Application) -> list[dict]:
    """上报 / 查看 / 查看退回原因 / 编辑 / 【缴费通知单】 (once approved) / 删除."""
    detail = reverse("enrollment:detail", args=[application.pk])
    extra = []
    if application.case.status in (Status.APPROVED, Status.EFFECTIVE):
        extra.append(
            {
                "key": "notice",
                "label": "缴费通知单",
                "url": reverse("billing:notice_pdf", args=[application.pk]),
                "css": "btn-outline-success",
            }
        )
    return agent_case_actions(
        application.case,
        detail_url=detail,
        reason_url=detail + "?tab=flow",
        submit_url=reverse("enrollment:submit", args=[application.pk]),
        edit_url=reverse("enrollment:edit", args=[application.pk]),
        delete_url=reverse("enrollment:delete", args=[application.pk]),
        delete_confirm="确定删除该参保申请吗？",
        extra=extra,
    )


@agent_required
def application_list(request):
    """参保业务经办 → 参保申请."""
    apps = application_list_for_agent(
        request.user, kind=request.GET.get("kind", ""), status=request.GET.get("status", "")
    )
    page = Paginator(apps, 20).get_page(request.GET.get("page"))
    rows = [{"application": a, "case": a.case, "actions": row_actions(a)} for a in page]
    context = {"page": page, "rows": rows, "kinds": Kind.choices, "statuses": Status.choices}
    return render(request, "enrollment/application_list.html", {**context, "page_title": "参保申请"})


def _form_page(request, form, *, kind, units, title, application=None):
    context = {
        "form": form,
        "application": application,
        "kind": kind,
        "supplementary": kind != Kind.MAIN,
        "hints": period_hints(units, today=timezone.localdate()),
        "page_title": title,
    }
    return render(request, "enrollment/application_form.html", context)


def _period_fields(data: dict) -> dict:
    return {key: data[key] for key in ("plans", "period_start", "period_end", "note")}


@agent_required
def application_create_view(request):
    """【主保期参保】 / 【补充参保申请】 → the form → 【提交】 → the 参保职工名单 tab."""
    units = units_for_enrollment(request.user)
    if not units:
        messages.warning(request, "您还没有注册审核通过的单位，请先在“单位注册”中注册单位")
        return redirect("enrollment:list")
    kind = request.POST.get("kind") or request.GET.get("kind") or Kind.MAIN
    kind = kind if kind in Kind.values else Kind.MAIN
    initial = {"kind": kind, "unit": units[0].pk}
    # renewals usually keep the plans and 份 of the period they follow
    initial.update({f"plan_{code}": shares for code, shares in latest_plan_shares(units[0]).items()})
    form = ApplicationForm(request.POST or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = next(u for u in units if u.pk == data["unit"])
        try:
            application = application_create(
                actor=request.user, unit=unit, kind=data["kind"], **_period_fields(data)
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "申请已提交，请导入参保职工名单")
            return to_roster_tab(application)
    title = "主保期参保" if kind == Kind.MAIN else "补充参保申请"
    return _form_page(request, form, kind=kind, units=units, title=title)


@agent_required
def application_edit(request, pk):
    """编辑 a 草稿/退回 application (a change of plans, 份 or period clears the roster)."""
    application = application_get_for(request.user, pk)
    if not application.case.is_editable:
        messages.error(request, f"当前状态为“{application.case.status_label}”，不能编辑")
        return redirect("enrollment:detail", pk=application.pk)
    units = [application.unit]
    initial = ApplicationForm.initial_from(application)
    form = ApplicationForm(request.POST or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            application_update(
                actor=request.user, application=application, **_period_fields(form.cleaned_data)
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "申请信息已保存")
            return to_roster_tab(application)
    return _form_page(
        request, form, kind=application.kind, units=units, title="编辑参保申请", application=application
    )


@login_required
def application_detail(request, pk):
    """查看: 申请信息 / 参保职工名单 / 材料 / 审核流程 / 缴费 (staff see the item on the review screen)."""
    application = application_get_for(request.user, pk)
    if not request.user.is_agent:
        return redirect("review:case", pk=application.case_id)
    context = {
        **application_page(request.user, application),
        "job": roster_import_current(application=application),
        "tab": request.GET.get("tab", "info"),
        "actions": [a for a in row_actions(application) if a["key"] != "view"],
        "upload_form": RosterUploadForm(),
        "page_title": f"{application.get_kind_display()} · {application.unit.name}",
    }
    return render(request, "enrollment/application_detail.html", context)
