"""Boards and board links: stored, checked, and every change in the event log with who.

A board's shape and each field's rules are the wire model's (``vaxla_protocol.boards``:
a red threshold not beyond its amber one, an empty tile, a queue named twice are refused
there, on the field, before this runs). What needs the rest of the store is checked here,
in the write transaction: the name is free and every queue a tile names exists. The
change and the event that tells of it (``BoardSaved``, ``BoardDeleted``,
``BoardLinkCreated``, ``BoardLinkRevoked``) commit together; only then are the open
board pages told (``BOARD_NEWS``), so no page runs ahead of the log.

A board link's token is 32 random bytes, shown once; only its SHA-256 is stored, so a
copy of the database opens no board.
"""

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Connection, Engine, Row, Table, delete, insert, select, update

from vaxla_protocol.boards import (
    BOARD_PAGE_PATH,
    BoardItem,
    BoardLinkCreated,
    BoardLinkView,
    BoardView,
)
from vaxla_server.config import Configuration
from vaxla_server.notifier import Notifier, Topic
from vaxla_server.store.event_log import append_in
from vaxla_server.store.events import BoardDeleted, BoardLinkRevoked, BoardSaved
from vaxla_server.store.events import BoardLinkCreated as LinkCreatedEvent
from vaxla_server.store.models import BoardLinkRow, BoardRow
from vaxla_server.store.transactions import write_transaction

BOARDS = cast(Table, BoardRow.__table__)
LINKS = cast(Table, BoardLinkRow.__table__)
TOKEN_BYTES = 32


class BoardError(Exception):
    """A refused change of a board or a link; nothing was changed."""


class BoardNotFound(BoardError):
    def __init__(self, what: str) -> None:
        super().__init__(f"no board {what}")


class LinkNotFound(BoardError):
    def __init__(self, link_id: int) -> None:
        super().__init__(f"no board link with id {link_id}")


class BoardNameTaken(BoardError):
    def __init__(self, name: str) -> None:
        super().__init__(f"a board named {name!r} exists already")


class UnknownQueues(BoardError):
    """A tile names queues that do not exist; ``field`` is where (``tiles.2.queue_ids``)."""

    def __init__(self, field: str, ids: Sequence[int], known: Sequence[int]) -> None:
        self.field = field
        named = ", ".join(str(i) for i in ids)
        super().__init__(
            f"no queue with id {named}; the queues are {', '.join(str(i) for i in known) or 'none'}"
        )


class LinkClosed(BoardError):
    """The token opens no board: unknown, or its link revoked (``revoked``)."""

    def __init__(self, reason: str, *, revoked: bool = False) -> None:
        super().__init__(reason)
        self.revoked = revoked


@dataclass(frozen=True, slots=True)
class BoardNews:
    """After a committed change: the board now (None when deleted) and the links that no
    longer open it."""

    board_id: int
    board: BoardView | None
    closed_links: frozenset[int] = frozenset()
    reason: str = ""


BOARD_NEWS: Topic[BoardNews] = Topic("board changed")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Boards:
    """Lists, reads, adds, replaces and deletes boards; makes, lists and revokes links."""

    def __init__(self, engine: Engine, configuration: Configuration, notifier: Notifier) -> None:
        self._engine = engine
        self._configuration = configuration
        self._notifier = notifier

    # Boards

    def views(self) -> list[BoardView]:
        with self._engine.connect() as connection:
            rows = connection.execute(select(BOARDS).order_by(BOARDS.c.name)).all()
        return [_view(row) for row in rows]

    def get(self, name: str) -> BoardView:
        with self._engine.connect() as connection:
            return _view(_board_row(connection, name))

    def by_id(self, board_id: int) -> BoardView | None:
        with self._engine.connect() as connection:
            row = connection.execute(select(BOARDS).where(BOARDS.c.id == board_id)).one_or_none()
        return None if row is None else _view(row)

    def add(self, item: BoardItem, *, by: tuple[int, str], now: datetime) -> BoardView:
        return self._write(None, item, by, now)

    def replace(
        self, name: str, item: BoardItem, *, by: tuple[int, str], now: datetime
    ) -> BoardView:
        """Replace the board ``name`` (``item`` may rename it)."""
        return self._write(name, item, by, now)

    def delete(self, name: str, *, by: tuple[int, str], now: datetime) -> None:
        with write_transaction(self._engine) as connection:
            row = _board_row(connection, name)
            links = connection.execute(select(LINKS.c.id).where(LINKS.c.board_id == row.id))
            closed = frozenset(links.scalars())
            connection.execute(delete(LINKS).where(LINKS.c.board_id == row.id))
            connection.execute(delete(BOARDS).where(BOARDS.c.id == row.id))
            append_in(connection, [BoardDeleted(at=now, board_id=row.id, name=name, by_user=by[0])])
        self._notifier.publish(BOARD_NEWS, BoardNews(row.id, None, closed, "the board was deleted"))

    def _write(
        self, name: str | None, item: BoardItem, by: tuple[int, str], now: datetime
    ) -> BoardView:
        known = sorted(queue.id for queue in self._configuration.queues())
        for index, tile in enumerate(item.tiles):
            missing = [i for i in tile.queue_ids if i not in known]
            if missing:
                raise UnknownQueues(f"tiles.{index}.queue_ids", missing, known)
        layout = item.model_dump(mode="json", exclude={"name"})
        values = {"name": item.name, "layout": layout, "changed_at": now, "changed_by": by[1]}
        with write_transaction(self._engine) as connection:
            own = None if name is None else _board_row(connection, name).id
            found = connection.execute(
                select(BOARDS.c.id).where(BOARDS.c.name == item.name)
            ).scalar_one_or_none()
            if found is not None and found != own:
                raise BoardNameTaken(item.name)
            if own is None:
                board_id = connection.execute(
                    insert(BOARDS).returning(BOARDS.c.id), values
                ).scalar_one()
            else:
                board_id = own
                connection.execute(update(BOARDS).where(BOARDS.c.id == own).values(values))
            event = BoardSaved(
                at=now, board_id=board_id, name=item.name, added=own is None, by_user=by[0]
            )
            append_in(connection, [event])
        board = BoardView(**item.model_dump(), id=board_id, changed_at=now, changed_by=by[1])
        self._notifier.publish(BOARD_NEWS, BoardNews(board_id, board))
        return board

    # Links

    def links(self) -> list[BoardLinkView]:
        with self._engine.connect() as connection:
            rows = connection.execute(
                select(LINKS, BOARDS.c.name)
                .join(BOARDS, BOARDS.c.id == LINKS.c.board_id)
                .order_by(LINKS.c.id)
            ).all()
        return [_link_view(row) for row in rows]

    def create_link(self, board: str, *, by: tuple[int, str], now: datetime) -> BoardLinkCreated:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        with write_transaction(self._engine) as connection:
            board_id = _board_row(connection, board).id
            link_id = connection.execute(
                insert(LINKS).returning(LINKS.c.id),
                {
                    "board_id": board_id,
                    "token_hash": token_hash(token),
                    "created_at": now,
                    "created_by": by[1],
                    "revoked_at": None,
                },
            ).scalar_one()
            append_in(
                connection,
                [LinkCreatedEvent(at=now, link_id=link_id, board_id=board_id, by_user=by[0])],
            )
        return BoardLinkCreated(
            id=link_id,
            board=board,
            created_at=now,
            created_by=by[1],
            token=token,
            path=f"{BOARD_PAGE_PATH}/{token}",
        )

    def revoke(self, link_id: int, *, by: tuple[int, str], now: datetime) -> BoardLinkView:
        """The link opens its board no more, and its open pages are closed; revoking a
        revoked link changes nothing."""
        with write_transaction(self._engine) as connection:
            row = connection.execute(
                select(LINKS, BOARDS.c.name)
                .join(BOARDS, BOARDS.c.id == LINKS.c.board_id)
                .where(LINKS.c.id == link_id)
            ).one_or_none()
            if row is None:
                raise LinkNotFound(link_id)
            if row.revoked_at is not None:
                return _link_view(row)
            connection.execute(update(LINKS).where(LINKS.c.id == link_id).values(revoked_at=now))
            append_in(
                connection,
                [BoardLinkRevoked(at=now, link_id=link_id, board_id=row.board_id, by_user=by[0])],
            )
        self._notifier.publish(
            BOARD_NEWS,
            BoardNews(row.board_id, self.by_id(row.board_id), frozenset({link_id}), REVOKED),
        )
        return _link_view(row).model_copy(update={"revoked_at": now})

    def open_link(self, token: str) -> tuple[int, BoardView]:
        """The link's id and its board, for the web page and its socket; ``LinkClosed``
        when the token opens nothing."""
        with self._engine.connect() as connection:
            row = connection.execute(
                select(LINKS.c.id, LINKS.c.revoked_at, LINKS.c.board_id).where(
                    LINKS.c.token_hash == token_hash(token)
                )
            ).one_or_none()
            if row is None:
                raise LinkClosed(
                    "this link opens no board: it was never made, or its board was deleted"
                )
            if row.revoked_at is not None:
                raise LinkClosed(REVOKED, revoked=True)
            board = connection.execute(select(BOARDS).where(BOARDS.c.id == row.board_id)).one()
        return row.id, _view(board)


REVOKED = "this board link was revoked"


def _board_row(connection: Connection, name: str) -> Row[tuple[object, ...]]:
    row = connection.execute(select(BOARDS).where(BOARDS.c.name == name)).one_or_none()
    if row is None:
        raise BoardNotFound(f"named {name!r}")
    return row


def _view(row: Row[tuple[object, ...]]) -> BoardView:
    m = row._mapping
    return BoardView.model_validate(
        {
            **m["layout"],
            "name": m["name"],
            "id": m["id"],
            "changed_at": m["changed_at"],
            "changed_by": m["changed_by"],
        }
    )


def _link_view(row: Row[tuple[object, ...]]) -> BoardLinkView:
    m = row._mapping
    return BoardLinkView(
        id=m["id"],
        board=m["name"],
        created_at=m["created_at"],
        created_by=m["created_by"],
        revoked_at=m["revoked_at"],
    )
