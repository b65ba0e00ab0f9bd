"""A queue's maximum length: the caller who would make the line too long is sent on
(into another queue, or away with a message) before waiting, and the log says why."""

import asyncio

from tests.server.callflow.conftest import MONDAY_MORNING, Site, document
from vaxla_protocol.config import ConfigDocument
from vaxla_server.stats import call_log
from vaxla_server.store import Store
from vaxla_server.store.events import Ended, Overflowed, Queued


def two_callers(store: Store, doc: ConfigDocument) -> Site:
    """anna is logged in but paused, so the first caller to 200 waits in Support; the
    second arrives 5 s later; both hang up after 10 s more (if still there)."""
    site = Site(store, MONDAY_MORNING, doc)

    async def main() -> None:
        site.log_in("anna")
        site.centre.pause(site.users["anna"], "no_answer")
        first = site.worker.call("200")
        await site.advance(5)
        second = site.worker.call("200", caller="+46709999999")
        await site.advance(10)
        site.worker.hang_up(first)
        site.worker.hang_up(second)
        await site.advance(1)
        await site.router.drain()

    asyncio.run(main())
    return site


def test_a_full_queue_sends_the_next_caller_to_its_overflow_queue(sqlite_store: Store) -> None:
    doc = document(max_length=1, on_max_length={"kind": "queue", "queue": "Sales"})
    site = two_callers(sqlite_store, doc)
    second = [e.event for e in site.events(1)]
    overflowed = [e for e in second if isinstance(e, Overflowed)]
    assert [(o.rule, o.target, o.wait_seconds) for o in overflowed] == [
        ("max_length", "queue Sales", 0.0)
    ]
    queued = [e.queue_id for e in second if isinstance(e, Queued)]
    names = site.centre.queue_names()
    assert [names[q] for q in queued] == ["Sales"]
    # The first caller waited in Support and was not turned away.
    assert not any(isinstance(e.event, Overflowed) for e in site.events(0))


def test_a_full_queue_can_turn_the_next_caller_away_with_a_message(sqlite_store: Store) -> None:
    doc = document(max_length=1, on_max_length={"kind": "message", "prompt": "goodbye"})
    site = two_callers(sqlite_store, doc)
    assert site.worker.played["w1-2"] == ["goodbye"]
    second = [e.event for e in site.events(1)]
    assert [o.rule for o in second if isinstance(o, Overflowed)] == ["max_length"]
    ended = second[-1]
    assert isinstance(ended, Ended) and ended.cause == "queue_full"
    outcomes = {c.id: c.outcome for c in call_log(e.event for e in site.events())}
    assert outcomes[1] == "overflowed"
