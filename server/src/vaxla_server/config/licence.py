"""The licence: how many agents may be logged in at once (R34)."""

from dataclasses import dataclass

from vaxla_server.config.errors import LicenceExceeded


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
