"""Callbacks in the running centre (R17): a waiting caller asks to be called back and
leaves the line without losing its place; at its turn an agent takes it, the citizen is
called, and when nobody answers it is tried again as the queue said, then closed as
unreachable (the SMS slice sends the queue's text on ``CallbackUnreachable``).

A callback is the same contact in the dispatcher as the call it was: it keeps its
accumulated wait, so a caller who arrived after it is not served before it. Its voice
leg ending does not end it (``Contacts.ended`` leaves it waiting). Every step is an
event; a restart reads open callbacks back from the log (``CentreKernel.start``).

A scheduled callback (the caller chose a time, or the queue was closed) waits out of
the line, on the same timer as a retry interval, until it is due; then it enters the
line as a caller arriving then: its wait counts from its time, and its priority is
raised by the queue's ``schedule_raise``, so that it goes before the callers who came
in before its time (unless they have as high a priority). A restart sets the timer
again, or puts it in the line at once when its time passed meanwhile."""

import functools
from collections.abc import Mapping
from datetime import datetime
from typing import Literal, TypeVar

from vaxla_protocol.config import CallbackItem
from vaxla_server.centre.engine import AddContact, EndContact, RemoveContact, SetAgentState
from vaxla_server.centre.errors import InvalidAction, InvalidValue
from vaxla_server.centre.kernel import CentreKernel
from vaxla_server.centre.state import CALLBACK_NUMBER, ContactView, _Callback, _Contact
from vaxla_server.config import MAX_PRIORITY
from vaxla_server.store.events import (
    CallbackAnswered,
    CallbackCancelled,
    CallbackDialled,
    CallbackNoAnswer,
    CallbackReason,
    CallbackRequested,
    CallbackRetried,
    CallbackUnreachable,
    Ended,
    Event,
)

_TryEvent = TypeVar("_TryEvent", CallbackDialled, CallbackAnswered)


class Callbacks(CentreKernel):
    """A callback's way from the caller's request to its end."""

    def request_callback(
        self,
        contact_id: int,
        number: str,
        terms: CallbackItem,
        *,
        reason: CallbackReason = "key",
        queue_id: int | None = None,
        due: datetime | None = None,
        priority: int = 0,
        data: Mapping[str, str] | None = None,
    ) -> ContactView:
        """The caller waiting in a queue's line asks to be called back on ``number``
        under the queue's ``terms``: it stays in the line at its place, without a voice
        leg. Refused for a contact offered to an agent right now, in an agent's
        personal queue, or a callback already.

        ``queue_id``: a contact in no line (sent to a callback by the configuration: a
        menu key, an entry point, a queue's rule before it could wait) becomes a
        callback in that queue, its wait starting now, with ``priority`` and what the
        caller entered (``data``; both ignored for a contact in a line, which has them
        already). ``due``: a scheduled callback,
        out of the line until then (a timer; a restart sets it again), when it enters
        the line as a caller arriving then, its priority raised by the terms'
        ``schedule_raise``."""
        with self._transaction():
            t = self._tick()
            if not CALLBACK_NUMBER.fullmatch(number):
                raise InvalidValue(
                    f"{number!r} is not a number to call back: give 3 to 20 digits, "
                    "with + first for an international number"
                )
            if due is not None and (due.tzinfo is None or due < self._at(t)):
                raise InvalidValue(
                    f"a callback cannot be scheduled for {due.isoformat()}: give a time "
                    "to come, with its time zone"
                )
            contact = self._contact(contact_id)
            if contact.callback is not None:
                raise InvalidAction(f"contact {contact_id} is a callback already")
            out: list[Event] = []
            if queue_id is not None and contact.state == "entered":
                self._known_queue(queue_id)
                if not 0 <= priority <= MAX_PRIORITY:
                    raise InvalidValue(f"priority {priority} is not 0 to {MAX_PRIORITY}")
                contact.queue_id, contact.wait_started = queue_id, t
                contact.priority, contact.data = priority, dict(data or {})
                if due is None:  # in the line from now on, as a caller queued now
                    self._apply(
                        [
                            AddContact(
                                contact.id,
                                queue=queue_id,
                                priority=contact.priority,
                                channel=contact.channel,
                                requirements=dict(contact.requirements),
                                waited_s=0.0,
                            )
                        ],
                        t,
                    )
                    contact.state = "waiting"
                    out.append(self._queued(contact, t))
            else:
                contact = self._waiting(contact_id)
                if queue_id is not None and queue_id != contact.queue_id:
                    raise InvalidAction(
                        f"contact {contact_id} waits in queue {contact.queue_id}, not {queue_id}"
                    )
            if contact.personal_agent is not None:
                raise InvalidAction(
                    f"contact {contact_id} waits in an agent's personal queue, not in a line"
                )
            if contact.offers:
                raise InvalidAction(f"contact {contact_id} is being offered to an agent now")
            assert contact.queue_id is not None and contact.wait_started is not None
            contact.callback = _Callback(
                number=number,
                reason=reason,
                order=terms.order,
                tries=terms.retries + 1,
                retry_interval_s=terms.retry_interval_s,
                sms_text=terms.sms_text,
            )
            due_priority = min(MAX_PRIORITY, contact.priority + terms.schedule_raise)
            out.append(
                CallbackRequested(
                    at=self._at(t),
                    contact_id=contact_id,
                    queue_id=contact.queue_id,
                    number=number,
                    wait_seconds=t - contact.wait_started,
                    reason=reason,
                    order=terms.order,
                    tries=terms.retries + 1,
                    retry_interval_s=terms.retry_interval_s,
                    sms_text=terms.sms_text,
                    due_at=due,
                    due_priority=due_priority if due is not None else 0,
                )
            )
            if due is not None:
                self._schedule(contact, due, due_priority, t)
            view = self._contact_view(contact, t)
            self._finish(out, t)
            return view

    def scheduled_callbacks(self, queue_id: int | None = None) -> list[ContactView]:
        """The callbacks waiting out of their queue's line (for their scheduled time,
        or between tries), with the time they enter it (``callback_due``)."""
        with self._transaction():
            t = self._tick()
            return [
                self._contact_view(contact, t)
                for contact in self._contacts.values()
                if contact.callback is not None
                and contact.callback.due is not None
                and contact.state == "entered"
                and queue_id in (None, contact.queue_id)
            ]

    def callback_dialled(self, contact_id: int) -> None:
        """The citizen's number is being called for the agent who took the callback."""
        with self._transaction():
            t = self._tick()
            contact, callback = self._taken_callback(contact_id)
            if callback.dialled:
                raise InvalidAction(f"callback {contact_id} is being dialled already")
            assert contact.queue_id is not None and contact.agent_id is not None
            callback.dialled = True
            self._finish([self._try_event(CallbackDialled, contact, callback, t)], t)

    def callback_answered(self, contact_id: int) -> None:
        """The citizen answered: the agent talks with it, the talk time counted from now;
        the contact then ends as any answered call."""
        with self._transaction():
            t = self._tick()
            contact, callback = self._taken_callback(contact_id)
            if not callback.dialled:
                raise InvalidAction(f"callback {contact_id} has not been dialled")
            assert contact.queue_id is not None and contact.agent_id is not None
            contact.answered_at = t
            event = self._try_event(CallbackAnswered, contact, callback, t)
            contact.callback = None  # a call like any other from here on
            self._finish([event], t)

    def callback_not_reached(
        self, contact_id: int, outcome: Literal["no_answer", "busy", "failed"]
    ) -> None:
        """The try reached nobody (``no_answer``, ``busy`` or ``failed``): the agent is
        free again, and the callback waits for its next try at its place in the line
        (or out of it for the queue's retry interval); after the last try it is closed
        as unreachable."""
        with self._transaction():
            t = self._tick()
            if outcome not in ("no_answer", "busy", "failed"):
                raise InvalidValue(
                    f"a try that reached nobody is no_answer, busy or failed, not {outcome!r}"
                )
            held = self._contacts.get(contact_id)
            if held is not None and held.callback is not None and held.state == "waiting":
                self._finish(self._citizen_not_reached(held, held.callback, outcome, t), t)
                return
            contact, callback = self._taken_callback(contact_id)
            agent_id, queue_id = contact.agent_id, contact.queue_id
            assert agent_id is not None and queue_id is not None
            self._apply([EndContact(contact_id)], t)
            session = self._sessions.get(agent_id)
            if session is not None:
                session.active.discard(contact_id)
                if session.status == "available":
                    self._apply([SetAgentState(agent_id, "available")], t)
            out: list[Event] = [
                CallbackNoAnswer(
                    at=self._at(t),
                    contact_id=contact_id,
                    queue_id=queue_id,
                    agent_id=agent_id,
                    number=callback.number,
                    attempt=callback.attempt,
                    outcome=outcome,
                )
            ]
            contact.agent_id = contact.answered_at = None
            callback.dialled = False
            if callback.attempt >= callback.tries:
                out.extend(self._unreachable(contact, callback, t))
            else:
                callback.attempt += 1
                out.extend(self._retry(contact, callback, t))
            self._finish(out, t)

    def cancel_callback(self, contact_id: int, *, by_user: int) -> None:
        """A supervisor cancels a callback that waits (in the line or for its retry)."""
        with self._transaction():
            t = self._tick()
            contact = self._contact(contact_id)
            if contact.callback is None:
                raise InvalidAction(f"contact {contact_id} is not a callback")
            if contact.state == "active":
                raise InvalidAction(f"callback {contact_id} is being made by an agent now")
            queue_id = contact.queue_id
            assert queue_id is not None
            if contact.state == "waiting":
                self._apply([RemoveContact(contact_id)], t)
                for agent_id in list(contact.offers):
                    self._drop_offer(contact, agent_id, withdraw=True)
            self._timers.cancel(("callback", contact_id))
            self._timers.cancel(("escalate", contact_id))
            at = self._at(t)
            del self._contacts[contact_id]
            out: list[Event] = [
                CallbackCancelled(at=at, contact_id=contact_id, queue_id=queue_id, by_user=by_user),
                Ended(
                    at=at,
                    contact_id=contact_id,
                    queue_id=queue_id,
                    by="system",
                    cause="callback_cancelled",
                ),
            ]
            self._finish(out, t)

    # Citizen first (order citizen_first)

    def citizen_dialled(self, contact_id: int, agent_id: int) -> None:
        """Citizen first: the callback offered to ``agent_id`` is held for that agent
        while the citizen's number is called; the agent's phone does not ring yet, so
        the offer's ring timeout waits (it starts when the citizen answers)."""
        with self._transaction():
            t = self._tick()
            contact = self._contact(contact_id)
            callback = contact.callback
            if callback is None or contact.state != "waiting":
                raise InvalidAction(f"contact {contact_id} is not a callback waiting in a line")
            if callback.order != "citizen_first":
                raise InvalidAction(f"callback {contact_id} is made agent first")
            if agent_id not in contact.offers:
                raise InvalidAction(f"callback {contact_id} is not offered to agent {agent_id}")
            if callback.dialled:
                raise InvalidAction(f"callback {contact_id} is being dialled already")
            assert contact.queue_id is not None
            self._timers.cancel(("ring", contact_id, agent_id))
            callback.dialled, callback.dialled_for = True, agent_id
            event = CallbackDialled(
                at=self._at(t),
                contact_id=contact_id,
                queue_id=contact.queue_id,
                agent_id=agent_id,
                number=callback.number,
                attempt=callback.attempt,
            )
            self._finish([event], t)

    def citizen_answered(self, contact_id: int) -> None:
        """Citizen first: the citizen answered and is told an agent is coming; the agent's
        phone rings now, for the queue's ring timeout counted from now. The agent's
        answer is an ``answered`` as for any call (the talk time counted from then). An
        agent who lets it ring out (RONA, paused as the queue says) or declines it
        leaves the callback waiting at its place in the line for the next agent, the
        same try (the citizen is told and let go, and called again then)."""
        with self._transaction():
            t = self._tick()
            contact = self._contact(contact_id)
            callback = contact.callback
            agent_id = None if callback is None else callback.dialled_for
            if callback is None or agent_id is None or contact.state != "waiting":
                raise InvalidAction(f"callback {contact_id} is not being dialled citizen first")
            if callback.citizen_on_line:
                raise InvalidAction(f"the citizen of callback {contact_id} answered already")
            offer = contact.offers[agent_id]
            assert contact.queue_id is not None
            queue = self._queues.get(contact.queue_id)
            ring = queue.ring_timeout_s if queue is not None else 15.0
            offer.started = t  # the agent's ring, for RONA and its ring seconds
            self._timers.set(
                ("ring", contact_id, agent_id),
                t + ring,
                functools.partial(self._ring_out, contact_id, agent_id),
            )
            callback.citizen_on_line = True
            event = CallbackAnswered(
                at=self._at(t),
                contact_id=contact_id,
                queue_id=contact.queue_id,
                agent_id=agent_id,
                number=callback.number,
                attempt=callback.attempt,
            )
            self._finish([event], t)

    def _citizen_not_reached(
        self,
        contact: _Contact,
        callback: _Callback,
        outcome: Literal["no_answer", "busy", "failed"],
        t: float,
    ) -> list[Event]:
        """Citizen first: the try reached nobody while the offer was held, or the
        citizen hung up before the agent answered (``failed``). The agent is released
        with no RONA (its phone never rang, or stopped when the citizen went); the
        callback retries or is closed as for agent first."""
        agent_id, queue_id = callback.dialled_for, contact.queue_id
        if agent_id is None:
            raise InvalidAction(f"callback {contact.id} is not being dialled citizen first")
        assert queue_id is not None
        self._apply([RemoveContact(contact.id)], t)  # the held offer goes with it
        for other in sorted(contact.offers):
            self._drop_offer(contact, other, withdraw=other != agent_id)
        self._timers.cancel(("escalate", contact.id))
        out: list[Event] = [
            CallbackNoAnswer(
                at=self._at(t),
                contact_id=contact.id,
                queue_id=queue_id,
                agent_id=agent_id,
                number=callback.number,
                attempt=callback.attempt,
                outcome=outcome,
            )
        ]
        contact.state, contact.position = "entered", None
        if callback.attempt >= callback.tries:
            return [*out, *self._unreachable(contact, callback, t)]
        callback.attempt += 1
        return [*out, *self._retry(contact, callback, t)]

    # Internals

    def _schedule(self, contact: _Contact, due: datetime, priority: int, t: float) -> None:
        """The callback leaves the line (if it waits there) until ``due``."""
        callback = contact.callback
        assert callback is not None
        if contact.state == "waiting":
            self._apply([RemoveContact(contact.id)], t)
            self._timers.cancel(("escalate", contact.id))
        contact.state, contact.position = "entered", None
        callback.due, callback.due_priority = self._seconds_at(due), priority
        self._timers.set(
            ("callback", contact.id), callback.due, functools.partial(self._retry_due, contact.id)
        )

    def _taken_callback(self, contact_id: int) -> tuple[_Contact, _Callback]:
        contact = self._contact(contact_id)
        callback = contact.callback
        if callback is None:
            raise InvalidAction(f"contact {contact_id} is not a callback")
        if contact.state != "active" or contact.agent_id is None:
            raise InvalidAction(f"callback {contact_id} has not been taken by an agent")
        return contact, callback

    def _try_event(
        self, kind: type[_TryEvent], contact: _Contact, callback: _Callback, t: float
    ) -> _TryEvent:
        assert contact.queue_id is not None and contact.agent_id is not None
        return kind(
            at=self._at(t),
            contact_id=contact.id,
            queue_id=contact.queue_id,
            agent_id=contact.agent_id,
            number=callback.number,
            attempt=callback.attempt,
        )

    def _retry(self, contact: _Contact, callback: _Callback, t: float) -> list[Event]:
        assert contact.queue_id is not None
        after = callback.retry_interval_s
        retried = CallbackRetried(
            at=self._at(t),
            contact_id=contact.id,
            queue_id=contact.queue_id,
            attempt=callback.attempt,
            after_s=after,
        )
        if after <= 0:
            return [retried, *self._back_in_line(contact, t)]
        contact.state, contact.position = "entered", None
        callback.due = t + after
        self._timers.set(
            ("callback", contact.id), t + after, functools.partial(self._retry_due, contact.id)
        )
        return [retried]

    def _unreachable(self, contact: _Contact, callback: _Callback, t: float) -> list[Event]:
        assert contact.queue_id is not None
        at = self._at(t)
        self._timers.cancel(("escalate", contact.id))
        del self._contacts[contact.id]
        return [
            CallbackUnreachable(
                at=at,
                contact_id=contact.id,
                queue_id=contact.queue_id,
                number=callback.number,
                attempts=callback.attempt,
                sms_text=callback.sms_text,
            ),
            Ended(
                at=at,
                contact_id=contact.id,
                queue_id=contact.queue_id,
                by="system",
                cause="callback_unreachable",
            ),
        ]
