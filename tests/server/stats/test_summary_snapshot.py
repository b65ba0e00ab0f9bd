"""The summaries saved in the store: a server restarted mid-day loads the snapshot, folds
only the events after it and answers every report figure as a rebuild from the whole log
does; saves are incremental and come every K events or T on the clock; a snapshot that
cannot be trusted is logged and rebuilt from the log."""

import itertools
import logging
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, func, select, update

from tests.server.api.running import Centre, a_day
from tests.server.auth.conftest import CHEAP_SETTINGS
from tests.server.stats.test_reports_by_hand import GOALS as HAND_GOALS
from tests.server.stats.test_reports_by_hand import sequence
from vaxla_server.app import create_app
from vaxla_server.sim.report_log import GOALS, STOCKHOLM, site_days
from vaxla_server.stats import snapshot
from vaxla_server.stats.calls import CallFilter
from vaxla_server.stats.snapshot import SummarySnapshots
from vaxla_server.stats.summary import SNAPSHOT_VERSION, Summaries, interval_edges
from vaxla_server.store import EventLog, Store, open_store
from vaxla_server.store.events import (
    Answered,
    Event,
    ReportMailed,
    ReportScheduleSaved,
    Transferred,
)
from vaxla_server.store.models import SummaryPartRow, SummarySnapshotRow

with warnings.catch_warnings():
    # Starlette asks for its httpx fork, which is not a dependency; httpx still works.
    warnings.filterwarnings("ignore", "Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

FIRST = date(2026, 3, 28)  # two days across the spring DST change (29 March)


@dataclass
class Clock:
    now: datetime = datetime(2026, 3, 30, 12, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def sqlite(tmp_path: Path) -> Iterator[Store]:
    with open_store(data_dir=tmp_path / "data") as opened:
        yield opened


def server(store: Store, clock: Clock | None = None, **options: Any) -> Summaries:
    """The summaries as a server's start makes them (``services.compose``)."""
    return Summaries(
        store.events, SummarySnapshots(store.engine), clock=clock or Clock(), **options
    )


def generated() -> list[Event]:
    """Two generated days, with a scheduled report and its mail, and a transfer."""
    days = list(site_days(FIRST, 2, agents=8, calls_per_day=150, seed=11))
    events = [event for day in days for event in day]
    first = events[0].at
    events[1:1] = [
        ReportScheduleSaved(
            at=first,
            name="daily",
            schedule={"report": "queues", "to": ["a@b.se"]},
            added=True,
            by_user=1,
        ),
        ReportMailed(
            at=first,
            name="daily",
            start=first,
            end=first + timedelta(days=1),
            recipients=["a@b.se"],
        ),
    ]
    contact = next(e.contact_id for e in events if isinstance(e, Answered))
    events.append(
        Transferred(
            at=events[-1].at, contact_id=contact, agent_id=None, queue_id=None, to_number="+4680"
        )
    )
    return events


def every_figure(summaries: Summaries, events: list[Event], goals: dict[int, float]) -> list[Any]:
    """Every report's figures over the log's days: queues per 15 min, hour and site day
    (staffing and classifications are rows' fields), agents per day and over all, the
    call log with each filter, the scheduled reports."""
    start = datetime.combine(events[0].at.astimezone(STOCKHOLM).date(), time(), STOCKHOLM)
    end = datetime.combine(events[-1].at.astimezone(STOCKHOLM).date(), time(), STOCKHOLM)
    end += timedelta(days=2)
    now = events[-1].at
    figures: list[Any] = []
    for interval in ("15m", "1h", "1d"):
        edges = interval_edges(start, end, interval, STOCKHOLM)
        figures.append(summaries.queue_intervals(edges, goals, now=now))
    days = interval_edges(start, end, "1d", STOCKHOLM)
    for lo, hi in itertools.pairwise(days):
        figures.append(summaries.agent_figures(lo, hi, now=now))
    figures.append(summaries.agent_figures(start, end, now=now))
    calls = summaries.calls(CallFilter())
    figures.append(calls)
    for call in calls[:5]:
        figures.append(summaries.calls(CallFilter(agent_id=call.agent_id)))
        figures.append(summaries.calls(CallFilter(queue_id=call.queue_id)))
        figures.append(summaries.calls(CallFilter(outcome=call.outcome)))
        figures.append(summaries.calls(CallFilter(classification=call.classification)))
    figures.append(summaries.schedules())
    return figures


def rebuilt(log: EventLog) -> Summaries:
    whole = Summaries(log)
    whole.catch_up()
    return whole


def snapshot_row(store: Store) -> Any:
    with store.engine.connect() as connection:
        return connection.execute(select(SummarySnapshotRow.__table__)).one()._mapping


def part_count(store: Store) -> int:
    with store.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(SummaryPartRow)).scalar_one()


@pytest.mark.parametrize(
    ("source", "goals"), [("generated", GOALS), ("by hand", HAND_GOALS)], ids=["generated", "hand"]
)
def test_a_server_restarted_mid_day_answers_as_a_rebuild(
    store: Store, source: str, goals: dict[int, float]
) -> None:
    events = generated() if source == "generated" else sequence()
    middle = len(events) * 2 // 3  # in the last day: agents logged in, calls open
    store.events.append(events[: middle // 2])
    first = server(store)
    assert first.catch_up() == middle // 2
    store.events.append(events[middle // 2 : middle])
    first.save()  # a clean stop
    assert snapshot_row(store)["upto"] == first.last_id
    store.events.append(events[middle:])

    restarted = server(store)
    assert restarted.catch_up() == len(events) - middle  # only the events after the snapshot
    assert every_figure(restarted, events, goals) == every_figure(
        rebuilt(store.events), events, goals
    )


def test_saves_are_incremental_and_due_every_k_events_or_t_on_the_clock(sqlite: Store) -> None:
    store = sqlite
    events = generated()
    clock = Clock()
    summaries = server(store, clock, save_every_events=500, save_every=timedelta(minutes=1))
    store.events.append(events[:1000])
    summaries.catch_up()  # the first fold is saved at once
    assert snapshot_row(store)["upto"] == summaries.last_id
    whole = part_count(store)
    written: list[int] = []
    save = SummarySnapshots.save

    def counted(self: SummarySnapshots, **arguments: Any) -> None:
        written.append(len(arguments["changed"]))
        save(self, **arguments)

    SummarySnapshots.save = counted  # type: ignore[method-assign]
    try:
        # 20 events, 30 s: no save is due yet.
        store.events.append(events[1000:1020])
        summaries.catch_up()
        clock.now += timedelta(seconds=30)
        summaries.catch_up()
        assert written == [] and snapshot_row(store)["upto"] < summaries.last_id
        # A minute since the last save: the parts those 20 events changed are written.
        clock.now += timedelta(seconds=30)
        summaries.catch_up()
        assert snapshot_row(store)["upto"] == summaries.last_id
        assert 0 < written[-1] < whole // 4  # not the whole state
        # 500 events folded: saved, without the clock moving.
        store.events.append(events[1020:1520])
        summaries.catch_up()
        assert snapshot_row(store)["upto"] == summaries.last_id and len(written) == 2
        assert written[-1] < whole
    finally:
        SummarySnapshots.save = save  # type: ignore[method-assign]


def _version(store: Store) -> None:
    with store.engine.begin() as connection:
        connection.execute(update(SummarySnapshotRow).values(version=SNAPSHOT_VERSION + 1))


def _ahead(store: Store) -> None:
    with store.engine.begin() as connection:
        connection.execute(update(SummarySnapshotRow).values(upto=10**9))


def _another_log(store: Store) -> None:
    with store.engine.begin() as connection:
        later = datetime(2031, 1, 1, tzinfo=UTC)
        connection.execute(update(SummarySnapshotRow).values(upto_at=later))


def _damaged_part(store: Store) -> None:
    with store.engine.begin() as connection:
        key = connection.execute(
            select(SummaryPartRow.key).where(SummaryPartRow.key.like("q:%"))
        ).scalar()
        connection.execute(
            update(SummaryPartRow).where(SummaryPartRow.key == key).values(body={"offered": "x"})
        )


def _part_lost(store: Store) -> None:
    with store.engine.begin() as connection:
        key = connection.execute(select(SummaryPartRow.key)).scalar()
        connection.execute(delete(SummaryPartRow).where(SummaryPartRow.key == key))


def _bad_time(store: Store) -> None:
    with store.engine.begin() as connection:
        state = connection.execute(select(SummarySnapshotRow.open_state)).scalar_one()
        state["latest"] = "yesterday"
        connection.execute(update(SummarySnapshotRow).values(open_state=state))


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        (
            _version,
            f"of version {SNAPSHOT_VERSION + 1}, this server reads version {SNAPSHOT_VERSION}",
        ),
        (_ahead, "up to event 1000000000, but the log ends at event"),
        (_another_log, "folded from another event log"),
        (_damaged_part, "cannot be read (ValueError"),
        (_part_lost, "damaged"),
        (_bad_time, "cannot be read (ValueError"),
    ],
    ids=["version", "ahead", "another-log", "damaged-part", "part-lost", "bad-time"],
)
def test_a_snapshot_that_cannot_be_trusted_is_rebuilt(
    sqlite: Store,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    damage: Any,
    said: str,
) -> None:
    store = sqlite
    monkeypatch.setattr(snapshot, "WHOLE_CHUNK", 7)  # the whole save in many transactions
    events = sequence()
    store.events.append(events[:20])
    server(store).save()
    damage(store)
    store.events.append(events[20:])
    with caplog.at_level(logging.WARNING, logger="vaxla_server.stats"):
        restarted = server(store)
        assert restarted.catch_up() == len(events)  # the whole log, folded again
    assert said in caplog.text and "rebuilt from the event log" in caplog.text
    assert every_figure(restarted, events, HAND_GOALS) == every_figure(
        rebuilt(store.events), events, HAND_GOALS
    )
    # The rebuild is saved whole: the next start trusts it and folds nothing.
    row = snapshot_row(store)
    assert (row["version"], row["upto"]) == (SNAPSHOT_VERSION, restarted.last_id)
    caplog.clear()
    again = server(store)
    assert again.catch_up() == 0 and "rebuilt" not in caplog.text
    assert every_figure(again, events, HAND_GOALS) == every_figure(restarted, events, HAND_GOALS)


def test_a_clean_stop_saves_and_the_next_start_folds_nothing_more(running: Centre) -> None:
    app = running.api.app
    store: Store = app.state.services.store
    with TestClient(app):  # the server's start and its clean stop
        a_day(running)
    row = snapshot_row(store)
    assert row["upto"] > 0 and store.events.read(since_id=row["upto"]) == []  # the last event
    # The restart's centre tells of what the stop cut (the call still waiting): only
    # those events are folded.
    restarted = create_app(store, auth_settings=CHEAP_SETTINGS, clock=running.clock)
    after = store.events.read(since_id=row["upto"])
    assert 0 < len(after) < row["upto"]
    assert restarted.state.services.summaries.catch_up() == len(after)
