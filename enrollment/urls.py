from django.urls import path

from enrollment import views

app_name = "enrollment"
urlpatterns = [
    path("", views.application_list, name="list"),
    path("new/", views.application_create_view, name="create"),
    path("members/", views.member_search, name="members"),
    path("<int:pk>/", views.application_detail, name="detail"),
    path("<int:pk>/edit/", views.application_edit, name="edit"),
    path("<int:pk>/submit/", views.application_submit, name="submit"),
    path("<int:pk>/delete/", views.application_delete, name="delete"),
    path("<int:pk>/roster/", views.roster_list, name="roster"),
    path("<int:pk>/roster/export.xlsx", views.roster_export, name="roster_export"),
    path("<int:pk>/roster/template/", views.roster_template, name="roster_template"),
    path("<int:pk>/roster/upload/", views.roster_upload, name="roster_upload"),
    path("<int:pk>/roster/previous/", views.roster_from_previous, name="roster_previous"),
    path("<int:pk>/roster/status/", views.import_status, name="import_status"),
    path("<int:pk>/roster/imports/<int:job_pk>/retry/", views.import_retry, name="import_retry"),
    path("<int:pk>/roster/imports/<int:job_pk>/errors/", views.import_errors, name="import_errors"),
]
