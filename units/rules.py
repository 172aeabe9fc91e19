"""Who may open the editor of a unit. 上报/删除 are decided like every business's: the buttons by
review.ui.agent_case_actions (the status), the act by the engine (review.rules.is_case_agent)."""

import rules


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


rules.add_perm("units.edit_unit", is_unit_agent & can_open_editor)
