from django.urls import path

from claims import views

app_name = "claims"
urlpatterns = [
    path("", views.claim_list, name="list"),
    path("new/", views.claim_create_view, name="create"),
    path("member/", views.member_panel, name="member"),
    path("<id:pk>/", views.claim_detail, name="detail"),
    path("<id:pk>/edit/", views.claim_edit, name="edit"),
    path("<id:pk>/submit/", views.claim_submit, name="submit"),
    path("<id:pk>/delete/", views.claim_delete, name="delete"),
]
