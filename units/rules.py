"""Who may do what with a unit. Views use these to show buttons; services check the same conditions."""

import rules

from review.models import Status


@rules.predicate
def is_agent(user):
    return user.is_authenticated and user.is_agent


@rules.predicate
def is_unit_agent(user, unit):
    return user.is_authenticated and unit is not None and unit.agent_id == user.id


@rules.predicate
def can_open_editor(user, unit):
    """Registration 草稿/退回, or an approved unit without an edit under review."""
    case = unit.editing_case
    if case is None:
        return unit.is_approved
    return case.is_editable


@rules.predicate
def has_editable_case(user, unit):
    case = unit.editing_case
    return case is not None and case.is_editable


@rules.predicate
def has_draft_case(user, unit):
    case = unit.editing_case
    return case is not None and case.status == Status.DRAFT


rules.add_perm("units.register_unit", is_agent)
rules.add_perm("units.edit_unit", is_unit_agent & can_open_editor)
rules.add_perm("units.submit_unit", is_unit_agent & has_editable_case)
rules.add_perm("units.delete_unit", is_unit_agent & has_draft_case)
