"""Two reviewers acting on one item at once: exactly one wins, the other gets a clear message (SPEC §4)."""

import re
import threading

import pytest
from django.test import Client

from core.errors import ConcurrentChange, NotAllowed
from review import engine
from review.engine import case_transition
from review.models import Action, Case, Status, Transition
from tests.concurrency import run_at_once, skip_unless_postgresql


def approve(case, reviewer):
    return lambda: case_transition(case=case, action=Action.APPROVE, actor=reviewer)


@pytest.mark.django_db(transaction=True)
def test_two_district_reviewers_approving_at_once_exactly_one_wins(factory):
    skip_unless_postgresql("two transactions can never be inside case_transition at the same time")
    case = factory.submitted_unit(org="市南区").registration_case
    first, second = factory.district_reviewer("市南区"), factory.district_reviewer("市南区")

    results = run_at_once(approve(case, first), approve(case, second))

    winners = [r for r in results if isinstance(r, Case)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 1 and len(losers) == 1, results
    # Whoever read the case before the winner's commit loses the conditional UPDATE; whoever read it
    # after sees that it has moved on to the city step.
    loser = losers[0]
    assert isinstance(loser, ConcurrentChange | NotAllowed), repr(loser)
    assert loser.message in (
        "该业务已被他人处理，请刷新后查看最新状态",
        "该业务当前不在您的审核环节，不能操作",
    )
    assert Transition.objects.filter(case=case, action=Action.APPROVE).count() == 1
    case.refresh_from_db()
    assert (case.status_label, case.version) == ("市总审核中", 2)


@pytest.fixture
def both_read_before_either_writes(monkeypatch):
    """Hold each transaction after it has read the case until the other one has read it too."""
    both_read = threading.Barrier(2, timeout=20)
    real_lookup = engine.business_type_for

    def lookup(kind):
        if threading.current_thread() is not threading.main_thread():  # the test's own set-up runs freely
            both_read.wait()
        return real_lookup(kind)

    monkeypatch.setattr(engine, "business_type_for", lookup)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("org", ["市南区", "市直企业"])
def test_when_both_have_read_the_same_version_the_second_writer_gets_concurrent_change(
    factory, both_read_before_either_writes, org
):
    skip_unless_postgresql("two transactions can never be inside case_transition at the same time")
    unit = factory.submitted_unit(org=org)
    case = unit.registration_case
    if org == "市直企业":
        first, second = factory.city_reviewer(), factory.city_reviewer()
    else:
        first, second = factory.district_reviewer(org), factory.district_reviewer(org)

    results = run_at_once(approve(case, first), approve(case, second))

    assert sum(isinstance(r, Case) for r in results) == 1, results
    (loser,) = [r for r in results if isinstance(r, Exception)]
    assert isinstance(loser, ConcurrentChange), repr(loser)
    assert loser.message == "该业务已被他人处理，请刷新后查看最新状态"
    assert Transition.objects.filter(case=case).exclude(action=Action.SUBMIT).count() == 1
    case.refresh_from_db()
    assert case.version == 2
    unit.refresh_from_db()
    assert unit.is_approved == (org == "市直企业")


@pytest.mark.django_db(transaction=True)
def test_an_approval_and_a_return_at_once_leave_one_consistent_outcome(
    factory, both_read_before_either_writes
):
    skip_unless_postgresql("two transactions can never be inside case_transition at the same time")
    case = factory.submitted_unit(org="市南区").registration_case
    first, second = factory.district_reviewer("市南区"), factory.district_reviewer("市南区")

    results = run_at_once(
        approve(case, first),
        lambda: case_transition(case=case, action=Action.RETURN, actor=second, reason="材料不清晰"),
    )

    assert sum(isinstance(r, Case) for r in results) == 1, results
    assert sum(isinstance(r, ConcurrentChange) for r in results) == 1, results
    case.refresh_from_db()
    (decision,) = Transition.objects.filter(case=case).exclude(action=Action.SUBMIT)
    assert decision.to_status == case.status
    assert case.last_return_reason == ("材料不清晰" if case.status == Status.RETURNED else "")


# --- the same race through the page, on any database: both loaded the page at version N -----------


def version_on_page(response) -> int:
    return int(re.search(r'name="version" value="(\d+)"', response.text).group(1))


@pytest.mark.django_db
def test_the_second_reviewer_to_post_the_same_page_is_told_someone_else_acted(factory):
    case = factory.submitted_unit(org="市南区").registration_case
    first, second = Client(), Client()
    first.force_login(factory.district_reviewer("市南区"))
    second.force_login(factory.district_reviewer("市南区"))
    page = f"/review/cases/{case.pk}/"
    seen_by_first, seen_by_second = version_on_page(first.get(page)), version_on_page(second.get(page))
    assert seen_by_first == seen_by_second == 1

    won = first.post(f"{page}decide/", {"action": "approve", "reason": "", "version": seen_by_first})
    lost = second.post(
        f"{page}decide/", {"action": "approve", "reason": "", "version": seen_by_second}, follow=True
    )

    assert won.status_code == 302 and won.url == "/review/"
    assert lost.redirect_chain == [(page, 302)]
    assert "该业务已被他人处理，当前状态为“市总审核中”，请刷新后查看" in lost.text
    assert Transition.objects.filter(case=case, action=Action.APPROVE).count() == 1
    case.refresh_from_db()
    assert (case.status_label, case.version) == ("市总审核中", 2)


@pytest.mark.django_db
def test_a_stale_return_does_not_undo_the_approval(factory):
    case = factory.submitted_unit(org="市直企业").registration_case
    first, second = Client(), Client()
    first.force_login(factory.city_reviewer())
    second.force_login(factory.city_reviewer())
    page = f"/review/cases/{case.pk}/"
    version = version_on_page(first.get(page))
    assert version_on_page(second.get(page)) == version

    first.post(f"{page}decide/", {"action": "approve", "version": version})
    lost = second.post(
        f"{page}decide/", {"action": "return", "reason": "名称有误", "version": version}, follow=True
    )

    assert "该业务已被他人处理，当前状态为“审核通过”，请刷新后查看" in lost.text
    case.refresh_from_db()
    assert (case.status, case.last_return_reason) == (Status.APPROVED, "")
    assert not Transition.objects.filter(case=case, action=Action.RETURN).exists()
