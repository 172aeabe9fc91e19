import rules

from review.models import Status


@rules.predicate
def is_agent(user):
    return user.is_authenticated and user.is_agent


@rules.predicate
def is_unit_agent(user, unit):
    return user.is_authenticated and unit is not None and unit.agent_id == user.id


@rules.predicate
def registration_editable(user, unit):
    case = unit.registration_case
    return case is not None and case.status in (Status.DRAFT, Status.RETURNED)


@rules.predicate
def registration_draft(user, unit):
    case = unit.registration_case
    return case is not None and case.status == Status.DRAFT


rules.add_perm("units.register_unit", is_agent)
rules.add_perm("units.edit_registration", is_unit_agent & registration_editable)
rules.add_perm("units.delete_registration", is_unit_agent & registration_draft)
