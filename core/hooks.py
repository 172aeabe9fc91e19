"""Explicit hook lists instead of signals: a publisher owns a `Hook`, subscribers add themselves from
their AppConfig.ready(), and the publisher calls them in order, inside its own transaction. Who listens
can be read (`hook.subscribers`), and a publisher never imports its subscribers — dependencies point one
way, from the subscriber to the publisher."""

from collections.abc import Callable


class Hook:
    def __init__(self, name: str):
        self.name = name
        self._subscribers: list[Callable] = []

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self._subscribers)} subscribers>"

    def subscribe(self, subscriber: Callable) -> Callable:
        """Add SUBSCRIBER (once, however often its app starts)."""
        if subscriber not in self._subscribers:
            self._subscribers.append(subscriber)
        return subscriber

    @property
    def subscribers(self) -> tuple[Callable, ...]:
        return tuple(self._subscribers)

    def publish(self, **facts) -> list:
        """Call every subscriber with FACTS as keyword arguments and return what each returned, in order;
        an exception rolls the publisher's transaction back, like any other step of it."""
        return [subscriber(**facts) for subscriber in self._subscribers]
