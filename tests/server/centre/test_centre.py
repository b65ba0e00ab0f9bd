"""The contact centre: agents, contacts, offers, timers and the events they log."""

import asyncio
import contextlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.server.centre.world import SESSION_KEY, RecordingDelivery, World, configure
from vaxla_protocol.offers import verify_offer_header
from vaxla_server.centre import InvalidAction, InvalidValue, UnknownSubject
from vaxla_server.centre.contact_centre import ContactCentre
from vaxla_server.clock import ManualClock
from vaxla_server.config import LicenceExceeded
from vaxla_server.store import open_store
from vaxla_server.store.events import EventKind

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def kinds(world: World, since: int = 0) -> list[str]:
    return [logged.event.kind.value for logged in world.store.events.read(since_id=since)]


def last_id(world: World) -> int:
    events = world.store.events.read(limit=100000)
    return events[-1].id if events else 0


def events_of(world: World, kind: EventKind) -> list[Any]:
    return [logged.event for logged in world.store.events.read(kinds=[kind])]


def log_in(world: World, agent: int, queues: list[int] | None = None) -> None:
    world.centre.log_in(
        agent, session_key=SESSION_KEY, queues=queues, sip_contact=f"sip:{agent}@127.0.0.1:5070"
    )


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


def test_pause_withdraws_a_ringing_offer(world: World) -> None:
    log_in(world, world.anna, [world.support])
    contact = world.centre.enter("100", None)
    world.centre.queue(contact, world.support)
    world.centre.pause(world.anna, "lunch")
    assert world.delivery.withdrawn == [(contact, world.anna)]
    assert world.centre.contact(contact).state == "waiting"
    world.clock.advance(seconds=60)
    world.centre.tick()
    assert events_of(world, EventKind.NOT_ANSWERED) == []


def test_listeners_get_each_batch_as_it_is_logged(world: World) -> None:
    batches: list[list[str]] = []
    unsubscribe = world.centre.subscribe(lambda events: batches.append([e.kind for e in events]))
    log_in(world, world.anna, [world.support])
    contact = world.centre.enter("100", None)
    world.centre.queue(contact, world.support)
    unsubscribe()
    world.centre.pause(world.anna, "lunch")
    assert batches == [
        ["agent_logged_in", "agent_ready"],
        ["contact_entered"],
        ["queued", "offered"],
    ]


def test_restart_closes_open_contacts_and_logs_agents_out(world_on_both: World) -> None:
    world = world_on_both
    log_in(world, world.anna)
    waiting = world.centre.enter("100", None)
    world.centre.queue(waiting, world.sales)
    answered = world.centre.enter("100", None)
    world.centre.queue(answered, world.support)
    log_in(world, world.bo, [world.support])
    offered_to = world.delivery.offered()
    assert (answered, world.bo) in offered_to or (waiting, world.bo) in offered_to
    mark = last_id(world)

    centre = world.restart()
    after = [logged.event for logged in world.store.events.read(since_id=mark)]
    ended = sorted(e.contact_id for e in after if e.kind == EventKind.ENDED)
    assert ended == sorted((waiting, answered))
    assert all((e.by, e.cause) == ("system", "restart") for e in after if e.kind == EventKind.ENDED)
    logged_out = sorted(
        (e.agent_id, e.queue_id) for e in after if e.kind == EventKind.AGENT_LOGGED_OUT
    )
    assert logged_out == sorted(
        [(world.anna, world.support), (world.anna, world.sales), (world.bo, world.support)]
    )
    assert all(e.forced for e in after if e.kind == EventKind.AGENT_LOGGED_OUT)
    assert centre.agent(world.anna).state == "offline"
    # Contact ids are never given out twice.
    fresh = centre.enter("100", None)
    assert fresh > answered
    centre.ended(fresh, "caller")
    # A second start of the same log closes nothing again.
    mark = last_id(world)
    world.restart()
    assert kinds(world, mark) == []


def test_reload_follows_configuration_changes(world: World) -> None:
    from vaxla_server.config import AgentSettings, Membership, QueueSettings

    log_in(world, world.anna)
    world.config.add_queue(QueueSettings(name="Billing"))
    world.config.set_agent_profile("anna", AgentSettings(memberships=(Membership("Support"),)))
    world.centre.reload()
    anna = world.centre.agent(world.anna)
    assert anna.queues == (world.support,)
    (out,) = events_of(world, EventKind.AGENT_LOGGED_OUT)
    assert (out.queue_id, out.forced) == (world.sales, True)
    assert {q.name for q in world.centre.queues()} == {"Support", "Sales", "Billing"}
    world.config.delete_queue("Billing")
    world.centre.reload()
    assert {q.name for q in world.centre.queues()} == {"Support", "Sales"}


def test_following_the_configuration_reloads_and_guards_queue_deletes(world: World) -> None:
    from vaxla_server.config import QueueNotEmpty, QueueSettings

    world.centre.follow(world.config)
    billing = world.config.add_queue(QueueSettings(name="Billing"))
    assert "Billing" in {q.name for q in world.centre.queues()}
    contact = world.centre.enter("100", None)
    world.centre.queue(contact, billing.id)
    with pytest.raises(QueueNotEmpty, match="1 call waits in it"):
        world.config.delete_queue("Billing")
    assert world.config.queue("Billing").id == billing.id
    world.centre.abandoned(contact)
    world.config.delete_queue("Billing")
    assert "Billing" not in {q.name for q in world.centre.queues()}


def test_the_timer_task_rings_out_and_ends_wrap_up_on_its_own(tmp_path: Path) -> None:
    """The server's timer task, driven by a manual clock: no tick() from the test."""
    with open_store(data_dir=tmp_path / "data") as store:
        config, ids = configure(store)
        clock = ManualClock(START)
        delivery = RecordingDelivery()
        centre = ContactCentre(log=store.events, config=config, clock=clock.now, delivery=delivery)
        centre.start()

        async def scenario() -> list[str]:
            task = asyncio.create_task(centre.run_timers(clock.sleep, in_thread=False))
            centre.log_in(ids["anna"], session_key=SESSION_KEY, queues=[ids["support"]])
            contact = centre.enter("100", None)
            centre.queue(contact, ids["support"])
            await clock.advance(15)  # Support's ring timeout
            assert centre.agent(ids["anna"]).reason == "no answer"
            centre.ready(ids["anna"])
            # anna is kept off this contact for the exclusion time (30 s); the task offers
            # it again when that ends, with nobody calling the centre.
            await clock.advance(29.9)
            assert centre.contact(contact).offered_to == ()
            await clock.advance(0.3)
            centre.answered(contact, ids["anna"])
            centre.ended(contact, "caller")
            await clock.advance(10.5)  # Support's wrap-up is 10 s
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            return [logged.event.kind.value for logged in store.events.read()]

        kinds = asyncio.run(scenario())
        (ended,) = [e.event for e in store.events.read(kinds=[EventKind.ENDED])]
        (wrap_end,) = [e.event for e in store.events.read(kinds=[EventKind.WRAP_UP_ENDED])]
    # Fired at its own moment, whenever the task got to it.
    assert (wrap_end.at - ended.at).total_seconds() == pytest.approx(10.0)
    assert kinds[-9:] == [
        "offered",
        "not_answered",
        "agent_auto_paused",
        "agent_ready",
        "offered",
        "answered",
        "ended",
        "wrap_up_started",
        "wrap_up_ended",
    ]
