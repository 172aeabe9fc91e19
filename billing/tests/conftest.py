"""The enrollment tests' clock and plans serve billing's tests too."""

from enrollment.tests.conftest import clock, plan  # noqa: F401
