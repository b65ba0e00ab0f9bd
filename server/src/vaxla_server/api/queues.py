"""``/queues``: every queue's live state, the contacts waiting in one, and moving a
waiting contact to another queue (supervisors)."""

import threading
from datetime import date, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status

from vaxla_protocol import Role
from vaxla_protocol.agent import MoveRequest, QueueState, WaitingContact
from vaxla_server.acd.centre import ContactCentre, ContactView
from vaxla_server.api.access import (
    EVERY_ROLE,
    UNAUTHORIZED_RESPONSE,
    Clock,
    get_clock,
    require_role,
)
from vaxla_server.api.centre_access import (
    CENTRE_ERRORS,
    FORBIDDEN,
    NOT_FOUND,
    Centre,
    centre_errors,
)
from vaxla_server.auth import User
from vaxla_server.stats import QueueFigures, events_after, queue_figures
from vaxla_server.stats.days import site_midnight
from vaxla_server.store.events import Event

_EPSILON = timedelta(microseconds=1)

router = APIRouter(prefix="/queues", tags=["queues"])

AnyUser = Annotated[User, Depends(require_role(*EVERY_ROLE))]
Watcher = Annotated[User, Depends(require_role(Role.SUPERVISOR, Role.OPERATOR, Role.ADMIN))]
Supervisor = Annotated[User, Depends(require_role(Role.SUPERVISOR, Role.ADMIN))]


class _TodayCache:
    """Today's figures per queue. Today's events are kept in memory and only the events
    appended since the last look are read, so a busy day's snapshot costs a fold in
    memory, not a read of the whole log; the fold itself is redone only when the log
    or the date changed (many desktops ask for the same snapshot after each change)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._log: object = None
        self._day: date | None = None
        self._last_id = 0
        self._events: list[Event] = []
        self._key: tuple[int, date] | None = None
        self._value: dict[int, QueueFigures] = {}

    def get(self, centre: ContactCentre, now: datetime) -> dict[int, QueueFigures]:
        midnight = site_midnight(now)
        day = midnight.date()
        with self._lock:
            if self._log is not centre.log or self._day != day:
                self._log, self._day, self._last_id, self._events = centre.log, day, 0, []
                self._key = None
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


_today = _TodayCache()


def queue_states(centre: ContactCentre, now: datetime) -> list[QueueState]:
    """Every queue now, with today's figures (since midnight, site time) from the event log."""
    today = _today.get(centre, now)
    states = []
    for view in centre.queues():
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


def waiting_contact(view: ContactView) -> WaitingContact:
    assert view.queue_id is not None and view.position is not None
    return WaitingContact(
        contact_id=view.contact_id,
        queue_id=view.queue_id,
        caller=view.caller,
        entry_point=view.entry_point,
        state="offered" if view.state == "offered" else "waiting",
        position=view.position,
        wait_s=view.wait_seconds,
        estimated_wait_s=view.estimated_wait,
    )


@router.get("", responses=UNAUTHORIZED_RESPONSE)
def every_queue(
    _user: AnyUser, centre: Centre, clock: Annotated[Clock, Depends(get_clock)]
) -> list[QueueState]:
    """Every queue: waiting contacts, longest wait, agents by state, service level today."""
    return queue_states(centre, clock())


@router.get("/{queue_id}/contacts", responses={**UNAUTHORIZED_RESPONSE, **FORBIDDEN, **NOT_FOUND})
def waiting_in(queue_id: int, _user: Watcher, centre: Centre) -> list[WaitingContact]:
    """The contacts waiting in the queue, first in line first."""
    with centre_errors():
        centre.queue_settings(queue_id)
    views = centre.waiting_contacts(queue_id)
    return sorted((waiting_contact(v) for v in views), key=lambda c: (c.position, c.contact_id))


@router.post(
    "/{queue_id}/contacts/{contact_id}/move",
    responses={**UNAUTHORIZED_RESPONSE, **FORBIDDEN, **CENTRE_ERRORS},
)
def move(
    queue_id: int, contact_id: int, request: MoveRequest, user: Supervisor, centre: Centre
) -> WaitingContact:
    """Move a contact waiting in this queue to another one, keeping its wait."""
    with centre_errors():
        centre.queue_settings(queue_id)
        contact = centre.contact(contact_id)
        if contact.queue_id != queue_id or contact.state not in ("waiting", "offered"):
            raise HTTPException(
                status.HTTP_404_NOT_FOUND,
                detail=f"contact {contact_id} is not waiting in queue {queue_id}",
            )
        centre.move(contact_id, request.queue_id)
        return waiting_contact(centre.contact(contact_id))
