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
    revoked_reason = models.CharField("停用原因", max_length=50, blank=True)
    expires_at = models.DateTimeField("有效期至", null=True)

    class Meta:
        verbose_name = verbose_name_plural = "接口令牌"
        ordering = ["-id"]

    def __str__(self):
        return f"{self.user} {self.name}"

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def new_key() -> str:
        return "mat_" + secrets.token_urlsafe(32)

    @property
    def is_expired(self) -> bool:
        from django.utils import timezone

        return self.expires_at is not None and self.expires_at <= timezone.now()
