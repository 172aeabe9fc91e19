from django.urls import path

from billing.views import history, notices, receipts, statements
from claims.views import payouts

app_name = "billing"
urlpatterns = [
    path("", receipts.workbench, name="workbench"),
    path("notices/<id:pk>/confirm/", receipts.confirm, name="confirm"),
    path("payouts/", payouts.payouts, name="payouts"),
    path("payouts/<id:claim_pk>/", payouts.payout_record, name="payout_record"),
    path("history/", history.history, name="history"),
    path("history/export/", history.history_export, name="history_export"),
    path("statements/", statements.statements, name="statements"),
    path("statements/<id:pk>/", statements.statement, name="statement"),
    path("statements/<id:pk>/confirm/", statements.confirm_matched, name="statement_confirm"),
    path("statement-lines/<id:pk>/confirm/", statements.confirm_line, name="statement_line_confirm"),
    path("applications/<id:application_pk>/notice.pdf", notices.notice_pdf, name="notice_pdf"),
]
