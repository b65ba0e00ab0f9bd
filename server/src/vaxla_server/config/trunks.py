"""Trunks to operators as configuration: IP-authenticated and registration trunks.

Shapes and each field's rules are the wire model's (``vaxla_protocol.config.TrunkItem``:
a bad address, a registration trunk without registrar or username, a password without a
username are refused there, on the field). What needs the other trunks is checked here,
in the write transaction: names are unique, at most one trunk carries the outside calls,
and no two registration trunks register the same username at the same registrar (the
registrar's answers are told apart by that address).

The password is write-only: stored as given (Kamailio needs it to answer the operator's
challenges), never in a ``TrunkView`` or an exported document. A write without one keeps
the password stored for that trunk.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, delete, insert, select, update

from vaxla_protocol.config import TrunkFields, TrunkItem, TrunkKind, TrunkView
from vaxla_server.config.changes import ChangeKind
from vaxla_server.config.errors import ConfigError, DuplicateName, NotFound
from vaxla_server.config.repository import unique_write
from vaxla_server.config.routing import existing_id, id_by
from vaxla_server.config.tables import TRUNKS
from vaxla_server.store.transactions import write_transaction

Notify = Callable[[str, str, ChangeKind, int], None]


class TrunkConflict(ConfigError):
    """A trunk clashes with another stored one (two carrying outside calls, two with the
    same registration)."""


@dataclass(frozen=True)
class Trunk:
    """A stored trunk with its password, for the telephony that registers it and sends
    calls through it; never for an answer of the API."""

    id: int
    item: TrunkFields
    password: str | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return self.item.name


class Trunks:
    """Lists, reads, adds, replaces and deletes trunks."""

    def __init__(self, engine: Engine, notify: Notify) -> None:
        self._engine = engine
        self._notify = notify

    def views(self) -> list[TrunkView]:
        """Every trunk as the API answers it, in name order."""
        return [view(trunk) for trunk in self.stored()]

    def get(self, name: str) -> TrunkView:
        for trunk in self.stored():
            if trunk.name == name:
                return view(trunk)
        raise NotFound("trunk", name)

    def stored(self) -> list[Trunk]:
        """Every trunk with its password, in name order."""
        with self._engine.connect() as connection:
            return read_trunks(connection)

    def add(self, item: TrunkItem) -> TrunkView:
        return self._write(None, item)

    def replace(self, name: str, item: TrunkItem) -> TrunkView:
        """Replace the trunk ``name`` (``item`` may rename it); without a password in
        ``item`` the stored one stays."""
        return self._write(name, item)

    def delete(self, name: str) -> None:
        with write_transaction(self._engine) as connection:
            row_id = existing_id(connection, TRUNKS, TRUNKS.c.name, "trunk", name)
            connection.execute(delete(TRUNKS).where(TRUNKS.c.id == row_id))
        self._notify("trunk", name, ChangeKind.REMOVED, row_id)

    def _write(self, name: str | None, item: TrunkItem) -> TrunkView:
        with unique_write(self._engine, "trunk", item.name) as connection:
            own_id = (
                None
                if name is None
                else existing_id(connection, TRUNKS, TRUNKS.c.name, "trunk", name)
            )
            found = id_by(connection, TRUNKS, TRUNKS.c.name, item.name)
            if found is not None and found != own_id:
                raise DuplicateName("trunk", item.name)
            others = [trunk for trunk in read_trunks(connection) if trunk.id != own_id]
            check_with_others(item, others)
            row_id, password = write_trunk(connection, own_id, item)
        change = ChangeKind.ADDED if name is None else ChangeKind.CHANGED
        self._notify("trunk", item.name, change, row_id)
        return view(Trunk(row_id, _fields(item), password))


def check_with_others(item: TrunkFields, others: Iterable[Trunk]) -> None:
    """Refuse ``item`` if it clashes with one of ``others``: both carrying the outside
    calls, or both registering the same username at the same registrar."""
    for other in others:
        if item.outbound and other.item.outbound:
            raise TrunkConflict(
                f"trunk {item.name!r}: the trunk {other.name!r} carries the outside calls "
                "already (outbound: true); only one trunk may"
            )
        if (
            item.kind is TrunkKind.REGISTRATION
            and other.item.kind is TrunkKind.REGISTRATION
            and (item.username, item.registrar) == (other.item.username, other.item.registrar)
        ):
            raise TrunkConflict(
                f"trunk {item.name!r}: the trunk {other.name!r} registers "
                f"{item.username!r} at {item.registrar!r} already"
            )


def write_trunk(
    connection: Connection, row_id: int | None, item: TrunkItem, password: str | None = None
) -> tuple[int, str | None]:
    """Store ``item`` as a new row (``row_id`` ``None``) or over ``row_id``; without a
    password in ``item``, ``password`` (a new row) or the row's own stays. Returns the
    row's id and the password now stored."""
    values: dict[str, object] = _fields(item).model_dump(mode="json")
    values["kind"] = item.kind.value
    if item.password is not None:
        values["password"] = item.password
    elif row_id is None:
        values["password"] = password
    if row_id is None:
        row_id = connection.execute(insert(TRUNKS).returning(TRUNKS.c.id), values).scalar_one()
    else:
        connection.execute(update(TRUNKS).where(TRUNKS.c.id == row_id).values(values))
    stored = connection.execute(select(TRUNKS.c.password).where(TRUNKS.c.id == row_id)).scalar_one()
    return row_id, stored


def read_trunks(connection: Connection) -> list[Trunk]:
    rows = connection.execute(select(TRUNKS).order_by(TRUNKS.c.name))
    fields = TrunkFields.model_fields
    return [
        Trunk(
            row.id,
            TrunkFields.model_validate({name: row._mapping[name] for name in fields}),
            row.password,
        )
        for row in rows
    ]


def view(trunk: Trunk) -> TrunkView:
    return TrunkView(**trunk.item.model_dump(), password_set=trunk.password is not None)


def exported(trunk: Trunk) -> TrunkItem:
    """The trunk as a document has it: without its password."""
    return TrunkItem(**trunk.item.model_dump())


def _fields(item: TrunkItem) -> TrunkFields:
    return TrunkFields(**item.model_dump(exclude={"password"}))
