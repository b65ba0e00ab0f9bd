"""Timers of the running centre (ring timeouts, wrap-up ends) on its own time line.

Nothing here sleeps: ``due(now)`` hands back the timers whose moment has come, so the
server's timer task and a test with a clock that moves only when told give the same
sequence of firings.
"""

import heapq
import itertools
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

from vaxla_server.centre.journal import Snapshots, Undo


@dataclass(order=True)
class _Entry:
    at: float
    order: int
    key: Hashable = field(compare=False)
    action: Callable[[], None] = field(compare=False)
    cancelled: bool = field(default=False, compare=False)


class Timers:
    """Named one-shot timers; setting a name again replaces its timer.

    Changes made while a journal records (see ``journal``) are undone by its rollback:
    the first change of a stretch saves the whole (small) set of timers."""

    def __init__(self) -> None:
        self._heap: list[_Entry] = []
        self._by_key: dict[Hashable, _Entry] = {}
        self._order = itertools.count()
        self._snapshots = Snapshots()

    def _save(self) -> Undo:
        heap, by_key = list(self._heap), dict(self._by_key)
        cancelled = [(entry, entry.cancelled) for entry in heap]

        def put_back() -> None:
            self._heap, self._by_key = heap, by_key
            for entry, was in cancelled:
                entry.cancelled = was

        return put_back

    def set(self, key: Hashable, at: float, action: Callable[[], None]) -> None:
        self._snapshots.before_change(self._save)
        self.cancel(key)
        entry = _Entry(at, next(self._order), key, action)
        self._by_key[key] = entry
        heapq.heappush(self._heap, entry)

    def cancel(self, key: Hashable) -> None:
        self._snapshots.before_change(self._save)
        entry = self._by_key.pop(key, None)
        if entry is not None:
            entry.cancelled = True

    def pending(self, key: Hashable) -> float | None:
        """When the timer ``key`` fires, or None if there is none."""
        entry = self._by_key.get(key)
        return None if entry is None else entry.at

    def next_at(self) -> float | None:
        while self._heap and self._heap[0].cancelled:
            heapq.heappop(self._heap)
        return self._heap[0].at if self._heap else None

    def pop_due(self, now: float) -> tuple[float, Callable[[], None]] | None:
        """The earliest timer due at ``now`` (removed), with its moment; None if none is."""
        at = self.next_at()
        if at is None or at > now:
            return None
        self._snapshots.before_change(self._save)
        entry = heapq.heappop(self._heap)
        del self._by_key[entry.key]
        return entry.at, entry.action
