import threading
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.server.store.samples import SAMPLES, T0, at
from vaxla_server.store import (
    EventKind,
    EventLog,
    InvalidEvent,
    InvalidQuery,
    NaiveTimestamp,
    PayloadMismatch,
    Store,
    UnknownEventKind,
    open_store,
)
from vaxla_server.store.events import Abandoned, AgentReady, Answered, Event, Queued


def ready(agent: int, seconds: float = 0) -> AgentReady:
    return AgentReady(at=at(seconds), agent_id=agent)


def test_samples_cover_every_kind() -> None:
    assert set(SAMPLES) == set(EventKind)


def test_the_log_can_only_append_and_read() -> None:
    assert [name for name in dir(EventLog) if not name.startswith("_")] == ["append", "read"]


def test_every_kind_round_trips(store: Store) -> None:
    events = list(SAMPLES.values())
    ids = store.events.append(events)

    assert ids == sorted(ids)
    assert len(set(ids)) == len(events)
    logged = store.events.read()
    assert [entry.id for entry in logged] == ids
    assert [entry.event for entry in logged] == events
    assert all(entry.event.at.utcoffset() is not None for entry in logged)


def test_mappings_round_trip_as_their_models(store: Store) -> None:
    events = list(SAMPLES.values())
    store.events.append([event.model_dump(mode="json") for event in events])
    assert [entry.event for entry in store.events.read()] == events


def test_subjects_are_kept_in_their_own_columns(store: Store) -> None:
    (answered,) = store.events.append(
        [Answered(at=T0, contact_id=100, queue_id=3, agent_id=8, wait_seconds=1.5)]
    )
    with store.engine.connect() as connection:
        row = connection.execute(
            text("SELECT kind, contact_id, agent_id, queue_id, payload FROM events WHERE id = :id"),
            {"id": answered},
        ).one()
    payload = row.payload
    if isinstance(payload, str):  # SQLite's driver hands JSON back as text without the ORM
        import json

        payload = json.loads(payload)
    assert (row.kind, row.contact_id, row.agent_id, row.queue_id) == ("answered", 100, 8, 3)
    assert payload == {"wait_seconds": 1.5}


def test_times_are_kept_as_utc_instants(store: Store) -> None:
    contact_entered = SAMPLES[EventKind.CONTACT_ENTERED]
    store.events.append([{**contact_entered.model_dump(), "at": "2026-11-23T09:00:10+01:00"}])
    (entry,) = store.events.read()
    assert entry.event.at == datetime.fromisoformat("2026-11-23T08:00:10+00:00")
    assert entry.event.at.utcoffset() is not None
    assert entry.event.at.utcoffset().total_seconds() == 0  # type: ignore[union-attr]


def test_reads_page_through_the_log_in_id_order(store: Store) -> None:
    batches = [
        [ready(agent, seconds) for agent in range(size)]
        for seconds, size in enumerate([7, 1, 12, 5])
    ]
    appended = [event_id for batch in batches for event_id in store.events.append(batch)]
    assert appended == sorted(appended)

    pages = []
    since_id = 0
    while page := store.events.read(since_id=since_id, limit=10):
        pages.append(page)
        since_id = page[-1].id

    assert [len(page) for page in pages] == [10, 10, 5]
    assert [entry.id for page in pages for entry in page] == appended
    assert [entry.event for page in pages for entry in page] == [e for b in batches for e in b]
    assert store.events.read(since_id=appended[-1]) == []


def test_reads_filter_by_kind_and_subject(store: Store) -> None:
    store.events.append(list(SAMPLES.values()))

    abandoned = store.events.read(kinds=[EventKind.ABANDONED])
    assert [entry.event for entry in abandoned] == [SAMPLES[EventKind.ABANDONED]]
    by_name = store.events.read(kinds=["queued", "offered"])
    assert [entry.event.kind for entry in by_name] == [EventKind.QUEUED, EventKind.OFFERED]
    contact = store.events.read(contact=101)
    assert [entry.event.kind for entry in contact] == [EventKind.ABANDONED]
    agent = store.events.read(agent=7, kinds=[EventKind.AGENT_READY, EventKind.AGENT_PAUSED])
    assert [entry.event.kind for entry in agent] == [EventKind.AGENT_READY, EventKind.AGENT_PAUSED]
    queue = store.events.read(queue=2)
    assert [entry.event.kind for entry in queue] == [EventKind.OVERFLOWED]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"limit": 0}, "limit must be at least 1"),
        ({"kinds": ["queued", "hung_up"]}, "unknown event kind 'hung_up'"),
    ],
)
def test_reads_refuse_bad_arguments(store: Store, arguments: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidQuery, match=message):
        store.events.read(**arguments)


QUEUED = SAMPLES[EventKind.QUEUED].model_dump(mode="json")

BAD_EVENTS: list[tuple[str, object, type[InvalidEvent], str]] = [
    ("unknown kind", {**QUEUED, "kind": "hung_up"}, UnknownEventKind, "unknown kind 'hung_up'"),
    ("no kind", {k: v for k, v in QUEUED.items() if k != "kind"}, UnknownEventKind, "no kind"),
    ("naive time", {**QUEUED, "at": "2026-11-23T08:00:00"}, NaiveTimestamp, "no time zone"),
    (
        "naive time in a model",
        Queued.model_construct(
            **{**SAMPLES[EventKind.QUEUED].__dict__, "at": T0.replace(tzinfo=None)}
        ),
        NaiveTimestamp,
        "no time zone",
    ),
    (
        "missing field",
        {k: v for k, v in QUEUED.items() if k != "position"},
        PayloadMismatch,
        "position",
    ),
    ("unknown field", {**QUEUED, "colour": "red"}, PayloadMismatch, "colour"),
    ("wrong type", {**QUEUED, "queue_id": "support"}, PayloadMismatch, "queue_id"),
    (
        "out of range",
        Abandoned.model_construct(
            **{**SAMPLES[EventKind.ABANDONED].__dict__, "wait_seconds": -1.0}
        ),
        PayloadMismatch,
        "wait_seconds",
    ),
    ("not an event", "queued", PayloadMismatch, "expected an event or a mapping"),
]


@pytest.mark.parametrize(
    ("bad", "error", "message"),
    [case[1:] for case in BAD_EVENTS],
    ids=[case[0] for case in BAD_EVENTS],
)
def test_bad_input_is_refused_and_writes_nothing(
    store: Store, bad: object, error: type[InvalidEvent], message: str
) -> None:
    store.events.append([ready(1)])
    before = store.events.read()

    with pytest.raises(error, match=message) as raised:
        store.events.append([ready(2), bad, ready(3)])  # type: ignore[list-item]

    assert raised.value.index == 1
    assert str(raised.value).startswith("event 1 of the batch: ")
    assert store.events.read() == before
    # Nothing half-written holds an id either: the next append continues after the last.
    (next_id,) = store.events.append([ready(4)])
    assert next_id == before[-1].id + 1


def test_the_database_refuses_update_and_delete(store: Store) -> None:
    store.events.append(list(SAMPLES.values()))
    before = store.events.read()
    statements = ["UPDATE events SET kind = 'ended'", "DELETE FROM events"]
    if store.engine.dialect.name == "postgresql":
        statements.append("TRUNCATE events")

    for statement in statements:
        with pytest.raises(DBAPIError, match="events is append-only"), store.engine.begin() as c:
            c.execute(text(statement))

    assert store.events.read() == before


def test_the_database_refuses_replacing_an_event(store: Store) -> None:
    """SQLite's REPLACE deletes the row it conflicts with without the DELETE trigger;
    PostgreSQL's upsert updates it. Both are refused, and the log is as it was."""
    store.events.append(list(SAMPLES.values()))
    before = store.events.read()
    if store.engine.dialect.name == "postgresql":
        statement = (
            "INSERT INTO events (id, at, kind, payload) OVERRIDING SYSTEM VALUE "
            "VALUES (1, now(), 'ended', '{}') ON CONFLICT (id) DO UPDATE SET kind = 'ended'"
        )
    else:
        statement = (
            "REPLACE INTO events (id, at, kind, payload) "
            "VALUES (1, '2026-12-05 10:00:00', 'ended', '{}')"
        )
    with pytest.raises(DBAPIError, match="events is append-only"), store.engine.begin() as c:
        c.execute(text(statement))
    assert store.events.read() == before
    store.events.append([ready(9)])  # appends go on


def test_an_unreadable_event_is_reported_and_the_rest_read(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    """A row written by hand (or by a newer version) that does not parse stops nothing:
    it is left out of what is read and reported once, with its id."""
    store.events.append([ready(1)])
    with store.engine.begin() as c:
        c.execute(
            text("INSERT INTO events (at, kind, payload) VALUES (:at, 'no_such_kind', '{}')"),
            {"at": T0},
        )
    store.events.append([ready(2)])
    read = store.events.read()
    assert [e.event.agent_id for e in read] == [1, 2]  # type: ignore[union-attr]
    # A page is filled past it: paging a row at a time still reaches the end.
    (first,) = store.events.read(limit=1)
    (second,) = store.events.read(since_id=first.id, limit=1)
    assert second.event.agent_id == 2  # type: ignore[union-attr]
    (bad_id,) = store.events.unreadable
    assert "unknown kind 'no_such_kind'" in store.events.unreadable[bad_id]
    store.events.read()
    assert [r.message for r in caplog.records].count(
        f"the event log has an unreadable event, left out: {store.events.unreadable[bad_id]}"
    ) == 1


def test_concurrent_appends_get_unique_increasing_ids(database_url: str) -> None:
    writers, batches, batch_size = 2, 25, 4
    stores = [open_store(url=database_url) for _ in range(writers)]
    start = threading.Barrier(writers)
    results: list[list[list[int]]] = [[] for _ in range(writers)]
    failures: list[BaseException] = []

    def write(writer: int) -> None:
        try:
            start.wait()
            for batch in range(batches):
                events: list[Event | Mapping[str, Any]] = [
                    ready(writer * 1000 + batch, batch) for _ in range(batch_size)
                ]
                results[writer].append(stores[writer].events.append(events))
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=write, args=(writer,)) for writer in range(writers)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        logged = stores[0].events.read(limit=writers * batches * batch_size + 1)
    finally:
        for store in stores:
            store.close()

    assert failures == []
    all_ids = [event_id for writer in results for batch in writer for event_id in batch]
    assert len(all_ids) == len(set(all_ids)) == writers * batches * batch_size
    for writer in results:
        flat = [event_id for batch in writer for event_id in batch]
        assert flat == sorted(flat)
        # Appends take turns, so each batch's ids are consecutive.
        for batch in writer:
            assert batch == list(range(batch[0], batch[0] + batch_size))
    assert [entry.id for entry in logged] == sorted(all_ids)
    for entry in logged:
        agent = entry.event.agent_id  # type: ignore[union-attr]
        assert agent is not None
        assert entry.id in results[agent // 1000][agent % 1000]
