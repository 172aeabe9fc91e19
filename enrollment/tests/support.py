"""Helpers of the enrollment tests: a paid period, 上报."""

import datetime

from review.engine import case_transition
from review.models import Action

D = datetime.date
MAIN_START = D(2026, 4, 1)


def paid_period(factory, clock, unit, rows, start=MAIN_START, plans=None):
    """The unit's main period START… (12 months), approved and paid, on the day it was filed."""
    clock(start - datetime.timedelta(days=20))
    application = factory.application(unit, period_start=start, rows=rows, plans=plans)
    return factory.effective_application(application)


def submit(application):
    return case_transition(case=application.case, action=Action.SUBMIT, actor=application.unit.agent)
