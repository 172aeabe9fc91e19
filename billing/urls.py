from django.urls import path

from billing import views

app_name = "billing"
urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("notices/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("applications/<int:application_pk>/notice.pdf", views.notice_pdf, name="notice_pdf"),
]
