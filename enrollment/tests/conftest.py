"""Fixtures of the enrollment tests (billing's tests use them too): a clock on Qingdao's calendar, plans."""

import datetime
import zoneinfo

import pytest

from plans.models import Plan

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def clock(time_machine):
    """clock(date) puts 'today' (Asia/Shanghai) on that date, 10:00."""

    def move(day: datetime.date):
        time_machine.move_to(datetime.datetime(day.year, day.month, day.day, 10, tzinfo=SHANGHAI), tick=False)

    return move


@pytest.fixture
def plan():
    return lambda code: Plan.objects.get(code=code)
