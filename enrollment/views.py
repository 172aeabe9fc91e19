"""参保业务经办 → 参保申请 (manual §2): thin views over enrollment.services."""

import datetime
import re
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.reveal import may_reveal
from core.audit import audit_member_lookup, audit_read
from core.errors import DomainError
from core.pagination import page_number, page_window
from core.uploads import upload_limit
from core.validators import normalize_code
from enrollment.documents import XLSX, roster_errors_xlsx, roster_template_xlsx
from enrollment.exports import roster_export_xlsx
from enrollment.forms import ApplicationForm, RosterUploadForm
from enrollment.models import Application, RosterImport
from enrollment.periods import age_on, expiry_month_label, twelve_month_period
from enrollment.selectors import (
    application_get_for,
    application_list_for_agent,
    latest_period,
    member_lookup,
    member_lookup_by_pk,
    member_units,
    members_by_name,
    roster_page,
)
from enrollment.services import (
    application_create,
    application_update,
    plan_columns,
    roster_import_retry,
    roster_imports_expire,
    roster_upload,
)
from review.engine import steps_ahead
from review.models import Action, Status
from review.selectors import materials_context
from review.web import agent_case_actions, agent_transition
from units.selectors import units_visible_to

Kind = Application.Kind


def _agent_only(request):
    if not request.user.is_agent:
        raise PermissionDenied


def _download(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _row_actions(application: Application) -> list[dict]:
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


@login_required
def application_list(request):
    """参保业务经办 → 参保申请."""
    _agent_only(request)
    apps = application_list_for_agent(
        request.user, kind=request.GET.get("kind", ""), status=request.GET.get("status", "")
    )
    page = Paginator(apps, 20).get_page(request.GET.get("page"))
    rows = [{"application": a, "case": a.case, "actions": _row_actions(a)} for a in page]
    return render(
        request,
        "enrollment/application_list.html",
        {
            "page": page,
            "rows": rows,
            "kinds": Kind.choices,
            "statuses": Status.choices,
            "page_title": "参保申请",
        },
    )


def _agent_units(user):
    return list(units_visible_to(user).filter(approved_at__isnull=False).order_by("name"))


def _period_hint(units, today):
    """Per unit: its current paid period and, when it has one, the next main period it continues into."""
    hints = {}
    for unit in units:
        latest = latest_period(unit)
        if latest is not None:
            hint = f"当前保期：{latest.period_start:%Y-%m-%d} 至 {latest.period_end:%Y-%m-%d}"
            if latest.period_end >= today:
                start, end = twelve_month_period(latest.period_end + datetime.timedelta(days=1))
                hint += f"；主保期参保将自动接续为 {start:%Y-%m-%d} 至 {end:%Y-%m-%d}"
                hint += f"，须在{expiry_month_label(latest.period_end)}上报"
            hints[unit.pk] = hint
    return hints


@login_required
def application_create_view(request):
    """【主保期参保】 / 【补充参保申请】 → the form → 【提交】 → the 参保职工名单 tab."""
    _agent_only(request)
    units = _agent_units(request.user)
    if not units:
        messages.warning(request, "您还没有注册审核通过的单位，请先在“单位注册”中注册单位")
        return redirect("enrollment:list")
    kind = request.POST.get("kind") or request.GET.get("kind") or Kind.MAIN
    if kind not in Kind.values:
        kind = Kind.MAIN
    initial = {"kind": kind, "unit": units[0].pk}
    previous = latest_period(units[0])
    if previous is not None:  # renewals usually keep the plans and 份 of the period they follow
        initial.update(
            {f"plan_{line.plan.code}": line.shares for line in previous.plan_lines.select_related("plan")}
        )
    form = ApplicationForm(request.POST or None, units=units, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = next(u for u in units if u.pk == data["unit"])
        try:
            application = application_create(
                actor=request.user,
                unit=unit,
                kind=data["kind"],
                plans=data["plans"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                note=data["note"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "申请已提交，请导入参保职工名单")
            return redirect(reverse("enrollment:detail", args=[application.pk]) + "?tab=roster")
    context = {
        "form": form,
        "kind": kind,
        "supplementary": kind != Kind.MAIN,
        "hints": _period_hint(units, timezone.localdate()),
        "page_title": "主保期参保" if kind == Kind.MAIN else "补充参保申请",
    }
    return render(request, "enrollment/application_form.html", context)


@login_required
def application_edit(request, pk):
    _agent_only(request)
    application = application_get_for(request.user, pk)
    if not application.case.is_editable:
        messages.error(request, f"当前状态为“{application.case.status_label}”，不能编辑")
        return redirect("enrollment:detail", pk=application.pk)
    units = [application.unit]
    form = ApplicationForm(
        request.POST or None, units=units, initial=ApplicationForm.initial_from(application)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application_update(
                actor=request.user,
                application=application,
                plans=data["plans"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                note=data["note"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "申请信息已保存")
            return redirect(reverse("enrollment:detail", args=[application.pk]) + "?tab=roster")
    context = {
        "form": form,
        "application": application,
        "kind": application.kind,
        "supplementary": application.kind != Kind.MAIN,
        "hints": _period_hint(units, timezone.localdate()),
        "page_title": "编辑参保申请",
    }
    return render(request, "enrollment/application_form.html", context)


def review_context(application: Application, request=None) -> dict:
    """What reviewers (and the agent's 查看) see: plan lines, counts, 60+ count, amount."""
    return {
        "application": application,
        "plan_lines": list(application.plan_lines.select_related("plan")),
        "roster_url": reverse("enrollment:roster", args=[application.pk]),
    }


@login_required
def application_detail(request, pk):
    """查看: 申请信息 / 参保职工名单 / 材料 / 审核流程 / 缴费."""
    application = application_get_for(request.user, pk)
    if not request.user.is_agent:
        return redirect("review:case", pk=application.case_id)
    case = application.case
    editable = case.is_editable
    roster_imports_expire(application=application)
    latest_import = application.imports.first()
    previous = _previous_application(application)
    context = {
        **review_context(application),
        **materials_context(request.user, case),
        "tab": request.GET.get("tab", "info"),
        "editable": editable,
        "actions": [a for a in _row_actions(application) if a["key"] != "view"],
        "job": latest_import,
        "upload_form": RosterUploadForm(),
        "transitions": case.transitions.all(),
        "steps_ahead": steps_ahead(case),
        "previous": previous,
        "roster_diff": _roster_diff(application, previous) if previous else None,
        "notice": getattr(application, "payment_notice", None),
        "page_title": f"{application.get_kind_display()} · {application.unit.name}",
    }
    return render(request, "enrollment/application_detail.html", context)


def _previous_application(application: Application) -> Application | None:
    if application.kind == Kind.SUPPLEMENT:
        return None
    return (
        Application.objects.filter(
            unit=application.unit, kind__in=[Kind.MAIN, Kind.RENEWAL], case__status=Status.EFFECTIVE
        )
        .exclude(pk=application.pk)
        .filter(period_end__lt=application.period_start)
        .order_by("-period_end")
        .first()
    )


def _roster_diff(application, previous, *, names: int = 30) -> dict:
    """Who joined and who left compared with the previous period's roster (counts, and the first names)."""
    now = dict(application.roster.values_list("id_number", "name"))
    before = dict(previous.roster.values_list("id_number", "name"))
    joined = sorted(set(now) - set(before))
    left = sorted(set(before) - set(now))
    return {
        "joined": len(joined),
        "left": len(left),
        "stayed": len(set(now) & set(before)),
        "joined_names": [now[i] for i in joined[:names]],
        "left_names": [before[i] for i in left[:names]],
    }


ROSTER_PAGE_SIZES = (20, 50, 200)


@login_required
def roster_list(request, pk):
    """htmx: the roster, paged (page numbers, a jump box, 20/50/200 a page) and searchable by part of a name
    or an ID number (agents on 查看, reviewers on the item screen)."""
    application = application_get_for(request.user, pk)
    query = request.GET.get("q", "").strip()[:50]
    size = request.GET.get("size", "")
    size = int(size) if size.isdigit() and int(size) in ROSTER_PAGE_SIZES else ROSTER_PAGE_SIZES[0]
    paginator = Paginator(roster_page(application, query=query), size)
    page = paginator.page(page_number(request.GET.get("page"), last=paginator.num_pages))
    lines = list(application.plan_lines.select_related("plan"))
    rows = [
        {
            "entry": e,
            "age": age_on(e.birth_date, application.period_start),
            "plans": [
                (line.plan.name, e.shares[line.plan.code]) for line in lines if line.plan.code in e.shares
            ],
        }
        for e in page
    ]
    return render(
        request,
        "enrollment/_roster_table.html",
        {
            "application": application,
            "page": page,
            "rows": rows,
            "query": query,
            "size": size,
            "sizes": ROSTER_PAGE_SIZES,
            "window": page_window(page),
            "may_reveal": may_reveal(request.user),
        },
    )


@login_required
def roster_export(request, pk):
    """【导出名单】: the whole roster (or the rows matching the search) as xlsx, ID numbers masked;
    ?full=1 (a role that may see full values) exports them as submitted. Every export is audited."""
    application = application_get_for(request.user, pk)
    content = roster_export_xlsx(
        actor=request.user,
        application=application,
        query=request.GET.get("q", "").strip()[:50],
        full=request.GET.get("full") == "1" and may_reveal(request.user),
    )
    return _download(content, f"参保职工名单-{application.unit.name}-{application.pk}.xlsx")


@login_required
def roster_template(request, pk):
    """【参保职工名单模板下载】 — columns follow this application's plans."""
    application = application_get_for(request.user, pk)
    content = roster_template_xlsx(application=application, plans=plan_columns(application))
    return _download(content, f"参保职工名单模板-{application.unit.name}.xlsx")


@upload_limit("ROSTER_MAX_BYTES")
@login_required
@require_POST
def roster_upload_view(request, pk):
    """【导入参保职工名单】 → 【上传】. Large files continue in the background (progress bar)."""
    _agent_only(request)
    application = application_get_for(request.user, pk)
    form = RosterUploadForm(request.POST, request.FILES)
    target = reverse("enrollment:detail", args=[application.pk]) + "?tab=roster"
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.get("file", [])), "请选择要上传的名单文件"))
        return redirect(target)
    try:
        job = roster_upload(
            actor=request.user,
            application=application,
            upload=form.cleaned_data["file"],
            only_valid_rows=form.cleaned_data["only_valid_rows"],
        )
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(target)
    _announce(request, job)
    return redirect(target)


def _announce(request, job):
    # The roster tab's import box shows the details (60+ warning, errors); the message is the headline.
    if job.status == RosterImport.Status.SUCCEEDED:
        messages.success(request, job.message)
    elif job.status in (RosterImport.Status.REJECTED, RosterImport.Status.FAILED):
        messages.error(request, "名单未导入，请查看下方的原因")
    else:
        rows = f"名单共{job.total_rows}行，" if job.total_rows else ""
        messages.info(request, f"{rows}正在后台导入，可以离开本页，稍后回来查看结果")


@login_required
def import_status(request, pk):
    """htmx polling target: the progress bar while an import runs; a full refresh when it ends."""
    application = application_get_for(request.user, pk)
    roster_imports_expire(application=application)
    job = application.imports.first()
    response = render(
        request,
        "enrollment/_import_status.html",
        {"application": application, "job": job, "polling": True, "editable": application.case.is_editable},
    )
    if job is not None and job.status not in (RosterImport.Status.PENDING, RosterImport.Status.RUNNING):
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def import_retry(request, pk, job_pk):
    _agent_only(request)
    application = application_get_for(request.user, pk)
    job = get_object_or_404(RosterImport, pk=job_pk, application=application)
    try:
        job = roster_import_retry(actor=request.user, job=job)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        _announce(request, job)
    return redirect(reverse("enrollment:detail", args=[application.pk]) + "?tab=roster")


@login_required
def import_errors(request, pk, job_pk):
    """【下载错误清单】 — every row error of an import as xlsx."""
    application = application_get_for(request.user, pk)
    job = get_object_or_404(RosterImport, pk=job_pk, application=application)
    audit_read(
        actor=request.user, verb="roster_errors_export", obj=application, details={"rows": job.error_count}
    )
    return _download(roster_errors_xlsx(job.errors), f"名单错误清单-{job.pk}.xlsx")


@login_required
@require_POST
def roster_from_previous(request, pk):
    """Renewal: start from the previous period's roster (re-checked like an upload)."""
    _agent_only(request)
    application = application_get_for(request.user, pk)
    previous = _previous_application(application)
    target = reverse("enrollment:detail", args=[application.pk]) + "?tab=roster"
    if previous is None:
        messages.error(request, "没有可沿用的上一保期名单")
        return redirect(target)
    plans = plan_columns(application)
    rows = [
        (e.name, e.id_number, e.mobile, {p.code: p.shares for p in plans if p.code in e.shares})
        for e in previous.roster.all()
    ]
    content = roster_template_xlsx(application=application, plans=plans, rows=rows)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("上一保期名单.xlsx", content, content_type=XLSX)
    try:
        job = roster_upload(actor=request.user, application=application, upload=upload, only_valid_rows=True)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(target)
    _announce(request, job)
    return redirect(target)


@login_required
@require_POST
def application_submit(request, pk):
    _agent_only(request)
    application = application_get_for(request.user, pk)
    agent_transition(request, application.case, Action.SUBMIT, success="参保申请已上报，当前状态：{status}")
    return redirect("enrollment:list")


@login_required
@require_POST
def application_delete(request, pk):
    _agent_only(request)
    application = application_get_for(request.user, pk)
    agent_transition(request, application.case, Action.DELETE, success="参保申请已删除")
    return redirect("enrollment:list")


ID_LIKE = re.compile(r"^[0-9Xx]+$")


@login_required
def member_search(request):
    """会员查询: the coverage history of a member (agents: in their units; staff: all), found by the full
    ID number or by 姓名 (then the matching members, with masked IDs, to pick from)."""
    raw = (request.GET.get("q") or request.GET.get("id_number") or "").strip()
    picked = request.GET.get("member", "")
    context = {"query": raw, "page_title": "会员查询", "today": timezone.localdate()}
    if picked.isdigit():
        member, context["coverages"] = member_lookup_by_pk(request.user, int(picked))
        context["member"], context["searched"] = member, "pick"
        if member is not None:
            audit_member_lookup(actor=request.user, member=member, id_number=member.id_number)
    elif raw and ID_LIKE.match(raw.replace(" ", "")):
        code = normalize_code(raw)
        if len(code) not in (15, 18):
            context["searched"] = "partial_id"  # say plainly what is needed
        else:
            member, context["coverages"] = member_lookup(request.user, code)
            context["member"], context["searched"] = member, "id"
            audit_member_lookup(actor=request.user, member=member, id_number=code)
    elif raw:
        found = members_by_name(request.user, raw)
        context["searched"] = "name"
        context["matches"] = [
            {"member": m, "units": units} for m, units in member_units(request.user, found).items()
        ]
        audit_read(
            actor=request.user,
            verb="member_lookup",
            object_type="enrollment.member",
            object_repr=raw[:50],
            details={"name": raw[:50], "found": len(context["matches"]), "what": "会员查询（姓名）"},
        )
    return render(request, "enrollment/member_search.html", context)
