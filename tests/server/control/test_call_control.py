"""The centre's side of an agent's call control: transfers and the personal queue (R22)."""

import pytest

from tests.server.centre.world import World, events_of, kinds, last_id, log_in
from vaxla_server.centre import InvalidAction, InvalidValue, UnknownSubject
from vaxla_server.stats.calls import call_log, transfer_target
from vaxla_server.store.events import EventKind


def _answered(world: World, agent: int, queue: int, wait: float = 5.0) -> int:
    contact = world.centre.enter("100", "+46701234567")
    world.centre.queue(contact, queue)
    world.clock.advance(seconds=wait)
    world.centre.answered(contact, agent)
    world.clock.advance(seconds=30)
    return contact


def test_blind_transfer_to_a_queue_keeps_the_wait_and_wraps_the_agent_up(world: World) -> None:
    log_in(world, world.anna, [world.support])
    contact = _answered(world, world.anna, world.support)
    before = last_id(world)
    position = world.centre.transfer_to_queue(contact, world.anna, world.sales)
    assert position == 1
    assert kinds(world, before) == ["transferred", "wrap_up_started", "queued"]
    (transferred,) = events_of(world, EventKind.TRANSFERRED)
    assert (transferred.agent_id, transferred.queue_id, transferred.to_queue_id) == (
        world.anna,
        world.support,
        world.sales,
    )
    view = world.centre.contact(contact)
    assert (view.state, view.queue_id) == ("waiting", world.sales)
    assert view.wait_seconds == pytest.approx(5.0)  # talk time is not wait
    assert world.centre.agent(world.anna).state == "wrap_up"
    # bo in Sales takes it; the call log keeps anna, who answered first, and "answered".
    log_in(world, world.bo, [world.sales])
    assert world.delivery.offered()[-1] == (contact, world.bo)
    world.clock.advance(seconds=3)
    world.centre.answered(contact, world.bo)
    assert events_of(world, EventKind.ANSWERED)[-1].wait_seconds == pytest.approx(8.0)
    world.centre.ended(contact, "caller")
    (record,) = call_log(e.event for e in world.store.events.read(limit=1000))
    assert (record.agent_id, record.outcome, record.queue_id) == (
        world.anna,
        "answered",
        world.sales,
    )


def test_bad_transfers_change_nothing(world: World) -> None:
    log_in(world, world.anna, [world.support])
    log_in(world, world.bo, [world.sales])
    contact = _answered(world, world.anna, world.support)
    before = kinds(world)
    with pytest.raises(InvalidAction, match="not a call agent 'bo' is in"):
        world.centre.transfer_to_queue(contact, world.bo, world.sales)
    with pytest.raises(UnknownSubject):
        world.centre.transfer_to_queue(contact, world.anna, 999)
    with pytest.raises(UnknownSubject):
        world.centre.transfer_to_queue(12345, world.anna, world.sales)
    with pytest.raises(InvalidValue, match="to itself"):
        world.centre.transfer_to_agent(contact, world.anna, world.anna)
    with pytest.raises(InvalidAction, match="'cid' is not logged in"):
        world.centre.transfer_to_agent(contact, world.anna, world.cid)
    with pytest.raises(InvalidAction):
        world.centre.park(contact, world.bo)
    assert kinds(world) == before
    assert world.centre.contact(contact).state == "active"


def test_blind_transfer_to_an_agent_rings_that_agent(world: World) -> None:
    log_in(world, world.anna, [world.support])
    log_in(world, world.cid, [world.sales])
    contact = _answered(world, world.anna, world.support)
    world.centre.transfer_to_agent(contact, world.anna, world.cid)
    assert world.delivery.offered()[-1] == (contact, world.cid)
    world.centre.answered(contact, world.cid)
    assert world.centre.agent(world.cid).state == "busy"
    assert world.centre.contact(contact).personal_agent is None
    (transferred,) = events_of(world, EventKind.TRANSFERRED)
    assert transferred.to_agent_id == world.cid and not transferred.attended


def test_a_blind_transfer_the_agent_declines_goes_back_to_the_queue(world: World) -> None:
    log_in(world, world.anna, [world.support])
    log_in(world, world.cid, [world.sales])
    contact = _answered(world, world.anna, world.support)
    world.centre.transfer_to_agent(contact, world.anna, world.cid)
    before = last_id(world)
    world.centre.declined(contact, world.cid)
    assert kinds(world, before) == ["not_answered", "queued"]
    view = world.centre.contact(contact)
    assert (view.state, view.queue_id, view.personal_agent) == ("waiting", world.support, None)
    assert [c.contact_id for c in world.centre.waiting_contacts(world.support)] == [contact]


def test_a_blind_transfer_to_a_busy_agent_goes_back_after_the_ring_time(world: World) -> None:
    log_in(world, world.anna, [world.support])
    log_in(world, world.bo, [world.sales])
    busy = _answered(world, world.bo, world.sales)
    contact = _answered(world, world.anna, world.support)
    assert world.centre.agent(world.bo).state == "busy"
    world.centre.transfer_to_agent(contact, world.anna, world.bo)
    assert world.centre.contact(contact).personal_agent == world.bo
    world.clock.advance(seconds=14)
    assert world.centre.contact(contact).personal_agent == world.bo
    world.clock.advance(seconds=1)  # Support's ring timeout: 15 s
    view = world.centre.contact(contact)
    assert (view.queue_id, view.personal_agent) == (world.support, None)
    assert busy in {c for c, _ in world.delivery.offered()}


def test_park_and_take_back(world: World) -> None:
    log_in(world, world.anna, [world.support])
    contact = _answered(world, world.anna, world.support)
    before = last_id(world)
    view = world.centre.park(contact, world.anna)
    assert view.personal_agent == world.anna and view.parked_at is not None
    assert kinds(world, before) == ["parked", "wrap_up_started"]
    # In wrap-up nothing is offered; the parked caller is in the personal queue only.
    assert [c.contact_id for c in world.centre.parked(world.anna)] == [contact]
    assert world.centre.waiting_contacts(world.support) == []
    world.clock.advance(seconds=2)
    assert world.centre.parked(world.anna)[0].wait_seconds == pytest.approx(7.0)
    with pytest.raises(InvalidAction, match="not parked with agent 'bo'"):
        world.centre.take_parked(contact, world.bo)
    offers = len(world.delivery.offers)
    world.centre.take_parked(contact, world.anna)  # ends the wrap-up: offered now
    assert world.delivery.offered()[offers:] == [(contact, world.anna)]
    world.centre.answered(contact, world.anna)
    assert world.centre.parked(world.anna) == []


def test_a_caller_who_hangs_up_while_parked_is_abandoned(world: World) -> None:
    log_in(world, world.anna, [world.support])
    contact = _answered(world, world.anna, world.support)
    world.centre.park(contact, world.anna)
    world.clock.advance(seconds=4)
    before = last_id(world)
    world.centre.ended(contact, "caller")
    assert kinds(world, before) == ["abandoned", "ended"]
    (abandoned,) = events_of(world, EventKind.ABANDONED)
    assert abandoned.queue_id == world.support and abandoned.wait_seconds == pytest.approx(9.0)
    assert world.centre.parked(world.anna) == []


def test_transfer_to_a_number_ends_the_contact_for_the_centre(world: World) -> None:
    log_in(world, world.anna, [world.support])
    contact = _answered(world, world.anna, world.support)
    before = last_id(world)
    world.centre.transferred_out(contact, world.anna, "+468123456", attended=True)
    assert kinds(world, before) == ["transferred", "ended", "wrap_up_started"]
    (transferred,) = events_of(world, EventKind.TRANSFERRED)
    assert transferred.to_number == "+468123456" and transferred.attended
    (ended,) = events_of(world, EventKind.ENDED)
    assert (ended.by, ended.cause, ended.agent_id) == ("agent", "transferred", world.anna)
    (record,) = call_log(e.event for e in world.store.events.read(limit=1000))
    assert (record.outcome, record.agent_id) == ("answered", world.anna)
    assert transfer_target(record.transfer, {}, {}) == "number +468123456"


def test_an_agent_logging_out_sends_its_parked_callers_back_to_their_queue(world: World) -> None:
    log_in(world, world.anna, [world.support])
    contact = _answered(world, world.anna, world.support)
    world.centre.park(contact, world.anna)
    world.clock.advance(seconds=3)
    before = last_id(world)
    world.centre.log_out(world.anna)
    assert "queued" in kinds(world, before)
    view = world.centre.contact(contact)
    assert (view.state, view.queue_id, view.personal_agent) == ("waiting", world.support, None)
    assert view.wait_seconds == pytest.approx(8.0)
    assert world.centre.parked(world.anna) == []
    log_in(world, world.bo, [world.support])
    assert world.delivery.offered()[-1] == (contact, world.bo)
