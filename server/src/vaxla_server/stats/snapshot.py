"""The reports' summaries saved in the store, so a start reads them instead of the log.

A save is one write transaction: the parts that changed since the last save (a queue's
or an agent's bucket, a contact's record) replace their rows, and the one snapshot row
says up to which event of the log they are folded (``upto``), with the format's version,
the number of parts and the small open state. The summaries are folded from events the
log had already committed, so the snapshot is never ahead of the log.

``load`` gives back what was saved, or ``None`` with the reason logged when there is
nothing to trust: no snapshot, another version, a snapshot ahead of the log (a log
restored from an older backup), a part count that does not match. The summaries are then
rebuilt from the whole log (``Summaries``) and the next save rewrites every part.
"""

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar, cast

from sqlalchemy import Connection, Engine, Table, delete, func, insert, select

from vaxla_server.store.models import EventRow, SummaryPartRow, SummarySnapshotRow
from vaxla_server.store.transactions import write_transaction

log = logging.getLogger(__name__)

_SNAPSHOT = cast(Table, SummarySnapshotRow.__table__)
_PARTS = cast(Table, SummaryPartRow.__table__)
_EVENTS = cast(Table, EventRow.__table__)
_CHUNK = 500
WHOLE_CHUNK = 10_000
"""Parts per transaction when every part is written (after a rebuild)."""
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Saved:
    """A snapshot as read back: its version, the last event folded, the open state and
    every part by key."""

    version: int
    upto: int
    open_state: dict[str, Any]
    parts: dict[str, Any]


class SummarySnapshots:
    """Reads and writes the saved summaries (tables ``summary_snapshot`` and
    ``summary_parts``)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def load(self, version: int) -> Saved | None:
        """The saved summaries of format ``version``, or ``None`` (the reason logged)."""
        with self._engine.connect() as connection:
            row = connection.execute(select(_SNAPSHOT).where(_SNAPSHOT.c.id == 1)).first()
            if row is None:
                log.info("no saved report summaries: they are built from the event log")
                return None
            saved = row._mapping
            if saved["version"] != version:
                log.warning(
                    "the saved report summaries are of version %s, this server reads "
                    "version %s: they are rebuilt from the event log",
                    saved["version"],
                    version,
                )
                return None
            last = connection.execute(select(func.max(_EVENTS.c.id))).scalar() or 0
            if saved["upto"] > last:
                log.warning(
                    "the saved report summaries cover the event log up to event %s, but "
                    "the log ends at event %s: they are rebuilt from the event log",
                    saved["upto"],
                    last,
                )
                return None
            if _event_at(connection, saved["upto"]) != saved["upto_at"]:
                log.warning(
                    "the saved report summaries were folded from another event log (event "
                    "%s is not the one they saw): they are rebuilt from the event log",
                    saved["upto"],
                )
                return None
            parts = {
                part.key: part.body
                for part in connection.execute(select(_PARTS.c.key, _PARTS.c.body))
            }
        if len(parts) != saved["parts"] or not isinstance(saved["open_state"], dict):
            log.warning(
                "the saved report summaries are damaged (%s parts found, %s written): "
                "they are rebuilt from the event log",
                len(parts),
                saved["parts"],
            )
            return None
        return Saved(saved["version"], saved["upto"], saved["open_state"], parts)

    def save(
        self,
        *,
        version: int,
        upto: int,
        saved_at: datetime,
        open_state: Mapping[str, Any],
        changed: Mapping[str, Any | None],
        everything: bool = False,
    ) -> None:
        """Write the ``changed`` parts (``None``: the part is gone) and the snapshot row
        saying the summaries cover the log up to event ``upto``, in one transaction.

        With ``everything`` (after a rebuild: every part) the snapshot row and the parts
        saved before are dropped first, and the parts written in transactions of
        ``WHOLE_CHUNK`` rows, so the log's writers wait for none of them longer than a
        moment; the snapshot row, written last, makes them count (a stop before it
        leaves no snapshot, and the next start rebuilds)."""
        rows = [{"key": key, "body": body} for key, body in changed.items() if body is not None]
        if everything:
            with write_transaction(self._engine) as connection:
                connection.execute(delete(_SNAPSHOT))
                connection.execute(delete(_PARTS))
            for index in range(0, len(rows), WHOLE_CHUNK):
                with write_transaction(self._engine) as connection:
                    for chunk in _chunks(rows[index : index + WHOLE_CHUNK]):
                        connection.execute(insert(_PARTS), chunk)
        with write_transaction(self._engine) as connection:
            if not everything:
                for keys in _chunks(list(changed)):
                    connection.execute(delete(_PARTS).where(_PARTS.c.key.in_(keys)))
                for chunk in _chunks(rows):
                    connection.execute(insert(_PARTS), chunk)
            parts = connection.execute(select(func.count()).select_from(_PARTS)).scalar() or 0
            connection.execute(delete(_SNAPSHOT))
            connection.execute(
                insert(_SNAPSHOT),
                {
                    "id": 1,
                    "version": version,
                    "upto": upto,
                    "upto_at": _event_at(connection, upto),
                    "parts": parts,
                    "saved_at": saved_at,
                    "open_state": dict(open_state),
                },
            )


def _event_at(connection: Connection, event_id: int) -> datetime | None:
    return connection.execute(select(_EVENTS.c.at).where(_EVENTS.c.id == event_id)).scalar()


def _chunks(items: list[T]) -> Iterable[list[T]]:
    for index in range(0, len(items), _CHUNK):
        yield items[index : index + _CHUNK]
