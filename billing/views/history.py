"""收款记录 / 给付记录 (finance): the receipts and payouts, filtered, with daily and monthly totals in and
out, and their xlsx export."""

from django.core.paginator import Paginator
from django.shortcuts import render

from accounts.decorators import finance_required
from billing.forms import LedgerFilterForm
from billing.selectors import ledger_summary, receipts_history
from billing.services import ledger_export
from claims.selectors import PAYOUT_PATHS, payouts_history
from core.xlsx import attachment

TABS = {"receipts": "收款记录", "payouts": "给付记录"}


@finance_required
def history(request):
    """One tab of rows (?tab=receipts|payouts) under the totals of both, per day and per month."""
    form = LedgerFilterForm(request.GET or None)
    filters = form.filters()
    tab = request.GET.get("tab") if request.GET.get("tab") in TABS else "receipts"
    receipts = receipts_history(request.user, filters)
    payouts = payouts_history(request.user, filters)
    rows = receipts if tab == "receipts" else payouts
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("tab", None)
    context = {
        "form": form,
        "tab": tab,
        "tabs": TABS,
        "page": page,
        "query": query.urlencode(),
        "daily": ledger_summary(receipts, payouts, PAYOUT_PATHS, monthly=False)[:31],
        "monthly": ledger_summary(receipts, payouts, PAYOUT_PATHS, monthly=True)[:24],
        "page_title": TABS[tab],
    }
    return render(request, "billing/history.html", context)


@finance_required
def history_export(request):
    """【导出】 both ledgers under the same filters as xlsx (masked, formula-safe)."""
    filters = LedgerFilterForm(request.GET or None).filters()
    return attachment(ledger_export(actor=request.user, filters=filters), "收款与给付记录.xlsx")
