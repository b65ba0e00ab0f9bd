"""The licence: how many agents may be logged in at once (R34)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from vaxla_server.config.errors import LicenceExceeded
from vaxla_server.store.events import AgentLoggedIn, AgentLoggedOut, Event


@dataclass(frozen=True, slots=True)
class Licence:
    """At most ``max_logged_in_agents`` agents logged in at the same time."""

    max_logged_in_agents: int

    def can_log_in(self, logged_in_now: int) -> bool:
        """Whether one more agent may log in while ``logged_in_now`` agents are."""
        return logged_in_now < self.max_logged_in_agents

    def check_log_in(self, logged_in_now: int) -> None:
        """Raise ``LicenceExceeded`` unless one more agent may log in."""
        if not self.can_log_in(logged_in_now):
            raise LicenceExceeded(self.max_logged_in_agents, logged_in_now)


def peak_agents_per_day(
    events: Iterable[Event], first: date, last: date, zone: ZoneInfo
) -> list[tuple[date, int]]:
    """The most agents logged in at once (to at least one queue, as the licence counts
    them) on each day from ``first`` to ``last`` in ``zone``, from the whole log in order:
    an agent logged in over midnight counts on both days."""
    queues: dict[int, set[int]] = {}
    peaks: dict[date, int] = {}
    day: date | None = None

    def reach(until: date) -> None:
        """Every day from the last one seen to ``until`` starts with who is logged in."""
        nonlocal day
        current = day if day is not None else until
        while current <= until:
            peaks[current] = max(peaks.get(current, 0), len(queues))
            current += timedelta(days=1)
        day = until

    for event in events:
        if not isinstance(event, AgentLoggedIn | AgentLoggedOut):
            continue
        reach(event.at.astimezone(zone).date())
        if isinstance(event, AgentLoggedIn):
            queues.setdefault(event.agent_id, set()).add(event.queue_id)
        else:
            joined = queues.get(event.agent_id, set())
            joined.discard(event.queue_id)
            if not joined:
                queues.pop(event.agent_id, None)
        assert day is not None
        peaks[day] = max(peaks[day], len(queues))
    if day is None or day < last:
        reach(last)
    return [(one, peaks.get(one, 0)) for one in _days(first, last)]


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
