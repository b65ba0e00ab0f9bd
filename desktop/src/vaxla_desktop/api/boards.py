"""The wallboards saved on the server (``/boards``), as typed calls: the list, a
board's chart of the day, and a supervisor's or an administrator's save and delete."""

from urllib.parse import quote

from pydantic import TypeAdapter

from vaxla_desktop.api.client import ServerClient
from vaxla_protocol.boards import BoardItem, BoardView, DayChart

_BOARDS = TypeAdapter(list[BoardView])
_BOARD = TypeAdapter(BoardView)
_CHART = TypeAdapter(DayChart)


class BoardsApi:
    def __init__(self, client: ServerClient) -> None:
        self._client = client

    async def boards(self) -> list[BoardView]:
        return self._client.parse(_BOARDS, await self._client.call("GET", "/boards"), "boards")

    async def chart(self, name: str) -> DayChart:
        data = await self._client.call("GET", f"/boards/{quote(name, safe='')}/chart")
        return self._client.parse(_CHART, data, "chart")

    async def save(self, name: str | None, item: BoardItem) -> BoardView:
        """Add the board (``name`` None) or replace the board ``name`` with ``item``."""
        body = item.model_dump(mode="json")
        if name is None:
            data = await self._client.call("POST", "/boards", json=body)
        else:
            data = await self._client.call("PUT", f"/boards/{quote(name, safe='')}", json=body)
        return self._client.parse(_BOARD, data, "board")

    async def delete(self, name: str) -> None:
        await self._client.call("DELETE", f"/boards/{quote(name, safe='')}")
