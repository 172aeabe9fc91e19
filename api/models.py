import hashlib
import secrets

from django.conf import settings
from django.db import models


class ApiToken(models.Model):
    """接口令牌 — lets an agent's HR system call the JSON API as that agent. Only a hash is stored."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("用途", max_length=50)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "接口令牌"
        ordering = ["-id"]

    def __str__(self):
        return f"{self.user} {self.name}"

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, *, user, name: str) -> tuple["ApiToken", str]:
        key = "mat_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name[:50], key_hash=cls.hash(key), prefix=key[:8])
        return token, key
