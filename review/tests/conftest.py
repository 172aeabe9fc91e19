"""Helpers for review tests: cases in any status, built through the engine itself."""

import pytest

from accounts.models import User
from review import registry
from review.engine import case_transition
from review.models import Action, BusinessKind, Case, Status, StepActor
from review.services import case_create


class PlainBusiness(registry.BusinessType):
    """A stand-in for a business whose app is not part of this test (no materials, no side effects)."""

    def __init__(self, kind):
        self.kind = kind

    def agent_url(self, case) -> str:
        return "/"


@pytest.fixture
def plain_businesses(monkeypatch):
    """Claims and enrollment as plain business types; the registry is restored afterwards."""
    for kind in (BusinessKind.CLAIM, BusinessKind.ENROLLMENT):
        monkeypatch.setitem(registry._registry, kind, PlainBusiness(kind))


# How to reach each status from 草稿 (the reviewers are whoever's step it is).
PATH_TO = {
    Status.DRAFT: [],
    Status.IN_REVIEW: [Action.SUBMIT],
    Status.RETURNED: [Action.SUBMIT, Action.RETURN],
    Status.NEEDS_MATERIALS: [Action.SUBMIT, Action.RETURN],
    Status.APPROVED: [Action.SUBMIT, Action.APPROVE, Action.APPROVE],
    Status.REJECTED: [Action.SUBMIT, Action.REJECT],
    Status.EFFECTIVE: [Action.SUBMIT, Action.APPROVE, Action.APPROVE, Action.CONFIRM_PAYMENT],
    Status.CLOSED: [Action.SUBMIT, Action.APPROVE, Action.APPROVE, Action.RECORD_PAYOUT],
    Status.VOIDED: [Action.SUBMIT, Action.APPROVE, Action.APPROVE, Action.VOID],
    Status.DELETED: [Action.DELETE],
}


class Cases:
    """Builds cases of any kind in any status and picks the right actor for an action."""

    def __init__(self, factory):
        self.factory = factory
        self._staff = {}

    def new(self, kind=BusinessKind.UNIT_REGISTRATION, *, org="市南区") -> Case:
        if kind == BusinessKind.UNIT_REGISTRATION:
            return self.factory.unit(org=org).registration_case
        unit = self.factory.approved_unit(org=org)
        return case_create(kind=kind, unit=unit, applicant=unit.agent, title=f"{unit.name} {kind}")

    def in_status(self, status, kind=BusinessKind.UNIT_REGISTRATION, *, org="市南区") -> Case:
        case = self.new(kind, org=org)
        for action in PATH_TO[status]:
            case = self.act(case, action)
        assert case.status == status, f"could not reach {status} for {kind}"
        return case

    def act(self, case, action, **kw) -> Case:
        reason = "请补充材料" if action in (Action.RETURN, Action.REJECT, Action.VOID) else ""
        return case_transition(
            case=case, action=action, actor=self.actor_for(case, action), reason=reason, **kw
        )

    def staff(self, key) -> User:
        """One account per role (and district), reused within a test."""
        if key not in self._staff:
            if key == "city":
                self._staff[key] = self.factory.city_reviewer()
            elif key == "finance":
                self._staff[key] = self.factory.finance()
            elif key == "admin":
                admin = self.factory.staff(User.Role.ADMIN)
                admin.is_superuser = admin.is_staff = True
                admin.save()
                self._staff[key] = admin
            else:
                self._staff[key] = self.factory.district_reviewer(key)
        return self._staff[key]

    def reviewer_for(self, case) -> User:
        case = Case.objects.select_related("current_step", "org").get(pk=case.pk)
        if case.current_step is not None and case.current_step.actor == StepActor.DISTRICT:
            return self.staff(case.org.name)
        return self.staff("city")

    def actor_for(self, case, action) -> User:
        if action in (Action.SUBMIT, Action.DELETE):
            return Case.objects.select_related("unit__agent").get(pk=case.pk).unit.agent
        if action in (Action.CONFIRM_PAYMENT, Action.RECORD_PAYOUT, Action.VOID):
            return self.staff("finance")
        return self.reviewer_for(case)


@pytest.fixture
def cases(factory, plain_businesses):
    return Cases(factory)


def case_state(case) -> dict:
    """Everything a refused transition must leave untouched."""
    row = Case.objects.filter(pk=case.pk).values(
        "status", "version", "current_step_id", "org_id", "last_return_reason", "submitted_at", "decided_at"
    )
    return {**row.get(), "transitions": case.transitions.count()}
