from django.urls import path

from claims.views import claims
from review.models import Action, BusinessKind
from review.views.agent import case_action

CLAIM = BusinessKind.CLAIM

app_name = "claims"
urlpatterns = [
    path("", claims.claim_list, name="list"),
    path("new/", claims.claim_create_view, name="create"),
    path("member/", claims.member_panel, name="member"),
    path("<id:pk>/", claims.claim_detail, name="detail"),
    path("<id:pk>/edit/", claims.claim_edit, name="edit"),
    path("<id:pk>/submit/", case_action, {"kind": CLAIM, "action": Action.SUBMIT}, name="submit"),
    path("<id:pk>/delete/", case_action, {"kind": CLAIM, "action": Action.DELETE}, name="delete"),
]
