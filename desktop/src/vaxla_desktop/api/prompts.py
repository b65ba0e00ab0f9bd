"""The prompts (``/config/prompts``): their names per language, which have a custom
file, their audio, and an administrator's upload or text (R6, R31)."""

from pathlib import Path

from pydantic import TypeAdapter

from vaxla_desktop.api.client import ServerClient
from vaxla_protocol.config import Language, PromptByPhone, PromptCall, PromptItem, PromptSpeech

_NAMES = TypeAdapter(list[str])
_ITEMS = TypeAdapter(list[PromptItem])
_ITEM = TypeAdapter(PromptItem)
_CALL = TypeAdapter(PromptCall)
MEDIA_TYPES = {".wav": "audio/wav", ".mp3": "audio/mpeg", ".ogg": "audio/ogg"}
"""The sound files the server takes, by file suffix."""


class PromptsApi:
    def __init__(self, client: ServerClient) -> None:
        self._client = client

    async def names(self, language: Language) -> list[str]:
        data = await self._client.call("GET", f"/config/prompts/{language.value}")
        return self._client.parse(_NAMES, data, "prompt names")

    async def custom(self) -> list[PromptItem]:
        data = await self._client.call("GET", "/config/prompts")
        return self._client.parse(_ITEMS, data, "custom prompts")

    async def audio(self, language: Language, name: str) -> bytes:
        return await self._client.fetch_bytes(f"/config/prompts/{language.value}/{name}/audio")

    async def upload(self, language: Language, name: str, file: Path) -> PromptItem:
        media_type = MEDIA_TYPES.get(file.suffix.lower())
        if media_type is None:
            raise ValueError(f"{file.name}: a prompt is a .wav, .mp3 or .ogg file")
        return await self.upload_data(language, name, file.read_bytes(), media_type)

    async def upload_data(
        self, language: Language, name: str, data: bytes, media_type: str = "audio/wav"
    ) -> PromptItem:
        """A sound file's bytes (a recording) as the prompt's audio."""
        path = f"/config/prompts/{language.value}/{name}/audio"
        answer = await self._client.send_file(path, data, media_type)
        return self._client.parse(_ITEM, answer, "prompt")

    async def speak(self, language: Language, name: str, text: str) -> PromptItem:
        body = PromptSpeech(text=text).model_dump()
        data = await self._client.call(
            "PUT", f"/config/prompts/{language.value}/{name}/speech", json=body
        )
        return self._client.parse(_ITEM, data, "prompt")

    async def record_by_phone(self, language: Language, name: str, phone: str) -> PromptCall:
        """Have the server call ``phone`` to record the prompt; the call's first state."""
        body = PromptByPhone(language=language, phone=phone).model_dump(mode="json")
        data = await self._client.call("POST", f"/config/prompts/{name}/record-by-phone", json=body)
        return self._client.parse(_CALL, data, "prompt call")

    async def prompt_call(self, name: str, call_id: str) -> PromptCall:
        """How the call recording the prompt goes now."""
        data = await self._client.call("GET", f"/config/prompts/{name}/record-by-phone/{call_id}")
        return self._client.parse(_CALL, data, "prompt call")
