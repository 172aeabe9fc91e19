"""An applied 单位信息编辑 keeps its before/after as data of the change, read through one selector."""

import pytest

from review.engine import case_transition
from review.models import Action
from units.models import BASIC_FIELDS
from units.selectors import unit_change_before_after, unit_change_history
from units.services import unit_change_save, unit_submit

pytestmark = pytest.mark.django_db
NEW_ADDRESS = "青岛市市南区东海西路37号"


def test_the_history_reads_each_applied_change_as_label_old_new(factory, city):
    unit = factory.approved_unit(org="市南区")
    fields = {field: getattr(unit, field) for field in BASIC_FIELDS} | {"address": NEW_ADDRESS}
    change = unit_change_save(actor=unit.agent, unit=unit, merged_from=[], **fields)
    case_transition(case=unit_submit(actor=unit.agent, unit=unit), action=Action.APPROVE, actor=city)
    change.refresh_from_db()

    expected = [{"label": "单位地址", "old": "青岛市市南区测试路1号", "new": NEW_ADDRESS}]
    assert unit_change_before_after(change) == expected
    [applied] = unit_change_history(unit)
    assert applied.pk == change.pk and applied.before_after == expected
