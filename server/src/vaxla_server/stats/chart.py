"""The chart of the day for a set of queues (a board's): per interval, the most callers
waiting at once and the service level, from the events alone.

Callers waiting are followed contact by contact: a contact waits in a queue from its
``Queued`` (or a ``Moved`` into it) until it is answered, abandons, overflows, asks for a
callback, is moved out or ends. The service level of an interval is that of
``figures.queue_intervals`` over the set's queues taken together (answered within each
queue's goal, of those offered less those who hung up within the goal).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from vaxla_server.stats.figures import queue_intervals
from vaxla_server.store.events import (
    Abandoned,
    Answered,
    CallbackRequested,
    Ended,
    Event,
    Moved,
    Overflowed,
    Queued,
)


@dataclass(frozen=True, slots=True)
class ChartInterval:
    start: datetime
    waiting_max: int
    offered: int
    service_level: float | None


def day_chart(
    events: Iterable[Event],
    *,
    start: datetime,
    end: datetime,
    step: timedelta,
    goals: Mapping[int, float],
    queue_ids: Iterable[int],
) -> list[ChartInterval]:
    """Intervals of ``step`` from ``start`` until the one holding ``end``, for the queues
    ``queue_ids`` (those of them in ``goals``: queue id → goal T in seconds)."""
    wanted = {queue_id: goals[queue_id] for queue_id in queue_ids if queue_id in goals}
    events = list(events)
    count = max(1, -(-(end - start) // step))
    peaks = [0] * count
    waiting: dict[int, int] = {}
    level = 0
    current = 0  # the interval the level so far belongs to

    for event in events:
        index = (event.at - start) // step
        if index >= count:
            break
        if index > current:
            # The level carries on into the intervals after the change that set it.
            for passed in range(current + 1, index + 1):
                peaks[passed] = level
            current = index
        match event:
            case Queued():
                waiting[event.contact_id] = event.queue_id
            case Moved():
                waiting[event.contact_id] = event.to_queue_id
            case Answered() | Abandoned() | Overflowed() | CallbackRequested() | Ended():
                waiting.pop(event.contact_id, None)
            case _:
                continue
        level = sum(1 for queue in waiting.values() if queue in wanted)
        if index >= 0:
            peaks[index] = max(peaks[index], level)
    for passed in range(current + 1, count):
        peaks[passed] = level
    figures = queue_intervals(
        events, start=start, end=start + count * step, step=step, goals=wanted
    )
    totals: dict[datetime, list[int]] = {}
    for cell in figures:
        total = totals.setdefault(cell.start, [0, 0, 0])
        total[0] += cell.offered
        total[1] += cell.answered_within_goal
        total[2] += cell.offered - cell.abandoned_short
    chart = []
    for index in range(count):
        at = start + index * step
        offered, within, base = totals.get(at, [0, 0, 0])
        level_pct = None if base <= 0 else min(100.0, 100.0 * within / base)
        chart.append(ChartInterval(at, peaks[index], offered, level_pct))
    return chart
