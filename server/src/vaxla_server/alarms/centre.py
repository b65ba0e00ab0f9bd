"""The alarms of the running centre (R24): each rule evaluated on its queue's figure,
raised and cleared with hysteresis and a quiet period, acknowledged by a supervisor.

A rule holds when the figure compares true against its threshold (``waiting_count``:
callers waiting or being offered; ``longest_wait_s``: the longest of their waits;
``agents_ready``: agents logged in to the queue and not paused; ``service_level_pct``:
today's service level, given by the caller since it is computed from the event log).
Once raised, the alarm clears only when the figure is back past ``clear_at`` (or no
longer holds, without one); after it clears, the rule raises nothing for ``quiet_s``.
Every raise, clearing and acknowledgement is an event in the log, with who acknowledged.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from vaxla_protocol.config import AlarmMetric, AlarmRuleItem, Comparison
from vaxla_server.centre.errors import InvalidAction, UnknownSubject
from vaxla_server.centre.kernel import CentreKernel
from vaxla_server.centre.state import _Alarm
from vaxla_server.store.events import AlarmAcknowledged, AlarmCleared, AlarmRaised, Event

_ABOVE = (Comparison.ABOVE, Comparison.AT_LEAST)


@dataclass(frozen=True, slots=True)
class AlarmView:
    """A raised alarm: its rule, the queue, the figure that raised it, and whether and
    by whom (a user id) it was acknowledged."""

    rule: str
    queue_id: int
    metric: str
    comparison: str
    threshold: float
    severity: str
    value: float
    raised_at: datetime
    acknowledged_by: int | None
    acknowledged_at: datetime | None
    acknowledged_name: str | None


def holds(comparison: Comparison, value: float, threshold: float) -> bool:
    match comparison:
        case Comparison.ABOVE:
            return value > threshold
        case Comparison.AT_LEAST:
            return value >= threshold
        case Comparison.BELOW:
            return value < threshold
        case Comparison.AT_MOST:
            return value <= threshold


def back_to_normal(rule: AlarmRuleItem, value: float) -> bool:
    """Whether a raised alarm of ``rule`` clears at ``value`` (hysteresis)."""
    if rule.clear_at is None:
        return not holds(rule.comparison, value, rule.threshold)
    return value <= rule.clear_at if rule.comparison in _ABOVE else value >= rule.clear_at


class AlarmDesk(CentreKernel):
    """Evaluates the alarm rules, and keeps the raised alarms."""

    def check_alarms(
        self, rules: Sequence[AlarmRuleItem], service_levels: Mapping[int, float | None]
    ) -> None:
        """Evaluate every rule now (the server's watch, every second or so);
        ``service_levels``: today's service level per queue id, None before any call."""
        with self._transaction():
            t = self._tick()
            self._finish(self._alarm_round(rules, service_levels, t), t)

    def acknowledge_alarm(self, rule: str, *, by_user: int, by_name: str) -> AlarmView:
        """A supervisor (``by_user``, named ``by_name``) has seen the raised alarm ``rule``."""
        with self._transaction():
            t = self._tick()
            alarm = self._alarms.get(rule)
            if alarm is None:
                raise UnknownSubject("raised alarm", rule)
            if alarm.acknowledged_by is not None:
                raise InvalidAction(f"the alarm {rule!r} is acknowledged already")
            alarm.acknowledged_by, alarm.acknowledged_at = by_user, t
            alarm.acknowledged_name = by_name
            event = AlarmAcknowledged(
                at=self._at(t), rule=rule, queue_id=alarm.queue_id, by_user=by_user, by_name=by_name
            )
            self._finish([event], t)
            return self._alarm_view(alarm)

    def alarms(self) -> list[AlarmView]:
        """The raised alarms, the newest first."""
        with self._transaction():
            found = sorted(self._alarms.values(), key=lambda a: (-a.raised_at, a.rule))
            return [self._alarm_view(alarm) for alarm in found]

    def _alarm_round(
        self, rules: Sequence[AlarmRuleItem], levels: Mapping[int, float | None], t: float
    ) -> list[Event]:
        out: list[Event] = []
        if not rules and not self._alarms:
            return out  # nothing to evaluate: no snapshot of the dispatcher
        ids = {settings.name: queue_id for queue_id, settings in self._queues.items()}
        rows = {row.queue: row for row in self._dispatcher.snapshot(t).queues}
        wanted = {rule.name: rule for rule in rules if rule.queue in ids}
        for name, alarm in sorted(self._alarms.items()):
            rule = wanted.get(name)
            if rule is None or ids[rule.queue] != alarm.queue_id or _changed(rule, alarm):
                out.append(self._clear(alarm, None, t, "the rule was changed or removed"))
        for name, rule in sorted(wanted.items()):
            queue_id = ids[rule.queue]
            row = rows.get(queue_id)
            if row is None:
                continue
            value: float | None
            match rule.metric:
                case AlarmMetric.WAITING_COUNT:
                    value = row.waiting + row.offered
                case AlarmMetric.LONGEST_WAIT_S:
                    value = row.longest_wait
                case AlarmMetric.AGENTS_READY:
                    value = row.logged_in - row.paused
                case AlarmMetric.SERVICE_LEVEL_PCT:
                    value = levels.get(queue_id)
            if value is None or not math.isfinite(value):
                continue  # no figure yet (no call today): nothing to say
            raised = self._alarms.get(name)
            if raised is None:
                quiet = self._alarm_quiet_until.get(name)
                if holds(rule.comparison, value, rule.threshold) and (quiet is None or t >= quiet):
                    self._alarms[name] = _Alarm(
                        name,
                        queue_id,
                        t,
                        value,
                        rule.metric.value,
                        rule.comparison.value,
                        rule.threshold,
                        rule.severity.value,
                    )
                    out.append(
                        AlarmRaised(
                            at=self._at(t),
                            rule=name,
                            queue_id=queue_id,
                            metric=rule.metric.value,
                            comparison=rule.comparison.value,
                            threshold=rule.threshold,
                            value=value,
                            severity=rule.severity.value,
                        )
                    )
            elif back_to_normal(rule, value):
                self._alarm_quiet_until[name] = t + rule.quiet_s
                out.append(self._clear(raised, value, t))
        return out

    def _clear(
        self, alarm: _Alarm, value: float | None, t: float, reason: str | None = None
    ) -> Event:
        del self._alarms[alarm.rule]
        return AlarmCleared(
            at=self._at(t), rule=alarm.rule, queue_id=alarm.queue_id, value=value, reason=reason
        )

    def _alarm_view(self, alarm: _Alarm) -> AlarmView:
        return AlarmView(
            rule=alarm.rule,
            queue_id=alarm.queue_id,
            metric=alarm.metric,
            comparison=alarm.comparison,
            threshold=alarm.threshold,
            severity=alarm.severity,
            value=alarm.value,
            raised_at=self._at(alarm.raised_at),
            acknowledged_by=alarm.acknowledged_by,
            acknowledged_name=alarm.acknowledged_name,
            acknowledged_at=None
            if alarm.acknowledged_at is None
            else self._at(alarm.acknowledged_at),
        )


def _changed(rule: AlarmRuleItem, alarm: _Alarm) -> bool:
    return (rule.metric.value, rule.comparison.value, rule.threshold) != (
        alarm.metric,
        alarm.comparison,
        alarm.threshold,
    )
