"""参保职工名单: the roster table, 【参保职工名单模板下载】, 【导入参保职工名单】 (and 沿用上一保期名单), the
progress bar, 【重新导入】, 【下载错误清单】 and 【导出名单】."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_POST

from accounts.decorators import agent_required
from core.audit import audit_read
from core.errors import DomainError
from core.pagination import SeekPaginator, page_number, page_window
from core.uploads import upload_limit
from enrollment.documents import roster_errors_xlsx, roster_template_xlsx
from enrollment.forms import RosterUploadForm
from enrollment.import_states import LIVE
from enrollment.models import RosterImport
from enrollment.selectors import (
    application_for_roster_page,
    application_get_for,
    roster_import_get_for,
    roster_page,
    roster_plan_rows,
)
from enrollment.services import (
    plan_columns,
    roster_export_xlsx,
    roster_import_current,
    roster_import_retry,
    roster_upload,
)
from enrollment.services import (
    roster_from_previous as roster_from_previous_service,
)
from enrollment.views import to_roster_tab, xlsx_download

ROSTER_PAGE_SIZES = (20, 50, 200)


@login_required
def roster_list(request, pk):
    """htmx: the roster, paged (page numbers, a jump box, 20/50/200 a page) and searchable by part of a name
    or an ID number (agents on 查看, reviewers on the item screen)."""
    application = application_for_roster_page(request.user, pk)
    query = request.GET.get("q", "").strip()[:50]
    size = request.GET.get("size", "")
    size = int(size) if size.isdigit() and int(size) in ROSTER_PAGE_SIZES else ROSTER_PAGE_SIZES[0]
    paginator = SeekPaginator(roster_page(application, query=query), size, key="row_number")
    page = paginator.page(page_number(request.GET.get("page"), last=paginator.num_pages))
    context = {
        "application": application,
        "page": page,
        "rows": roster_plan_rows(application, page),
        "query": query,
        "size": size,
        "sizes": ROSTER_PAGE_SIZES,
        "window": page_window(page),
        "may_reveal": request.user.may_reveal,
    }
    return render(request, "enrollment/_roster_table.html", context)


@login_required
def roster_export(request, pk):
    """【导出名单】: the whole roster (or the rows matching the search) as xlsx, ID numbers masked;
    ?full=1 (a role that may see full values) exports them as submitted. Every export is audited."""
    application = application_get_for(request.user, pk)
    content = roster_export_xlsx(
        actor=request.user,
        application=application,
        query=request.GET.get("q", "").strip()[:50],
        full=request.GET.get("full") == "1" and request.user.may_reveal,
    )
    return xlsx_download(content, f"参保职工名单-{application.unit.name}-{application.pk}.xlsx")


@login_required
def roster_template(request, pk):
    """【参保职工名单模板下载】 — columns follow this application's plans."""
    application = application_get_for(request.user, pk)
    content = roster_template_xlsx(application=application, plans=plan_columns(application))
    return xlsx_download(content, f"参保职工名单模板-{application.unit.name}.xlsx")


def _announce(request, job: RosterImport) -> None:
    # The roster tab's import box shows the details (60+ warning, errors); the message is the headline.
    if job.status == RosterImport.Status.SUCCEEDED:
        messages.success(request, job.message)
    elif job.status in (RosterImport.Status.REJECTED, RosterImport.Status.FAILED):
        messages.error(request, "名单未导入，请查看下方的原因")
    else:
        rows = f"名单共{job.total_rows}行，" if job.total_rows else ""
        messages.info(request, f"{rows}正在后台导入，可以离开本页，稍后回来查看结果")


def _start(request, application, start, **arguments):
    """Run one of the import services; its outcome (or its refusal) becomes the page's message."""
    try:
        job = start(actor=request.user, application=application, **arguments)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        _announce(request, job)
    return to_roster_tab(application)


@upload_limit("ROSTER_MAX_BYTES")
@agent_required
@require_POST
def roster_upload_view(request, pk):
    """【导入参保职工名单】 → 【上传】. Large files continue in the background (progress bar)."""
    application = application_get_for(request.user, pk)
    form = RosterUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, next(iter(form.errors.get("file", [])), "请选择要上传的名单文件"))
        return to_roster_tab(application)
    data = form.cleaned_data
    return _start(
        request, application, roster_upload, upload=data["file"], only_valid_rows=data["only_valid_rows"]
    )


@agent_required
@require_POST
def roster_from_previous(request, pk):
    """Renewal: start from the previous period's roster (re-checked like an upload)."""
    return _start(request, application_get_for(request.user, pk), roster_from_previous_service)


@login_required
def import_status(request, pk):
    """htmx polling target: the progress bar while an import runs; a full refresh when it ends."""
    application = application_get_for(request.user, pk)
    job = roster_import_current(application=application)
    context = {
        "application": application,
        "job": job,
        "polling": True,
        "editable": application.case.is_editable,
    }
    response = render(request, "enrollment/_import_status.html", context)
    if job is not None and job.status not in LIVE:
        response["HX-Refresh"] = "true"
    return response


@agent_required
@require_POST
def import_retry(request, pk, job_pk):
    """【重新导入】 an interrupted import from its stored file."""
    job = roster_import_get_for(request.user, application_pk=pk, pk=job_pk)
    try:
        job = roster_import_retry(actor=request.user, job=job)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        _announce(request, job)
    return to_roster_tab(job.application)


@login_required
def import_errors(request, pk, job_pk):
    """【下载错误清单】 — every row error of an import as xlsx."""
    job = roster_import_get_for(request.user, application_pk=pk, pk=job_pk)
    audit_read(
        actor=request.user,
        verb="roster_errors_export",
        obj=job.application,
        details={"rows": job.error_count},
    )
    return xlsx_download(roster_errors_xlsx(job.errors), f"名单错误清单-{job.pk}.xlsx")
