"""One repository for every kind of named item of the call flow: schedules, announcement
sets, digit collections, menus, entry points and alarm rules.

A ``NamedKind`` says where the kind's rows are and how an item becomes them; the
``Repository`` does the rest the same way for every kind: refuse a second item of the
same name, check and write the item in one transaction, refuse deleting what something
still points to, and tell the listeners what changed. A refused change raises a
``ConfigError`` and leaves the store as it was.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy import Connection, Engine, Table, delete, insert, update
from sqlalchemy.exc import IntegrityError

from vaxla_server.config.call_flow import Context, check_timeout_cycles, refuse_if_referenced
from vaxla_server.config.changes import ChangeKind
from vaxla_server.config.errors import DuplicateName, NotFound
from vaxla_server.config.prompts import PromptLibrary
from vaxla_server.config.routing import existing_id, id_by
from vaxla_server.store.transactions import write_transaction

Item = TypeVar("Item", bound=BaseModel)
Notify = Callable[[str, str, ChangeKind, int], None]
"""Tells the listeners: (kind, name, change, row id)."""


@dataclass(frozen=True)
class NamedKind(Generic[Item]):
    """How one kind of named item is stored.

    ``read`` gives the items whose rows match an SQL condition (all of them for ``None``),
    in order. ``values`` is the validation hook: the item's row, or a ``ConfigError``
    saying why it cannot be stored. ``children`` writes what hangs off the row (menu keys,
    opening intervals), replacing what was there. ``unique`` names the columns, each the
    item field of the same name, that no two items may share; the first is the key the
    item is named by (an entry point's address). ``may_loop`` is set for the kinds that can
    close a circle of menu timeouts, which every write of them then refuses.
    """

    label: str
    model: type[Item]
    table: Table
    read: Callable[[Connection, Any], list[Item]]
    values: Callable[[Context, Item], dict[str, object]]
    children: Callable[[Context, int, Item], None] | None = None
    unique: tuple[str, ...] = ("name",)
    may_loop: bool = False

    def key_of(self, item: Item) -> str:
        key: str = getattr(item, self.unique[0])
        return key

    def write(self, context: Context, row_id: int | None, item: Item) -> int:
        """Check ``item`` and store it as a new row (``row_id`` ``None``) or over the row
        ``row_id``; the row's id."""
        table = self.table
        values = self.values(context, item)
        if row_id is None:
            row_id = context.connection.execute(
                insert(table).returning(table.c.id), values
            ).scalar_one()
        else:
            context.connection.execute(update(table).where(table.c.id == row_id).values(values))
        if self.children is not None:
            self.children(context, row_id, item)
        if self.may_loop:
            check_timeout_cycles(context.connection)
        return row_id


class Repository(Generic[Item]):
    """Lists, reads, adds, replaces and deletes the items of one ``NamedKind``."""

    def __init__(
        self, kind: NamedKind[Item], engine: Engine, prompts: PromptLibrary, notify: Notify
    ) -> None:
        self.kind = kind
        self._engine = engine
        self._prompts = prompts
        self._notify = notify

    def list(self) -> list[Item]:
        with self._engine.connect() as connection:
            return self.kind.read(connection, None)

    def get(self, key: str) -> Item:
        """The item named ``key``; ``NotFound`` if there is none."""
        kind = self.kind
        with self._engine.connect() as connection:
            found = kind.read(connection, kind.table.c[kind.unique[0]] == key)
        if not found:
            raise NotFound(kind.label, key)
        return found[0]

    def add(self, item: Item) -> Item:
        return self._write(None, item)

    def replace(self, key: str, item: Item) -> Item:
        """Replace the item named ``key`` (``item`` may rename it); its row id stays, so
        whatever points to it still does."""
        return self._write(key, item)

    def delete(self, key: str) -> None:
        """Delete the item named ``key``; refused while anything points to it."""
        kind = self.kind
        with write_transaction(self._engine) as connection:
            row_id = self._existing_id(connection, key)
            refuse_if_referenced(connection, kind.label, row_id, key)
            connection.execute(delete(kind.table).where(kind.table.c.id == row_id))
        self._notify(kind.label, key, ChangeKind.REMOVED, row_id)

    def _write(self, key: str | None, item: Item) -> Item:
        kind = self.kind
        with unique_write(self._engine, kind.label, kind.key_of(item)) as connection:
            own_id = None if key is None else self._existing_id(connection, key)
            for column in kind.unique:
                value = getattr(item, column)
                found = id_by(connection, kind.table, kind.table.c[column], value)
                if found is not None and found != own_id:
                    raise DuplicateName(kind.label, value)
            row_id = kind.write(Context(connection, self._prompts), own_id, item)
        change = ChangeKind.ADDED if key is None else ChangeKind.CHANGED
        self._notify(kind.label, kind.key_of(item), change, row_id)
        return item

    def _existing_id(self, connection: Connection, key: str) -> int:
        table = self.kind.table
        return existing_id(connection, table, table.c[self.kind.unique[0]], self.kind.label, key)


@contextmanager
def unique_write(engine: Engine, kind: str, name: str) -> Iterator[Connection]:
    """A write transaction in which a clash of names that only the database saw (another
    writer got there between the check and the insert) becomes ``DuplicateName``."""
    try:
        with write_transaction(engine) as connection:
            yield connection
    except IntegrityError as error:
        # PostgreSQL's SQLSTATE for unique_violation; SQLite says so in its message.
        if getattr(error.orig, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(
            error.orig
        ):
            raise DuplicateName(kind, name) from None
        raise
