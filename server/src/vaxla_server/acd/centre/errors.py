"""The running contact centre's errors: one hierarchy, each saying what is wrong.

A refused action raises before anything is applied, logged or published: it changes
nothing.
"""


class CentreError(Exception):
    """Base of every error the contact centre raises on purpose."""


class UnknownSubject(CentreError):
    """No agent, contact or queue with this id is known to the running centre."""

    def __init__(self, kind: str, subject: int | str) -> None:
        super().__init__(f"no {kind} {subject!r} in the running contact centre")
        self.kind = kind
        self.subject = subject


class InvalidAction(CentreError):
    """The action does not fit the current state (an agent who is not logged in pausing,
    answering a contact that was not offered, ...)."""


class InvalidValue(CentreError):
    """A value the configuration does not know or allow: an unknown or inactive pause
    reason or classification code, a queue the agent is not a member of, ..."""
