"""Shared test fixtures: reference data, demo-like actors and factories (no fixture files)."""

import os
import uuid

import pytest
from django.core.files.base import ContentFile

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SMS_BACKEND = "accounts.sms.LocMemBackend"
    settings.REPORT_CACHE_SECONDS = (
        0  # 统计报表 counted afresh (reports/tests/test_report_cache.py tests the cache)
    )
    settings.MEDIA_ROOT = tmp_path / "media"
    # The union's receiving account has no default (no notice without it); tests use this one.
    settings.UNION_ACCOUNT_NAME = "青岛市总工会职工互助保障专户"
    settings.UNION_BANK_NAME = "中国工商银行青岛市分行营业部"
    settings.UNION_BANK_ACCOUNT = "3803 0200 0920 0000 000"
    storage = None
    if settings.S3_BUCKET:  # S3 run (.ci/run): each test gets a folder of its own in the bucket.
        # Set on the one storage object rather than through STORAGES, which would make a new boto3
        # client (about a third of a second) for every test.
        from django.core.files.storage import default_storage as storage

        base = storage.location
        storage.location = "/".join(filter(None, [base, f"test-{uuid.uuid4().hex}"]))
    from accounts import sms

    sms.outbox.clear()
    yield
    if storage is not None:
        storage.location = base


@pytest.fixture
def reference_data(db):
    """Org tree, review chains and plans (migrations load them; transactional tests flush them)."""
    from claims.bank_templates import ensure_bank_templates
    from orgs.reference import ensure_org_tree
    from plans.reference import ensure_plans
    from review.reference import ensure_workflows

    ensure_org_tree()
    ensure_workflows()
    ensure_plans()
    ensure_bank_templates()


@pytest.fixture
def factory(reference_data):
    from tests.factories import Factory

    return Factory()


@pytest.fixture
def city(factory):
    """A city reviewer (市总审核员): the last step of every chain; sets a claim's approved amount."""
    return factory.city_reviewer()


@pytest.fixture
def finance(factory):
    """Finance (财务): 收款确认 of payment notices, 给付 of approved claims."""
    return factory.finance()


@pytest.fixture
def pdf_file():
    from core.samples import tiny_pdf

    return lambda name="doc.pdf": ContentFile(tiny_pdf(name), name=name)


@pytest.fixture
def start_worker(tmp_path):
    """start_worker("worker", "--interval", "0.1", env={...}) → a real worker process on the test database
    (tests/workers.py), stopped at the end of the test."""
    from tests.workers import Worker

    workers = []

    def start(*args: str, env: dict | None = None):
        worker = Worker(tmp_path / f"worker-{len(workers)}.log", *args, env=env)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture
def count_queries():
    """`with count_queries() as queries:` … `len(queries)` — every SQL statement run inside, however many
    ran before (connection.queries_log keeps only the last 9,000). The menu's badges are counted afresh
    inside, as on the first page after a write (core.navigation.menu_waiting), so that the small side of a
    "no more queries on larger data" test is not a page with cached badges."""
    from contextlib import contextmanager

    from django.db import connection

    from core.navigation import note_write

    @contextmanager
    def counting():
        statements = []
        note_write()

        def record(execute, sql, params, many, context):
            statements.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            yield statements

    return counting
