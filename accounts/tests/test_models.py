"""Role predicates: one answer per question the code asks, so no other app compares `role` itself."""

import pytest

from accounts.models import User

R = User.Role
PREDICATES = {
    "is_agent": {R.AGENT},
    "is_district_reviewer": {R.DISTRICT_REVIEWER},
    "is_city_reviewer": {R.CITY_REVIEWER},
    "is_reviewer": {R.DISTRICT_REVIEWER, R.CITY_REVIEWER},
    "is_finance": {R.FINANCE},
    "is_admin": {R.ADMIN},
    "is_auditor": {R.AUDITOR},
    "sees_everything": {R.CITY_REVIEWER, R.FINANCE, R.ADMIN},
    "sees_only_own_scope": {R.AGENT, R.DISTRICT_REVIEWER},
    "is_case_staff": {R.DISTRICT_REVIEWER, R.CITY_REVIEWER, R.FINANCE, R.ADMIN},
    "has_work_queue": {R.DISTRICT_REVIEWER, R.CITY_REVIEWER, R.FINANCE},
    "may_read_audit": {R.AUDITOR, R.ADMIN},
    "may_reveal": {R.AGENT, R.DISTRICT_REVIEWER, R.CITY_REVIEWER, R.FINANCE},
}


@pytest.mark.parametrize("predicate", sorted(PREDICATES))
def test_each_role_predicate_answers_for_exactly_its_roles(predicate):
    holders = {role for role in R if getattr(User(role=role), predicate)}
    assert holders == PREDICATES[predicate]


def test_staff_with_a_work_queue_is_the_set_the_daily_digest_queries():
    assert set(User.WORK_QUEUE_ROLES) == PREDICATES["has_work_queue"]


@pytest.mark.django_db
def test_the_role_label_names_a_district_reviewers_district(factory):
    assert factory.district_reviewer("市南区").role_label == "区县审核员（市南区）"
    assert factory.city_reviewer().role_label == "市总审核员"
