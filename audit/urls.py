from django.urls import path

from audit import views

app_name = "audit"
urlpatterns = [
    path("", views.log, name="log"),
    path("export/", views.log_export, name="export"),
    path("lockouts/", views.lockouts, name="lockouts"),
    path("lockouts/<int:pk>/unlock/", views.lockout_unlock, name="unlock"),
    path("reveal/", views.reveal, name="reveal"),
]
