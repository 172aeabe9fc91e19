from django.urls import path

from units import binding_views, invoice_views, views

app_name = "units"
urlpatterns = [
    path("", views.unit_list, name="list"),
    path("directory/", views.unit_directory, name="directory"),
    path("new/", views.unit_create, name="create"),
    path("search/", views.unit_search, name="search"),
    path("chip/<id:pk>/", views.unit_chip, name="chip"),
    path("<id:pk>/", views.unit_detail, name="detail"),
    path("<id:pk>/edit/", views.unit_edit, name="edit"),
    path("<id:pk>/edit/agent/", views.unit_edit_agent, name="edit_agent"),
    path("<id:pk>/edit/materials/", views.unit_edit_materials, name="edit_materials"),
    path("<id:pk>/submit/", views.unit_submit_view, name="submit"),
    path("<id:pk>/delete/", views.unit_delete_view, name="delete"),
    # 单位绑定
    path("bindings/", binding_views.binding_list, name="bindings"),
    path("bindings/template/", binding_views.binding_template, name="binding_template"),
    path("bindings/new/", binding_views.binding_create, name="binding_create"),
    path("bindings/<id:pk>/", binding_views.binding_detail, name="binding_detail"),
    path("bindings/<id:pk>/edit/", binding_views.binding_edit, name="binding_edit"),
    path("bindings/<id:pk>/submit/", binding_views.binding_submit, name="binding_submit"),
    path("bindings/<id:pk>/delete/", binding_views.binding_delete, name="binding_delete"),
    # 开票信息管理
    path("invoices/", invoice_views.invoice_list, name="invoices"),
    path("invoices/new/", invoice_views.invoice_create, name="invoice_create"),
    path("invoices/all/", invoice_views.invoice_all, name="invoice_all"),
    path("invoices/<id:pk>/edit/", invoice_views.invoice_edit, name="invoice_edit"),
    path("invoices/<id:pk>/attachment/", invoice_views.invoice_attachment, name="invoice_attachment"),
]
