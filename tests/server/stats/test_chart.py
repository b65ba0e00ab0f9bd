"""The chart of the day from the events alone: the most callers waiting at once per
interval (a level carried on into the intervals after the change that set it, the set's
queues only) and the service level of the set's queues together."""

from datetime import UTC, datetime, timedelta

import pytest

from vaxla_server.stats.chart import day_chart
from vaxla_server.store.events import Abandoned, Answered, Event, Moved, Queued

START = datetime(2026, 12, 5, tzinfo=UTC)
STEP = timedelta(minutes=15)


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def test_waiting_carries_on_across_intervals_and_counts_the_set_only() -> None:
    events: list[Event] = [
        Queued(at=at(1), contact_id=1, queue_id=1, position=1),
        Queued(at=at(2), contact_id=2, queue_id=2, position=1),
        Queued(at=at(3), contact_id=3, queue_id=9, position=1),  # not on the board
        Answered(at=at(4), contact_id=2, agent_id=1, queue_id=2, wait_seconds=120),
        # Contact 1 waits on through the second and third intervals.
        Moved(at=at(40), contact_id=3, queue_id=9, to_queue_id=2),  # into the set
        Abandoned(at=at(50), contact_id=1, queue_id=1, position=1, wait_seconds=2940),
    ]
    chart = day_chart(
        events,
        start=START,
        end=at(61),
        step=STEP,
        goals={1: 20.0, 2: 20.0, 9: 20.0},
        queue_ids=[1, 2],
    )
    assert [i.start for i in chart] == [at(0), at(15), at(30), at(45), at(60)]
    assert [i.waiting_max for i in chart] == [2, 1, 2, 2, 1]
    assert [i.offered for i in chart] == [2, 0, 1, 0, 0]
    # Interval 1: one answered after 120 s of 2 offered; interval 3: one more offered.
    assert chart[0].service_level == pytest.approx(0.0)
    assert chart[1].service_level is None
    assert chart[2].service_level == pytest.approx(0.0)
