"""Model fields whose values are encrypted in the database (core.crypto). They cannot be filtered on:
the ciphertext differs every time. Blank values stay blank."""

import json

from django.db import models

from core.crypto import decrypt_str, encrypt_str


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token; reads give the clear text back."""

    def from_db_value(self, value, expression, connection):
        return decrypt_str(value) if value else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt_str(value) if value else value


class EncryptedJSONField(models.TextField):
    """A JSON value stored as a Fernet token of its text."""

    def from_db_value(self, value, expression, connection):
        return json.loads(decrypt_str(value)) if value else self.get_default()

    def to_python(self, value):
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value

    def get_prep_value(self, value):
        return encrypt_str(json.dumps(value, ensure_ascii=False, default=str))

    def value_to_string(self, obj):
        return json.dumps(self.value_from_object(obj), ensure_ascii=False, default=str)
