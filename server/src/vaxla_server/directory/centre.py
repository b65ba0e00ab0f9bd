"""The centre's part of hänvisning (R29): a user's presence (away for a reason until a
return time) set and ended, each in the event log with who did it; at its return time it
ends by itself (a timer on the centre's clock, ``PresenceEnded`` with ``expired``).

Presence is the centre's state like a storm message: a server started again reads the
presences still on from the log (``centre/recovery.py``), and one whose return time
passed meanwhile ends at the first tick."""

import functools
from datetime import datetime
from typing import Literal

from vaxla_server.centre.errors import InvalidAction, InvalidValue
from vaxla_server.centre.kernel import CentreKernel
from vaxla_server.centre.state import PresenceView
from vaxla_server.store.events import PresenceEnded, PresenceReasonName, PresenceSet

LineStateName = Literal["free", "ringing", "in_call", "on_hold", "offline"]


class PresenceDesk(CentreKernel):
    """Each user's presence (hänvisning)."""

    def set_presence(
        self,
        username: str,
        reason: PresenceReasonName,
        until: datetime | None,
        *,
        note: str = "",
        by_user: int,
        by_name: str,
    ) -> PresenceView:
        """Set (or replace) ``username``'s presence; refused when ``until`` has passed."""
        with self._transaction():
            t = self._tick()
            if until is not None and self._seconds_at(until) <= t:
                raise InvalidValue(
                    f"the return time {until.isoformat(timespec='minutes')} has passed"
                )
            event = PresenceSet(
                at=self._at(t), username=username, reason=reason, until=until, note=note,
                by_user=by_user, by_name=by_name,
            )  # fmt: skip
            view = PresenceView(username, reason, until, note, event.at, by_name)
            self._presences[username] = view
            self._presence_timer(view)
            self._finish([event], t)
            return view

    def end_presence(self, username: str, *, by_user: int, by_name: str) -> None:
        """End ``username``'s presence now; refused when none is set."""
        with self._transaction():
            t = self._tick()
            if username not in self._presences:
                raise InvalidAction(f"{username} has no presence set")
            del self._presences[username]
            self._timers.cancel(("presence", username))
            event = PresenceEnded(
                at=self._at(t), username=username, expired=False, by_user=by_user,
                by_name=by_name,
            )  # fmt: skip
            self._finish([event], t)

    def presences(self) -> list[PresenceView]:
        """Every presence set now, by user name."""
        with self._transaction():
            self._tick()
            return sorted(self._presences.values(), key=lambda view: view.username)

    def presence_of(self, username: str) -> PresenceView | None:
        with self._transaction():
            self._tick()
            return self._presences.get(username)

    def _presence_timer(self, view: PresenceView) -> None:
        key = ("presence", view.username)
        if view.until is None:
            self._timers.cancel(key)
        else:
            at = max(self._now, self._seconds_at(view.until))
            self._timers.set(key, at, functools.partial(self._presence_expired, view.username))

    def line_states(self) -> dict[str, LineStateName]:
        """Each Vaxla extension's line (BLF) by user name, from the centre's own calls:
        ``in_call`` (an answered contact or its own outbound call), ``ringing`` (offered),
        ``on_hold`` (callers parked with it, none in talk), ``free`` (logged in), else
        ``offline``. Runs no timers, so an event listener may ask it under the lock."""
        with self._transaction():
            lines: dict[str, LineStateName] = {}
            parked = {c.personal_agent for c in self._contacts.values() if c.parked_at is not None}
            for agent_id, profile in self._profiles.items():
                session = self._sessions.get(agent_id)
                state: LineStateName
                if (session is not None and session.active) or agent_id in self._outbound_of:
                    state = "in_call"
                elif self._offers_of.get(agent_id):
                    state = "ringing"
                elif agent_id in parked:
                    state = "on_hold"
                elif session is not None:
                    state = "free"
                else:
                    state = "offline"
                lines[profile.username] = state
            return lines
