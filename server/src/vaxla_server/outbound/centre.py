"""Outbound calls from the agent's softphone (outbound/flow.py); such a call
ends through ``ContactCentre.ended`` like any contact (the kernel's ``_outbound_over``)."""

from vaxla_server.centre.errors import InvalidAction
from vaxla_server.centre.kernel import CentreKernel
from vaxla_server.centre.state import _Contact
from vaxla_server.store.events import ContactEntered, Event, OutboundAnswered, OutboundCall


class OutboundCalls(CentreKernel):
    """An agent calls an outside number."""

    # Outbound calls from the agent's softphone (outbound/flow.py)

    def outbound_started(self, agent_id: int, number: str) -> int:
        """The agent calls the outside ``number``; the new contact's id. It is busy until
        :meth:`ended` (logged in to no queue too, then offline again); logged in to a queue,
        it is offered no voice contact meanwhile, and one that logs in meanwhile is busy
        from its log-in. Refused while it talks with or is offered a caller (not while it
        holds a voicemail task: it calls that caller back), or makes another outbound
        call; raises ``UnknownSubject`` for a user without an agent profile."""
        with self._transaction():
            t = self._tick()
            self._profile(agent_id)
            session = self._sessions.get(agent_id)
            talking = session is not None and any(
                (contact := self._contacts.get(active)) is None or contact.voicemail is None
                for active in session.active
            )  # a voicemail task it holds is no call: it may call the caller back (R7)
            if agent_id in self._outbound_of or talking:
                raise InvalidAction(f"agent {self._name(agent_id)!r} is on a call already")
            if self._offers_of.get(agent_id):
                raise InvalidAction(f"agent {self._name(agent_id)!r} is being offered a call")
            contact_id = self._next_contact
            self._next_contact += 1
            at = self._at(t)
            contact = _Contact(contact_id, number, self._name(agent_id), "voice", at)
            contact.state, contact.agent_id = "active", agent_id
            contact.outbound_agent = agent_id
            self._contacts[contact_id] = contact
            self._outbound_of[agent_id] = contact_id
            if session is not None:
                session.active.add(contact_id)
                session.outbound = contact_id
                self._apply([self._agent_event(agent_id, update=True)], t)
            out: list[Event] = [
                ContactEntered(
                    at=at,
                    contact_id=contact_id,
                    entry_point=number,
                    channel="voice",
                    caller=self._name(agent_id),
                ),
                OutboundCall(at=at, contact_id=contact_id, agent_id=agent_id, number=number),
            ]
            self._finish(out, t)
            return contact_id

    def outbound_answered(self, contact_id: int) -> None:
        """The outside number answered the agent's outbound call."""
        with self._transaction():
            t = self._tick()
            contact = self._contact(contact_id)
            agent_id = contact.outbound_agent
            if agent_id is None or contact.answered_at is not None:
                raise InvalidAction(f"contact {contact_id} is no unanswered outbound call")
            contact.answered_at = t
            ring = (self._at(t) - contact.entered_at).total_seconds()
            event = OutboundAnswered(
                at=self._at(t), contact_id=contact_id, agent_id=agent_id, ring_seconds=max(ring, 0)
            )
            self._finish([event], t)
