"""接口令牌: creating and revoking API tokens (each writes an audit row)."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from api.models import ApiToken
from core.audit import audit_log, records_refusals
from core.errors import NotAllowed
from core.models import AuditLog
from core.text import bounded_text


@records_refusals("api_token_create")
@transaction.atomic
def api_token_create(*, actor, name: str) -> tuple[ApiToken, str]:
    """A new token for the agent's HR system, valid API_TOKEN_DAYS; the key is returned once, only its
    hash is stored. NAME (用途) is free text of at most 50 characters, 人事系统 when left empty."""
    if not actor.is_agent:
        raise NotAllowed("只有代办员可以生成接口令牌")
    name = bounded_text(name, label="用途", max_length=50) or "人事系统"
    key = ApiToken.new_key()
    token = ApiToken.objects.create(
        user=actor,
        name=name,
        key_hash=ApiToken.hash(key),
        prefix=key[:8],
        expires_at=timezone.now() + datetime.timedelta(days=settings.API_TOKEN_DAYS),
    )
    audit_log(
        actor=actor,
        verb="api_token_create",
        obj=token,
        category=AuditLog.Category.AUTH,
        changes={"prefix": token.prefix, "expires_at": token.expires_at.isoformat()},
    )
    return token, key


@records_refusals("api_token_revoke", obj="token")
@transaction.atomic
def api_token_revoke(*, actor, token: ApiToken, reason: str = "用户停用") -> bool:
    """停用 (by its owner), or revoked with the owner's password change or deactivation."""
    if actor.pk != token.user_id and not (actor.is_superuser or actor.is_admin):
        raise NotAllowed("您无权停用该令牌")
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_reason=reason[:50]
    )
    if updated:
        audit_log(
            actor=actor,
            verb="api_token_revoke",
            obj=token,
            category=AuditLog.Category.AUTH,
            changes={"prefix": token.prefix, "reason": reason},
        )
    return bool(updated)


def api_tokens_revoke_all(*, user, actor, reason: str) -> int:
    """Every live token of USER, revoked (修改密码, 停用): subscribed to accounts.hooks.credentials_withdrawn.
    Returns how many."""
    tokens = list(ApiToken.objects.filter(user=user, revoked_at__isnull=True))
    for token in tokens:
        api_token_revoke(actor=actor, token=token, reason=reason)
    return len(tokens)
