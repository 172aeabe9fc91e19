from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from notifications.models import Notification
from notifications.services import notifications_mark_read
from review.registry import business_type_for
from review.selectors import cases_visible_to


@login_required
def notification_list(request):
    notifications = Notification.objects.filter(recipient=request.user).select_related("case")
    page = Paginator(notifications, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page, "page_title": "消息通知"})


@login_required
def notification_open(request, pk):
    """Mark one message read and go to its business (if the user may still see it)."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notifications_mark_read(user=request.user, ids=[notification.pk])
    case = cases_visible_to(request.user).filter(pk=notification.case_id).first()
    if case is None:
        return redirect("notifications:list")
    return redirect(business_type_for(case.kind).agent_url(case))


@login_required
@require_POST
def notification_read_all(request):
    notifications_mark_read(user=request.user)
    return redirect("notifications:list")
