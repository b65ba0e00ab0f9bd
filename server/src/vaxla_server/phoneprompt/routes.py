"""``/config/prompts/{name}/record-by-phone``: an administrator has the server call a
phone (a number through the outside line, or a SIP URI) to record a prompt (R31); the
call's state is asked for by its id until it is saved or failed."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status
from fastapi import Path as PathParam

from vaxla_protocol import Role
from vaxla_protocol.config import PromptByPhone, PromptCall
from vaxla_server.api.access import UNAUTHORIZED_RESPONSE, require_role
from vaxla_server.api.centre_access import FORBIDDEN
from vaxla_server.api.deps import PhonePrompts as Calls
from vaxla_server.auth import User
from vaxla_server.phoneprompt.flow import Asker, PromptCallRefused, PromptCalls

router = APIRouter(prefix="/config/prompts", tags=["configuration"])
PromptPathName = Annotated[str, PathParam(pattern=r"^[a-z0-9][a-z0-9_]{0,63}$")]
CallPathId = Annotated[str, PathParam(pattern=r"^pc-[0-9a-f]{12}$")]
Admin = Annotated[User, Depends(require_role(Role.ADMIN))]
Reader = Annotated[User, Depends(require_role(Role.ADMIN, Role.SUPERVISOR))]
READ_RESPONSES = {**UNAUTHORIZED_RESPONSE, **FORBIDDEN}


def _present(calls: PromptCalls | None) -> PromptCalls:
    """Checked in the route, after the body: a bad request is told so on any server."""
    if calls is None:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            detail="this server cannot call a phone (it takes no calls or keeps no files)",
        )
    return calls


START_RESPONSES = {
    **READ_RESPONSES,
    status.HTTP_409_CONFLICT: {
        "description": "The server cannot make the call (no SIP, no data folder, no outside "
        "line for a number) or the prompt is being recorded already; nothing was done."
    },
}


def _asker(user: User) -> Asker:
    return Asker(user_id=user.id, name=user.username)


@router.post(
    "/{name}/record-by-phone", status_code=status.HTTP_202_ACCEPTED, responses=START_RESPONSES
)
async def record_by_phone(
    name: PromptPathName, request: PromptByPhone, user: Admin, calls: Calls
) -> PromptCall:
    """Call ``phone``: it hears what to do and a tone, then is recorded until ``#``, its
    hang-up or 120 s, and the recording becomes the prompt ``name`` in ``language``
    (8 kHz mono); too short or silent, it is refused and the prompt stays as it was.
    Ask ``GET …/record-by-phone/{id}`` how it goes."""
    try:
        return await _present(calls).start(name, request.language, request.phone, _asker(user))
    except PromptCallRefused as error:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(error)) from None


@router.get(
    "/{name}/record-by-phone/{call}",
    responses={
        **READ_RESPONSES,
        404: {"description": "No such call."},
        409: {"description": "The server cannot call a phone (no SIP or no data folder)."},
    },
)
def prompt_call(name: PromptPathName, call: CallPathId, _user: Reader, calls: Calls) -> PromptCall:
    """The call's state: ``calling``, ``recording``, ``saved`` or ``failed`` (with why)."""
    found = _present(calls).get(call)
    if found is None or found.name != name:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, detail=f"no call recording prompt {name!r} is {call!r}"
        )
    return found
