"""The centre's agent desk (``agents/centre.py``): log-in and log-out per queue, the
licence, pauses, ready, classification."""

import pytest

from tests.server.centre.world import (
    SESSION_KEY,
    World,
    events_of,
    kinds,
    log_in,
)
from vaxla_server.centre import InvalidAction, InvalidValue, UnknownSubject
from vaxla_server.config import LicenceExceeded
from vaxla_server.store.events import EventKind


def test_log_in_makes_the_agent_available_in_its_queues(world: World) -> None:
    view = world.centre.log_in(
        world.anna, session_key=SESSION_KEY, sip_contact="sip:anna@127.0.0.1:5070"
    )
    assert view.state == "available"
    assert view.queues == tuple(sorted((world.support, world.sales)))
    assert view.sip_contact == "sip:anna@127.0.0.1:5070"
    assert kinds(world) == ["agent_logged_in", "agent_logged_in", "agent_ready"]
    queues = {q.name: q for q in world.centre.queues()}
    assert queues["Support"].logged_in == 1 and queues["Support"].available == 1


def test_per_queue_log_in_and_out(world: World) -> None:
    log_in(world, world.anna, [world.sales])
    assert {q.name: q.logged_in for q in world.centre.queues()} == {"Support": 0, "Sales": 1}
    log_in(world, world.anna, [world.support])
    assert world.centre.agent(world.anna).queues == tuple(sorted((world.support, world.sales)))
    view = world.centre.log_out(world.anna, queues=[world.sales])
    assert view.state == "available" and view.queues == (world.support,)
    view = world.centre.log_out(world.anna)
    assert view.state == "offline"
    assert kinds(world) == [
        "agent_logged_in",
        "agent_ready",
        "agent_logged_in",
        "agent_logged_out",
        "agent_logged_out",
    ]


def test_log_in_to_a_queue_the_agent_is_not_a_member_of_is_refused(world: World) -> None:
    with pytest.raises(InvalidValue, match="not a member of queue 'Support'"):
        log_in(world, world.cid, [world.support])
    assert kinds(world) == []
    with pytest.raises(UnknownSubject):
        log_in(world, 9999)


def test_the_licence_refuses_one_agent_too_many(world: World) -> None:
    world.config.set_licence(2)
    log_in(world, world.anna)
    log_in(world, world.bo)
    log_in(world, world.bo, [world.sales])  # an agent already logged in is not counted again
    before = kinds(world)
    with pytest.raises(LicenceExceeded, match="allows 2 agents"):
        log_in(world, world.cid)
    assert kinds(world) == before
    world.centre.log_out(world.bo)
    log_in(world, world.cid)
    assert world.centre.agent(world.cid).state == "available"


def test_pause_needs_an_active_configured_reason(world: World) -> None:
    log_in(world, world.anna)
    before = kinds(world)
    for reason in ("gone", "meeting"):
        with pytest.raises(InvalidValue, match="not an active pause reason; reasons: lunch"):
            world.centre.pause(world.anna, reason)
    assert kinds(world) == before
    view = world.centre.pause(world.anna, "lunch")
    assert (view.state, view.reason) == ("paused", "lunch")
    assert world.centre.ready(world.anna).state == "available"
    assert kinds(world)[len(before) :] == ["agent_paused", "agent_ready"]


def test_actions_of_an_agent_who_is_not_logged_in_are_refused(world: World) -> None:
    with pytest.raises(InvalidAction, match="not logged in"):
        world.centre.pause(world.anna, "lunch")
    with pytest.raises(InvalidAction, match="not logged in"):
        world.centre.ready(world.anna)


def test_ready_now_ends_wrap_up_early(world: World) -> None:
    log_in(world, world.anna, [world.support])
    contact = world.centre.enter("100", None)
    world.centre.queue(contact, world.support)
    world.centre.answered(contact, world.anna)
    world.centre.ended(contact, "agent")
    world.clock.advance(seconds=3)
    assert world.centre.ready(world.anna).state == "available"
    (wrap_end,) = events_of(world, EventKind.WRAP_UP_ENDED)
    assert wrap_end.early is True
    world.clock.advance(seconds=30)
    world.centre.tick()
    assert len(events_of(world, EventKind.WRAP_UP_ENDED)) == 1


def test_classify_refuses_unknown_codes_and_agents_without_a_call(world: World) -> None:
    log_in(world, world.anna)
    with pytest.raises(InvalidAction, match="answered no contact"):
        world.centre.classify(world.anna, "invoice")
    for code in ("nope", "old"):
        with pytest.raises(InvalidValue, match="not an active classification code"):
            world.centre.classify(world.anna, code)


def test_pause_withdraws_a_ringing_offer(world: World) -> None:
    log_in(world, world.anna, [world.support])
    contact = world.centre.enter("100", None)
    world.centre.queue(contact, world.support)
    world.centre.pause(world.anna, "lunch")
    assert world.delivery.withdrawn == [(contact, world.anna)]
    assert world.centre.contact(contact).state == "waiting"
    world.clock.advance(seconds=60)
    world.centre.tick()
    # The offer ends in the log as withdrawn, at the pause, and never rings out later.
    [ended] = events_of(world, EventKind.NOT_ANSWERED)
    assert (ended.contact_id, ended.agent_id, ended.reason) == (contact, world.anna, "withdrawn")
    assert ended.ring_seconds == 0.0
