"""A receptionist's call handling in the centre (R29), on the manual clock: a blind
connection not answered comes back to it, held in its personal queue and offered to it
again; several callers held at once, none offered until taken back; all logged."""

import pytest

from tests.server.centre.world import World, events_of, kinds, last_id, log_in
from vaxla_server.centre import InvalidValue
from vaxla_server.store.events import EventKind


def _answered(world: World, agent: int, queue: int) -> int:
    contact = world.centre.enter("100", "+46701234567")
    world.centre.queue(contact, queue)
    world.clock.advance(seconds=5)
    world.centre.answered(contact, agent)
    world.clock.advance(seconds=30)
    return contact


def _connected_to_cid(world: World) -> int:
    """anna (the receptionist) connects her caller blind to cid, to come back in 20 s."""
    log_in(world, world.anna, [world.sales])
    log_in(world, world.cid, [world.sales])
    contact = _answered(world, world.anna, world.sales)
    world.centre.transfer_to_agent(contact, world.anna, world.cid, come_back_after_s=20)
    return contact


def test_a_connection_to_a_busy_colleague_comes_back_after_its_time(world: World) -> None:
    log_in(world, world.anna, [world.sales])  # the receptionist (Sales: no wrap-up)
    log_in(world, world.bo, [world.support])
    _answered(world, world.bo, world.support)  # bo is busy
    contact = _answered(world, world.anna, world.sales)
    world.centre.transfer_to_agent(contact, world.anna, world.bo, come_back_after_s=20)
    offers = len(world.delivery.offers)
    world.clock.advance(seconds=19.5)
    assert world.centre.contact(contact).personal_agent == world.bo
    before = last_id(world)
    world.clock.advance(seconds=0.5)
    world.centre.tick()  # the timers due run
    assert kinds(world, before) == ["transfer_returned", "offered"]
    (returned,) = events_of(world, EventKind.TRANSFER_RETURNED)
    assert (returned.agent_id, returned.to_agent_id, returned.queue_id) == (
        world.anna,
        world.bo,
        world.sales,
    )
    assert returned.after_seconds == pytest.approx(20.0)
    view = world.centre.contact(contact)
    assert (view.personal_agent, view.came_back_from) == (world.anna, world.bo)
    # The receptionist is free: its phone rings with the caller again, which it answers.
    assert world.delivery.offered()[offers:] == [(contact, world.anna)]
    world.centre.answered(contact, world.anna)
    assert world.centre.contact(contact).came_back_from is None
    world.clock.advance(seconds=60)
    world.centre.tick()
    assert len(events_of(world, EventKind.TRANSFER_RETURNED)) == 1


def test_a_colleague_who_lets_it_ring_rings_the_whole_time_then_it_comes_back(
    world: World,
) -> None:
    log_in(world, world.anna, [world.sales])
    log_in(world, world.cid, [world.sales])
    contact = _answered(world, world.anna, world.sales)
    world.centre.transfer_to_agent(contact, world.anna, world.cid, come_back_after_s=25)
    assert world.delivery.offered()[-1] == (contact, world.cid)
    world.clock.advance(seconds=24)  # longer than any queue's ring time: still ringing
    assert world.centre.contact(contact).offered_to == (world.cid,)
    before = last_id(world)
    world.clock.advance(seconds=1)
    world.centre.tick()
    assert kinds(world, before)[:2] == ["not_answered", "transfer_returned"]
    view = world.centre.contact(contact)
    assert (view.personal_agent, view.came_back_from) == (world.anna, world.cid)
    assert [c.contact_id for c in world.centre.parked(world.anna)] == [contact]


def test_a_declined_connection_comes_back_at_once(world: World) -> None:
    contact = _connected_to_cid(world)
    world.clock.advance(seconds=3)
    before = last_id(world)
    world.centre.declined(contact, world.cid)
    assert "transfer_returned" in kinds(world, before)
    assert events_of(world, EventKind.TRANSFER_RETURNED)[0].after_seconds == pytest.approx(3.0)
    assert world.centre.contact(contact).personal_agent == world.anna


def test_an_answered_connection_does_not_come_back(world: World) -> None:
    contact = _connected_to_cid(world)
    world.clock.advance(seconds=4)
    world.centre.answered(contact, world.cid)
    world.clock.advance(seconds=60)
    world.centre.tick()
    assert events_of(world, EventKind.TRANSFER_RETURNED) == []
    assert world.centre.contact(contact).agent_id == world.cid


def test_a_receptionist_gone_meanwhile_sends_it_back_to_the_queue(world: World) -> None:
    log_in(world, world.anna, [world.sales])
    log_in(world, world.bo, [world.support])
    _answered(world, world.bo, world.support)
    contact = _answered(world, world.anna, world.sales)
    world.centre.transfer_to_agent(contact, world.anna, world.bo, come_back_after_s=20)
    world.centre.log_out(world.anna)
    world.clock.advance(seconds=20)
    world.centre.tick()
    assert events_of(world, EventKind.TRANSFER_RETURNED) == []
    view = world.centre.contact(contact)
    assert (view.queue_id, view.personal_agent) == (world.sales, None)


@pytest.mark.parametrize(
    ("seconds", "attended", "message"),
    [
        (20.0, True, "an attended transfer does not come back"),
        (4.0, False, "come_back_after_s must be 5 to 600 seconds, not 4"),
        (601.0, False, "come_back_after_s must be 5 to 600 seconds, not 601"),
    ],
)
def test_bad_come_backs_are_refused_and_change_nothing(
    world: World, seconds: float, attended: bool, message: str
) -> None:
    log_in(world, world.anna, [world.sales])
    log_in(world, world.cid, [world.sales])
    contact = _answered(world, world.anna, world.sales)
    before = kinds(world)
    with pytest.raises(InvalidValue, match=message):
        world.centre.transfer_to_agent(
            contact, world.anna, world.cid, attended=attended, come_back_after_s=seconds
        )
    assert kinds(world) == before
    view = world.centre.contact(contact)
    assert (view.state, view.agent_id) == ("active", world.anna)


def test_a_receptionist_holds_several_callers_and_takes_back_any(world: World) -> None:
    log_in(world, world.anna, [world.sales])  # Sales: no wrap-up, so anna is free at once
    first = _answered(world, world.anna, world.sales)
    before = last_id(world)
    view = world.centre.park(first, world.anna, hold=True)
    assert view.held and view.position is None
    assert kinds(world, before) == ["parked"]
    assert events_of(world, EventKind.PARKED)[-1].held
    second = _answered(world, world.anna, world.sales)  # a new caller, answered
    world.centre.park(second, world.anna, hold=True)
    offers = len(world.delivery.offers)
    world.clock.advance(seconds=60)
    world.centre.tick()
    # Free, and nothing rings: both wait on hold, each with its own time.
    assert world.delivery.offered()[offers:] == []
    assert world.centre.agent(world.anna).state == "available"
    held = world.centre.parked(world.anna)
    assert [(c.contact_id, c.held) for c in held] == [(first, True), (second, True)]
    assert held[0].wait_seconds > held[1].wait_seconds
    world.centre.take_parked(second, world.anna)  # the later one first
    assert world.delivery.offered()[offers:] == [(second, world.anna)]
    world.centre.answered(second, world.anna)
    world.centre.ended(second, "agent")
    world.clock.advance(seconds=5)
    # The first caller hangs up while on hold: abandoned, its wait whole.
    before = last_id(world)
    world.centre.ended(first, "caller")
    assert kinds(world, before) == ["abandoned", "ended"]
    assert world.centre.parked(world.anna) == []


def test_a_receptionist_logging_out_sends_its_held_callers_back_to_the_queue(
    world: World,
) -> None:
    log_in(world, world.anna, [world.sales])
    contact = _answered(world, world.anna, world.sales)
    world.centre.park(contact, world.anna, hold=True)
    world.centre.log_out(world.anna)
    view = world.centre.contact(contact)
    assert (view.queue_id, view.personal_agent, view.held) == (world.sales, None, False)
    log_in(world, world.bo, [world.sales])
    assert world.delivery.offered()[-1] == (contact, world.bo)
