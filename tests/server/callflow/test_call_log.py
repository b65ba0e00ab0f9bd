"""The call log tells what really happened at the call flow's end: a caller put through
to a number by a menu key is ``transferred`` (to that number), and a caller turned away
at a queue names that queue."""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime

from tests.server.callflow.conftest import MONDAY_MORNING, SATURDAY, Site, document
from vaxla_protocol.calls import CallOutcome
from vaxla_protocol.config import ConfigDocument, TransferTo
from vaxla_server.stats import call_log
from vaxla_server.stats.calls import CallRecord, transfer_target
from vaxla_server.store import Store

GATEWAY = "sip:gw.example.net:5060"
NUMBER = "+46855512345"


def run(
    store: Store,
    scenario: Callable[[Site], Awaitable[None]],
    doc: ConfigDocument,
    *,
    start: datetime = MONDAY_MORNING,
) -> Site:
    site = Site(store, start, doc, outside_gateway=GATEWAY)

    async def main() -> None:
        await scenario(site)
        await site.router.drain()

    asyncio.run(main())
    return site


def records(site: Site) -> dict[int, CallRecord]:
    return {record.id: record for record in call_log(e.event for e in site.events())}


def queue_of(site: Site, record: CallRecord) -> str | None:
    """The record's queue as GET /api/v1/calls names it."""
    return None if record.queue_id is None else site.centre.queue_names().get(record.queue_id)


def shown(site: Site, record: CallRecord) -> tuple[CallOutcome, str | None, str | None]:
    target = transfer_target(record.transfer, site.centre.queue_names(), {})
    return record.outcome, queue_of(site, record), target


def with_transfer_key() -> ConfigDocument:
    doc = document()
    main = doc.menus[0].model_copy(
        update={"keys": {**doc.menus[0].keys, "4": TransferTo(number=NUMBER)}}
    )
    return doc.model_copy(update={"menus": [main, *doc.menus[1:]]})


def menu_transfer(hang_up: str | None, answer: bool = True) -> Callable[[Site], Awaitable[None]]:
    async def scenario(site: Site) -> None:
        call = site.worker.call("100")
        await site.advance(2)
        site.worker.press(call, "4")
        await site.advance(2)  # "transferring", then the number is called
        if answer:
            site.worker.agent_leg(call, "answered")
        else:
            site.worker.agent_leg(call, "failed", 486)
        await site.advance(20)
        if hang_up is not None:
            site.worker.hang_up(call, hang_up)
            await site.advance(1)

    return scenario


def test_a_menu_transfer_the_caller_ends_is_transferred_to_the_number(sqlite_store: Store) -> None:
    site = run(sqlite_store, menu_transfer("caller"), with_transfer_key())
    assert shown(site, records(site)[0]) == ("transferred", None, f"number {NUMBER}")


def test_a_menu_transfer_the_number_ends_is_transferred_too(sqlite_store: Store) -> None:
    site = run(sqlite_store, menu_transfer("agent"), with_transfer_key())
    assert shown(site, records(site)[0]) == ("transferred", None, f"number {NUMBER}")


def test_a_menu_transfer_nobody_answers_failed_and_went_nowhere(sqlite_store: Store) -> None:
    site = run(sqlite_store, menu_transfer(None, answer=False), with_transfer_key())
    assert shown(site, records(site)[0]) == ("failed", None, None)


def test_an_overflow_to_a_number_stays_overflowed_and_says_where(sqlite_store: Store) -> None:
    async def scenario(site: Site) -> None:
        call = site.worker.call("200")
        await site.advance(2)
        site.worker.agent_leg(call, "answered")
        await site.advance(10)
        site.worker.hang_up(call)
        await site.advance(1)

    doc = document(on_nobody_logged_in={"kind": "transfer", "number": NUMBER})
    site = run(sqlite_store, scenario, doc)
    assert shown(site, records(site)[0]) == ("overflowed", "Support", f"number {NUMBER}")


def one_caller(to: str) -> Callable[[Site], Awaitable[None]]:
    async def scenario(site: Site) -> None:
        site.worker.call(to)
        await site.advance(5)

    return scenario


def test_nobody_logged_in_at_entry_names_the_queue(sqlite_store: Store) -> None:
    site = run(sqlite_store, one_caller("200"), document())
    assert site.worker.played["w1-1"] == ["nobody_logged_in"]
    assert shown(site, records(site)[0]) == ("overflowed", "Support", None)


def test_a_queue_closed_at_entry_names_the_queue(sqlite_store: Store) -> None:
    site = run(sqlite_store, one_caller("200"), document(schedule="office"), start=SATURDAY)
    assert site.worker.played["w1-1"] == ["closed"]
    assert shown(site, records(site)[0]) == ("closed", "Support", None)


def test_an_entry_point_closed_before_any_queue_has_no_queue(sqlite_store: Store) -> None:
    site = run(sqlite_store, one_caller("100"), document(), start=SATURDAY)
    assert shown(site, records(site)[0]) == ("closed", None, None)


def test_a_full_queue_at_entry_names_the_queue(sqlite_store: Store) -> None:
    async def scenario(site: Site) -> None:
        site.log_in("anna")
        site.centre.pause(site.users["anna"], "no_answer")
        first = site.worker.call("200")
        await site.advance(5)
        site.worker.call("200", caller="+46709999999")
        await site.advance(5)
        site.worker.hang_up(first)
        await site.advance(1)

    doc = document(max_length=1, on_max_length={"kind": "message", "prompt": "goodbye"})
    site = run(sqlite_store, scenario, doc)
    assert site.worker.played["w1-2"] == ["goodbye"]
    assert shown(site, records(site)[1]) == ("overflowed", "Support", None)
    assert shown(site, records(site)[0]) == ("abandoned", "Support", None)
