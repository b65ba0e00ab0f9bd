"""Hänvisning (R29) and line status in the running centre: a presence set with who, in the
log, ended by hand or by itself at its return time on a manual clock, kept across a
restart, never ahead of the log; each extension's line driven by the centre's calls."""

from datetime import timedelta

import pytest

from tests.server.centre.test_write_ahead import refusing_writes
from tests.server.centre.world import World, events_of, log_in
from vaxla_server.centre import EventLogUnavailable, InvalidAction, InvalidValue
from vaxla_server.store.events import EventKind


def test_a_presence_is_logged_with_who_and_ends_by_itself_at_its_return_time(
    world: World,
) -> None:
    centre = world.centre
    back = world.clock.now + timedelta(hours=1)
    view = centre.set_presence("anna", "lunch", back, note="ring mobilen", by_user=9,
                               by_name="reception")  # fmt: skip
    assert (view.reason, view.until, view.set_by) == ("lunch", back, "reception")
    assert centre.presence_of("anna") == view and centre.presences() == [view]
    (set_,) = events_of(world, EventKind.PRESENCE_SET)
    assert (set_.username, set_.reason, set_.until, set_.by_user) == ("anna", "lunch", back, 9)

    world.clock.advance(minutes=59)
    centre.tick()
    assert centre.presence_of("anna") == view
    world.clock.advance(minutes=1)
    centre.tick()
    assert centre.presence_of("anna") is None
    (ended,) = events_of(world, EventKind.PRESENCE_ENDED)
    assert (ended.username, ended.expired, ended.by_user, ended.at) == ("anna", True, None, back)


def test_a_presence_survives_a_restart_and_one_due_meanwhile_ends_at_the_first_tick(
    world: World,
) -> None:
    back = world.clock.now + timedelta(minutes=30)
    world.centre.set_presence("anna", "meeting", back, by_user=1, by_name="anna")
    world.centre.set_presence("bo", "vacation", None, by_user=2, by_name="bo")
    restarted = world.restart()
    assert [p.username for p in restarted.presences()] == ["anna", "bo"]
    world.clock.advance(hours=2)  # the server was down past anna's return time
    restarted = world.restart()
    assert [p.username for p in restarted.presences()] == ["bo"]
    (ended,) = events_of(world, EventKind.PRESENCE_ENDED)
    # Logged when the server was there to end it (the log's time never runs backwards).
    assert (ended.username, ended.expired, ended.at) == ("anna", True, world.clock.now)
    restarted.end_presence("bo", by_user=5, by_name="reception")
    assert restarted.presences() == []
    last = events_of(world, EventKind.PRESENCE_ENDED)[-1]
    assert (last.username, last.expired, last.by_user, last.by_name) == (
        "bo", False, 5, "reception",
    )  # fmt: skip


def test_a_replaced_presence_keeps_only_the_new_return_time(world: World) -> None:
    centre = world.centre
    centre.set_presence("anna", "lunch", world.clock.now + timedelta(minutes=10), by_user=1,
                        by_name="anna")  # fmt: skip
    later = world.clock.now + timedelta(minutes=40)
    centre.set_presence("anna", "meeting", later, by_user=1, by_name="anna")
    world.clock.advance(minutes=15)
    centre.tick()
    assert centre.presence_of("anna") is not None  # the first return time no longer counts
    assert events_of(world, EventKind.PRESENCE_ENDED) == []
    world.clock.advance(minutes=25)
    centre.tick()
    assert centre.presence_of("anna") is None


def test_bad_presences_change_nothing(world: World) -> None:
    centre = world.centre
    with pytest.raises(InvalidAction, match="anna has no presence set"):
        centre.end_presence("anna", by_user=1, by_name="anna")
    with pytest.raises(InvalidValue, match="has passed"):
        centre.set_presence("anna", "lunch", world.clock.now, by_user=1, by_name="anna")
    assert centre.presences() == []
    assert events_of(world, EventKind.PRESENCE_SET) == []
    with refusing_writes(world.store.engine), pytest.raises(EventLogUnavailable):
        centre.set_presence("anna", "lunch", None, by_user=1, by_name="anna")
    assert centre.presences() == []  # never ahead of the log
    view = centre.set_presence("anna", "sick", None, by_user=1, by_name="anna")
    with refusing_writes(world.store.engine), pytest.raises(EventLogUnavailable):
        centre.end_presence("anna", by_user=1, by_name="anna")
    assert centre.presences() == [view]


def test_lines_follow_the_centres_calls(world: World) -> None:
    centre = world.centre
    assert centre.line_states() == {"anna": "offline", "bo": "offline", "cid": "offline"}
    log_in(world, world.anna, [world.support])
    assert centre.line_states()["anna"] == "free"
    contact = centre.enter("100", "+46701234567")
    centre.queue(contact, world.support)
    assert centre.line_states()["anna"] == "ringing"  # offered: its softphone rings
    world.clock.advance(seconds=3)
    centre.answered(contact, world.anna)
    assert centre.line_states()["anna"] == "in_call"
    centre.park(contact, world.anna)
    assert centre.line_states()["anna"] == "on_hold"  # the caller waits on music for anna
    centre.take_parked(contact, world.anna)
    assert centre.line_states()["anna"] == "ringing"
    centre.answered(contact, world.anna)
    assert centre.line_states()["anna"] == "in_call"
    centre.ended(contact, "caller")
    assert centre.line_states()["anna"] == "free"
    centre.log_out(world.anna)
    assert centre.line_states()["anna"] == "offline"
