"""The demo data carries two finance clerks: a 给付批次 is made by one and checked by the other."""

from accounts.models import User
from demo.seed import DEMO_PASSWORD, seed_demo


def test_the_demo_has_two_finance_accounts_that_may_log_in(reference_data, client):
    seed_demo()
    seed_demo()  # idempotent

    clerks = User.objects.filter(username__in=["finance", "finance2"])
    assert sorted(clerks.values_list("username", flat=True)) == ["finance", "finance2"]
    assert all(clerk.is_finance for clerk in clerks)
    assert client.login(username="finance2", password=DEMO_PASSWORD)
