"""api hears of a password change or a deactivation through accounts.hooks (accounts imports no api)."""

from accounts.hooks import credentials_withdrawn
from api.services import api_tokens_revoke_all


def test_a_withdrawn_password_or_account_revokes_the_api_tokens():
    assert credentials_withdrawn.subscribers == (api_tokens_revoke_all,)
