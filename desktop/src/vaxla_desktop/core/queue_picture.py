"""The queues as the last snapshot showed them, with each longest wait brought up to
now by the clock: shared by the agent panel and the supervisor's real-time view."""

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from vaxla_protocol.agent import QueueState

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class QueueFigures:
    """A queue as a view shows it: the last snapshot, its longest wait brought up to
    now, and whether the agent is a member (its "group") or not."""

    state: QueueState
    mine: bool
    longest_wait_s: float


class QueueSource(Protocol):
    """What the queue tables read: every queue with its figures up to now."""

    def queues(self) -> list[QueueFigures]: ...


class QueuePicture:
    """The last queue snapshot and when it came."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._queues: list[QueueState] = []
        self._taken_at: datetime | None = None

    def take(self, queues: list[QueueState]) -> None:
        self._queues = sorted(queues, key=lambda queue: queue.name.casefold())
        self._taken_at = self._clock()

    def figures(self, mine: Collection[int] = ()) -> list[QueueFigures]:
        """Every queue of the snapshot, by name, with its wait up to now."""
        aged = self._seconds_since_taken()
        return [
            QueueFigures(
                state=queue,
                mine=queue.id in mine,
                longest_wait_s=queue.longest_wait_s + aged if queue.waiting else 0.0,
            )
            for queue in self._queues
        ]

    def _seconds_since_taken(self) -> float:
        if self._taken_at is None:
            return 0.0
        return max(0.0, (self._clock() - self._taken_at).total_seconds())
