from django.db import migrations

from plans.reference import ensure_medical_rules


def load(apps, schema_editor):
    ensure_medical_rules(apps.get_model("plans", "Plan"), apps.get_model("plans", "MedicalRule"))


class Migration(migrations.Migration):
    dependencies = [("plans", "0005_medical_rules")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
