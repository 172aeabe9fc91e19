"""Reads of the API app, scoped by the actor: an agent's own tokens."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from api.models import ApiToken


def api_tokens_of(actor) -> QuerySet[ApiToken]:
    """接口令牌: the actor's tokens in force (not 停用)."""
    return ApiToken.objects.filter(user=actor, revoked_at__isnull=True)


def api_token_get_for(actor, pk) -> ApiToken:
    """One of the actor's tokens in force, else 404."""
    return get_object_or_404(api_tokens_of(actor), pk=pk)
