"""【缴费通知单】: the payment notice PDF of an approved application."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect

from billing.selectors import notice_for_application
from billing.services import payment_notice_document
from core.audit import audit_read
from core.errors import DomainError


@login_required
def notice_pdf(request, application_pk):
    """【缴费通知单】 PDF for the unit's agent, reviewers and finance."""
    notice = notice_for_application(request.user, application_pk)
    audit_read(actor=request.user, verb="notice_pdf", obj=notice)
    try:
        content = payment_notice_document(notice=notice)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("enrollment:detail", pk=application_pk)
    response = HttpResponse(content, content_type="application/pdf")
    filename = quote(f"缴费通知单-{notice.number}.pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{filename}"
    return response
