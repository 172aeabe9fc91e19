from django.urls import path

from billing import views

app_name = "billing"
urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("notices/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("payouts/", views.payouts, name="payouts"),
    path("payouts/<int:claim_pk>/", views.payout_record, name="payout_record"),
    path("applications/<int:application_pk>/notice.pdf", views.notice_pdf, name="notice_pdf"),
]
