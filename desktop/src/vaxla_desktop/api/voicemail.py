"""The shared voicemail boxes a user may read (``/voicemail``, R7): the boxes, their
messages, a message's audio, and marking one handled."""

from urllib.parse import quote

from pydantic import TypeAdapter

from vaxla_desktop.api.client import ServerClient
from vaxla_protocol.voicemail import VoicemailBoxView, VoicemailMessageView, VoicemailTaskHeld

_BOXES = TypeAdapter(list[VoicemailBoxView])
_MESSAGES = TypeAdapter(list[VoicemailMessageView])
_MESSAGE = TypeAdapter(VoicemailMessageView)
_TASKS = TypeAdapter(list[VoicemailTaskHeld])


class VoicemailApi:
    def __init__(self, client: ServerClient) -> None:
        self._client = client

    async def boxes(self) -> list[VoicemailBoxView]:
        data = await self._client.call("GET", "/voicemail/boxes")
        return self._client.parse(_BOXES, data, "voicemail boxes")

    async def messages(self, box: str) -> list[VoicemailMessageView]:
        data = await self._client.call("GET", f"/voicemail/boxes/{quote(box, safe='')}/messages")
        return self._client.parse(_MESSAGES, data, "voicemail messages")

    async def audio(self, message_id: int) -> bytes:
        return await self._client.fetch_bytes(f"/voicemail/messages/{message_id}/audio")

    async def handled(self, message_id: int) -> VoicemailMessageView:
        data = await self._client.call("POST", f"/voicemail/messages/{message_id}/handled")
        return self._client.parse(_MESSAGE, data, "voicemail message")

    async def take_task(self, contact_id: int) -> VoicemailMessageView:
        """Take the voicemail task offered to this agent (R7); the message it is about."""
        data = await self._client.call("POST", f"/voicemail/tasks/{contact_id}/take")
        return self._client.parse(_MESSAGE, data, "voicemail message")

    async def decline_task(self, contact_id: int) -> None:
        await self._client.call("POST", f"/voicemail/tasks/{contact_id}/decline")

    async def my_tasks(self) -> list[VoicemailTaskHeld]:
        """The voicemail tasks offered to this agent or taken by it now."""
        data = await self._client.call("GET", "/voicemail/tasks")
        return self._client.parse(_TASKS, data, "voicemail tasks")
