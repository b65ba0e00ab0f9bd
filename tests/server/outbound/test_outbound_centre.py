"""An agent's outbound call in the contact centre: logged, busy meanwhile (offered no
caller), back to available after, and in the call log as an outbound call."""

from collections.abc import Sequence

import pytest

from tests.server.centre.world import World, events_of, kinds, log_in
from vaxla_server.centre import InvalidAction, UnknownSubject
from vaxla_server.stats.calls import call_log
from vaxla_server.store.events import Event, EventKind


def test_the_agent_on_an_outbound_call_is_busy_and_offered_no_caller(world: World) -> None:
    log_in(world, world.anna, [world.support])
    call = world.centre.outbound_started(world.anna, "+4687654321")
    assert world.centre.agent(world.anna).state == "busy"
    caller = world.centre.enter("100", "+46701234567")
    world.centre.queue(caller, world.support)
    assert world.delivery.offered() == []  # anna's voice line is taken
    world.clock.advance(seconds=3)
    world.centre.outbound_answered(call)
    world.clock.advance(seconds=40)
    world.centre.ended(call, "agent")
    view = world.centre.agent(world.anna)
    assert view.last_contact == call
    # Her line is free again: the waiting caller is offered to her now.
    assert world.delivery.offered() == [(caller, world.anna)]
    assert kinds(world)[2:] == [
        "contact_entered",
        "outbound_call",
        "contact_entered",
        "queued",
        "outbound_answered",
        "ended",
        "offered",
    ]
    (started,) = events_of(world, EventKind.OUTBOUND_CALL)
    assert (started.agent_id, started.number) == (world.anna, "+4687654321")
    (answered,) = events_of(world, EventKind.OUTBOUND_ANSWERED)
    assert answered.ring_seconds == pytest.approx(3.0)
    ended = events_of(world, EventKind.ENDED)[-1]
    assert (ended.agent_id, ended.by, ended.talk_seconds) == (world.anna, "agent", 40.0)
    record = next(r for r in call_log(e.event for e in world.store.events.read()) if r.id == call)
    assert (record.direction, record.entry_point, record.agent_id, record.outcome) == (
        "outbound", "+4687654321", world.anna, "answered",
    )  # fmt: skip
    assert record.talk_seconds == 40.0


def test_an_unanswered_outbound_call_is_failed_in_the_call_log(world: World) -> None:
    log_in(world, world.anna, [world.support])
    call = world.centre.outbound_started(world.anna, "0701234567")
    world.clock.advance(seconds=20)
    world.centre.ended(call, "system", cause="no_route")
    assert world.centre.agent(world.anna).state == "available"
    record = next(r for r in call_log(e.event for e in world.store.events.read()) if r.id == call)
    assert (record.direction, record.outcome, record.talk_seconds) == ("outbound", "failed", 0.0)


def test_an_agent_who_joins_a_queue_during_an_outbound_call_is_busy(world: World) -> None:
    call = world.centre.outbound_started(world.anna, "0701234567")  # in no queue yet
    assert world.centre.agent(world.anna).state == "busy"
    log_in(world, world.anna, [world.support])
    assert world.centre.agent(world.anna).state == "busy"
    caller = world.centre.enter("100", "+46701234567")
    world.centre.queue(caller, world.support)
    assert world.delivery.offered() == []
    with pytest.raises(InvalidAction, match="on a call already"):
        world.centre.outbound_started(world.anna, "0701234567")
    world.centre.ended(call, "agent")
    assert world.delivery.offered() == [(caller, world.anna)]


def test_an_outbound_call_is_refused_when_the_agent_cannot_make_one(world: World) -> None:
    with pytest.raises(UnknownSubject):
        world.centre.outbound_started(9999, "0701234567")
    log_in(world, world.anna, [world.support])
    caller = world.centre.enter("100", "+46701234567")
    world.centre.queue(caller, world.support)
    before = kinds(world)
    with pytest.raises(InvalidAction, match="being offered a call"):
        world.centre.outbound_started(world.anna, "0701234567")
    world.centre.answered(caller, world.anna)
    with pytest.raises(InvalidAction, match="on a call already"):
        world.centre.outbound_started(world.anna, "0701234567")
    assert kinds(world)[len(before) :] == ["answered"]


def test_a_restart_closes_an_outbound_call_left_open(world: World) -> None:
    log_in(world, world.anna, [world.support])
    call = world.centre.outbound_started(world.anna, "0701234567")
    world.centre.outbound_answered(call)
    centre = world.restart()
    ended = events_of(world, EventKind.ENDED)[-1]
    assert (ended.contact_id, ended.by, ended.cause) == (call, "system", "restart")
    assert centre.agent(world.anna).state == "offline"
    record = next(r for r in call_log(e.event for e in world.store.events.read()) if r.id == call)
    assert (record.direction, record.outcome, record.agent_id) == (
        "outbound", "answered", world.anna,
    )  # fmt: skip
    # A new contact id is never one given out before the restart.
    assert centre.enter("100", None) > call


def test_an_agent_in_no_queue_is_busy_during_its_outbound_call_and_offline_after(
    world: World,
) -> None:
    """What the agent's own panel and a supervisor's wallboard see: every change of the
    agent's state comes with an event naming it, so the /events socket pushes it."""
    batches: list[Sequence[Event]] = []
    world.centre.subscribe(batches.append)
    assert world.centre.agent(world.anna).state == "offline"
    call = world.centre.outbound_started(world.anna, "+4687654321")
    seen = [world.centre.agent(world.anna).state]
    world.clock.advance(seconds=5)
    world.centre.outbound_answered(call)
    seen.append(world.centre.agent(world.anna).state)
    world.clock.advance(seconds=30)
    seen.append(world.centre.agent(world.anna).state)
    world.centre.ended(call, "caller")
    seen.append(world.centre.agent(world.anna).state)
    assert seen == ["busy", "busy", "busy", "offline"]
    assert world.centre.agent(world.bo).state == "offline"  # nobody else's changed
    named = [
        {getattr(event, "agent_id", None) for event in batch} for batch in batches
    ]  # the batches that started, answered and ended the call all name anna
    assert named == [{None, world.anna}, {world.anna}, {world.anna}]
    # No queue, no wrap-up: she is simply offline again, and nobody was offered her.
    view = world.centre.agent(world.anna)
    assert (view.queues, view.wrap_up_until, world.delivery.offered()) == ((), None, [])


def test_a_paused_agent_is_busy_during_its_outbound_call_and_paused_after(
    world: World,
) -> None:
    log_in(world, world.anna, [world.support, world.sales])
    world.centre.pause(world.anna, "lunch")
    call = world.centre.outbound_started(world.anna, "0701234567")
    assert world.centre.agent(world.anna).state == "busy"
    caller = world.centre.enter("100", "+46701234567")
    world.centre.queue(caller, world.sales)
    world.clock.advance(seconds=10)
    world.centre.outbound_answered(call)
    world.clock.advance(seconds=60)
    assert world.delivery.offered() == []  # neither for the call nor for the pause
    world.centre.ended(call, "agent")
    view = world.centre.agent(world.anna)
    assert (view.state, view.reason) == ("paused", "lunch")
    assert world.delivery.offered() == []
    world.centre.ready(world.anna)
    assert world.delivery.offered() == [(caller, world.anna)]
