from django.urls import path

from units import views

app_name = "units"
urlpatterns = [
    path("", views.unit_list, name="list"),
    path("directory/", views.unit_directory, name="directory"),
    path("new/", views.unit_create, name="create"),
    path("search/", views.unit_search, name="search"),
    path("chip/<int:pk>/", views.unit_chip, name="chip"),
    path("<int:pk>/", views.unit_detail, name="detail"),
    path("<int:pk>/edit/", views.unit_edit, name="edit"),
    path("<int:pk>/edit/agent/", views.unit_edit_agent, name="edit_agent"),
    path("<int:pk>/edit/materials/", views.unit_edit_materials, name="edit_materials"),
    path("<int:pk>/submit/", views.unit_submit_view, name="submit"),
    path("<int:pk>/delete/", views.unit_delete_view, name="delete"),
]
