"""The centre's contacts (``queues/centre.py``): entry to wrap-up, offers, ring-out,
decline, abandon, move, overflow, positions."""

import pytest

from tests.server.centre.world import (
    SESSION_KEY,
    World,
    events_of,
    kinds,
    log_in,
)
from vaxla_protocol.offers import verify_offer_header
from vaxla_server.centre import InvalidAction, InvalidValue, UnknownSubject
from vaxla_server.store.events import EventKind


def test_a_call_from_entry_to_wrap_up(world: World) -> None:
    log_in(world, world.anna, [world.support])
    contact = world.centre.enter("100", "+46701234567")
    assert world.centre.queue(contact, world.support, data={"customer": "1234"}) == 1
    assert world.delivery.offered() == [(contact, world.anna)]
    offered, leg, token = world.delivery.offers[0]
    assert offered.data == {"customer": "1234"} and offered.caller == "+46701234567"
    assert leg.sip_contact == f"sip:{world.anna}@127.0.0.1:5070"
    assert verify_offer_header(SESSION_KEY, token.header_value()) == token.offer_id
    assert world.centre.agent(world.anna).state == "offered"

    world.clock.advance(seconds=4)
    world.centre.answered(contact, world.anna)
    assert world.centre.agent(world.anna).state == "busy"
    world.clock.advance(seconds=60)
    world.centre.ended(contact, "caller")
    view = world.centre.agent(world.anna)
    assert view.state == "wrap_up" and view.last_contact == contact

    world.centre.classify(world.anna, "invoice")
    world.clock.advance(seconds=9)
    assert world.centre.agent(world.anna).state == "wrap_up"
    world.clock.advance(seconds=1)
    assert world.centre.agent(world.anna).state == "available"
    assert kinds(world)[2:] == [
        "contact_entered",
        "queued",
        "offered",
        "answered",
        "ended",
        "wrap_up_started",
        "classified",
        "wrap_up_ended",
    ]
    (answered,) = events_of(world, EventKind.ANSWERED)
    assert answered.wait_seconds == 4.0
    (ended,) = events_of(world, EventKind.ENDED)
    assert (ended.by, ended.talk_seconds, ended.agent_id) == ("caller", 60.0, world.anna)
    (wrap_end,) = events_of(world, EventKind.WRAP_UP_ENDED)
    assert wrap_end.early is False
    assert wrap_end.at == answered.at.__class__.fromtimestamp(
        answered.at.timestamp() + 70, answered.at.tzinfo
    )


def test_ring_out_pauses_the_agent_and_offers_the_contact_to_another(world: World) -> None:
    log_in(world, world.anna, [world.support])
    contact = world.centre.enter("100", None)
    world.centre.queue(contact, world.support)
    assert world.delivery.offered() == [(contact, world.anna)]
    log_in(world, world.bo, [world.support])
    world.clock.advance(seconds=14.9)
    world.centre.tick()
    assert world.centre.agent(world.anna).state == "offered"
    world.clock.advance(seconds=0.2)
    world.centre.tick()
    anna = world.centre.agent(world.anna)
    assert (anna.state, anna.reason) == ("paused", "no answer")
    assert world.delivery.withdrawn == [(contact, world.anna)]
    assert world.delivery.offered() == [(contact, world.anna), (contact, world.bo)]
    (missed,) = events_of(world, EventKind.NOT_ANSWERED)
    assert (missed.reason, missed.ring_seconds, missed.agent_id) == ("no_answer", 15.0, world.anna)
    (paused,) = events_of(world, EventKind.AGENT_AUTO_PAUSED)
    assert (paused.agent_id, paused.reason, paused.contact_id) == (world.anna, "no answer", contact)


def test_ring_out_in_a_queue_without_autopause_keeps_the_agent_available(world: World) -> None:
    log_in(world, world.cid)
    contact = world.centre.enter("200", None)
    world.centre.queue(contact, world.sales)
    world.clock.advance(seconds=15)
    world.centre.tick()
    assert events_of(world, EventKind.AGENT_AUTO_PAUSED) == []
    # Excluded from this contact for exclusion_s (30 s), then offered again.
    assert world.centre.agent(world.cid).state == "available"
    world.clock.advance(seconds=30)
    world.centre.tick()
    assert world.delivery.offered() == [(contact, world.cid), (contact, world.cid)]


def test_decline_offers_the_contact_to_the_next_agent(world: World) -> None:
    log_in(world, world.anna, [world.sales])
    log_in(world, world.bo, [world.sales])
    contact = world.centre.enter("200", None)
    world.centre.queue(contact, world.sales)
    (first,) = world.delivery.offered()
    world.centre.declined(contact, first[1])
    other = world.bo if first[1] == world.anna else world.anna
    assert world.delivery.offered()[1:] == [(contact, other)]
    with pytest.raises(InvalidAction, match="not offered"):
        world.centre.answered(contact, first[1])


def test_abandoned_in_queue_is_logged_with_position_and_wait(world: World) -> None:
    first = world.centre.enter("100", None)
    second = world.centre.enter("100", None)
    assert world.centre.queue(first, world.support) == 1
    assert world.centre.queue(second, world.support) == 2
    world.clock.advance(seconds=42)
    world.centre.abandoned(second)
    (abandoned,) = events_of(world, EventKind.ABANDONED)
    assert (abandoned.position, abandoned.wait_seconds) == (2, 42.0)
    (ended,) = events_of(world, EventKind.ENDED)
    assert ended.by == "caller"
    world.centre.ended(first, "caller")  # a caller hanging up while waiting is abandoned
    assert len(events_of(world, EventKind.ABANDONED)) == 2
    with pytest.raises(UnknownSubject):
        world.centre.abandoned(first)


def test_move_keeps_the_accumulated_wait(world: World) -> None:
    contact = world.centre.enter("100", None)
    world.centre.queue(contact, world.support)
    world.clock.advance(seconds=30)
    assert world.centre.move(contact, world.sales) == 1
    log_in(world, world.cid)
    world.clock.advance(seconds=5)
    world.centre.answered(contact, world.cid)
    (moved,) = events_of(world, EventKind.MOVED)
    assert (moved.queue_id, moved.to_queue_id) == (world.support, world.sales)
    (answered,) = events_of(world, EventKind.ANSWERED)
    assert (answered.queue_id, answered.wait_seconds) == (world.sales, 35.0)
    (offered,) = world.delivery.offers
    assert offered[0].wait_seconds == 30.0


def test_overflow_to_a_queue_and_out(world: World) -> None:
    a = world.centre.enter("100", None)
    b = world.centre.enter("100", None)
    world.centre.queue(a, world.support)
    world.centre.queue(b, world.support)
    world.clock.advance(seconds=60)
    world.centre.overflowed(a, "max_wait", "queue:Sales", to_queue=world.sales)
    world.centre.overflowed(b, "max_wait", "message:closed")
    assert world.centre.contact(a).queue_id == world.sales
    assert world.centre.contact(b).state == "entered"
    over = events_of(world, EventKind.OVERFLOWED)
    assert [(o.contact_id, o.rule, o.wait_seconds) for o in over] == [
        (a, "max_wait", 60.0),
        (b, "max_wait", 60.0),
    ]
    with pytest.raises(InvalidAction, match="not waiting"):
        world.centre.move(b, world.sales)


def test_position_never_goes_backwards(world: World) -> None:
    contacts = [world.centre.enter("100", None) for _ in range(3)]
    for contact in contacts:
        world.centre.queue(contact, world.support)
    world.centre.abandoned(contacts[0])
    assert world.centre.contact(contacts[2]).position == 2
    late = world.centre.enter("100", None)
    world.centre.queue(late, world.support, priority=5)
    # A caller with a higher priority goes first, but nobody already told 2 hears 3.
    assert world.centre.contact(contacts[2]).position == 2


def test_queue_rejects_unknown_skills_and_queues(world: World) -> None:
    contact = world.centre.enter("100", None)
    before = kinds(world)
    with pytest.raises(InvalidValue, match="no skill named 'german'"):
        world.centre.queue(contact, world.support, skills={"german": 10})
    with pytest.raises(UnknownSubject, match="queue 999"):
        world.centre.queue(contact, 999)
    assert kinds(world) == before
