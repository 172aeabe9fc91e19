from django.urls import path

from enrollment.views import applications, members, roster
from review.models import BusinessKind
from review.views.agent import case_action_paths

app_name = "enrollment"
urlpatterns = [
    path("", applications.application_list, name="list"),
    path("new/", applications.application_create_view, name="create"),
    path("members/", members.member_search, name="members"),
    path("<id:pk>/", applications.application_detail, name="detail"),
    path("<id:pk>/edit/", applications.application_edit, name="edit"),
    *case_action_paths(BusinessKind.ENROLLMENT),  # 上报 / 删除
    path("<id:pk>/roster/", roster.roster_list, name="roster"),
    path("<id:pk>/roster/export.xlsx", roster.roster_export, name="roster_export"),
    path("<id:pk>/roster/template/", roster.roster_template, name="roster_template"),
    path("<id:pk>/roster/upload/", roster.roster_upload_view, name="roster_upload"),
    path("<id:pk>/roster/previous/", roster.roster_from_previous, name="roster_previous"),
    path("<id:pk>/roster/status/", roster.import_status, name="import_status"),
    path("<id:pk>/roster/imports/<id:job_pk>/retry/", roster.import_retry, name="import_retry"),
    path("<id:pk>/roster/imports/<id:job_pk>/errors/", roster.import_errors, name="import_errors"),
]
