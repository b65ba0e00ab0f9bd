"""Write-ahead: the centre's live state never runs ahead of its event log.

The store is made to refuse writes for real (SQLite's ``query_only``, as a read-only or
full disk refuses them): a change whose events cannot be written raises
``EventLogUnavailable``, leaves every view, the dispatcher, the timers and the phones as
they were, and can be made again once the store writes."""

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, event

from tests.server.centre.world import SESSION_KEY, World
from vaxla_server.centre import EventLogUnavailable
from vaxla_server.store.events import Answered, ContactEntered, EventKind, NotAnswered


@contextlib.contextmanager
def refusing_writes(engine: Engine) -> Iterator[None]:
    """Every connection taken from ``engine`` in the block refuses to write."""

    def read_only(connection: Any, _record: Any, _proxy: Any) -> None:
        connection.execute("PRAGMA query_only = ON")

    event.listen(engine, "checkout", read_only)
    try:
        yield
    finally:
        event.remove(engine, "checkout", read_only)
        engine.dispose()  # the pooled connections still refusing are closed


def everything(world: World) -> dict[str, Any]:
    """All a reader can see of the running centre."""
    centre = world.centre
    return {
        "agents": centre.agents(),
        "queues": centre.queues(),
        "waiting": centre.waiting_contacts(),
        "next_timer": centre.seconds_to_next_timer(),
        "offers": world.delivery.offered(),
        "withdrawn": list(world.delivery.withdrawn),
        "log": [logged.id for logged in world.store.events.read(limit=100_000)],
    }


def log_in(world: World, agent: int) -> None:
    world.centre.log_in(agent, session_key=SESSION_KEY, sip_contact=f"sip:{agent}@127.0.0.1")


def test_a_log_in_that_cannot_be_written_changes_nothing(world: World) -> None:
    published: list[object] = []
    world.centre.subscribe(published.append)
    before = everything(world)
    with refusing_writes(world.store.engine), pytest.raises(EventLogUnavailable) as refused:
        log_in(world, world.anna)
    assert "event log could not be written" in str(refused.value)
    assert "nothing was changed" in str(refused.value)
    assert everything(world) == before
    assert world.centre.agent(world.anna).state == "offline"
    assert published == []
    log_in(world, world.anna)  # the store writes again: the same request works
    assert world.centre.agent(world.anna).state == "available"
    assert len(published) == 1


def test_an_answer_that_cannot_be_written_leaves_the_offer_ringing(world: World) -> None:
    log_in(world, world.anna)
    contact = world.centre.enter("100", "+46701234567")
    world.centre.queue(contact, world.support)
    world.clock.advance(seconds=3)
    before = everything(world)
    with refusing_writes(world.store.engine), pytest.raises(EventLogUnavailable):
        world.centre.answered(contact, world.anna)
    assert everything(world) == before
    assert world.centre.agent(world.anna).state == "offered"
    assert world.centre.contact(contact).state == "offered"
    world.centre.answered(contact, world.anna)  # the dispatcher still has the offer
    assert world.centre.agent(world.anna).state == "busy"
    (answered,) = [e.event for e in world.store.events.read(kinds=[EventKind.ANSWERED])]
    assert isinstance(answered, Answered) and answered.wait_seconds == 3.0


def test_a_pause_that_cannot_be_written_does_not_withdraw_the_ringing_offer(
    world: World,
) -> None:
    log_in(world, world.anna)
    contact = world.centre.enter("100", None)
    world.centre.queue(contact, world.support)
    with refusing_writes(world.store.engine), pytest.raises(EventLogUnavailable):
        world.centre.pause(world.anna, "lunch")
    assert world.delivery.withdrawn == []  # the phone still rings: the log says it does
    assert world.centre.agent(world.anna).state == "offered"
    world.centre.pause(world.anna, "lunch")
    assert world.delivery.withdrawn == [(contact, world.anna)]


def test_a_ring_out_that_cannot_be_written_fires_once_when_the_store_is_back(
    world: World,
) -> None:
    log_in(world, world.anna)
    contact = world.centre.enter("100", None)
    world.centre.queue(contact, world.support)
    world.clock.advance(seconds=16)  # the 15 s ring timeout has passed
    before = [logged.id for logged in world.store.events.read()]
    with refusing_writes(world.store.engine):
        for _ in range(3):  # every read runs due timers first: each attempt is refused
            with pytest.raises(EventLogUnavailable):
                world.centre.agent(world.anna)
        assert world.centre.seconds_to_next_timer() == 0.0  # the ring-out is still due
    assert [logged.id for logged in world.store.events.read()] == before
    assert world.delivery.withdrawn == []
    assert (world.centre.agent(world.anna).state, world.centre.agent(world.anna).reason) == (
        "paused",
        "no answer",
    )
    missed = [e.event for e in world.store.events.read(kinds=[EventKind.NOT_ANSWERED])]
    assert [(e.contact_id, e.agent_id) for e in missed if isinstance(e, NotAnswered)] == [
        (contact, world.anna)
    ]


def test_a_new_contact_that_cannot_be_written_takes_no_id(world: World) -> None:
    with refusing_writes(world.store.engine), pytest.raises(EventLogUnavailable):
        world.centre.enter("100", "+4681234567")
    first = world.centre.enter("100", "+4681234567")
    second = world.centre.enter("100", "+4681234568")
    entered = [e.event for e in world.store.events.read(kinds=[EventKind.CONTACT_ENTERED])]
    ids = [e.contact_id for e in entered if isinstance(e, ContactEntered)]
    assert ids == [first, second] == [first, first + 1]
