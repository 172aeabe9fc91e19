# The diagnosis, the accident description, the eligibility results and the payee's bank account are
# encrypted at rest (core.fields); existing clear values are encrypted in place.

import core.fields
from django.db import migrations

from core.crypto import encrypt_column, encrypt_str


def copy_disease(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id, disease_id FROM claims_claim WHERE disease_id IS NOT NULL")
        for pk, disease_id in cursor.fetchall():
            cursor.execute(
                "UPDATE claims_claim SET disease_ref = %s WHERE id = %s", [encrypt_str(str(disease_id)), pk]
            )


def encrypt_existing(apps, schema_editor):
    for column in ("accident_description", "eligibility", "payee_account"):
        encrypt_column(schema_editor, "claims_claim", column)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0001_initial"),
        ("plans", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="disease_ref",
            field=core.fields.EncryptedTextField(blank=True, default="", editable=False, verbose_name="疾病名称"),
        ),
        migrations.RunPython(copy_disease, migrations.RunPython.noop),
        migrations.RemoveField(model_name="claim", name="disease"),
        migrations.AlterField(
            model_name="claim",
            name="accident_description",
            field=core.fields.EncryptedTextField(blank=True, verbose_name="意外情况"),
        ),
        migrations.AlterField(
            model_name="claim",
            name="eligibility",
            field=core.fields.EncryptedJSONField(blank=True, default=list, verbose_name="资格审核结果"),
        ),
        migrations.AlterField(
            model_name="claim",
            name="payee_account",
            field=core.fields.EncryptedTextField(verbose_name="银行账号"),
        ),
        migrations.RunPython(encrypt_existing, migrations.RunPython.noop),
    ]
