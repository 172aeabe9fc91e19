from django.urls import path

from billing.views import history, invoices, notices, overdue, receipts, statements
from claims.views import batches, payouts

app_name = "billing"
urlpatterns = [
    path("", receipts.workbench, name="workbench"),
    path("notices/<id:pk>/confirm/", receipts.confirm, name="confirm"),
    path("overdue/", overdue.overdue, name="overdue"),
    path("notices/<id:pk>/void/", overdue.void, name="notice_void"),
    path("invoices/", invoices.invoices, name="invoices"),
    path("invoices/<id:pk>/", invoices.invoice_create, name="invoice_create"),
    path("applications/<id:application_pk>/invoice.pdf", invoices.invoice_pdf, name="invoice_pdf"),
    path("payouts/", payouts.payouts, name="payouts"),
    path("payouts/<id:claim_pk>/", payouts.payout_record, name="payout_record"),
    path("payouts/batches/", batches.batches, name="batches"),
    path("payouts/batches/new/", batches.batch_create, name="batch_create"),
    path("payouts/batches/<id:pk>/", batches.batch, name="batch"),
    path("payouts/batches/<id:pk>/check/", batches.batch_check, name="batch_check"),
    path("payouts/batches/<id:pk>/export/", batches.batch_export, name="batch_export"),
    path("payouts/batches/<id:pk>/settle/", batches.batch_settle, name="batch_settle"),
    path("history/", history.history, name="history"),
    path("history/export/", history.history_export, name="history_export"),
    path("statements/", statements.statements, name="statements"),
    path("statements/<id:pk>/", statements.statement, name="statement"),
    path("statements/<id:pk>/confirm/", statements.confirm_matched, name="statement_confirm"),
    path("statement-lines/<id:pk>/confirm/", statements.confirm_line, name="statement_line_confirm"),
    path("applications/<id:application_pk>/notice.pdf", notices.notice_pdf, name="notice_pdf"),
]
