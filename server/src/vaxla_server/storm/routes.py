"""``/storm``: storm messages at the entry points (R6), switched by supervisors and
administrators and seen by every role."""

import asyncio
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Response, status

from vaxla_protocol import Role
from vaxla_protocol.storm import StormMessage, StormRequest, StormText
from vaxla_server.api.access import UNAUTHORIZED_RESPONSE, require_role
from vaxla_server.api.centre_access import CENTRE_ERRORS, FORBIDDEN, Centre, centre_errors
from vaxla_server.api.deps import Config, Voice, get_auth
from vaxla_server.audio import AudioError, speak
from vaxla_server.auth import Auth, User
from vaxla_server.config import ConfigError, UnknownPrompt
from vaxla_server.storm.wire import storm_message

router = APIRouter(prefix="/storm", tags=["storm"])

Anyone = Annotated[
    User, Depends(require_role(Role.AGENT, Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN))
]
Switcher = Annotated[User, Depends(require_role(Role.SUPERVISOR, Role.ADMIN))]
Users = Annotated[Auth, Depends(get_auth)]
ROUTE = {**UNAUTHORIZED_RESPONSE, **FORBIDDEN, **CENTRE_ERRORS}


@router.get("", responses=UNAUTHORIZED_RESPONSE)
def storms(_user: Anyone, centre: Centre, auth: Users) -> list[StormMessage]:
    """The storm messages switched on, by entry point."""
    return [storm_message(view, auth) for view in centre.storms()]


@router.put("/{entry_point}", responses=ROUTE)
async def switch_on(
    entry_point: str,
    request: StormRequest,
    user: Switcher,
    centre: Centre,
    config: Config,
    voice: Voice,
    auth: Users,
) -> StormMessage:
    """Switch the entry point's storm message on (or replace it): every new caller hears
    it at once, callers already waiting at their next announcement."""
    if voice is None:
        raise HTTPException(
            status.HTTP_409_CONFLICT, detail="this server takes no calls (it has no --sip-port)"
        )
    entry = next((e for e in config.export_document().entry_points if e.address == entry_point),
                 None)  # fmt: skip
    if entry is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no entry point {entry_point!r}")
    language = entry.language.value
    text = request.text if isinstance(request, StormText) else None
    prompt = None if isinstance(request, StormText) else request.prompt
    try:
        if text is not None:
            folder = voice.settings.data_dir / "storm"
            audio = await asyncio.to_thread(speak, text, language, folder)
        else:
            assert prompt is not None
            audio = Path(config.resolve_prompt(prompt, language).path)
            if not audio.is_file():
                raise AudioError(f"the prompt {prompt!r} has no audio file ({audio})")
    except UnknownPrompt as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(error)) from None
    except (AudioError, ConfigError) as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, detail=str(error)) from None
    with centre_errors():
        view = await asyncio.to_thread(
            centre.storm_on, entry_point, str(audio), text=text, prompt=prompt, by_user=user.id
        )
    return storm_message(view, auth)


@router.delete("/{entry_point}", status_code=status.HTTP_204_NO_CONTENT, responses=ROUTE)
def switch_off(entry_point: str, user: Switcher, centre: Centre) -> Response:
    """Switch the entry point's storm message off: callers from now on do not hear it."""
    with centre_errors():
        centre.storm_off(entry_point, by_user=user.id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
