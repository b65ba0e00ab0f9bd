"""Reading the event log by time."""

from collections.abc import Iterator
from datetime import datetime

from vaxla_server.store import EventLog
from vaxla_server.store.events import Event

PAGE = 2000


def events_between(
    log: EventLog, start: datetime | None = None, end: datetime | None = None
) -> Iterator[Event]:
    """The events with ``start <= at < end`` (either bound open when None), in log order.

    The log is read from its beginning a page at a time: it has no index on time, and
    ``at`` only grows with the id as far as the writers' clocks agree, so reading stops
    at the end of the log, not at the first late event.
    """
    since = 0
    while True:
        page = log.read(since_id=since, limit=PAGE)
        for logged in page:
            at = logged.event.at
            if (start is None or at >= start) and (end is None or at < end):
                yield logged.event
        if len(page) < PAGE:
            return
        since = page[-1].id


def events_after(log: EventLog, since_id: int) -> tuple[list[Event], int]:
    """The events appended after the id ``since_id``, and the id of the last of them
    (``since_id`` when there are none): for folding a log incrementally."""
    found: list[Event] = []
    while True:
        page = log.read(since_id=since_id, limit=PAGE)
        found.extend(logged.event for logged in page)
        if page:
            since_id = page[-1].id
        if len(page) < PAGE:
            return found, since_id
