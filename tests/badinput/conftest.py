"""The hostile-input corpus: every case asserts no 5xx, a clear Chinese message (or a JSON error), and that
the database's row counts and the stored files are the same before and after."""

import contextlib
import datetime

import pytest
from django.apps import apps
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone

from api.services import api_token_create
from core.models import AuditLog
from core.storage import walk
from review.engine import case_transition
from review.models import Action
from tests.clients import client_for

CHINESE = "\u4e00"


# The trail of the attempt itself (a refusal is recorded, issue 10) and login bookkeeping are not "changes".
TRAIL = {"core.auditlog", "axes.accessattempt", "axes.accesslog", "axes.accessfailurelog", "sessions.session"}


def row_counts() -> dict[str, int]:
    return {
        model._meta.label_lower: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.label_lower not in TRAIL
    }


def stored_files() -> list[str]:
    """Every file in the default storage (local disk, or the S3 bucket in CI's PostgreSQL run)."""
    return list(walk(default_storage))


@contextlib.contextmanager
def nothing_changes(*, allow: dict | None = None, new_files: int = 0):
    """Row counts and stored files unchanged — except the ALLOWed rows (label → added) and NEW_FILES. The
    audit trail may record the refusal; a successful change in it only where ALLOWed ("core.auditlog.success":
    the upload of a file that is kept with its failed import row)."""
    counts, files = row_counts(), stored_files()
    last_audit = AuditLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    yield
    after = row_counts()
    recorded = AuditLog.objects.filter(pk__gt=last_audit)
    successes = recorded.filter(outcome=AuditLog.Outcome.SUCCESS, category=AuditLog.Category.CHANGE)
    allowed_success = (allow or {}).get("core.auditlog.success", 0)
    assert successes.count() == allowed_success, (
        f"the trail records a successful change: {list(successes.values_list('verb', flat=True))}"
    )
    changed = {label: after[label] - counts[label] for label in after if after[label] != counts[label]}
    expected = {label: n for label, n in (allow or {}).items() if label != "core.auditlog.success"}
    assert changed == expected, f"rows changed: {changed}"
    assert len(stored_files()) - len(files) == new_files, "stored files changed"


def text_of(response) -> str:
    if hasattr(response, "streaming_content"):
        return ""
    return response.content.decode("utf-8", "replace")


def assert_refused(response, message: str, *, status=None) -> str:
    """No 5xx; the Chinese MESSAGE is what the person (or the HR system) reads."""
    assert response.status_code < 500, response.status_code
    if status is not None:
        assert response.status_code == status
    text = text_of(response)
    if response.get("Content-Type", "").startswith("application/json"):
        body = response.json()
        assert "error" in body and message in body["error"]["message"], body
    else:
        assert message in text, text[-3000:]
    assert any(char >= CHINESE for char in message)
    return text


@pytest.fixture
def agent_app(factory):
    """An agent's approved unit with an editable main application holding a 2-person roster."""
    application = factory.application(rows=factory.people(2))
    return application


@pytest.fixture
def agent(agent_app):
    return client_for(agent_app.unit.agent)


@pytest.fixture
def api(agent_app):
    """A Django client that sends the agent's bearer token."""
    _token, key = api_token_create(actor=agent_app.unit.agent, name="人事系统")
    return Client(headers={"Authorization": f"Bearer {key}"})


@pytest.fixture
def claim_at_city(factory):
    return factory.claim_at_city()


@pytest.fixture
def notice(factory):
    """A payment notice awaiting 收款确认, issued today."""
    return factory.approved_application().payment_notice


@pytest.fixture
def payout_claim(factory, claim_at_city, city):
    case_transition(
        case=claim_at_city.case, action=Action.APPROVE, actor=city, data={"approved_amount": "15000"}
    )
    claim_at_city.refresh_from_db()
    return claim_at_city


def future(days=0) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)
