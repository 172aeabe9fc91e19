from django.urls import path

from billing import views

app_name = "billing"
urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("notices/<id:pk>/confirm/", views.confirm, name="confirm"),
    path("payouts/", views.payouts, name="payouts"),
    path("payouts/<id:claim_pk>/", views.payout_record, name="payout_record"),
    path("applications/<id:application_pk>/notice.pdf", views.notice_pdf, name="notice_pdf"),
]
