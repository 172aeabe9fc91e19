"""What other apps do when something happens to a unit, without units importing them (notifications
depends on units, not the other way round)."""

from core.hooks import Hook

# binding=… when the city's approval of a 单位绑定 swapped the agents, in the same transaction:
# notifications tells the previous agent (notifications.services.notify_unbound).
binding_applied = Hook("units.binding_applied")
