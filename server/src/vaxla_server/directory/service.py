"""The directory of people (R29): stored, searched, edited and imported, every change in
the event log with who did it.

A person's fields are checked by the wire model (``vaxla_protocol.directory.PersonItem``:
E.164 numbers, an e-mail address, a user name as the extension). An import is one write
transaction: every row is checked first, and one bad row refuses the whole file with
each bad row's number and reason (``ImportRefused``), so nothing is half-imported. An
imported person replaces the one of the same e-mail address, or without one of the same
name; the others are added.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, cast

from sqlalchemy import Connection, Engine, Row, Table, delete, insert, select, update

from vaxla_protocol.directory import PersonItem, RowProblem
from vaxla_server.directory.search import fold, matches, sort_key
from vaxla_server.store.event_log import append_in
from vaxla_server.store.events import DirectoryImported, PersonRemoved, PersonSaved
from vaxla_server.store.models import DirectoryPersonRow
from vaxla_server.store.transactions import write_transaction

PEOPLE = cast(Table, DirectoryPersonRow.__table__)


class DirectoryError(Exception):
    """A refused change of the directory; nothing was changed."""


class PersonNotFound(DirectoryError):
    def __init__(self, person_id: int) -> None:
        super().__init__(f"no person with id {person_id} in the directory")


class ImportRefused(DirectoryError):
    """Rows that cannot be imported: the whole import is refused."""

    def __init__(self, problems: Sequence[RowProblem]) -> None:
        self.problems = list(problems)
        first = "; ".join(f"row {p.row}: {p.reason}" for p in self.problems[:5])
        more = f" (and {len(self.problems) - 5} more)" if len(self.problems) > 5 else ""
        super().__init__(f"nothing was imported: {first}{more}")


@dataclass(frozen=True, slots=True)
class StoredPerson:
    id: int
    item: PersonItem
    changed_at: datetime
    changed_by: str


class Directory:
    """Lists, searches, adds, replaces, removes and imports the directory's people."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def people(self, query: str = "") -> list[StoredPerson]:
        """Every person in Swedish order of name, or those matching ``query`` (name,
        department, title, e-mail, notes, extension or a number)."""
        with self._engine.connect() as connection:
            found = [_stored(row) for row in connection.execute(select(PEOPLE)).all()]
        if query.strip():
            found = [person for person in found if _matches(query, person.item)]
        return sorted(found, key=lambda person: (sort_key(person.item.name), person.id))

    def get(self, person_id: int) -> StoredPerson:
        with self._engine.connect() as connection:
            return _stored(_row(connection, person_id))

    def with_extension(self, extension: str) -> StoredPerson | None:
        """The first person whose softphone is ``extension`` (a user name), if any."""
        with self._engine.connect() as connection:
            row = connection.execute(
                select(PEOPLE).where(PEOPLE.c.extension == extension).order_by(PEOPLE.c.id)
            ).first()
        return None if row is None else _stored(row)

    def add(self, item: PersonItem, *, by: tuple[int, str], now: datetime) -> StoredPerson:
        with write_transaction(self._engine) as connection:
            person_id = connection.execute(
                insert(PEOPLE).returning(PEOPLE.c.id), _values(item, by, now)
            ).scalar_one()
            append_in(connection, [PersonSaved(
                at=now, person_id=person_id, name=item.name, added=True, by_user=by[0]
            )])  # fmt: skip
        return StoredPerson(person_id, item, now, by[1])

    def replace(
        self, person_id: int, item: PersonItem, *, by: tuple[int, str], now: datetime
    ) -> StoredPerson:
        with write_transaction(self._engine) as connection:
            _row(connection, person_id)
            connection.execute(
                update(PEOPLE).where(PEOPLE.c.id == person_id).values(_values(item, by, now))
            )
            append_in(connection, [PersonSaved(
                at=now, person_id=person_id, name=item.name, added=False, by_user=by[0]
            )])  # fmt: skip
        return StoredPerson(person_id, item, now, by[1])

    def remove(self, person_id: int, *, by: tuple[int, str], now: datetime) -> None:
        with write_transaction(self._engine) as connection:
            row = _row(connection, person_id)
            connection.execute(delete(PEOPLE).where(PEOPLE.c.id == person_id))
            append_in(connection, [PersonRemoved(
                at=now, person_id=person_id, name=row.name, by_user=by[0]
            )])  # fmt: skip

    def import_people(
        self,
        items: Sequence[PersonItem],
        source: Literal["csv", "ldap"],
        *,
        by: tuple[int, str],
        now: datetime,
    ) -> tuple[int, int]:
        """Add or replace ``items`` (already checked), all in one transaction; how many
        were added and how many replaced."""
        added = replaced = 0
        with write_transaction(self._engine) as connection:
            rows = connection.execute(select(PEOPLE.c.id, PEOPLE.c.name, PEOPLE.c.email)).all()
            by_mail = {fold(row.email): row.id for row in rows if row.email}
            by_name = {fold(row.name): row.id for row in rows if not row.email}
            for item in items:
                own = by_mail.get(fold(item.email)) if item.email else by_name.get(fold(item.name))
                values = _values(item, by, now)
                if own is None:
                    new_id = connection.execute(
                        insert(PEOPLE).returning(PEOPLE.c.id), values
                    ).scalar_one()
                    (by_mail if item.email else by_name)[fold(item.email or item.name)] = new_id
                    added += 1
                else:
                    connection.execute(update(PEOPLE).where(PEOPLE.c.id == own).values(values))
                    replaced += 1
            append_in(connection, [DirectoryImported(
                at=now, source=source, added=added, replaced=replaced, by_user=by[0]
            )])  # fmt: skip
        return added, replaced


def _matches(query: str, item: PersonItem) -> bool:
    fields = [item.name, item.department, item.title, item.email or "", item.notes,
              item.extension or ""]  # fmt: skip
    numbers = [n for n in (item.mobile, *item.other_numbers) if n]
    return matches(query, fields, numbers)


def _values(item: PersonItem, by: tuple[int, str], now: datetime) -> dict[str, object]:
    return {**item.model_dump(mode="json"), "changed_at": now, "changed_by": by[1]}


def _row(connection: Connection, person_id: int) -> Row[tuple[object, ...]]:
    row = connection.execute(select(PEOPLE).where(PEOPLE.c.id == person_id)).one_or_none()
    if row is None:
        raise PersonNotFound(person_id)
    return row


def _stored(row: Row[tuple[object, ...]]) -> StoredPerson:
    data = row._asdict()
    item = PersonItem.model_validate({key: data[key] for key in PersonItem.model_fields})
    return StoredPerson(data["id"], item, data["changed_at"], data["changed_by"])
