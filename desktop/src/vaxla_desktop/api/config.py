"""One kind of the configuration (``/config/<kind>``, R31) as calls: its items, adding,
replacing (which may rename) and deleting one. Items travel as the plain JSON the server
takes, so it is the server that checks them and says what is wrong."""

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from pydantic import TypeAdapter

from vaxla_desktop.api.client import ServerClient
from vaxla_protocol.config import HolidayItem

_ITEMS = TypeAdapter(list[dict[str, Any]])
_ITEM = TypeAdapter(dict[str, Any])


@dataclass(frozen=True)
class KindPath:
    """Where a kind's routes are and what the server lets change: ``add`` (POST),
    ``replace`` (PUT of a key; without it a new item is PUT under its key, as an agent's
    profile is)."""

    path: str
    key: str = "name"
    add: bool = True
    replace: bool = True


class ConfigApi:
    def __init__(self, client: ServerClient, kind: KindPath) -> None:
        self._client = client
        self.kind = kind

    def _one(self, key: str) -> str:
        return f"{self.kind.path}/{quote(key, safe='')}"

    async def items(self) -> list[dict[str, Any]]:
        data = await self._client.call("GET", self.kind.path)
        return self._client.parse(_ITEMS, data, self.kind.path)

    async def save(self, loaded_key: str, item: dict[str, Any]) -> dict[str, Any]:
        """Add ``item`` (``loaded_key`` empty) or replace the item loaded as ``loaded_key``."""
        if not loaded_key and self.kind.add:
            data = await self._client.call("POST", self.kind.path, json=item)
        else:
            key = loaded_key or str(item.get(self.kind.key, ""))
            data = await self._client.call("PUT", self._one(key), json=item)
        return self._client.parse(_ITEM, data, self.kind.path)

    async def delete(self, key: str) -> None:
        await self._client.call("DELETE", self._one(key))


_HOLIDAYS = TypeAdapter(list[HolidayItem])


async def holidays(client: ServerClient, year: int) -> list[HolidayItem]:
    """The Swedish holidays and eves of ``year`` as the server's schedules know them."""
    data = await client.call("GET", f"/config/holidays/{year}")
    return client.parse(_HOLIDAYS, data, "holidays")
