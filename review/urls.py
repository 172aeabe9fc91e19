from django.urls import path

from review.views import materials, queue

app_name = "review"
urlpatterns = [
    path("", queue.queue, name="queue"),
    path("decided/", queue.decided, name="decided"),
    path("cases/<id:pk>/", queue.case_detail, name="case"),
    path("cases/<id:pk>/decide/", queue.decide, name="decide"),
    path("cases/<id:pk>/materials/", materials.material_upload_view, name="material_upload"),
    path("materials/<id:pk>/", materials.material_preview, name="material_preview"),
    path("materials/<id:pk>/file/", materials.material_file, name="material_file"),
    path("materials/<id:pk>/remove/", materials.material_remove_view, name="material_remove"),
]
