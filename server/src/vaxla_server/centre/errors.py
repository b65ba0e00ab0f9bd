"""The running contact centre's errors: one hierarchy, each saying what is wrong.

A refused action changes nothing: it raises before anything is logged or published,
and whatever it had changed of the live state is undone.
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


class EventLogUnavailable(CentreError):
    """The event log could not be written (a full disk, a lost database): the change
    was not made, and may be asked for again once the log can be written."""

    def __init__(self, cause: Exception) -> None:
        # A database error's own text carries the whole statement; its driver's is enough.
        reason = getattr(cause, "orig", None) or cause
        first_line = str(reason).strip().splitlines()[0] if str(reason).strip() else ""
        super().__init__(
            f"the event log could not be written ({type(reason).__name__}: {first_line}); "
            "nothing was changed, try again"
        )
