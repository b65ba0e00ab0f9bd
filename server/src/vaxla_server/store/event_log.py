"""The append-only event log: the repository every statistic and report is read from.

It has ``append`` and ``read`` and nothing else; the database refuses UPDATE and DELETE
on the table as well, so a bug elsewhere cannot rewrite history either.
"""

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast, get_args

from pydantic import BaseModel, ValidationError
from sqlalchemy import Connection, Engine, RowMapping, Table, insert, select, text

from vaxla_server.store.errors import (
    CorruptEvent,
    InvalidEvent,
    InvalidQuery,
    NaiveTimestamp,
    PayloadMismatch,
    UnknownEventKind,
)
from vaxla_server.store.events import EVENT_ADAPTER, SUBJECT_FIELDS, BaseEvent, Event, EventKind
from vaxla_server.store.models import EventRow
from vaxla_server.store.transactions import write_transaction

log = logging.getLogger(__name__)

_EVENTS = cast(Table, EventRow.__table__)
_MODELS: dict[str, type[BaseEvent]] = {
    model.model_fields["kind"].default: model for model in get_args(get_args(Event)[0])
}
_KNOWN_KINDS = ", ".join(kind.value for kind in EventKind)


@dataclass(frozen=True, slots=True)
class LoggedEvent:
    """An event as the log holds it: ``id`` orders the log and grows with every append."""

    id: int
    event: Event


class EventLog:
    """Appends events and reads them back in the order they were appended."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self.unreadable: dict[int, str] = {}
        """Events read that could not be understood, by id: what was wrong with each."""

    def append(self, events: Iterable[Event | Mapping[str, Any]]) -> list[int]:
        """Append ``events`` in one transaction and return their ids, in the same order.

        An event is a model from ``events.py`` or the mapping of its fields (``kind``,
        ``at``, subjects and payload, as ``model_dump`` gives them). If any event is not
        valid, an ``InvalidEvent`` names it and nothing of the batch is written.
        """
        rows = [_row(_validated(index, item)) for index, item in enumerate(events)]
        if not rows:
            return []
        with write_transaction(self._engine) as connection:
            return _insert(connection, rows)

    def read(
        self,
        *,
        since_id: int = 0,
        kinds: Iterable[EventKind | str] | None = None,
        contact: int | None = None,
        agent: int | None = None,
        queue: int | None = None,
        limit: int = 1000,
    ) -> list[LoggedEvent]:
        """Up to ``limit`` events with an id above ``since_id``, in id order.

        ``kinds``, ``contact``, ``agent`` and ``queue`` narrow the events to those of the
        given kinds and subjects. Page through the log by passing the last id read as
        the next ``since_id``.
        """
        if limit < 1:
            raise InvalidQuery(f"limit must be at least 1, not {limit}")
        query = select(_EVENTS).order_by(_EVENTS.c.id)
        if kinds is not None:
            query = query.where(_EVENTS.c.kind.in_(_kind_values(kinds)))
        if contact is not None:
            query = query.where(_EVENTS.c.contact_id == contact)
        if agent is not None:
            query = query.where(_EVENTS.c.agent_id == agent)
        if queue is not None:
            query = query.where(_EVENTS.c.queue_id == queue)
        logged: list[LoggedEvent] = []
        after = since_id
        with self._engine.connect() as connection:
            # An unreadable row is left out, and the page is filled from the rows after
            # it: a reader paging until a short page never stops early because of one.
            while len(logged) < limit:
                wanted = limit - len(logged)
                rows = connection.execute(query.where(_EVENTS.c.id > after).limit(wanted)).all()
                for row in rows:
                    after = row._mapping["id"]
                    try:
                        logged.append(_logged(row._mapping))
                    except CorruptEvent as error:
                        self._report(row._mapping["id"], error)
                if len(rows) < wanted:
                    break
        return logged

    def _report(self, event_id: int, error: CorruptEvent) -> None:
        """An event that cannot be read (written by hand, or by a newer version) is
        left out of what is read, and reported once, not fatal: the server starts and
        the rest of the log is read."""
        if event_id not in self.unreadable:
            self.unreadable[event_id] = str(error)
            log.error("the event log has an unreadable event, left out: %s", error)


def append_in(connection: Connection, events: Iterable[Event]) -> list[int]:
    """Append ``events`` within the caller's write transaction (a change of another
    table and the events that tell of it commit together, or neither does)."""
    rows = [_row(_validated(index, item)) for index, item in enumerate(events)]
    return _insert(connection, rows) if rows else []


def _insert(connection: Connection, rows: list[dict[str, Any]]) -> list[int]:
    if connection.dialect.name == "postgresql":
        # Appends take turns, so ids are committed in increasing order and a reader
        # paging with since_id never skips a row that commits late. Readers are
        # not blocked by this lock.
        connection.execute(text("LOCK TABLE events IN SHARE ROW EXCLUSIVE MODE"))
    result = connection.execute(
        insert(_EVENTS).returning(_EVENTS.c.id, sort_by_parameter_order=True), rows
    )
    return list(result.scalars())


def _kind_values(kinds: Iterable[EventKind | str]) -> list[str]:
    values = []
    for kind in kinds:
        try:
            values.append(EventKind(kind).value)
        except ValueError:
            raise InvalidQuery(
                f"unknown event kind {kind!r}; known kinds: {_KNOWN_KINDS}"
            ) from None
    return values


def _validated(index: int, item: object) -> Event:
    # Models are checked again: model_construct() and copies skip validation.
    if isinstance(item, BaseModel):
        if not isinstance(item, BaseEvent):
            raise PayloadMismatch(index, f"{type(item).__name__} is not an event model")
        data: object = dict(item)
    else:
        data = item
    if not isinstance(data, Mapping):
        raise PayloadMismatch(index, f"expected an event or a mapping, not {type(item).__name__}")
    kind = data.get("kind")
    if kind is None:
        raise UnknownEventKind(index, f"no kind given; known kinds: {_KNOWN_KINDS}")
    if kind not in _MODELS:
        raise UnknownEventKind(index, f"unknown kind {kind!r}; known kinds: {_KNOWN_KINDS}")
    try:
        return EVENT_ADAPTER.validate_python(data)
    except ValidationError as error:
        raise _invalid(index, str(kind), error) from None


def _invalid(index: int, kind: str, error: ValidationError) -> InvalidEvent:
    problems = error.errors()
    for problem in problems:
        if problem["type"] == "timezone_aware":
            return NaiveTimestamp(
                index, f"{kind}: 'at' ({problem['input']}) has no time zone; give an aware time"
            )
    described = "; ".join(
        f"{'.'.join(str(part) for part in problem['loc'][1:]) or 'event'}: {problem['msg']}"
        for problem in problems
    )
    return PayloadMismatch(index, f"does not match {kind}: {described}")


def _row(event: Event) -> dict[str, Any]:
    subjects = {field: getattr(event, field, None) for field in SUBJECT_FIELDS}
    payload = event.model_dump(mode="json", exclude={"at", "kind", *SUBJECT_FIELDS})
    return {"at": event.at, "kind": event.kind.value, **subjects, "payload": payload}


def _logged(row: RowMapping) -> LoggedEvent:
    model = _MODELS.get(row["kind"])
    if model is None:
        raise CorruptEvent(f"event {row['id']} has unknown kind {row['kind']!r}")
    data = dict(row["payload"])
    data["at"] = row["at"]
    data.update({field: row[field] for field in SUBJECT_FIELDS if field in model.model_fields})
    try:
        event = EVENT_ADAPTER.validate_python({"kind": row["kind"], **data})
    except ValidationError as error:
        raise CorruptEvent(f"event {row['id']} does not match {row['kind']}: {error}") from None
    return LoggedEvent(id=row["id"], event=event)
