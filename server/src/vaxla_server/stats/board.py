"""The queue board: every queue now, with today's figures from the event log.

``GET /queues`` and the event socket's queue snapshots both read it. Today's events are
kept in memory and only the events appended since the last look are read, so a busy
day's snapshot costs a fold in memory, not a read of the whole log; the fold itself is
redone only when the log or the date changed (many desktops ask for the same snapshot
after each change).
"""

import threading
from datetime import date, datetime, timedelta

from vaxla_protocol.agent import QueueState
from vaxla_server.centre.contact_centre import ContactCentre
from vaxla_server.stats.days import site_midnight
from vaxla_server.stats.figures import QueueFigures, queue_figures
from vaxla_server.stats.reading import events_after
from vaxla_server.store.events import Event

_EPSILON = timedelta(microseconds=1)


class QueueBoard:
    """Every queue's live state and today's figures (since midnight, site time)."""

    def __init__(self, centre: ContactCentre) -> None:
        self._centre = centre
        self._lock = threading.Lock()
        self._day: date | None = None
        self._last_id = 0
        self._events: list[Event] = []
        self._key: tuple[int, date] | None = None
        self._value: dict[int, QueueFigures] = {}

    def states(self, now: datetime) -> list[QueueState]:
        today = self._today(now)
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
                    service_level_today=figures.service_level if figures else None,
                )
            )
        return states

    def _today(self, now: datetime) -> dict[int, QueueFigures]:
        centre = self._centre
        midnight = site_midnight(now)
        day = midnight.date()
        with self._lock:
            if self._day != day:
                self._day, self._last_id, self._events, self._key = day, 0, [], None
            key = (centre.version, day)
            if key != self._key:
                fresh, self._last_id = events_after(centre.log, self._last_id)
                self._events.extend(event for event in fresh if event.at >= midnight)
                figures = queue_figures(
                    self._events,
                    start=midnight,
                    end=max(now, midnight) + _EPSILON,
                    goals=centre.service_goals(),
                )
                self._key, self._value = key, {f.queue_id: f for f in figures}
            return self._value
