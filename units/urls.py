from django.urls import path

from review.models import Action, BusinessKind
from review.views.agent import case_action
from units.views import binding, change, invoice, registration

# 【上报】/【删除】 of a unit act on its registration or its pending edit (review.views.agent).
UNIT = BusinessKind.UNIT_REGISTRATION
BINDING = BusinessKind.UNIT_BINDING

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
    path("<id:pk>/submit/", case_action, {"kind": UNIT, "action": Action.SUBMIT}, name="submit"),
    path("<id:pk>/delete/", case_action, {"kind": UNIT, "action": Action.DELETE}, name="delete"),
    # 单位绑定
    path("bindings/", binding.binding_list, name="bindings"),
    path("bindings/template/", binding.binding_template, name="binding_template"),
    path("bindings/new/", binding.binding_create, name="binding_create"),
    path("bindings/<id:pk>/", binding.binding_detail, name="binding_detail"),
    path("bindings/<id:pk>/edit/", binding.binding_edit, name="binding_edit"),
    path(
        "bindings/<id:pk>/submit/",
        case_action,
        {"kind": BINDING, "action": Action.SUBMIT},
        name="binding_submit",
    ),
    path(
        "bindings/<id:pk>/delete/",
        case_action,
        {"kind": BINDING, "action": Action.DELETE},
        name="binding_delete",
    ),
    # 开票信息管理
    path("invoices/", invoice.invoice_list, name="invoices"),
    path("invoices/new/", invoice.invoice_create, name="invoice_create"),
    path("invoices/all/", invoice.invoice_all, name="invoice_all"),
    path("invoices/<id:pk>/edit/", invoice.invoice_edit, name="invoice_edit"),
    path("invoices/<id:pk>/attachment/", invoice.invoice_attachment, name="invoice_attachment"),
]
