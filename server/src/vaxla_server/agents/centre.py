"""The agents' desk of the running centre: log-in and log-out, ready, pause,
classification, and the agents as the centre sees them."""

from collections.abc import Sequence

from vaxla_server.centre.delivery import AgentLeg
from vaxla_server.centre.engine import SetAgentState
from vaxla_server.centre.errors import InvalidAction, InvalidValue
from vaxla_server.centre.kernel import CentreKernel
from vaxla_server.centre.state import AgentView, _Session
from vaxla_server.store.events import (
    AgentLoggedIn,
    AgentLoggedOut,
    AgentPaused,
    AgentReady,
    Classified,
    Event,
)


class AgentDesk(CentreKernel):
    """Agents log in and out, get ready, pause and classify their contacts."""

    # Agents

    def log_in(
        self,
        agent_id: int,
        *,
        session_key: str,
        queues: Sequence[int] | None = None,
        sip_contact: str | None = None,
    ) -> AgentView:
        """Log the agent in to ``queues`` (all it is a member of when None). The first
        log-in makes it available; it is refused when the licence's limit of agents
        logged in at once is reached (R34). ``sip_contact`` is where its softphone rings."""
        with self._transaction():
            t = self._tick()
            members = self._member_queues(agent_id)
            wanted = set(members if queues is None else queues)
            if not wanted:
                raise InvalidValue(f"agent {self._name(agent_id)!r} is a member of no queue")
            strangers = sorted(wanted - members)
            if strangers:
                raise InvalidValue(
                    f"agent {self._name(agent_id)!r} is not a member of "
                    f"{', '.join(self._queue_name(q) for q in strangers)}"
                )
            session = self._sessions.get(agent_id)
            if session is None:
                licence = self._config.licence()
                if licence is not None:
                    licence.check_log_in(len(self._sessions))
            new = sorted(wanted - (session.queues if session else set()))
            at = self._at(t)
            out: list[Event] = [
                AgentLoggedIn(at=at, agent_id=agent_id, queue_id=queue_id) for queue_id in new
            ]
            if session is None:
                session = _Session(agent_id, set(), sip_contact, session_key)
                self._sessions[agent_id] = session
                session.queues.update(new)
                outbound = self._outbound_of.get(agent_id)
                if outbound is not None:  # on an outbound call already: busy from now
                    session.outbound = outbound
                    session.active.add(outbound)
                self._apply(
                    [
                        self._agent_event(agent_id, update=True),
                        SetAgentState(agent_id, "available"),
                    ],
                    t,
                )
                out.append(AgentReady(at=at, agent_id=agent_id))
            else:
                # A log-in to one more queue may leave the softphone's contact unsaid.
                if sip_contact is not None:
                    session.sip_contact = sip_contact
                session.session_key = session_key
                if new:
                    session.queues.update(new)
                    self._apply([self._agent_event(agent_id, update=True)], t)
            self._finish(out, t)
            return self._agent_view(agent_id)

    def log_out(
        self,
        agent_id: int,
        *,
        queues: Sequence[int] | None = None,
        forced: bool = False,
        by_user: int | None = None,
    ) -> AgentView:
        """Log the agent out of ``queues`` (of all when None); out of the last one, it is
        offline: its offers are withdrawn and a running wrap-up ends. ``by_user``: the
        supervisor who did it (``store.events.ByUser``), as in ``ready`` and ``pause``."""
        with self._transaction():
            t = self._tick()
            session = self._session(agent_id)
            leaving = set(session.queues if queues is None else queues)
            strangers = sorted(leaving - session.queues)
            if strangers:
                raise InvalidAction(
                    f"agent {self._name(agent_id)!r} is not logged in to "
                    f"{', '.join(self._queue_name(q) for q in strangers)}"
                )
            at = self._at(t)
            out: list[Event] = [
                AgentLoggedOut(
                    at=at, agent_id=agent_id, queue_id=queue_id, forced=forced, by_user=by_user
                )
                for queue_id in sorted(leaving)
            ]
            session.queues -= leaving
            if session.queues:
                self._apply([self._agent_event(agent_id, update=True)], t)
            else:
                out.extend(self._end_session(session, t))
            self._finish(out, t)
            return self._agent_view(agent_id)

    def ready(self, agent_id: int, *, by_user: int | None = None) -> AgentView:
        """Make the agent available: ends a pause, or its wrap-up early (R19)."""
        with self._transaction():
            t = self._tick()
            session = self._session(agent_id)
            at = self._at(t)
            out: list[Event] = []
            if session.status == "wrap_up":
                out.append(self._end_wrap_up(session, t, early=True, by_user=by_user))
            elif session.status == "paused":
                out.append(AgentReady(at=at, agent_id=agent_id, by_user=by_user))
            if out:
                self._apply([SetAgentState(agent_id, "available")], t)
                session.status, session.reason = "available", ""
            self._finish(out, t)
            return self._agent_view(agent_id)

    def pause(self, agent_id: int, reason: str, *, by_user: int | None = None) -> AgentView:
        """Pause the agent with one of the active configured pause reasons (R20)."""
        with self._transaction():
            t = self._tick()
            session = self._session(agent_id)
            active = {r.code for r in self._config.pause_reasons() if r.active}
            if reason not in active:
                known = ", ".join(sorted(active)) or "none are configured"
                raise InvalidValue(f"{reason!r} is not an active pause reason; reasons: {known}")
            out: list[Event] = []
            if session.status == "wrap_up":
                out.append(self._end_wrap_up(session, t, early=True, by_user=by_user))
            out.append(
                AgentPaused(at=self._at(t), agent_id=agent_id, reason=reason, by_user=by_user)
            )
            self._apply([SetAgentState(agent_id, "paused", reason)], t)
            self._withdraw_offers_of(agent_id)
            session.status, session.reason = "paused", reason
            self._finish(out, t)
            return self._agent_view(agent_id)

    def classify(self, agent_id: int, code: str) -> AgentView:
        """Give the agent's last contact a classification code (R21)."""
        with self._transaction():
            t = self._tick()
            session = self._session(agent_id)
            active = {c.code for c in self._config.classification_codes() if c.active}
            if code not in active:
                known = ", ".join(sorted(active)) or "none are configured"
                raise InvalidValue(f"{code!r} is not an active classification code; codes: {known}")
            if session.last_contact is None:
                raise InvalidAction(
                    f"agent {self._name(agent_id)!r} has answered no contact to classify"
                )
            event = Classified(
                at=self._at(t), contact_id=session.last_contact, agent_id=agent_id, code=code
            )
            self._finish([event], t)
            return self._agent_view(agent_id)

    def agent(self, agent_id: int) -> AgentView:
        with self._transaction():
            self._tick()
            return self._agent_view(agent_id)

    def agents(self) -> list[AgentView]:
        with self._transaction():
            self._tick()
            return [self._agent_view(agent_id) for agent_id in sorted(self._profiles)]

    def session_of(self, agent_id: int) -> AgentLeg | None:
        """Where the agent's softphone rings, if it is logged in."""
        with self._transaction():
            session = self._sessions.get(agent_id)
            return None if session is None else AgentLeg(agent_id, session.sip_contact)

    def session_key_of(self, agent_id: int) -> str | None:
        """The key of the agent's logged-in session (``offers.session_key`` of its
        bearer token), or ``None`` when it is not logged in."""
        with self._transaction():
            session = self._sessions.get(agent_id)
            return None if session is None else session.session_key

    def agent_names(self) -> dict[int, str]:
        with self._transaction():
            return {agent_id: p.username for agent_id, p in self._profiles.items()}
