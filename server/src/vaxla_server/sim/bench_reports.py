"""``make bench-reports``: a month's reports from the whole-log fold and from the summaries.

Generates a 50-agent site's month (``sim/report_log.py``: about 1 million events) into a
SQLite store in a temporary directory, then times, in this run:

* the old path: the month's queue report per day and the agent report, each reading the
  whole log once (``stats.reading.events_between``) and folding it (``stats.figures``);
* building the summaries from the log once (what a server does on its first report after
  a start), and catching up on one more day appended;
* the new path: the same two reports, plus the month per hour and per quarter hour, from
  the summaries already up to date;
* a server's start: the summaries saved in the store (``stats/snapshot.py``) as they were
  folded, half a day more appended after the snapshot, then a start that loads the
  snapshot and folds only those events, against a start that rebuilds the summaries from
  the whole log.

Prints each time, the old against the new (the ratio), whether the figures agree, whether
the month's reports took under 2 s (the target of issue 16), and the start from the
snapshot against the rebuild (the ratio). Exit status 0 when the bench ran, 1 when the
figures disagree.
"""

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from vaxla_server.sim.report_log import GOALS, STOCKHOLM, site_days
from vaxla_server.stats import agent_figures, events_between, queue_intervals
from vaxla_server.stats.snapshot import SummarySnapshots
from vaxla_server.stats.summary import Summaries
from vaxla_server.store import Store, open_store
from vaxla_server.store.database import sqlite_url
from vaxla_server.store.events import Event

T = TypeVar("T")
FIRST = date(2026, 11, 1)  # 30 days of 24 hours: the old report's fixed day step fits


def timed(label: str, work: Callable[[], T]) -> tuple[T, float]:
    began = time.perf_counter()
    result = work()
    spent = time.perf_counter() - began
    print(f"  {label:<58} {spent:8.3f} s", flush=True)
    return result, spent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--calls-per-day", type=int, default=5300)
    args = parser.parse_args(argv)
    with (
        tempfile.TemporaryDirectory(prefix="bench-reports-") as data,
        open_store(url=sqlite_url(Path(data))) as store,
    ):
        return _run(store, args.days, args.agents, args.calls_per_day)


class TimedSnapshots(SummarySnapshots):
    """The store's snapshots, with the time each save took."""

    def __init__(self, store: Store) -> None:
        super().__init__(store.engine)
        self.saves: list[tuple[int, float]] = []

    def save(self, **arguments: Any) -> None:
        began = time.perf_counter()
        super().save(**arguments)
        self.saves.append((len(arguments["changed"]), time.perf_counter() - began))


def _run(store: Store, days: int, agents: int, calls: int) -> int:
    log = store.events
    print(f"generating {days} days of {agents} agents, {calls} calls a day ...", flush=True)
    began = time.perf_counter()
    generated = list(site_days(FIRST, days + 2, agents=agents, calls_per_day=calls))
    after_snapshot = generated.pop()
    after_snapshot = after_snapshot[: len(after_snapshot) // 2]  # half a day: to noon or so
    total = 0
    for day in generated[:-1]:
        log.append(day)
        total += len(day)
    print(f"  {total:,} events in the log ({time.perf_counter() - began:.0f} s)", flush=True)
    start = datetime.combine(FIRST, datetime.min.time(), tzinfo=STOCKHOLM)
    end = datetime.combine(FIRST + timedelta(days=days), datetime.min.time(), tzinfo=STOCKHOLM)
    now = end
    days_edges = [
        datetime.combine(FIRST + timedelta(days=i), datetime.min.time(), tzinfo=STOCKHOLM)
        for i in range(days + 1)
    ]

    print("old: the whole log read per report")
    old_queues, old_q = timed(
        "queue report, per day",
        lambda: queue_intervals(
            events_between(log, start, end),
            start=start,
            end=end,
            step=timedelta(days=1),
            goals=GOALS,
        ),
    )
    old_agents, old_a = timed(
        "agent report",
        lambda: agent_figures(events_between(log, None, end), start=start, end=end, now=now),
    )
    print("new: the summaries")
    snapshots = TimedSnapshots(store)
    summaries = Summaries(log, snapshots)
    _, build = timed("built from the log (once, after a start), and saved", summaries.catch_up)
    parts, first_save = snapshots.saves[-1]
    print(f"    of which the first save, whole ({parts:,} parts): {first_save:.3f} s")
    log.append(generated[-1])
    saved = len(snapshots.saves)
    timed(f"caught up on one more day ({len(generated[-1]):,} events)", summaries.catch_up)
    if len(snapshots.saves) > saved:
        parts, save = snapshots.saves[-1]
        print(f"    of which the save of what changed ({parts:,} parts): {save:.3f} s")
    new_queues, new_q = timed(
        "queue report, per day", lambda: summaries.queue_intervals(days_edges, GOALS, now=now)
    )
    new_agents, new_a = timed("agent report", lambda: summaries.agent_figures(start, end, now=now))
    hours = [start + timedelta(hours=i) for i in range(int((end - start) / timedelta(hours=1)) + 1)]
    timed("queue report, per hour", lambda: summaries.queue_intervals(hours, GOALS, now=now))
    quarters = [start + i * timedelta(minutes=15) for i in range(len(hours) * 4 - 3)]
    timed(
        "queue report, per quarter hour",
        lambda: summaries.queue_intervals(quarters, GOALS, now=now, dense=False),
    )
    same = [(r.queue_id, r.offered, r.answered, r.abandoned, r.handled) for r in new_queues] == [
        (r.queue_id, r.offered, r.answered, r.abandoned, r.handled) for r in old_queues
    ] and [(a.agent_id, a.answered) for a in new_agents] == [
        (a.agent_id, a.answered) for a in old_agents
    ]
    old_total, new_total = old_q + old_a, new_q + new_a
    print(
        f"a month of {total:,} events, queue report per day + agent report: "
        f"old {old_total:.3f} s, new {new_total:.3f} s, ratio {old_total / new_total:,.0f}x"
    )
    print(
        f"  under 2 s: {'yes' if new_total < 2 else 'NO'}; figures agree: {'yes' if same else 'NO'}"
    )
    print(f"  (building the summaries once from the log: {build:.1f} s)")
    same = _start(store, summaries, after_snapshot, days_edges, start, end) and same
    return 0 if same else 1


def _start(
    store: Store,
    summaries: Summaries,
    after: list[Event],
    days_edges: list[datetime],
    start: datetime,
    end: datetime,
) -> bool:
    """A server's start with the snapshot against one that rebuilds from the whole log;
    whether the two agree on the reports."""
    log = store.events
    summaries.save()
    upto = summaries.last_id
    del summaries
    log.append(after)
    print(
        f"a start: {upto:,} events in the snapshot, {len(after):,} appended after it (half a day)"
    )
    loaded = Summaries(log, SummarySnapshots(store.engine))
    folded, with_snapshot = timed(
        "loaded from the snapshot, caught up on the rest", loaded.catch_up
    )
    rebuilt = Summaries(log)
    _, rebuild = timed("rebuilt from the whole log", rebuilt.catch_up)
    now = max(event.at for event in after)
    same = (
        folded == len(after)
        and loaded.queue_intervals(days_edges, GOALS, now=now)
        == rebuilt.queue_intervals(days_edges, GOALS, now=now)
        and loaded.agent_figures(start, end, now=now) == rebuilt.agent_figures(start, end, now=now)
    )
    print(
        f"a start of {rebuilt.last_id:,} events: from the snapshot {with_snapshot:.2f} s, "
        f"rebuilt {rebuild:.1f} s, ratio {rebuild / with_snapshot:,.0f}x; "
        f"reports agree: {'yes' if same else 'NO'}"
    )
    return same


if __name__ == "__main__":
    sys.exit(main())
