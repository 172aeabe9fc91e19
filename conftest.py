"""Shared test fixtures: reference data, demo-like actors and factories (no fixture files)."""

import os

import pytest
from django.core.files.base import ContentFile

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SMS_BACKEND = "accounts.sms.LocMemBackend"
    settings.MEDIA_ROOT = tmp_path / "media"
    # The union's receiving account has no default (no notice without it); tests use this one.
    settings.UNION_ACCOUNT_NAME = "青岛市总工会职工互助保障专户"
    settings.UNION_BANK_NAME = "中国工商银行青岛市分行营业部"
    settings.UNION_BANK_ACCOUNT = "3803 0200 0920 0000 000"
    from accounts import sms

    sms.outbox.clear()


@pytest.fixture
def reference_data(db):
    """Org tree, review chains and plans (migrations load them; transactional tests flush them)."""
    from orgs.reference import ensure_org_tree
    from plans.reference import ensure_plans
    from review.reference import ensure_workflows

    ensure_org_tree()
    ensure_workflows()
    ensure_plans()


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
    from core.demo import tiny_pdf

    return lambda name="doc.pdf": ContentFile(tiny_pdf(name), name=name)
