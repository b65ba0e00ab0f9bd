"""Contacts in the running centre: they enter, wait in a queue, are answered or
declined, abandon, end, move and overflow; a supervisor moves them, sets their priority
or picks one for an agent (R16); the contacts and queues as the centre sees them."""

import functools
from collections.abc import Mapping

from vaxla_server.centre.engine import Accept, AddContact, Decline, MoveContact, RemoveContact
from vaxla_server.centre.errors import InvalidAction, InvalidValue, UnknownSubject
from vaxla_server.centre.kernel import CentreKernel
from vaxla_server.centre.state import ContactView, EndedBy, OverflowRule, QueueView, _Contact
from vaxla_server.config import MAX_PRIORITY, QueueSettings
from vaxla_server.store.events import (
    Abandoned,
    Answered,
    Channel,
    ContactEntered,
    EndCause,
    Ended,
    Event,
    Moved,
    NotAnswered,
    Overflowed,
    Picked,
)


class Contacts(CentreKernel):
    """A contact's way from its entry through a queue to its end."""

    # Contacts

    def enter(
        self,
        entry_point: str,
        caller: str | None,
        channel: Channel = "voice",
        language: str | None = None,
    ) -> int:
        """A contact arrived at ``entry_point``; its new id."""
        with self._transaction():
            t = self._tick()
            contact_id = self._next_contact
            at = self._at(t)
            event = ContactEntered(
                at=at,
                contact_id=contact_id,
                entry_point=entry_point,
                channel=channel,
                caller=caller,
                language=language,
            )
            self._finish([event], t)
            self._next_contact += 1
            self._contacts[contact_id] = _Contact(contact_id, entry_point, caller, channel, at)
            return contact_id

    def queue(
        self,
        contact_id: int,
        queue_id: int,
        *,
        priority: int = 0,
        skills: Mapping[str, int] | None = None,
        data: Mapping[str, str] | None = None,
        preferred_agent: int | None = None,
        preferred_for_s: float = 0.0,
    ) -> int:
        """The contact starts waiting in the queue; its position. ``skills`` (by name)
        are required on top of the queue's; ``data`` is what the caller entered (R5)."""
        with self._transaction():
            t = self._tick()
            contact = self._contact(contact_id)
            if contact.state != "entered":
                raise InvalidAction(f"contact {contact_id} is {contact.state} already")
            self._known_queue(queue_id)
            requirements = self._skill_levels(skills or {})
            if preferred_agent is not None and preferred_agent not in self._profiles:
                raise UnknownSubject("agent", preferred_agent)
            self._apply(
                [
                    AddContact(
                        contact_id,
                        queue=queue_id,
                        priority=priority,
                        channel=contact.channel,
                        requirements=requirements,
                        waited_s=0.0,
                        preferred_agent=preferred_agent,
                        preferred_until=t + preferred_for_s,
                    )
                ],
                t,
            )
            contact.state, contact.queue_id, contact.priority = "waiting", queue_id, priority
            contact.requirements = dict(requirements)
            contact.wait_started = t
            contact.data = dict(data or {})
            event = self._queued(contact, t)
            self._finish([event], t)
            return event.position

    def answered(self, contact_id: int, agent_id: int) -> None:
        """The agent answered the offer; offers of the contact to others are withdrawn.
        A callback made citizen first (R17) is answered only once the citizen is on the
        line, and is a call like any other from then on."""
        with self._transaction():
            t = self._tick()
            contact = self._contact(contact_id)
            if agent_id not in contact.offers:
                raise InvalidAction(f"contact {contact_id} is not offered to agent {agent_id}")
            callback = contact.callback
            if callback is not None and callback.order == "citizen_first":
                if callback.dialled_for != agent_id or not callback.citizen_on_line:
                    raise InvalidAction(
                        f"callback {contact_id} is made citizen first: the citizen is not "
                        f"on the line for agent {agent_id}"
                    )
                contact.callback = None  # a call like any other from here on
            self._apply([Accept(contact_id, agent_id)], t)
            for other in sorted(contact.offers):
                self._drop_offer(contact, other, withdraw=other != agent_id)
            assert contact.wait_started is not None
            contact.state, contact.agent_id, contact.answered_at = "active", agent_id, t
            contact.personal_agent = contact.return_queue = contact.parked_at = None
            contact.come_back_to = contact.come_back_at = contact.came_back_from = None
            self._timers.cancel(("transfer", contact_id))
            session = self._sessions.get(agent_id)
            if session is not None:
                session.active.add(contact_id)
                session.last_contact = contact_id
            event = Answered(
                at=self._at(t),
                contact_id=contact_id,
                queue_id=contact.queue_id,
                agent_id=agent_id,
                wait_seconds=t - contact.wait_started,
            )
            self._finish([event], t)

    def declined(self, contact_id: int, agent_id: int) -> None:
        """The agent declined the offer; the contact is offered to someone else (R18)."""
        with self._transaction():
            t = self._tick()
            contact = self._contact(contact_id)
            offer = contact.offers.get(agent_id)
            if offer is None:
                raise InvalidAction(f"contact {contact_id} is not offered to agent {agent_id}")
            self._apply([Decline(contact_id, agent_id)], t)
            self._drop_offer(contact, agent_id, withdraw=False)
            event = NotAnswered(
                at=self._at(t),
                contact_id=contact_id,
                queue_id=contact.queue_id,
                agent_id=agent_id,
                reason="declined",
                ring_seconds=t - offer.started,
            )
            self._finish([event, *self._transfer_failed(contact, t)], t)

    def abandoned(self, contact_id: int) -> None:
        """The caller hung up while waiting: logged with position and wait, and ended."""
        with self._transaction():
            t = self._tick()
            contact = self._waiting(contact_id)
            out = self._abandon(contact, t)
            self._finish(out, t)

    def ended(self, contact_id: int, by: EndedBy, *, cause: EndCause | None = None) -> None:
        """The contact is over. An answered one puts its agent in wrap-up (R19); a waiting
        one that the caller ended is abandoned. A callback's voice leg ending does not end
        the callback (R17): it waits on for its turn, and nothing is logged."""
        with self._transaction():
            t = self._tick()
            contact = self._contact(contact_id)
            if contact.callback is not None and contact.state != "active":
                return
            at = self._at(t)
            out: list[Event] = []
            if contact.state == "waiting" and by == "caller":
                out = self._abandon(contact, t, cause)
            elif contact.state == "waiting":
                if not contact.held:
                    self._apply([RemoveContact(contact_id)], t)
                for agent_id in list(contact.offers):
                    self._drop_offer(contact, agent_id, withdraw=True)
                out.append(
                    Ended(
                        at=at, contact_id=contact_id, queue_id=contact.queue_id, by=by, cause=cause
                    )
                )
            elif contact.outbound_agent is not None:
                out.extend(self._outbound_over(contact, by, cause, t))
            elif contact.state == "active":
                out.extend(self._end_answered(contact, by, cause, t))
            else:
                out.append(Ended(at=at, contact_id=contact_id, by=by, cause=cause))
            self._contacts.pop(contact_id, None)
            self._finish(out, t)

    def move(
        self,
        contact_id: int,
        queue_id: int,
        *,
        by_agent: int | None = None,
        by_user: int | None = None,
    ) -> int:
        """Move a waiting contact to another queue, keeping its wait (R15, R16); its new
        position. ``by_user``: the supervisor who did it."""
        with self._transaction():
            t = self._tick()
            contact = self._waiting(contact_id)
            self._known_queue(queue_id)
            if queue_id == contact.queue_id:
                raise InvalidAction(
                    f"contact {contact_id} waits in {self._queue_name(queue_id)} already"
                )
            old = contact.queue_id
            assert old is not None
            self._apply([MoveContact(contact_id, queue=queue_id)], t)
            for agent_id in list(contact.offers):
                self._drop_offer(contact, agent_id, withdraw=True)
            contact.queue_id, contact.position = queue_id, None
            event = Moved(
                at=self._at(t),
                contact_id=contact_id,
                queue_id=old,
                to_queue_id=queue_id,
                by_agent_id=by_agent,
                by_user=by_user,
            )
            position = self._position(contact)
            self._escalate_later(contact, t)
            self._finish([event], t)
            return position

    def set_priority(self, contact_id: int, priority: int, *, by_user: int) -> ContactView:
        """A supervisor sets the priority of a contact waiting in a queue's line (higher
        is served first, R16); refused when it has that priority already."""
        with self._transaction():
            t = self._tick()
            contact = self._in_line(contact_id)
            if isinstance(priority, bool) or not 0 <= priority <= MAX_PRIORITY:
                raise InvalidValue(f"a priority is 0 to {MAX_PRIORITY}, not {priority!r}")
            if priority == contact.priority:
                raise InvalidAction(f"contact {contact_id} has priority {priority} already")
            event = self._set_priority(contact, priority, t, by_user=by_user)
            self._escalate_later(contact, t)
            view = self._contact_view(contact, t)
            self._finish([event], t)
            return view

    def pick(self, contact_id: int, agent_id: int, *, offer: bool, by_user: int) -> ContactView:
        """A supervisor takes a contact waiting in a queue's line for ``agent_id`` (R16):
        it waits in that agent's personal queue, keeping its wait. ``offer``: the agent
        must be available, is rung at once, and the contact goes back to its queue if
        the agent declines it, lets it ring out or has not taken it within the queue's
        ring time; otherwise it waits there until the agent is free (and goes back if
        the agent logs out). The agent must be logged in with a softphone and a member
        of the contact's queue."""
        with self._transaction():
            t = self._tick()
            contact = self._in_line(contact_id)
            queue_id = contact.queue_id
            assert queue_id is not None
            name = self._name(agent_id)
            self._profile(agent_id)
            if queue_id not in self._member_queues(agent_id):
                raise InvalidAction(
                    f"agent {name!r} is not a member of {self._queue_name(queue_id)}"
                )
            session = self._session(agent_id)
            if session.sip_contact is None:
                raise InvalidAction(f"agent {name!r} is logged in without a softphone")
            state = self._state_name(agent_id)
            if offer and state != "available":
                raise InvalidAction(
                    f"agent {name!r} is {state.replace('_', ' ')}, not available: a call can "
                    "be offered only to an available agent (or moved to its personal queue)"
                )
            self._apply([MoveContact(contact_id, agent=agent_id)], t)
            for other in list(contact.offers):
                self._drop_offer(contact, other, withdraw=True)
            contact.personal_agent, contact.position = agent_id, None
            self._timers.cancel(("escalate", contact_id))
            if offer:
                contact.return_queue = queue_id
                self._timers.set(
                    ("transfer", contact_id),
                    t + self._queues[queue_id].ring_timeout_s,
                    functools.partial(self._transfer_expired, contact_id),
                )
            event = Picked(
                at=self._at(t),
                contact_id=contact_id,
                queue_id=queue_id,
                agent_id=agent_id,
                offered=offer,
                by_user=by_user,
            )
            self._finish([event], t)
            return self._contact_view(contact, t)  # offered to the agent by now

    def overflowed(
        self, contact_id: int, rule: OverflowRule, target: str, *, to_queue: int | None = None
    ) -> None:
        """A queue's overflow rule takes the waiting contact out: into ``to_queue``
        (keeping its wait) or out of the queues to ``target`` (a number, a message)."""
        with self._transaction():
            t = self._tick()
            contact = self._waiting(contact_id)
            old = contact.queue_id
            assert old is not None and contact.wait_started is not None
            if to_queue is not None:
                self._known_queue(to_queue)
                if to_queue == old:
                    raise InvalidAction(f"contact {contact_id} cannot overflow into its own queue")
                self._apply([MoveContact(contact_id, queue=to_queue)], t)
            else:
                self._apply([RemoveContact(contact_id)], t)
            for agent_id in list(contact.offers):
                self._drop_offer(contact, agent_id, withdraw=True)
            at = self._at(t)
            out: list[Event] = [
                Overflowed(
                    at=at,
                    contact_id=contact_id,
                    queue_id=old,
                    rule=rule,
                    target=target,
                    wait_seconds=t - contact.wait_started,
                )
            ]
            if to_queue is not None:
                contact.queue_id, contact.position = to_queue, None
                out.append(self._queued(contact, t))
            else:
                contact.state, contact.queue_id, contact.position = "entered", None, None
            self._finish(out, t)

    def contact(self, contact_id: int) -> ContactView:
        with self._transaction():
            t = self._tick()
            contact = self._contact(contact_id)
            return self._contact_view(contact, t)

    def waiting_contacts(self, queue_id: int | None = None) -> list[ContactView]:
        with self._transaction():
            t = self._tick()
            return [
                self._contact_view(contact, t)
                for contact in self._contacts.values()
                if contact.state == "waiting"
                and contact.personal_agent is None
                and queue_id in (None, contact.queue_id)
            ]

    def waiting_within_goal(self) -> dict[int, int]:
        """Queue id → the calls waiting in its line that have not yet waited its service
        goal's seconds: they may still be answered within the goal, so today's service
        level does not count them yet (voicemail tasks, never among the calls, apart)."""
        with self._transaction():
            t = self._tick()
            young: dict[int, int] = {}
            for contact in self._contacts.values():
                queue_id = contact.queue_id
                if (
                    contact.state != "waiting"
                    or contact.personal_agent is not None
                    or contact.channel == "voicemail"
                    or contact.wait_started is None
                    or queue_id not in self._queues
                ):
                    continue
                if t - contact.wait_started < self._queues[queue_id].service_goal.within_s:
                    young[queue_id] = young.get(queue_id, 0) + 1
            return young

    def queues(self) -> list[QueueView]:
        with self._transaction():
            t = self._tick()
            stats = self._dispatcher.snapshot(t).queues
            return [
                QueueView(
                    queue_id=row.queue,
                    name=self._queues[row.queue].name,
                    waiting=row.waiting + row.offered,
                    offered=row.offered,
                    longest_wait=row.longest_wait,
                    logged_in=row.logged_in,
                    available=row.available,
                    busy=row.busy,
                    paused=row.paused,
                    wrap_up=row.wrap_up,
                    service_goal_percent=self._queues[row.queue].service_goal.percent,
                    service_goal_s=self._queues[row.queue].service_goal.within_s,
                    estimated_wait=row.estimated_wait,
                )
                for row in stats
                if row.queue in self._queues
            ]

    def queue_settings(self, queue_id: int) -> QueueSettings:
        with self._transaction():
            return self._known_queue(queue_id)

    def queue_names(self) -> dict[int, str]:
        with self._transaction():
            return {queue_id: settings.name for queue_id, settings in self._queues.items()}

    def service_goals(self) -> dict[int, float]:
        """Queue id → the service goal's seconds (T)."""
        with self._transaction():
            return {q: settings.service_goal.within_s for q, settings in self._queues.items()}

    # Internals

    def _in_line(self, contact_id: int) -> _Contact:
        """The contact, if it waits in a queue's line (not in an agent's personal queue)."""
        contact = self._waiting(contact_id)
        if contact.personal_agent is not None:
            raise InvalidAction(
                f"contact {contact_id} waits for agent {self._name(contact.personal_agent)!r} "
                "(in its personal queue), not in a queue's line"
            )
        return contact

    def _abandon(self, contact: _Contact, t: float, cause: EndCause | None = None) -> list[Event]:
        assert contact.queue_id is not None and contact.wait_started is not None
        self._timers.cancel(("transfer", contact.id))
        position = self._position(contact)
        if not contact.held:
            self._apply([RemoveContact(contact.id)], t)
        for agent_id in list(contact.offers):
            self._drop_offer(contact, agent_id, withdraw=True)
        at = self._at(t)
        del self._contacts[contact.id]
        return [
            Abandoned(
                at=at,
                contact_id=contact.id,
                queue_id=contact.queue_id,
                position=position,
                wait_seconds=t - contact.wait_started,
            ),
            Ended(
                at=at, contact_id=contact.id, queue_id=contact.queue_id, by="caller", cause=cause
            ),
        ]

    def _skill_levels(self, skills: Mapping[str, int]) -> dict[int, int]:
        levels: dict[int, int] = {}
        for name, level in skills.items():
            skill_id = self._skill_ids.get(name)
            if skill_id is None:
                known = ", ".join(sorted(self._skill_ids)) or "none are configured"
                raise InvalidValue(f"no skill named {name!r}; skills: {known}")
            if isinstance(level, bool) or not isinstance(level, int) or not 0 <= level <= 100:
                raise InvalidValue(f"the level of {name!r} must be 0 to 100, not {level!r}")
            levels[skill_id] = level
        return levels
