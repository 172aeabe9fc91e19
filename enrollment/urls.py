from django.urls import path

from enrollment import views

app_name = "enrollment"
urlpatterns = [
    path("", views.application_list, name="list"),
    path("new/", views.application_create_view, name="create"),
    path("members/", views.member_search, name="members"),
    path("<id:pk>/", views.application_detail, name="detail"),
    path("<id:pk>/edit/", views.application_edit, name="edit"),
    path("<id:pk>/submit/", views.application_submit, name="submit"),
    path("<id:pk>/delete/", views.application_delete, name="delete"),
    path("<id:pk>/roster/", views.roster_list, name="roster"),
    path("<id:pk>/roster/export.xlsx", views.roster_export, name="roster_export"),
    path("<id:pk>/roster/template/", views.roster_template, name="roster_template"),
    path("<id:pk>/roster/upload/", views.roster_upload_view, name="roster_upload"),
    path("<id:pk>/roster/previous/", views.roster_from_previous, name="roster_previous"),
    path("<id:pk>/roster/status/", views.import_status, name="import_status"),
    path("<id:pk>/roster/imports/<id:job_pk>/retry/", views.import_retry, name="import_retry"),
    path("<id:pk>/roster/imports/<id:job_pk>/errors/", views.import_errors, name="import_errors"),
]
