"""The queue board: every queue now, with today's figures from the event log.

``GET /queues`` and the event socket's queue snapshots both read it. Today's figures
(offered, answered, abandoned, service level) are the reports' summaries'
(``Summaries.today``: caught up on the events appended since the last look), taken again
only when the log or the date changed (many desktops ask for the same snapshot after
each change). The chart of the day still folds today's events (kept in memory, only
those appended since the last look read): it follows the callers waiting one by one.
"""

import threading
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from vaxla_protocol.agent import QueueState
from vaxla_protocol.boards import ChartPoint, DayChart
from vaxla_server.centre.contact_centre import ContactCentre
from vaxla_server.stats.chart import day_chart
from vaxla_server.stats.days import site_midnight
from vaxla_server.stats.reading import events_after
from vaxla_server.stats.summary import QueueInterval, Summaries
from vaxla_server.store.events import Event

_EPSILON = timedelta(microseconds=1)
CHART_STEP = timedelta(minutes=15)


class QueueBoard:
    """Every queue's live state and today's figures (since midnight, site time)."""

    def __init__(self, centre: ContactCentre, summaries: Summaries) -> None:
        self._centre = centre
        self._summaries = summaries
        self._lock = threading.Lock()
        self._day: date | None = None
        self._last_id = 0
        self._events: list[Event] = []
        self._key: tuple[int, date] | None = None
        self._value: dict[int, QueueInterval] = {}

    def states(self, now: datetime) -> list[QueueState]:
        today = self._today(now)
        young = self._centre.waiting_within_goal()
        states = []
        for view in self._centre.queues():
            figures = today.get(view.queue_id)
            states.append(
                QueueState(
                    id=view.queue_id,
                    name=view.name,
                    waiting=view.waiting,
                    longest_wait_s=view.longest_wait,
                    agents_logged_in=view.logged_in,
                    agents_available=view.available,
                    agents_busy=view.busy,
                    agents_paused=view.paused,
                    agents_wrap_up=view.wrap_up,
                    service_goal_percent=view.service_goal_percent,
                    service_goal_s=view.service_goal_s,
                    offered_today=figures.offered if figures else 0,
                    answered_today=figures.answered if figures else 0,
                    abandoned_today=figures.abandoned if figures else 0,
                    service_level_today=_level_so_far(figures, young.get(view.queue_id, 0)),
                    estimated_wait_s=view.estimated_wait,
                )
            )
        return states

    def chart(self, now: datetime, queue_ids: Iterable[int]) -> DayChart:
        """Today until ``now`` per ``CHART_STEP`` for the queues ``queue_ids`` together:
        the most callers waiting at once and the service level (``stats/chart.py``), the
        times in the site's time zone."""
        midnight = site_midnight(now)
        with self._lock:
            self._events_of(midnight)
            events = list(self._events)
        wanted = set(queue_ids)
        goals = [v.service_goal_percent for v in self._centre.queues() if v.queue_id in wanted]
        intervals = day_chart(
            events,
            start=midnight,
            end=max(now, midnight) + _EPSILON,
            step=CHART_STEP,
            goals=self._centre.service_goals(),
            queue_ids=wanted,
        )
        return DayChart(
            time_zone=str(midnight.tzinfo),
            step_s=int(CHART_STEP.total_seconds()),
            service_goal_percent=min(goals, default=None),
            points=[
                ChartPoint(
                    at=i.start,
                    waiting_max=i.waiting_max,
                    offered=i.offered,
                    service_level=i.service_level,
                )
                for i in intervals
            ],
        )

    def _today(self, now: datetime) -> dict[int, QueueInterval]:
        centre = self._centre
        day = site_midnight(now).date()
        with self._lock:
            if self._day != day:
                self._day, self._last_id, self._events, self._key = day, 0, [], None
            key = (centre.version, day)
            if key != self._key:
                self._summaries.catch_up()
                figures = self._summaries.today(now, centre.service_goals())
                self._key, self._value = key, {f.queue_id: f for f in figures}
            return self._value

    def _events_of(self, midnight: datetime) -> None:
        """Today's events, caught up on those appended since the last look (the lock
        held)."""
        if self._day != midnight.date():
            self._day, self._last_id, self._events, self._key = midnight.date(), 0, [], None
        fresh, self._last_id = events_after(self._centre.log, self._last_id)
        self._events.extend(event for event in fresh if event.at >= midnight)


def _level_so_far(figures: QueueInterval | None, young: int) -> float | None:
    """Today's service level as it stands: the calls answered within the goal of those
    offered, leaving out the short abandons and the ``young`` callers still waiting who
    may yet be answered within it (one new caller does not make the level 0 %)."""
    if figures is None:
        return None
    base = figures.offered - figures.abandoned_short - young
    if base <= 0:
        return None
    return min(100.0, 100.0 * figures.answered_within_goal / base)
