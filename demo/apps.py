from django.apps import AppConfig


class DemoConfig(AppConfig):
    """演示数据 — the demo organisation, accounts and one paid unit for `make run` (manage.py seed_demo).

    It uses every business app and no business app uses it (but the `make bench` command, which times a
    roster import on the demo unit): it sits on top of the tree."""

    name = "demo"
    verbose_name = "演示数据"
