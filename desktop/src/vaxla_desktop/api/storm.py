"""Storm messages (``/storm``, R6) and the entry points they are switched at, as typed
calls."""

from pydantic import TypeAdapter

from vaxla_desktop.api.client import ServerClient
from vaxla_protocol.config import EntryPointItem
from vaxla_protocol.storm import StormMessage, StormText

_STORMS = TypeAdapter(list[StormMessage])
_STORM = TypeAdapter(StormMessage)
_ENTRY_POINTS = TypeAdapter(list[EntryPointItem])


class StormApi:
    def __init__(self, client: ServerClient) -> None:
        self._client = client

    async def storms(self) -> list[StormMessage]:
        """Every storm message switched on (every role may read them)."""
        return self._client.parse(_STORMS, await self._client.call("GET", "/storm"), "storms")

    async def entry_points(self) -> list[str]:
        """The entry points' numbers (supervisors and administrators may read them)."""
        data = await self._client.call("GET", "/config/entry-points")
        return [item.address for item in self._client.parse(_ENTRY_POINTS, data, "entry points")]

    async def switch_on(self, entry_point: str, text: str) -> StormMessage:
        body = StormText(text=text).model_dump()
        data = await self._client.call("PUT", f"/storm/{entry_point}", json=body)
        return self._client.parse(_STORM, data, "storm message")

    async def switch_off(self, entry_point: str) -> None:
        await self._client.call("DELETE", f"/storm/{entry_point}")
