"""Re-encrypt every encrypted column and every stored upload with the first of FIELD_ENCRYPTION_KEYS.

Key rotation: put the new key first in FIELD_ENCRYPTION_KEYS (keep the old one after it), run this
command, then remove the old key. Uploads stored before encryption existed are encrypted on the way.
"""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, models, transaction

from core.crypto import encrypt_bytes, is_token, rotate
from core.fields import EncryptedJSONField, EncryptedTextField
from core.storage import EncryptedStorage


class Command(BaseCommand):
    help = "Re-encrypt encrypted columns and uploaded files with the current primary key."

    def handle(self, *args, **options):
        columns = files = 0
        quote = connection.ops.quote_name
        for model in apps.get_models():
            encrypted = [
                f for f in model._meta.fields if isinstance(f, EncryptedTextField | EncryptedJSONField)
            ]
            table = quote(model._meta.db_table)
            for field in encrypted:
                column = quote(field.column)
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(f"SELECT id, {column} FROM {table} WHERE {column} <> ''")
                    for pk, value in cursor.fetchall():
                        token = rotate(value.encode()) if is_token(value) else encrypt_bytes(value.encode())
                        cursor.execute(
                            f"UPDATE {table} SET {column} = %s WHERE id = %s", [token.decode(), pk]
                        )
                        columns += 1
            for field in model._meta.fields:
                if isinstance(field, models.FileField) and isinstance(field.storage, EncryptedStorage):
                    storage = field.storage
                    for name in model.objects.exclude(**{field.name: ""}).values_list(field.name, flat=True):
                        if not storage.exists(name):
                            continue
                        raw = storage.raw_bytes(name)
                        storage.replace_raw(name, rotate(raw) if is_token(raw) else encrypt_bytes(raw))
                        files += 1
        self.stdout.write(f"re-encrypted {columns} values and {files} files")
