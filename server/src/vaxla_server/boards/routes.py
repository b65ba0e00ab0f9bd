"""``/boards`` and ``/board-links``: wallboards saved on the server (R30), and the page a
board link opens (``/wallboard/{token}``, outside the API's prefix, for a TV's browser).

Who may do what, and why:

* every watcher (supervisors, operators, administrators) reads the boards and their
  charts: their desktop's wallboard shows them;
* supervisors and administrators create, change and delete boards: supervisors run the
  wallboards of their rooms;
* only administrators make, list and revoke board links. A link is a standing
  credential: it opens the board to anyone who has it, without a login, and outlives
  every session; handing out credentials is the administrator's work, like users.

Every change is in the event log with who made it (``boards/service.py``). A body of the
wrong shape, and a tile naming a queue that does not exist, answer 422 with FastAPI's
``detail`` list: each entry's ``loc`` names the field and ``msg`` says why; nothing is
saved.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Path, Response, status
from fastapi.responses import HTMLResponse

from vaxla_protocol import Role
from vaxla_protocol.boards import (
    BOARD_PAGE_PATH,
    BoardItem,
    BoardLinkCreated,
    BoardLinkRequest,
    BoardLinkView,
    BoardView,
    DayChart,
)
from vaxla_server.api.access import UNAUTHORIZED_RESPONSE, require_role
from vaxla_server.api.deps import Board, Now, RowId, SavedBoards
from vaxla_server.auth import User
from vaxla_server.boards.page import page_language, revoked_page, wallboard_page
from vaxla_server.boards.service import (
    BoardError,
    BoardNameTaken,
    BoardNotFound,
    LinkClosed,
    LinkNotFound,
    UnknownQueues,
)

router = APIRouter(prefix="/boards", tags=["boards"])
links_router = APIRouter(prefix="/board-links", tags=["boards"])
page_router = APIRouter(tags=["boards"])

Watcher = Annotated[User, Depends(require_role(Role.SUPERVISOR, Role.OPERATOR, Role.ADMIN))]
Editor = Annotated[User, Depends(require_role(Role.SUPERVISOR, Role.ADMIN))]
Admin = Annotated[User, Depends(require_role(Role.ADMIN))]
BoardName = Annotated[str, Path(pattern=r"^[^\x00]+$", max_length=64)]

_FORBIDDEN: dict[int | str, dict[str, Any]] = {
    status.HTTP_403_FORBIDDEN: {"description": "The caller's role may not do this."}
}
READ = {**UNAUTHORIZED_RESPONSE, **_FORBIDDEN}
ITEM = {**READ, status.HTTP_404_NOT_FOUND: {"description": "No board (or link) of that name."}}
WRITE = {
    **ITEM,
    status.HTTP_409_CONFLICT: {"description": "Another board has that name. Nothing was saved."},
}


def _by(user: User) -> tuple[int, str]:
    return user.id, user.username


@contextmanager
def _answering() -> Iterator[None]:
    try:
        yield
    except (BoardNotFound, LinkNotFound) as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(error)) from None
    except BoardNameTaken as error:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(error)) from None
    except UnknownQueues as error:
        loc = ["body", *(int(p) if p.isdigit() else p for p in error.field.split("."))]
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            detail=[{"loc": loc, "msg": str(error), "type": "unknown_queue"}],
        ) from None
    except BoardError as error:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail=str(error)) from None


@router.get("", responses=READ)
def every_board(_user: Watcher, boards: SavedBoards) -> list[BoardView]:
    return boards.views()


@router.post("", status_code=status.HTTP_201_CREATED, responses=WRITE)
def add_board(user: Editor, boards: SavedBoards, clock: Now, item: BoardItem) -> BoardView:
    with _answering():
        return boards.add(item, by=_by(user), now=clock())


@router.get("/{name}", responses=ITEM)
def read_board(_user: Watcher, boards: SavedBoards, name: BoardName) -> BoardView:
    with _answering():
        return boards.get(name)


@router.put("/{name}", responses=WRITE)
def replace_board(
    user: Editor, boards: SavedBoards, clock: Now, name: BoardName, item: BoardItem
) -> BoardView:
    """Replace the board (``item`` may rename it); its open pages show the change."""
    with _answering():
        return boards.replace(name, item, by=_by(user), now=clock())


@router.delete("/{name}", status_code=status.HTTP_204_NO_CONTENT, responses=ITEM)
def delete_board(user: Editor, boards: SavedBoards, clock: Now, name: BoardName) -> Response:
    """Delete the board and its links; their open pages are closed."""
    with _answering():
        boards.delete(name, by=_by(user), now=clock())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{name}/chart", responses=ITEM)
def board_chart(
    _user: Watcher, boards: SavedBoards, board: Board, clock: Now, name: BoardName
) -> DayChart:
    """Today per 15 minutes for the board's queues: the most callers waiting at once and
    the service level, in the site's time zone."""
    with _answering():
        saved = boards.get(name)
    return board.chart(clock(), {i for tile in saved.tiles for i in tile.queue_ids})


@links_router.get("", responses=READ)
def every_link(_user: Admin, boards: SavedBoards) -> list[BoardLinkView]:
    """Every board link, revoked ones too (never their tokens)."""
    return boards.links()


@links_router.post("", status_code=status.HTTP_201_CREATED, responses=ITEM)
def create_link(
    user: Admin, boards: SavedBoards, clock: Now, request: BoardLinkRequest
) -> BoardLinkCreated:
    """A new link to the board's web page; its token is in this answer only."""
    with _answering():
        return boards.create_link(request.board, by=_by(user), now=clock())


@links_router.delete("/{link_id}", responses=ITEM)
def revoke_link(user: Admin, boards: SavedBoards, clock: Now, link_id: RowId) -> BoardLinkView:
    """The link opens the board no more; its open pages are closed at once."""
    with _answering():
        return boards.revoke(link_id, by=_by(user), now=clock())


@page_router.get(
    BOARD_PAGE_PATH + "/{token}",
    response_class=HTMLResponse,
    responses={
        status.HTTP_404_NOT_FOUND: {"description": "No link has this token."},
        status.HTTP_410_GONE: {"description": "The link was revoked."},
    },
)
def wallboard(
    boards: SavedBoards,
    token: Annotated[str, Path(max_length=128)],
    accept_language: Annotated[str | None, Header()] = None,
) -> HTMLResponse:
    """The board's web page (public: the token is the key). Self-contained HTML that
    opens the board's socket and shows its tiles and the chart of the day."""
    language = page_language(accept_language)
    try:
        _link, board = boards.open_link(token)
    except LinkClosed as error:
        gone = status.HTTP_410_GONE if error.revoked else status.HTTP_404_NOT_FOUND
        return HTMLResponse(revoked_page(language, str(error)), gone)
    return HTMLResponse(wallboard_page(language, board.name))
