"""Stand-by agents (R23) in the centre, on a clock that moves only when told: logged in by
the system when a queue's threshold is reached, out again once it has been calm for its
``calm_s``, every move in the log with the reason."""

import pytest

from tests.server.centre.world import SESSION_KEY, World, events_of, kinds, last_id, log_in
from vaxla_server.centre import InvalidAction
from vaxla_server.config import AgentSettings, Membership, QueueSettings, Standby
from vaxla_server.store.events import EventKind

CONTACT = "sip:cid@127.0.0.1:5072"


def stand_by_world(world: World, standby: Standby) -> None:
    """cid (Sales only) is a stand-by agent; Sales calls on it at ``standby``."""
    world.config.update_queue(
        "Sales", QueueSettings(name="Sales", autopause=False, standby=standby)
    )
    world.config.set_agent_profile(
        "cid", AgentSettings(memberships=(Membership("Sales"),), standby=True)
    )
    world.centre.reload()


def caller(world: World, queue: int) -> int:
    contact = world.centre.enter("100", "+46701234567")
    world.centre.queue(contact, queue)
    return contact


def test_an_agent_not_marked_stand_by_is_refused(world: World) -> None:
    before = last_id(world)
    with pytest.raises(InvalidAction, match=r"'bo' is not a stand-by agent.*standby: true"):
        world.centre.stand_by(world.bo, session_key=SESSION_KEY, sip_contact=CONTACT)
    assert kinds(world, before) == []
    assert not world.centre.agent(world.bo).standing_by


def test_logged_in_at_the_threshold_and_out_after_the_calm_period(world: World) -> None:
    stand_by_world(world, Standby(waiting=2, calm_s=60))
    view = world.centre.stand_by(world.cid, session_key=SESSION_KEY, sip_contact=CONTACT)
    assert view.standing_by and view.state == "offline"
    assert events_of(world, EventKind.AGENT_STANDBY)[-1].standing_by is True

    first = caller(world, world.sales)
    world.centre.check_standby()
    assert world.centre.agent(world.cid).state == "offline"  # one caller: below 2

    second = caller(world, world.sales)
    world.clock.advance(seconds=1)
    world.centre.check_standby()
    view = world.centre.agent(world.cid)
    assert view.queues == (world.sales,) and view.sip_contact == CONTACT
    logged_in = events_of(world, EventKind.AGENT_LOGGED_IN)[-1]
    assert logged_in.agent_id == world.cid
    assert logged_in.reason == "2 callers waiting in 'Sales' (stand-by at 2)"
    # It takes calls at once: the first caller is offered to its softphone.
    assert world.delivery.offered()[-1] == (first, world.cid)

    world.centre.abandoned(first)
    world.centre.abandoned(second)
    world.centre.check_standby()  # calm from now
    world.clock.advance(seconds=59)
    world.centre.check_standby()
    assert world.centre.agent(world.cid).queues == (world.sales,)
    world.clock.advance(seconds=1)
    world.centre.check_standby()
    view = world.centre.agent(world.cid)
    assert view.state == "offline" and view.standing_by
    logged_out = events_of(world, EventKind.AGENT_LOGGED_OUT)[-1]
    assert (logged_out.agent_id, logged_out.reason) == (world.cid, "'Sales' calm for 60 s")
    assert logged_out.by_user is None  # by the system


def test_the_longest_wait_calls_in_too_and_a_busy_agent_stays_until_its_call_ends(
    world: World,
) -> None:
    stand_by_world(world, Standby(longest_wait_s=30, calm_s=10))
    world.centre.stand_by(world.cid, session_key=SESSION_KEY, sip_contact=CONTACT)
    contact = caller(world, world.sales)
    world.clock.advance(seconds=29)
    world.centre.check_standby()
    assert world.centre.agent(world.cid).state == "offline"
    world.clock.advance(seconds=1)
    world.centre.check_standby()
    assert events_of(world, EventKind.AGENT_LOGGED_IN)[-1].reason == (
        "a caller waiting 30 s in 'Sales' (stand-by at 30 s)"
    )
    world.centre.answered(contact, world.cid)
    world.centre.check_standby()  # calm from now: nobody waits
    world.clock.advance(seconds=60)  # calm long enough, but on a call
    world.centre.check_standby()
    assert world.centre.agent(world.cid).state == "busy"
    world.centre.ended(contact, "caller")
    world.centre.check_standby()
    assert world.centre.agent(world.cid).state == "offline"


def test_a_queue_the_agent_joined_itself_is_left_alone(world: World) -> None:
    stand_by_world(world, Standby(waiting=1, calm_s=5))
    world.centre.stand_by(world.cid, session_key=SESSION_KEY, sip_contact=CONTACT)
    contact = caller(world, world.sales)
    world.centre.check_standby()
    assert world.centre.agent(world.cid).queues == (world.sales,)
    log_in(world, world.cid, [world.sales])  # its own choice now
    world.centre.abandoned(contact)
    world.centre.check_standby()
    world.clock.advance(seconds=60)
    world.centre.check_standby()
    assert world.centre.agent(world.cid).queues == (world.sales,)


def test_stopping_standing_by_logs_out_of_what_the_system_joined(world: World) -> None:
    stand_by_world(world, Standby(waiting=1))
    world.centre.stand_by(world.cid, session_key=SESSION_KEY, sip_contact=CONTACT)
    caller(world, world.sales)
    world.centre.check_standby()
    view = world.centre.stop_standing_by(world.cid)
    assert view.state == "offline" and not view.standing_by
    assert events_of(world, EventKind.AGENT_LOGGED_OUT)[-1].reason is None  # its own doing
    assert events_of(world, EventKind.AGENT_STANDBY)[-1].standing_by is False
    with pytest.raises(InvalidAction, match="'cid' is not standing by"):
        world.centre.stop_standing_by(world.cid)
