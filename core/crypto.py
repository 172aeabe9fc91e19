"""Encryption at rest (Fernet: AES-128-CBC + HMAC-SHA256) with the keys in settings.FIELD_ENCRYPTION_KEYS.

The first key encrypts; every key decrypts (MultiFernet), so a key is rotated by putting a new one first,
running `manage.py rotate_encryption_keys` and then removing the old one. Without keys (development only:
production refuses to start) a key is derived from the development SECRET_KEY.
"""

import base64
import functools
import hashlib
import logging

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

logger = logging.getLogger("core.crypto")
TOKEN_PREFIX = b"gAAAAA"  # every Fernet token (version byte 0x80) starts like this in base64


@functools.lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    if not keys:
        logger.warning("FIELD_ENCRYPTION_KEYS is not set: using a development key derived from SECRET_KEY")
        derived = hashlib.sha256(f"field-encryption|{secret_key}".encode()).digest()
        keys = (base64.urlsafe_b64encode(derived).decode(),)
    return MultiFernet([Fernet(key.encode()) for key in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS), settings.SECRET_KEY)


def encrypt_bytes(data: bytes) -> bytes:
    return fernet().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    return fernet().decrypt(token)


def encrypt_str(text: str) -> str:
    return fernet().encrypt(text.encode()).decode()


def decrypt_str(token: str) -> str:
    return fernet().decrypt(token.encode()).decode()


def is_token(value) -> bool:
    raw = value.encode() if isinstance(value, str) else bytes(value or b"")
    return raw.startswith(TOKEN_PREFIX)


def rotate(token: bytes) -> bytes:
    """Re-encrypt with the first key (for rotate_encryption_keys)."""
    return fernet().rotate(token)


def encrypt_column(schema_editor, table: str, column: str) -> None:
    """Migration helper: encrypt the clear values of one column in place (already encrypted ones stay)."""
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {quote(column)} FROM {quote(table)}")
        rows = cursor.fetchall()
        for pk, value in rows:
            if value in (None, "") or is_token(value):
                continue
            cursor.execute(
                f"UPDATE {quote(table)} SET {quote(column)} = %s WHERE id = %s", [encrypt_str(str(value)), pk]
            )


__all__ = ["InvalidToken", "decrypt_bytes", "decrypt_str", "encrypt_bytes", "encrypt_str", "fernet"]
