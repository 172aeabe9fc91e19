from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from notifications.models import Notification
from notifications.selectors import notification_get_for, notifications_for
from notifications.services import notifications_mark_read
from review.registry import business_type_for
from review.selectors import cases_visible_to
from units.selectors import binding_away_from


@login_required
def notification_list(request):
    notifications = notifications_for(request.user)
    page = Paginator(notifications, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page, "page_title": "消息通知"})


def _safe(url: str) -> bool:
    return bool(url) and url_has_allowed_host_and_scheme(url, allowed_hosts=None)


@login_required
def notification_open(request, pk):
    """Mark one message read and go to its item. A business the user may no longer see (a unit bound to
    another agent, a deleted draft) gets a page that says so, instead of a 404 or a bounce to the list."""
    notification = notification_get_for(request.user, pk)
    notifications_mark_read(user=request.user, ids=[notification.pk])
    if notification.case_id is None:
        return redirect(notification.url if _safe(notification.url) else "notifications:list")
    case = cases_visible_to(request.user).filter(pk=notification.case_id).first()
    if (
        notification.kind == Notification.Kind.UNBOUND
        and binding_away_from(request.user, notification.case.unit_id) is None
    ):  # the unit came back to this agent since
        return redirect("units:list")
    if case is not None and notification.kind == Notification.Kind.CASE:
        if _safe(notification.url):
            return redirect(notification.url)
        return redirect(business_type_for(case.kind).agent_url(case))
    context = {
        "notification": notification,
        "binding": binding_away_from(request.user, notification.case.unit_id),
        "page_title": "消息通知",
    }
    return render(request, "notifications/gone.html", context)


@login_required
@require_POST
def notification_read_all(request):
    notifications_mark_read(user=request.user)
    return redirect("notifications:list")
