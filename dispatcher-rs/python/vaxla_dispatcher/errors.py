"""The dispatcher's typed errors, raised alike by the native engine and the reference.

An event that raises changes nothing. In a batch, the events before the failing one
stay applied and the error's ``index`` says which event failed; the rest are not run.
"""

from __future__ import annotations


class DispatcherError(Exception):
    """Base of every error the dispatcher raises on bad input."""

    index: int | None

    def __init__(self, message: str, index: int | None = None) -> None:
        super().__init__(message)
        self.index = index

    def __str__(self) -> str:
        base = super().__str__()
        return base if self.index is None else f"event {self.index}: {base}"


class UnknownId(DispatcherError):
    """An id that names nothing the dispatcher knows."""


class UnknownQueue(UnknownId):
    pass


class UnknownAgent(UnknownId):
    pass


class UnknownContact(UnknownId):
    pass


class DuplicateId(DispatcherError):
    """An id that is already in use."""


class InvalidValue(DispatcherError, ValueError):
    """A value out of range: a negative capacity, an unknown strategy or state name,
    a time that is not finite or that runs backwards, and the like."""


class InvalidState(DispatcherError):
    """The operation does not fit the current state: accepting an offer that was not
    made, removing a queue that contacts still wait in, and the like."""


ERROR_CLASSES: dict[str, type[DispatcherError]] = {
    cls.__name__: cls
    for cls in (
        UnknownQueue,
        UnknownAgent,
        UnknownContact,
        DuplicateId,
        InvalidValue,
        InvalidState,
    )
}
"""By name, the classes the native engine raises (see ``bindings/src/errors.rs``)."""
