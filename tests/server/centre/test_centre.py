"""The composed centre's kernel: listeners, restart, reload, following the
configuration, the timer task."""

import asyncio
import contextlib
from datetime import timedelta
from pathlib import Path

import pytest

from tests.server.centre.world import (
    SESSION_KEY,
    START,
    RecordingDelivery,
    World,
    configure,
    events_of,
    kinds,
    last_id,
    log_in,
)
from vaxla_server.centre.contact_centre import ContactCentre
from vaxla_server.centre.kernel import ALIVE_EVERY_S
from vaxla_server.clock import ManualClock
from vaxla_server.stats.calls import fold_calls
from vaxla_server.store import open_store
from vaxla_server.store.events import EventKind


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


def test_a_crash_closes_its_calls_when_the_server_was_last_alive(world_on_both: World) -> None:
    """The server dies 60 s into a call and starts again five minutes later: the call is
    closed at its last sign of life, with 60 s of talk and the cause in the call log."""
    world = world_on_both
    log_in(world, world.bo, [world.support])
    call = world.centre.enter("100", None)
    world.centre.queue(call, world.support)
    world.centre.answered(call, world.bo)
    answered_at = world.clock()
    world.clock.advance(seconds=60)
    world.centre.mark_alive()  # the timer task's heartbeat
    world.clock.advance(seconds=300)  # the crash, and five minutes until the restart

    world.restart()
    (ended,) = [e for e in events_of(world, EventKind.ENDED) if e.contact_id == call]
    assert ended.at == answered_at + timedelta(seconds=60)
    assert (ended.talk_seconds, ended.by, ended.cause) == (60.0, "system", "restart")
    record = fold_calls(e.event for e in world.store.events.read(limit=10_000))[call]
    assert (record.outcome, record.talk_seconds, record.end_cause) == ("answered", 60.0, "restart")


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
        centre = ContactCentre(
            log=store.events,
            config=config,
            clock=clock.now,
            delivery=delivery,
            heartbeat=store.heartbeat,
        )
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
            # The task noted every few seconds that the server runs (a crash's calls are
            # closed at the last such moment).
            alive = store.heartbeat.last()
            assert alive is not None
            assert 0 <= (clock.now() - alive).total_seconds() <= ALIVE_EVERY_S
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
