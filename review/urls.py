from django.urls import path

from review import views

app_name = "review"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("decided/", views.decided, name="decided"),
    path("cases/<id:pk>/", views.case_detail, name="case"),
    path("cases/<id:pk>/decide/", views.decide, name="decide"),
    path("cases/<id:pk>/materials/", views.material_upload_view, name="material_upload"),
    path("materials/<id:pk>/", views.material_preview, name="material_preview"),
    path("materials/<id:pk>/file/", views.material_file, name="material_file"),
    path("materials/<id:pk>/remove/", views.material_remove_view, name="material_remove"),
]
