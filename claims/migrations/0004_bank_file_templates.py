from django.db import migrations


def seed(apps, schema_editor):
    from claims.bank_templates import ensure_bank_templates

    ensure_bank_templates(apps.get_model("claims", "BankFileTemplate"))


class Migration(migrations.Migration):
    dependencies = [("claims", "0003_payout_batches")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
