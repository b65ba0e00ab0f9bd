"""The agents' desk of the running centre: log-in and log-out, ready, pause,
classification, and the agents as the centre sees them."""

import logging
from collections.abc import Sequence

from vaxla_server.centre.delivery import AgentLeg
from vaxla_server.centre.engine import SetAgentState
from vaxla_server.centre.errors import InvalidAction, InvalidValue
from vaxla_server.centre.kernel import CentreKernel
from vaxla_server.centre.state import AgentView, _Session, _Standby
from vaxla_server.config import LicenceExceeded
from vaxla_server.store.events import (
    AgentLoggedIn,
    AgentLoggedOut,
    AgentPaused,
    AgentReady,
    AgentStandby,
    Classified,
    Event,
)

logger = logging.getLogger(__name__)


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
            standby = self._standby.get(agent_id)
            if standby is not None:
                standby.auto.difference_update(wanted)  # its own choice now: stays
            out = self._join(agent_id, wanted, session_key, sip_contact, t)
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
            standby = self._standby.get(agent_id)
            if standby is not None:
                standby.auto.difference_update(leaving)
            out = self._leave(session, leaving, t, forced=forced, by_user=by_user)
            self._finish(out, t)
            return self._agent_view(agent_id)

    def _join(
        self,
        agent_id: int,
        wanted: set[int],
        session_key: str,
        sip_contact: str | None,
        t: float,
        reason: str | None = None,
    ) -> list[Event]:
        """Log the agent in to ``wanted`` (queues it is a member of), opening its session
        if it had none; ``reason``: the system's, for a stand-by agent."""
        session = self._sessions.get(agent_id)
        if session is None:
            licence = self._config.licence()
            if licence is not None:
                licence.check_log_in(len(self._sessions))
        new = sorted(wanted - (session.queues if session else set()))
        at = self._at(t)
        out: list[Event] = [
            AgentLoggedIn(at=at, agent_id=agent_id, queue_id=queue_id, reason=reason)
            for queue_id in new
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
        return out

    def _leave(
        self,
        session: _Session,
        leaving: set[int],
        t: float,
        *,
        forced: bool = False,
        by_user: int | None = None,
        reason: str | None = None,
    ) -> list[Event]:
        """Log the agent out of ``leaving``; out of its last queue it is offline."""
        agent_id = session.agent_id
        at = self._at(t)
        out: list[Event] = [
            AgentLoggedOut(
                at=at,
                agent_id=agent_id,
                queue_id=queue_id,
                forced=forced,
                by_user=by_user,
                reason=reason,
            )
            for queue_id in sorted(leaving)
        ]
        session.queues -= leaving
        if session.queues:
            self._apply([self._agent_event(agent_id, update=True)], t)
        else:
            out.extend(self._end_session(session, t))
        return out

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
            out.extend(self._withdraw_offers_of(agent_id, t))
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

    # Stand-by agents (R23)

    def stand_by(
        self, agent_id: int, *, session_key: str, sip_contact: str | None = None
    ) -> AgentView:
        """The stand-by agent stands by from now on: the system logs it in to a queue of
        its own whose stand-by threshold is reached (at once if one is), and out again
        once the queue has been calm for its ``calm_s``. Refused for an agent whose
        profile is not marked stand-by. ``sip_contact``: where its softphone rings."""
        with self._transaction():
            t = self._tick()
            profile = self._profile(agent_id)
            if not profile.settings.standby:
                raise InvalidAction(
                    f"agent {profile.username!r} is not a stand-by agent: an administrator "
                    "marks its agent profile stand-by (standby: true) first"
                )
            if not self._member_queues(agent_id):
                raise InvalidValue(f"agent {profile.username!r} is a member of no queue")
            out: list[Event] = []
            record = self._standby.get(agent_id)
            if record is None:
                self._standby[agent_id] = _Standby(agent_id, sip_contact, session_key)
                out.append(AgentStandby(at=self._at(t), agent_id=agent_id, standing_by=True))
            else:
                record.session_key = session_key
                if sip_contact is not None:
                    record.sip_contact = sip_contact
            out.extend(self._standby_round(t))
            self._finish(out, t)
            return self._agent_view(agent_id)

    def stop_standing_by(self, agent_id: int) -> AgentView:
        """The agent stands by no longer; it is logged out of the queues the system
        logged it in to (not of those it joined itself)."""
        with self._transaction():
            t = self._tick()
            self._profile(agent_id)
            record = self._standby.get(agent_id)
            if record is None:
                raise InvalidAction(f"agent {self._name(agent_id)!r} is not standing by")
            del self._standby[agent_id]
            out: list[Event] = [AgentStandby(at=self._at(t), agent_id=agent_id, standing_by=False)]
            session = self._sessions.get(agent_id)
            leaving = set(record.auto) & (session.queues if session is not None else set())
            if session is not None and leaving:
                # The agent's own doing (logged just before), not the system's: no reason.
                out.extend(self._leave(session, leaving, t))
            self._finish(out, t)
            return self._agent_view(agent_id)

    def check_standby(self) -> None:
        """Log stand-by agents in to the queues whose threshold is reached, and out of
        those calm for long enough (the server's watch, every second or so)."""
        with self._transaction():
            t = self._tick()
            self._finish(self._standby_round(t), t)

    def _standby_round(self, t: float) -> list[Event]:
        out: list[Event] = []
        if not self._standby and not self._calm_since:
            return out
        rows = {row.queue: row for row in self._dispatcher.snapshot(t).queues}
        for queue_id, settings in sorted(self._queues.items()):
            rule, row = settings.standby, rows.get(queue_id)
            if not rule.on or row is None:
                continue
            waiting = row.waiting + row.offered
            if rule.waiting is not None and waiting >= rule.waiting:
                callers = "1 caller" if waiting == 1 else f"{waiting} callers"
                why = f"{callers} waiting in {settings.name!r} (stand-by at {rule.waiting})"
            elif rule.longest_wait_s is not None and row.longest_wait >= rule.longest_wait_s:
                why = (
                    f"a caller waiting {row.longest_wait:.0f} s in {settings.name!r} "
                    f"(stand-by at {rule.longest_wait_s:g} s)"
                )
            else:
                out.extend(self._calm(queue_id, settings.name, rule.calm_s, t))
                continue
            self._calm_since.pop(queue_id, None)
            out.extend(self._call_in(queue_id, why, t))
        return out

    def _call_in(self, queue_id: int, why: str, t: float) -> list[Event]:
        """Log in the stand-by agents of ``queue_id`` not logged in to it yet."""
        out: list[Event] = []
        for agent_id, record in sorted(self._standby.items()):
            profile = self._profiles.get(agent_id)
            if profile is None or not profile.settings.standby:
                continue
            if queue_id not in self._member_queues(agent_id):
                continue
            session = self._sessions.get(agent_id)
            if session is not None and queue_id in session.queues:
                continue
            try:
                out.extend(
                    self._join(agent_id, {queue_id}, record.session_key, record.sip_contact, t, why)
                )
            except LicenceExceeded as error:
                logger.warning("stand-by agent %r not logged in: %s", profile.username, error)
                continue
            record.auto.add(queue_id)
        return out

    def _calm(self, queue_id: int, name: str, calm_s: float, t: float) -> list[Event]:
        """The queue is below its thresholds: once it has been for ``calm_s``, the
        stand-by agents the system logged in to it are logged out (each after its call)."""
        called = [a for a, record in sorted(self._standby.items()) if queue_id in record.auto]
        if not called:
            self._calm_since.pop(queue_id, None)
            return []
        since = self._calm_since.setdefault(queue_id, t)
        if t - since < calm_s:
            return []
        out: list[Event] = []
        for agent_id in called:
            record, session = self._standby[agent_id], self._sessions.get(agent_id)
            if session is None or queue_id not in session.queues:
                record.auto.discard(queue_id)
                continue
            if session.active:
                continue  # on a call: after it
            record.auto.discard(queue_id)
            reason = f"{name!r} calm for {calm_s:g} s"
            out.extend(self._leave(session, {queue_id}, t, reason=reason))
        return out

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
