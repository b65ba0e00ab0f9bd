"""The agent's call control: transfers (blind, attended, to an outside number)
and the personal queue — parking a call and taking it back (R22)."""

import functools

from vaxla_protocol.offers import OfferToken, make_offer_token
from vaxla_server.centre.delivery import AgentLeg
from vaxla_server.centre.engine import (
    EndContact,
    RemoveContact,
    SetAgentState,
    SetPriority,
)
from vaxla_server.centre.errors import InvalidAction, InvalidValue
from vaxla_server.centre.kernel import CentreKernel
from vaxla_server.centre.state import ContactView, _Contact
from vaxla_server.store.events import AgentReady, Event, Parked, Transferred

TRANSFER_TAKEN_S = 20.0
"""How long a caller transferred blind to an agent waits in that agent's personal queue
for the offer to be answered, when the agent's queue has no ring timeout to go by; a
decline, a ring-out or this time passing sends the caller back to its queue."""
COME_BACK_S = 20.0
"""A receptionist's blind connection comes back to it after this long unanswered, unless
the request says another time (R29)."""
MIN_COME_BACK_S = 5.0
MAX_COME_BACK_S = 600.0


class CallControlSteps(CentreKernel):
    """An agent hands its answered call on, or parks it and takes it back."""

    # The agent's call control: transfers and the personal queue (R22)

    def own_call(self, contact_id: int, agent_id: int) -> ContactView:
        """The contact, if it is the answered call of ``agent_id``; refused otherwise."""
        with self._transaction():
            t = self._tick()
            return self._contact_view(self._call_of(contact_id, agent_id), t)

    def check_transfer_target(self, agent_id: int, to_agent: int) -> AgentLeg:
        """Where ``to_agent``'s softphone rings, if it may be handed a call now."""
        with self._transaction():
            self._tick()
            return self._target(agent_id, to_agent)

    def consult_offer(
        self, contact_id: int, agent_id: int, to_agent: int
    ) -> tuple[AgentLeg, OfferToken]:
        """Where to ring ``to_agent`` for an attended transfer of ``agent_id``'s call,
        with an offer token only that agent's session verifies."""
        with self._transaction():
            self._tick()
            self._call_of(contact_id, agent_id)
            leg = self._target(agent_id, to_agent)
            offer_id = f"c{contact_id}a{to_agent}t{next(self._offer_ids)}"
            return leg, make_offer_token(self._sessions[to_agent].session_key, offer_id)

    def transfer_to_queue(
        self, contact_id: int, agent_id: int, queue_id: int, *, attended: bool = False
    ) -> int:
        """The agent hands its answered contact to a queue: the caller waits there with
        the wait it had before it was answered, the agent wraps up as after any call.
        The new position."""
        with self._transaction():
            t = self._tick()
            contact = self._call_of(contact_id, agent_id)
            self._known_queue(queue_id)
            event = Transferred(
                at=self._at(t),
                contact_id=contact_id,
                agent_id=agent_id,
                queue_id=contact.queue_id,
                to_queue_id=queue_id,
                attended=attended,
            )
            out: list[Event] = [event, *self._release(contact, t, queue_id)]
            queued = self._queued(contact, t)
            self._finish([*out, queued], t)
            return queued.position

    def transfer_to_agent(
        self,
        contact_id: int,
        agent_id: int,
        to_agent: int,
        *,
        attended: bool = False,
        come_back_after_s: float | None = None,
    ) -> None:
        """The agent hands its answered contact to another agent: the caller waits in
        that agent's personal queue and is offered to it as usual. A blind transfer that
        agent declines, lets ring out or cannot take within its ring time goes back to
        the queue it came from — or, with ``come_back_after_s`` (a receptionist's, R29),
        comes back to ``agent_id`` held in its personal queue if not taken within that
        many seconds (``TransferReturned``). ``attended``: the two agents have spoken
        already (the target's softphone is connected to the caller)."""
        with self._transaction():
            t = self._tick()
            contact = self._call_of(contact_id, agent_id)
            self._target(agent_id, to_agent)
            if come_back_after_s is not None:
                if attended:
                    raise InvalidValue(
                        "an attended transfer does not come back: the colleague has "
                        "answered already"
                    )
                if not MIN_COME_BACK_S <= come_back_after_s <= MAX_COME_BACK_S:
                    raise InvalidValue(
                        f"come_back_after_s must be {MIN_COME_BACK_S:g} to "
                        f"{MAX_COME_BACK_S:g} seconds, not {come_back_after_s:g}"
                    )
            old = contact.queue_id
            event = Transferred(
                at=self._at(t),
                contact_id=contact_id,
                agent_id=agent_id,
                queue_id=old,
                to_agent_id=to_agent,
                attended=attended,
            )
            out: list[Event] = [event, *self._release(contact, t, old, personal=to_agent)]
            if not attended and old is not None:
                contact.return_queue = old
                ring = self._queues[old].ring_timeout_s if old in self._queues else 0.0
                wait = ring or TRANSFER_TAKEN_S
                if come_back_after_s is not None:
                    wait = come_back_after_s
                    contact.come_back_to, contact.come_back_since = agent_id, t
                    contact.come_back_at = t + come_back_after_s
                self._timers.set(
                    ("transfer", contact_id),
                    t + wait,
                    functools.partial(self._transfer_expired, contact_id),
                )
            self._finish(out, t)

    def transferred_out(
        self, contact_id: int, agent_id: int, number: str, *, attended: bool
    ) -> None:
        """The agent handed its answered contact to an outside number: the agent's part
        ends (wrap-up), and so does the contact for the centre — the caller talks on
        with the outside party through the media worker."""
        with self._transaction():
            t = self._tick()
            contact = self._call_of(contact_id, agent_id)
            event = Transferred(
                at=self._at(t),
                contact_id=contact_id,
                agent_id=agent_id,
                queue_id=contact.queue_id,
                to_number=number,
                attended=attended,
            )
            out = [event, *self._end_answered(contact, "agent", "transferred", t)]
            del self._contacts[contact_id]
            self._finish(out, t)

    def park(self, contact_id: int, agent_id: int, *, hold: bool = False) -> ContactView:
        """The agent parks its answered contact in its own personal queue (R22): the
        caller keeps its wait and is offered to this agent again when it is free, by the
        agent's personal-queue weight against its service queues. ``hold`` (a
        receptionist holding several callers, R29): it is offered to the agent only
        when the agent takes it back."""
        with self._transaction():
            t = self._tick()
            contact = self._call_of(contact_id, agent_id)
            event = Parked(
                at=self._at(t),
                contact_id=contact_id,
                agent_id=agent_id,
                queue_id=contact.queue_id,
                held=hold,
            )
            out: list[Event] = [
                event,
                *self._release(contact, t, contact.queue_id, personal=agent_id),
            ]
            if hold:
                self._apply([RemoveContact(contact_id)], t)
                contact.held = True
            contact.parked_at = t
            view = self._contact_view(contact, t)
            self._finish(out, t)
            return view

    def parked(self, agent_id: int) -> list[ContactView]:
        """The contacts parked in the agent's personal queue, longest parked first."""
        with self._transaction():
            t = self._tick()
            self._profile(agent_id)
            mine = [
                contact
                for contact in self._contacts.values()
                if contact.personal_agent == agent_id and contact.parked_at is not None
            ]
            mine.sort(key=lambda contact: (contact.parked_at or 0.0, contact.id))
            return [self._contact_view(contact, t) for contact in mine]

    def take_parked(self, contact_id: int, agent_id: int) -> ContactView:
        """The agent takes a parked contact back: it goes first in the personal queue and
        a wrap-up or pause ends, so it is offered to the agent now (if no service queue
        outweighs the personal queue, R22); refused while the agent is in a call."""
        with self._transaction():
            t = self._tick()
            contact = self._contact(contact_id)
            if contact.personal_agent != agent_id or contact.parked_at is None:
                raise InvalidAction(
                    f"contact {contact_id} is not parked with agent {self._name(agent_id)!r}"
                )
            session = self._session(agent_id)
            if session.active:
                raise InvalidAction(
                    f"agent {self._name(agent_id)!r} is in a call: end it before taking "
                    "a parked one"
                )
            out: list[Event] = []
            if contact.held:
                assert contact.queue_id is not None
                self._redispatch(contact, t, contact.queue_id, personal=agent_id)
            if not contact.offers:
                top = max(
                    (
                        other.priority
                        for other in self._contacts.values()
                        if other.personal_agent == agent_id and other.state == "waiting"
                    ),
                    default=contact.priority,
                )
                if top >= contact.priority and len(self._parked_ids(agent_id)) > 1:
                    contact.priority = top + 1
                    self._apply([SetPriority(contact_id, contact.priority)], t)
            if session.status == "wrap_up":
                out.append(self._end_wrap_up(session, t, early=True))
            elif session.status == "paused":
                out.append(AgentReady(at=self._at(t), agent_id=agent_id))
            if out:
                self._apply([SetAgentState(agent_id, "available")], t)
                session.status, session.reason = "available", ""
            view = self._contact_view(contact, t)
            self._finish(out, t)
            return view

    # Internals

    def _parked_ids(self, agent_id: int) -> list[int]:
        return [
            c.id
            for c in self._contacts.values()
            if c.personal_agent == agent_id and c.parked_at is not None
        ]

    def _call_of(self, contact_id: int, agent_id: int) -> _Contact:
        contact = self._contact(contact_id)
        self._profile(agent_id)
        if contact.state != "active" or contact.agent_id != agent_id:
            raise InvalidAction(
                f"contact {contact_id} is not a call agent {self._name(agent_id)!r} is in"
            )
        return contact

    def _target(self, agent_id: int, to_agent: int) -> AgentLeg:
        if to_agent == agent_id:
            raise InvalidValue("an agent cannot transfer a call to itself; park it instead")
        self._profile(to_agent)
        session = self._sessions.get(to_agent)
        if session is None or session.sip_contact is None:
            raise InvalidAction(f"agent {self._name(to_agent)!r} is not logged in with a softphone")
        return AgentLeg(to_agent, session.sip_contact)

    def _release(
        self, contact: _Contact, t: float, queue_id: int | None, *, personal: int | None = None
    ) -> list[Event]:
        """The agent's part of an answered contact is over but the caller stays: the
        agent wraps up as after any call, and the contact waits again in ``queue_id`` (in
        the personal queue of ``personal`` if given) with the wait it had when answered."""
        assert contact.answered_at is not None and contact.wait_started is not None
        assert queue_id is not None
        waited = contact.answered_at - contact.wait_started
        self._redispatch(
            contact, t, queue_id, personal=personal, waited_s=waited, first=[EndContact(contact.id)]
        )
        out = self._after_call(contact, t)
        contact.state, contact.agent_id, contact.answered_at = "waiting", None, None
        contact.queue_id, contact.position = queue_id, None
        contact.personal_agent = personal
        contact.wait_started = t - waited
        return out
