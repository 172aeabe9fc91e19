"""Who may act on a case. The engine asks these same predicates; views only use them to show buttons."""

import rules

from review.models import Action, StepActor


@rules.predicate
def is_case_agent(user, case):
    return user.is_authenticated and user.is_agent and case.agent_id == user.id


@rules.predicate
def is_current_step_reviewer(user, case):
    step = case.current_step
    if not user.is_authenticated or step is None:
        return False
    if step.actor == StepActor.DISTRICT:
        return user.is_district_reviewer and user.org_id is not None and user.org_id == case.org_id
    if step.actor == StepActor.CITY:
        return user.is_city_reviewer
    return False


@rules.predicate
def is_finance(user, case=None):
    return user.is_authenticated and user.is_finance


PERMISSION_FOR_ACTION = {
    Action.SUBMIT: "review.submit_case",
    Action.DELETE: "review.submit_case",
    Action.APPROVE: "review.decide_case",
    Action.RETURN: "review.decide_case",
    Action.REJECT: "review.decide_case",
    Action.CONFIRM_PAYMENT: "review.settle_case",
    Action.RECORD_PAYOUT: "review.settle_case",
    Action.VOID: "review.settle_case",
}

rules.add_perm("review.submit_case", is_case_agent)
rules.add_perm("review.decide_case", is_current_step_reviewer)
rules.add_perm("review.settle_case", is_finance)
