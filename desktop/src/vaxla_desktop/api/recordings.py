"""The calls' recordings (``/recordings``, R27): search, audio, tags and the keep mark,
and the agent's request to keep its call in progress (``/agent/calls/{id}/record``)."""

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from pydantic import TypeAdapter

from vaxla_desktop.api.client import ServerClient
from vaxla_protocol.recording import AudioFormat, RecordingChange, RecordingView

_LIST = TypeAdapter(list[RecordingView])
_ONE = TypeAdapter(RecordingView)
ENCODING_WAIT_S = 120.0
"""How long an MP3 or Ogg export may take the server to encode before it is sent (an
hour's call takes it a few seconds)."""


@dataclass(frozen=True, slots=True)
class RecordingAudio:
    """A recording's file as the server sent it: its bytes, the SHA-256 the server gave
    for them, and that of the stored WAV they are (or were encoded from); '' for one the
    server did not give."""

    data: bytes
    sha256: str
    recording_sha256: str


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

    async def audio(
        self, recording_id: int, audio_format: AudioFormat = AudioFormat.WAV
    ) -> RecordingAudio:
        response = await self._client.fetch_file(
            f"/recordings/{recording_id}/audio?format={audio_format.value}",
            timeout=None if audio_format is AudioFormat.WAV else ENCODING_WAIT_S,
        )
        sha256 = response.headers.get("X-Vaxla-Sha256", "")
        if audio_format is AudioFormat.WAV:
            return RecordingAudio(response.content, sha256, sha256)
        source = response.headers.get("X-Vaxla-Recording-Sha256", "")
        return RecordingAudio(response.content, sha256, source)

    async def change(self, recording_id: int, change: RecordingChange) -> RecordingView:
        body = change.model_dump(mode="json", exclude_defaults=True)
        data = await self._client.call("PATCH", f"/recordings/{recording_id}", json=body)
        return self._client.parse(_ONE, data, "recording")

    async def keep_call(self, contact_id: int) -> None:
        await self._client.call("POST", f"/agent/calls/{contact_id}/record")
