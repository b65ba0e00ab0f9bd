"""Opening hours at the door, through the call flow: a Swedish public holiday eve and a
dated exception ("closed 2026-11-23 from 12:00") turn callers away with the right
message and cause, and the call log calls them closed."""

import asyncio
from datetime import UTC, date, datetime, time

from tests.server.callflow.conftest import Site, document
from vaxla_protocol.config import ConfigDocument, ScheduleException
from vaxla_server.stats import call_log
from vaxla_server.store import Store
from vaxla_server.store.events import Ended

JULAFTON_MORNING = datetime(2026, 12, 24, 9, 0, tzinfo=UTC)  # Thursday, 10:00 in Stockholm
KICKOFF = date(2026, 11, 23)  # a Monday, an ordinary working day
BEFORE_NOON = datetime(2026, 11, 23, 10, 59, tzinfo=UTC)  # 11:59 in Stockholm
AFTER_NOON = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)  # 12:00 in Stockholm


def closed_from_noon() -> ConfigDocument:
    doc = document()
    office = doc.schedules[0]
    closing = ScheduleException(day=KICKOFF, open=False, start=time(12), label="Kickoff")
    return doc.model_copy(
        update={"schedules": [office.model_copy(update={"exceptions": [closing]})]}
    )


def call_100(store: Store, start: datetime, doc: ConfigDocument) -> tuple[Site, list[str]]:
    """One call to 100 (the office schedule); what it heard in its first 5 seconds."""
    site = Site(store, start, doc)
    heard: list[str] = []

    async def main() -> None:
        call = site.worker.call("100")
        await site.advance(5)
        heard.extend(site.worker.played.get(call, []))
        site.worker.hang_up(call)
        await site.advance(1)
        await site.router.drain()

    asyncio.run(main())
    return site, heard


def test_julafton_is_a_holiday_eve_and_closed(sqlite_store: Store) -> None:
    site, heard = call_100(sqlite_store, JULAFTON_MORNING, document())
    assert heard == ["holiday"]
    ended = site.events(0)[-1].event
    assert isinstance(ended, Ended) and (ended.by, ended.cause) == ("system", "holiday")
    assert [c.outcome for c in call_log(e.event for e in site.events())] == ["closed"]


def test_before_noon_on_the_closing_day_the_office_is_open(sqlite_store: Store) -> None:
    site, heard = call_100(sqlite_store, BEFORE_NOON, closed_from_noon())
    assert heard[0] == "welcome"
    assert [c.outcome for c in call_log(e.event for e in site.events())] == ["hung_up"]


def test_from_noon_on_the_closing_day_callers_are_turned_away(sqlite_store: Store) -> None:
    site, heard = call_100(sqlite_store, AFTER_NOON, closed_from_noon())
    assert heard == ["closed"]
    ended = site.events(0)[-1].event
    assert isinstance(ended, Ended) and (ended.by, ended.cause) == ("system", "closed")
    assert [c.outcome for c in call_log(e.event for e in site.events())] == ["closed"]
