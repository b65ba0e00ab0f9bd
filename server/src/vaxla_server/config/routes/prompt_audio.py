"""A prompt's audio (R6, R31): an administrator uploads a sound file or has the server
speak a text, and the prompt plays it from then on; supervisors and administrators can
fetch any prompt's audio to listen to it.

An upload (WAV, MP3 or OGG, at most 20 MiB: ``api/limits.py``) is converted on the
server to the telephone's 8 kHz mono WAV; a file sox cannot read, an empty or silent one,
or one over ten minutes is refused with the reason, and nothing changes. The files are
kept in the data directory's ``prompts/``; each change is in the event log with who made
it (``prompt_audio_set``), in the transaction that makes it.
"""

import asyncio
from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Request, status
from fastapi import Path as PathParam
from fastapi.responses import FileResponse

from vaxla_protocol.config import Language, PromptItem, PromptSpeech
from vaxla_server.api.deps import DataDir, Now
from vaxla_server.audio import AudioError, convert, speak
from vaxla_server.auth import User
from vaxla_server.config import Configuration, UnknownPrompt
from vaxla_server.config.routes.common import (
    ITEM_RESPONSES,
    WRITE_RESPONSES,
    Admin,
    Config,
    Reader,
    answering_refusals,
)
from vaxla_server.store.events import PromptAudioSet

router = APIRouter(prefix="/config/prompts", tags=["configuration"])
PromptPathName = Annotated[str, PathParam(pattern=r"^[a-z0-9][a-z0-9_]{0,63}$")]
"""A prompt's name as the configuration allows it (``PromptName``)."""

TYPES = {
    "audio/wav": "wav",
    "audio/x-wav": "wav",
    "audio/wave": "wav",
    "audio/vnd.wave": "wav",
    "audio/mpeg": "mp3",
    "audio/mp3": "mp3",
    "audio/ogg": "ogg",
    "application/ogg": "ogg",
}
"""The sound files taken, by Content-Type, and the type sox reads them as."""


def _folder(data_dir: Path | None) -> Path:
    if data_dir is None:
        raise HTTPException(
            status.HTTP_409_CONFLICT, detail="this server keeps no files (no data directory)"
        )
    return data_dir / "prompts"


def _item(name: str, language: Language, path: Path) -> PromptItem:
    try:
        return PromptItem(name=name, language=language, custom_path=str(path))
    except ValueError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(error)) from None


def _set(
    config: Configuration, item: PromptItem, source: Literal["upload", "text"], user: User,
    at: datetime,
) -> PromptItem:  # fmt: skip
    """Register the prompt's new file, logged with who did it in the same transaction."""
    event = PromptAudioSet(
        at=at, name=item.name, language=item.language.value, source=source,
        path=item.custom_path or "", by_user=user.id, by_name=user.username,
    )  # fmt: skip
    with answering_refusals():
        return config.set_prompt(item, [event])


def _check_name(name: str, language: Language) -> None:
    """Refuse a bad prompt name before any work is done on the audio."""
    _item(name, language, Path("/"))


@router.put("/{language}/{name}/audio", responses=WRITE_RESPONSES)
async def upload(
    language: Language, name: PromptPathName, request: Request, user: Admin, config: Config,
    data_dir: DataDir, now: Now,
) -> PromptItem:  # fmt: skip
    """Make the prompt play this sound file (the body; Content-Type ``audio/wav``,
    ``audio/mpeg`` or ``audio/ogg``), converted to 8 kHz mono."""
    _check_name(name, language)
    folder = _folder(data_dir)
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    kind = TYPES.get(media_type)
    if kind is None:
        raise HTTPException(
            status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            detail=f"a prompt is a WAV, MP3 or OGG file ({', '.join(sorted(TYPES))}), "
            f"not {media_type or 'a body without a Content-Type'}",
        )
    data = await request.body()
    try:
        path = await asyncio.to_thread(convert, data, kind, folder)
    except AudioError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(error)) from None
    return _set(config, _item(name, language, path), "upload", user, now())


@router.put("/{language}/{name}/speech", responses=WRITE_RESPONSES)
async def from_text(
    language: Language, name: PromptPathName, request: PromptSpeech, user: Admin, config: Config,
    data_dir: DataDir, now: Now,
) -> PromptItem:  # fmt: skip
    """Make the prompt play ``text`` spoken by the server in the prompt's language."""
    _check_name(name, language)
    folder = _folder(data_dir)
    try:
        path = await asyncio.to_thread(speak, request.text, language.value, folder)
    except AudioError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(error)) from None
    return _set(config, _item(name, language, path), "text", user, now())


@router.get(
    "/{language}/{name}/audio",
    responses={**ITEM_RESPONSES, 200: {"content": {"audio/wav": {}}}},
    response_class=FileResponse,
)
def audio(language: Language, name: PromptPathName, _user: Reader, config: Config) -> FileResponse:
    """The prompt's audio as it is played (the custom file, else the default one)."""
    try:
        resolved = config.resolve_prompt(name, language)
    except UnknownPrompt:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, detail=f"no prompt {name!r} in {language.value!r}"
        ) from None
    path = Path(resolved.path)
    if not path.is_file():
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, detail=f"the prompt {name!r} has no audio file ({path})"
        )
    return FileResponse(path, media_type="audio/wav", filename=f"{name}-{language.value}.wav")


routers: list[APIRouter] = [router]
