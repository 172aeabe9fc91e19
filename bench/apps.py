from django.apps import AppConfig


class BenchConfig(AppConfig):
    """基准测试 — the generated city (generate_city) and `make bench`'s harness; no models, no URLs."""

    name = "bench"
    verbose_name = "基准测试"
