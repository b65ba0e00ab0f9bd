"""The incremental summaries give the figures of the whole-log fold, on a generated log of
several days (``sim/report_log.py``) folded through a real event log in pieces."""

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from vaxla_server.sim.report_log import GOALS, STOCKHOLM, site_days
from vaxla_server.stats import agent_figures, queue_figures, queue_intervals
from vaxla_server.stats.summary import Summaries
from vaxla_server.store import open_store
from vaxla_server.store.database import sqlite_url
from vaxla_server.store.events import Event

FIRST = date(2026, 3, 27)  # three days across the spring DST change (29 March)
DAYS = 3


@pytest.fixture(scope="module")
def generated(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[list[Event], Summaries]]:
    data: Path = tmp_path_factory.mktemp("data")
    events: list[Event] = []
    with open_store(url=sqlite_url(data)) as store:
        summaries = Summaries(store.events)
        for day in site_days(FIRST, DAYS, agents=12, calls_per_day=300, seed=7):
            store.events.append(day)
            events.extend(day)
            # Folded a day at a time, as the log grows.
            assert summaries.catch_up() == len(day)
        assert summaries.catch_up() == 0
        yield events, summaries


def close(new: float | None, old: float | None) -> bool:
    if new is None or old is None:
        return new is old
    return new == pytest.approx(old, rel=1e-9, abs=1e-6)


@pytest.mark.parametrize("step", [timedelta(minutes=15), timedelta(hours=1), timedelta(days=1)])
def test_queue_figures_are_those_of_the_whole_log(
    generated: tuple[list[Event], Summaries], step: timedelta
) -> None:
    events, summaries = generated
    start = datetime.combine(FIRST, datetime.min.time(), tzinfo=STOCKHOLM)
    end = start + timedelta(days=DAYS - 1)  # 2 x 24 h: fixed steps stay on the edges
    old = queue_intervals(events, start=start, end=end, step=step, goals=GOALS)
    count = (end - start) // step
    edges = [start + i * step for i in range(count + 1)]
    new = summaries.queue_intervals(edges, GOALS)
    assert len(new) == len(old) > 0
    assert sum(row.offered for row in new) > 500
    for a, b in zip(new, old, strict=True):
        assert (a.queue_id, a.start, a.end) == (b.queue_id, b.start, b.end)
        assert (a.offered, a.answered, a.answered_within_goal) == (
            b.offered,
            b.answered,
            b.answered_within_goal,
        )
        assert (a.abandoned, a.abandoned_short, a.overflowed, a.handled) == (
            b.abandoned,
            b.abandoned_short,
            b.overflowed,
            b.handled,
        )
        assert a.max_wait_s == b.max_wait_s
        assert close(a.service_level, b.service_level)
        assert close(a.average_wait_s, b.average_wait_s)
        assert close(a.average_speed_of_answer_s, b.average_speed_of_answer_s)
        assert close(a.average_handle_s, b.average_handle_s)


@pytest.mark.parametrize("hours", [(0, 24), (9, 12), (0, 72)])
def test_agent_figures_are_those_of_the_whole_log(
    generated: tuple[list[Event], Summaries], hours: tuple[int, int]
) -> None:
    events, summaries = generated
    midnight = datetime.combine(FIRST, datetime.min.time(), tzinfo=STOCKHOLM)
    start, end = midnight + timedelta(hours=hours[0]), midnight + timedelta(hours=hours[1])
    now = midnight + timedelta(days=2, hours=10)  # the last day still open at ten
    old = agent_figures([e for e in events if e.at < end], start=start, end=end, now=now)
    new = summaries.agent_figures(start, end, now=now)
    assert [f.agent_id for f in new] == [f.agent_id for f in old] and new
    for a, b in zip(new, old, strict=True):
        assert a.answered == b.answered
        assert close(a.talk_s, b.talk_s) and close(a.wrap_up_s, b.wrap_up_s)
        assert close(a.logged_in_s, b.logged_in_s)
        wanted = {k: v for k, v in b.pause_s.items() if v > 0}
        assert a.pause_s.keys() == wanted.keys()
        assert all(close(a.pause_s[k], wanted[k]) for k in wanted)


def test_edges_off_the_quarter_hour_are_refused(
    generated: tuple[list[Event], Summaries],
) -> None:
    _, summaries = generated
    start = datetime.combine(FIRST, datetime.min.time(), tzinfo=STOCKHOLM)
    with pytest.raises(ValueError, match="quarter hour"):
        summaries.queue_intervals([start, start + timedelta(minutes=10)], GOALS)


def test_today_so_far_is_the_whole_log_fold_from_midnight(
    generated: tuple[list[Event], Summaries],
) -> None:
    """``/stats/queues`` and the queue board: today to a ``now`` off the quarter hours."""
    events, _ = generated
    midnight = datetime.combine(FIRST + timedelta(days=1), datetime.min.time(), tzinfo=STOCKHOLM)
    now = midnight + timedelta(hours=10, minutes=7, seconds=13)
    end = now + timedelta(microseconds=1)
    # The log of a server at ``now``: nothing after it yet.
    whole = Summaries(log=None)  # type: ignore[arg-type]  # folded by hand, no log read
    so_far = [e for e in events if e.at < end]
    whole.fold(so_far)
    old = queue_figures(so_far, start=midnight, end=end, goals=GOALS)
    new = whole.today(now, GOALS)
    assert [(r.queue_id, r.start, r.end) for r in new] == [
        (r.queue_id, r.start, r.end) for r in old
    ]
    assert sum(r.offered for r in new) > 50
    for a, b in zip(new, old, strict=True):
        assert (a.offered, a.answered, a.answered_within_goal, a.abandoned, a.overflowed) == (
            b.offered,
            b.answered,
            b.answered_within_goal,
            b.abandoned,
            b.overflowed,
        )
        assert a.max_wait_s == b.max_wait_s and close(a.service_level, b.service_level)
        assert close(a.average_wait_s, b.average_wait_s)
        assert close(a.average_handle_s, b.average_handle_s)
