"""Undo for the centre's live state, so that it never runs ahead of the event log.

The centre works out a change by changing its state (the dispatcher, its contacts and
sessions, its timers) and then writes the change's events. When the write fails, the
state must be as if the change had never been asked for. Copying the whole state before
every change costs milliseconds at a few hundred calls; instead every change records
how to undo itself here, and the centre either keeps the records' work (``commit``, once
the events are written) or undoes it (``rollback``, when the write or a check failed).

The records are made by the containers themselves: ``JournaledDict``, ``JournaledSet``
and the attributes of ``Journaled`` objects record an undo step whenever they change
while a journal is active in the changing thread (``recording``). All the centre's
changes run in the thread that holds its lock, so a thread's active journal is always
that of the centre being changed. Outside a recording nothing is recorded and the
containers are plain dicts and sets.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")

Undo = Callable[[], None]
_MISSING: Any = object()
_local = threading.local()


class Journal:
    """Undo steps since the last commit point, newest last."""

    def __init__(self) -> None:
        self._undo: list[Undo] = []
        self.generation = 0
        """Grows at every commit and rollback: a container that keeps one snapshot per
        stretch of changes (``Timers``) compares it with the generation it saw last."""

    def record(self, undo: Undo) -> None:
        self._undo.append(undo)

    def commit(self) -> None:
        """Keep every change recorded so far (its events are written)."""
        self._undo.clear()
        self.generation += 1

    def rollback(self) -> None:
        """Undo every change since the last commit, newest first."""
        try:
            while self._undo:
                self._undo.pop()()
        finally:
            self._undo.clear()
            self.generation += 1


def active() -> Journal | None:
    """The journal recording in this thread, if any."""
    journal: Journal | None = getattr(_local, "journal", None)
    return journal


@contextlib.contextmanager
def recording(journal: Journal) -> Iterator[None]:
    """Record every change made in this thread into ``journal`` until the block ends."""
    previous = active()
    _local.journal = journal
    try:
        yield
    finally:
        _local.journal = previous


def journaled(value: Any) -> Any:
    """``value`` itself, or a journaled copy of it when it is a plain dict or set."""
    if type(value) is dict:
        return JournaledDict(value)
    if type(value) is set:
        return JournaledSet(value)
    return value


def _refill_dict(target: dict[Any, Any], saved: dict[Any, Any]) -> Undo:
    def undo() -> None:
        dict.clear(target)
        dict.update(target, saved)

    return undo


def _refill_set(target: set[Any], saved: set[Any]) -> Undo:
    def undo() -> None:
        set.clear(target)
        set.update(target, saved)

    return undo


class JournaledDict(dict[K, V]):
    """A dict whose changes are undone by a rollback. Values that are plain dicts or sets
    become journaled ones as they are stored."""

    __slots__ = ()

    def _save(self, key: K) -> None:
        journal = active()
        if journal is None:
            return
        old = dict.get(self, key, _MISSING)
        if old is _MISSING:
            journal.record(lambda: dict.__delitem__(self, key))
        else:
            journal.record(lambda: dict.__setitem__(self, key, old))

    def __setitem__(self, key: K, value: V) -> None:
        self._save(key)
        dict.__setitem__(self, key, journaled(value))

    def __delitem__(self, key: K) -> None:
        self._save(key)
        dict.__delitem__(self, key)

    def pop(self, key: K, *default: Any) -> Any:
        if key in self:
            self._save(key)
        return dict.pop(self, key, *default)

    def popitem(self) -> tuple[K, V]:
        key = next(reversed(self))
        return key, self.pop(key)

    def setdefault(self, key: K, default: V | None = None) -> V:
        if key not in self:
            self[key] = default  # type: ignore[assignment]
        return self[key]

    def update(self, *args: Any, **kwargs: Any) -> None:
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def __ior__(self, other: Any) -> JournaledDict[K, V]:  # type: ignore[override,misc]
        self.update(other)
        return self

    def clear(self) -> None:
        journal = active()
        if journal is not None:
            journal.record(_refill_dict(self, dict(self)))
        dict.clear(self)


class JournaledSet(set[T]):
    """A set whose changes are undone by a rollback."""

    __slots__ = ()

    def _save_all(self) -> None:
        journal = active()
        if journal is not None:
            journal.record(_refill_set(self, set(self)))

    def add(self, element: T) -> None:
        journal = active()
        if journal is not None and element not in self:
            journal.record(lambda: set.discard(self, element))
        set.add(self, element)

    def discard(self, element: Any) -> None:
        journal = active()
        if journal is not None and element in self:
            journal.record(lambda: set.add(self, element))
        set.discard(self, element)

    def remove(self, element: Any) -> None:
        if element not in self:
            raise KeyError(element)
        self.discard(element)

    def pop(self) -> T:
        element = next(iter(self))
        self.discard(element)
        return element

    def clear(self) -> None:
        self._save_all()
        set.clear(self)

    def update(self, *others: Iterable[T]) -> None:
        self._save_all()
        set.update(self, *others)

    def difference_update(self, *others: Iterable[Any]) -> None:
        self._save_all()
        set.difference_update(self, *others)

    def intersection_update(self, *others: Iterable[Any]) -> None:
        self._save_all()
        set.intersection_update(self, *others)

    def symmetric_difference_update(self, other: Iterable[T]) -> None:
        self._save_all()
        set.symmetric_difference_update(self, other)

    def __ior__(self, other: Any) -> JournaledSet[T]:  # type: ignore[override,misc]
        self.update(other)
        return self

    def __isub__(self, other: Any) -> JournaledSet[T]:  # type: ignore[misc]
        self.difference_update(other)
        return self

    def __iand__(self, other: Any) -> JournaledSet[T]:  # type: ignore[misc]
        self.intersection_update(other)
        return self

    def __ixor__(self, other: Any) -> JournaledSet[T]:  # type: ignore[override,misc]
        self.symmetric_difference_update(other)
        return self


class Journaled:
    """An object whose attribute assignments are undone by a rollback; a plain dict or
    set assigned to an attribute is stored as a journaled one."""

    __slots__ = ()

    if not TYPE_CHECKING:  # so the type checker still refuses unknown attributes

        def __setattr__(self, name: str, value: Any) -> None:
            journal = active()
            if journal is not None:
                old = self.__dict__.get(name, _MISSING)
                if old is _MISSING:
                    journal.record(lambda: self.__dict__.pop(name, None))
                else:
                    journal.record(lambda: object.__setattr__(self, name, old))
            object.__setattr__(self, name, journaled(value))


class Snapshots:
    """One snapshot per stretch of changes, for containers simpler to copy whole than to
    journal step by step (the timers' heap)."""

    def __init__(self) -> None:
        self._seen: tuple[Journal, int] | None = None

    def before_change(self, save: Callable[[], Undo]) -> None:
        """Call ``save`` (which copies the state and returns how to put it back) once per
        stretch of the active journal, before the first change in it."""
        journal = active()
        if journal is None or self._seen == (journal, journal.generation):
            return
        self._seen = (journal, journal.generation)
        journal.record(save())


__all__ = [
    "Journal",
    "Journaled",
    "JournaledDict",
    "JournaledSet",
    "Snapshots",
    "active",
    "journaled",
    "recording",
]
