"""The directory of people and hänvisning (``/directory``, ``/presence``, R29) as typed
calls; the lines come with the people and then from the event socket."""

from datetime import datetime
from urllib.parse import quote

from pydantic import TypeAdapter

from vaxla_desktop.api.client import ServerClient
from vaxla_protocol.directory import (
    DirectoryPerson,
    Presence,
    PresenceReason,
    PresenceRequest,
)

_PEOPLE = TypeAdapter(list[DirectoryPerson])
_PRESENCE = TypeAdapter(Presence)


class DirectoryApi:
    def __init__(self, client: ServerClient) -> None:
        self._client = client

    async def people(self, query: str = "") -> list[DirectoryPerson]:
        """The people matching ``query`` (every person without one), in Swedish order."""
        data = await self._client.call("GET", f"/directory?q={quote(query)}")
        return self._client.parse(_PEOPLE, data, "directory")

    async def set_presence(
        self, username: str | None, reason: PresenceReason, until: datetime | None, note: str
    ) -> Presence:
        """Set ``username``'s presence, or the user's own (``None``)."""
        body = PresenceRequest(reason=reason, until=until, note=note).model_dump(mode="json")
        path = "/presence" if username is None else f"/presence/{username}"
        return self._client.parse(
            _PRESENCE, await self._client.call("PUT", path, json=body), "presence"
        )

    async def end_presence(self, username: str | None) -> None:
        path = "/presence" if username is None else f"/presence/{username}"
        await self._client.call("DELETE", path)
