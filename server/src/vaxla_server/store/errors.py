"""The store's errors: one hierarchy, so callers can catch what they can handle."""


class StoreError(Exception):
    """Base of every error the store raises on purpose."""


class UnsupportedDatabase(StoreError):
    """The database URL names an engine the store does not run on."""


class DatabaseUnreachable(StoreError):
    """The database could not be connected to (wrong address, not running, refused login)."""


class CorruptEvent(StoreError):
    """A row in the event log no longer parses as its kind's model."""


class InvalidEvent(StoreError):
    """An event given to ``EventLog.append`` is not valid; nothing of the batch was written.

    ``index`` is the event's position in the batch.
    """

    def __init__(self, index: int, message: str) -> None:
        super().__init__(f"event {index} of the batch: {message}")
        self.index = index


class UnknownEventKind(InvalidEvent):
    """The event's ``kind`` is missing or not one of ``EventKind``."""


class NaiveTimestamp(InvalidEvent):
    """The event's ``at`` has no time zone, so the instant it names is unknown."""


class PayloadMismatch(InvalidEvent):
    """The event's fields do not match its kind's model."""


class InvalidQuery(StoreError):
    """A read was asked for with arguments that cannot be answered (such as ``limit=0``)."""
