"""The alarm rules evaluated in the centre (R24), on a clock that moves only when told:
each metric, hysteresis, the quiet period, acknowledgement with who, and a rule changed
or removed while raised."""

from typing import Any

import pytest

from tests.server.centre.world import World, events_of, kinds, last_id, log_in
from vaxla_protocol.config import AlarmRuleItem
from vaxla_server.centre import InvalidAction, UnknownSubject
from vaxla_server.store.events import EventKind

SOFIA = 42


def rule(**fields: Any) -> AlarmRuleItem:
    values: dict[str, Any] = {
        "name": "many-waiting",
        "queue": "Support",
        "metric": "waiting_count",
        "comparison": ">",
        "threshold": 2,
    }
    return AlarmRuleItem.model_validate(values | fields)


def callers(world: World, count: int) -> list[int]:
    contacts = []
    for _ in range(count):
        contact = world.centre.enter("100", None)
        world.centre.queue(contact, world.support)
        contacts.append(contact)
    return contacts


def raised(world: World) -> list[str]:
    return [alarm.rule for alarm in world.centre.alarms()]


def test_raised_above_the_threshold_and_cleared_below_it(world: World) -> None:
    rules = [rule()]
    contacts = callers(world, 2)
    world.centre.check_alarms(rules, {})
    assert raised(world) == []
    contacts += callers(world, 1)
    world.centre.check_alarms(rules, {})
    assert raised(world) == ["many-waiting"]
    [event] = events_of(world, EventKind.ALARM_RAISED)
    assert (event.rule, event.queue_id, event.value, event.threshold) == (
        "many-waiting",
        world.support,
        3,
        2,
    )
    before = last_id(world)
    world.centre.check_alarms(rules, {})  # still holds: nothing new
    assert kinds(world, before) == []
    world.centre.abandoned(contacts.pop())
    world.centre.check_alarms(rules, {})
    assert raised(world) == []
    assert events_of(world, EventKind.ALARM_CLEARED)[-1].value == 2


def test_hysteresis_clears_only_back_past_clear_at(world: World) -> None:
    rules = [rule(clear_at=0, quiet_s=0)]
    contacts = callers(world, 3)
    world.centre.check_alarms(rules, {})
    for contact in contacts[:2]:
        world.centre.abandoned(contact)
        world.centre.check_alarms(rules, {})
        assert raised(world) == ["many-waiting"]  # 2, then 1: not back to 0 yet
    world.centre.abandoned(contacts[2])
    world.centre.check_alarms(rules, {})
    assert raised(world) == []


def test_the_quiet_period_holds_back_a_new_raise(world: World) -> None:
    rules = [rule(quiet_s=60)]
    contacts = callers(world, 3)
    world.centre.check_alarms(rules, {})
    world.centre.abandoned(contacts.pop())
    world.centre.check_alarms(rules, {})  # cleared: quiet for 60 s
    contacts += callers(world, 1)
    world.clock.advance(seconds=59)
    world.centre.check_alarms(rules, {})
    assert raised(world) == []
    world.clock.advance(seconds=1)
    world.centre.check_alarms(rules, {})
    assert raised(world) == ["many-waiting"]
    assert kinds(world).count("alarm_raised") == 2


def test_too_few_agents_logged_in(world: World) -> None:
    rules = [rule(name="too-few", metric="agents_ready", comparison="<", threshold=1)]
    world.centre.check_alarms(rules, {})
    assert raised(world) == ["too-few"]
    log_in(world, world.anna)
    world.centre.check_alarms(rules, {})
    assert raised(world) == []
    world.centre.pause(world.anna, "lunch")  # logged in, but not ready
    world.clock.advance(seconds=300)
    world.centre.check_alarms(rules, {})
    assert raised(world) == ["too-few"]


def test_the_longest_wait(world: World) -> None:
    rules = [rule(name="slow", metric="longest_wait_s", comparison=">=", threshold=30)]
    callers(world, 1)
    world.clock.advance(seconds=29)
    world.centre.check_alarms(rules, {})
    assert raised(world) == []
    world.clock.advance(seconds=1)
    world.centre.check_alarms(rules, {})
    assert [(a.rule, a.value) for a in world.centre.alarms()] == [("slow", 30)]


def test_the_service_level_given_by_the_board(world: World) -> None:
    rules = [rule(name="sl", metric="service_level_pct", comparison="<", threshold=80)]
    world.centre.check_alarms(rules, {world.support: None})  # no call today: no figure
    assert raised(world) == []
    world.centre.check_alarms(rules, {world.support: 75.0})
    assert raised(world) == ["sl"]
    world.centre.check_alarms(rules, {world.support: 80.0})
    assert raised(world) == []


def test_acknowledged_with_who_and_once(world: World) -> None:
    rules = [rule()]
    callers(world, 3)
    world.centre.check_alarms(rules, {})
    world.clock.advance(seconds=5)
    view = world.centre.acknowledge_alarm("many-waiting", by_user=SOFIA, by_name="sofia")
    assert (view.acknowledged_by, view.acknowledged_name) == (SOFIA, "sofia")
    assert view.acknowledged_at == world.clock.now
    [event] = events_of(world, EventKind.ALARM_ACKNOWLEDGED)
    assert (event.rule, event.by_user) == ("many-waiting", SOFIA)
    before = last_id(world)
    with pytest.raises(InvalidAction, match="acknowledged already"):
        world.centre.acknowledge_alarm("many-waiting", by_user=SOFIA, by_name="sofia")
    with pytest.raises(UnknownSubject, match="raised alarm 'nothing'"):
        world.centre.acknowledge_alarm("nothing", by_user=SOFIA, by_name="sofia")
    assert kinds(world, before) == []


def test_a_rule_removed_or_changed_while_raised_clears_its_alarm(world: World) -> None:
    callers(world, 3)
    world.centre.check_alarms([rule()], {})
    world.centre.check_alarms([rule(threshold=5)], {})
    assert raised(world) == []
    cleared = events_of(world, EventKind.ALARM_CLEARED)[-1]
    assert (cleared.value, cleared.reason) == (None, "the rule was changed or removed")
    world.centre.check_alarms([rule()], {})
    assert raised(world) == ["many-waiting"]
    world.centre.check_alarms([], {})
    assert raised(world) == []


def test_a_raised_alarm_and_its_acknowledgement_outlive_a_restart(world: World) -> None:
    rules = [rule()]
    callers(world, 3)
    world.centre.check_alarms(rules, {})
    world.centre.acknowledge_alarm("many-waiting", by_user=SOFIA, by_name="sofia")
    raised_at = world.centre.alarms()[0].raised_at
    world.clock.advance(seconds=30)
    centre = world.restart()  # the callers' calls are closed: nobody waits now
    [alarm] = centre.alarms()
    assert (alarm.rule, alarm.raised_at, alarm.acknowledged_name) == (
        "many-waiting",
        raised_at,
        "sofia",
    )
    before = last_id(world)
    centre.check_alarms(rules, {})
    assert kinds(world, before) == ["alarm_cleared"]  # cleared, never raised a second time
