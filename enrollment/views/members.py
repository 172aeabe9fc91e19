"""会员查询: a member's coverage history, found by the full ID number or by 姓名."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from enrollment.selectors import member_search as member_search_for


@login_required
def member_search(request):
    """会员查询: the coverage history of a member (agents: in their units; staff: all), found by the full
    ID number or by 姓名 (then the matching members, with masked IDs, to pick from). Every lookup is
    recorded in the audit trail."""
    query = (request.GET.get("q") or request.GET.get("id_number") or "").strip()
    context = member_search_for(request.user, query=query, picked=request.GET.get("member", ""))
    context.update(query=query, page_title="会员查询", today=timezone.localdate())
    return render(request, "enrollment/member_search.html", context)
