from django.urls import path

from claims.views import claims, heirs
from review.models import BusinessKind
from review.views.agent import case_action_paths

app_name = "claims"
urlpatterns = [
    path("", claims.claim_list, name="list"),
    path("new/", claims.claim_create_view, name="create"),
    path("member/", claims.member_panel, name="member"),
    path("<id:pk>/", claims.claim_detail, name="detail"),
    path("<id:pk>/edit/", claims.claim_edit, name="edit"),
    path("<id:pk>/death/", heirs.claim_register_death_view, name="register_death"),
    *case_action_paths(BusinessKind.CLAIM),  # 上报 / 删除
]
