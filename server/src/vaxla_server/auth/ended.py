"""News of sessions that ended while open, so what they have open (the event socket)
closes at once instead of at its next check."""

from dataclasses import dataclass

from vaxla_server.auth.errors import RevokedToken
from vaxla_server.notifier import Notifier, Topic

LOGGED_OUT = "the session logged out; log in again"


@dataclass(frozen=True, slots=True)
class SessionsEnded:
    """Sessions that ended while open: one (its token's digest: a logout) or every one
    of a user (deactivated, given another role or a new password)."""

    reason: str
    """What the user is told (ends with what to do)."""
    digest: str | None = None
    user_id: int | None = None

    def covers(self, digest: str, user_id: int) -> bool:
        return digest == self.digest or user_id == self.user_id


SESSION_ENDED: Topic[SessionsEnded] = Topic("sessions ended (a logout, a user changed)")
"""Told as sessions end, so what they have open (the event socket) closes at once."""


def tell_user_sessions_ended(notifier: Notifier | None, user_id: int) -> None:
    """Every session of ``user_id`` has just been revoked (deactivated, another role or
    password)."""
    if notifier is not None:
        notifier.publish(SESSION_ENDED, SessionsEnded(str(RevokedToken()), user_id=user_id))
