"""billing hears of enrollment's final approval through enrollment.hooks (enrollment imports no billing)."""

from billing.services import payment_notice_issue
from enrollment.hooks import application_approved


def test_billing_issues_the_payment_notice_when_an_application_is_finally_approved():
    assert application_approved.subscribers == (payment_notice_issue,)
