from django.urls import path

from review.models import BusinessKind
from review.views.agent import case_action_paths
from units.views import binding, change, invoice, registration

app_name = "units"
urlpatterns = [
    path("", registration.unit_list, name="list"),
    path("directory/", registration.unit_directory, name="directory"),
    path("new/", registration.unit_create, name="create"),
    path("search/", registration.unit_search, name="search"),
    path("chip/<id:pk>/", registration.unit_chip, name="chip"),
    path("<id:pk>/", registration.unit_detail, name="detail"),
    path("<id:pk>/edit/", change.unit_edit, name="edit"),
    path("<id:pk>/edit/agent/", change.unit_edit_agent, name="edit_agent"),
    path("<id:pk>/edit/materials/", change.unit_edit_materials, name="edit_materials"),
    # 上报 / 删除 of a unit act on its registration or its pending edit.
    *case_action_paths(BusinessKind.UNIT_REGISTRATION),
    # 单位绑定
    path("bindings/", binding.binding_list, name="bindings"),
    path("bindings/template/", binding.binding_template, name="binding_template"),
    path("bindings/new/", binding.binding_create, name="binding_create"),
    path("bindings/<id:pk>/", binding.binding_detail, name="binding_detail"),
    path("bindings/<id:pk>/edit/", binding.binding_edit, name="binding_edit"),
    *case_action_paths(BusinessKind.UNIT_BINDING, route="bindings/<id:pk>/", name_prefix="binding_"),
    # 开票信息管理
    path("invoices/", invoice.invoice_list, name="invoices"),
    path("invoices/new/", invoice.invoice_create, name="invoice_create"),
    path("invoices/all/", invoice.invoice_all, name="invoice_all"),
    path("invoices/<id:pk>/edit/", invoice.invoice_edit, name="invoice_edit"),
    path("invoices/<id:pk>/attachment/", invoice.invoice_attachment, name="invoice_attachment"),
]
