"""The one notifier: the only code that hands published news to the parts that follow it.

A publisher (the centre, the configuration, the call control) publishes a message on a
``Topic`` it owns; a follower (the event socket, the call flow, the centre reloading
after a configuration change) subscribes to that topic. Neither knows the other, and
there is one list of followers per topic instead of one per class.

Followers are called in the publisher's thread, in the order they subscribed, after the
publisher's change is committed; they must only hand the message on (to a queue, to a
loop) and never block. A follower that raises is logged and the others still hear the
message: the change it describes has happened already.
"""

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True, eq=False)
class Topic(Generic[T]):
    """A kind of news and the type of its messages; compared by identity."""

    name: str


class Notifier:
    """Subscriptions per topic; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._followers: dict[Topic[Any], list[Callable[[Any], None]]] = {}

    def subscribe(self, topic: Topic[T], follower: Callable[[T], None]) -> Callable[[], None]:
        """Call ``follower`` with every message published on ``topic`` from now on;
        returns the function that ends the subscription."""
        with self._lock:
            self._followers.setdefault(topic, []).append(follower)

        def unsubscribe() -> None:
            with self._lock:
                followers = self._followers.get(topic, [])
                if follower in followers:
                    followers.remove(follower)

        return unsubscribe

    def publish(self, topic: Topic[T], message: T) -> None:
        """Hand ``message`` to every follower of ``topic``."""
        with self._lock:
            followers = list(self._followers.get(topic, ()))
        for follower in followers:
            try:
                follower(message)
            except Exception:
                log.exception("a follower of %s failed on %r", topic.name, message)

    def followers(self, topic: Topic[Any]) -> int:
        """How many follow ``topic`` (for tests and the operator's logs)."""
        with self._lock:
            return len(self._followers.get(topic, ()))
