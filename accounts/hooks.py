"""What other apps do when a person's credentials change, without accounts importing them (api depends
on accounts, not the other way round)."""

from core.hooks import Hook

# user=…, actor=…, reason=… when the password changes or the account is deactivated, in the same
# transaction; each subscriber returns how many credentials of its own it revoked (api: the API tokens).
credentials_withdrawn = Hook("accounts.credentials_withdrawn")
