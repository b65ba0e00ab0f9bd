"""The calls' recordings (``/recordings``, R27): search, audio, tags and the keep mark,
and the agent's request to keep its call in progress (``/agent/calls/{id}/record``)."""

from datetime import datetime
from urllib.parse import urlencode

from pydantic import TypeAdapter

from vaxla_desktop.api.client import ServerClient
from vaxla_protocol.recording import RecordingChange, RecordingView

_LIST = TypeAdapter(list[RecordingView])
_ONE = TypeAdapter(RecordingView)


class RecordingsApi:
    def __init__(self, client: ServerClient) -> None:
        self._client = client

    async def search(
        self, *, since: datetime | None = None, queue: str = "", tag: str = ""
    ) -> list[RecordingView]:
        params: dict[str, str] = {}
        if since is not None:
            params["since"] = since.isoformat()
        if queue:
            params["queue"] = queue
        if tag:
            params["tag"] = tag
        query = f"?{urlencode(params)}" if params else ""
        data = await self._client.call("GET", f"/recordings{query}")
        return self._client.parse(_LIST, data, "recordings")

    async def audio(self, recording_id: int) -> bytes:
        return await self._client.fetch_bytes(f"/recordings/{recording_id}/audio")

    async def change(self, recording_id: int, change: RecordingChange) -> RecordingView:
        body = change.model_dump(mode="json", exclude_defaults=True)
        data = await self._client.call("PATCH", f"/recordings/{recording_id}", json=body)
        return self._client.parse(_ONE, data, "recording")

    async def keep_call(self, contact_id: int) -> None:
        await self._client.call("POST", f"/agent/calls/{contact_id}/record")
