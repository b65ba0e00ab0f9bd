"""``/voicemail``: the shared voicemail boxes (R7) for their readers.

A box names who may read it: users by name and roles (``VoicemailBoxItem``). Every role
may call these routes, and each answers only what the caller may read: the list of boxes
holds the caller's boxes alone, and a box, a message or its audio of a box the caller
may not read answers 403 saying so (a message that does not exist, 404). Marking a
message handled is logged with who did it (``voicemail/messages.py``); one handled
already answers 409 naming who did, and nothing changes.

A box with a ``task_queue`` routes each message to that queue's agents as a voicemail
task (``voicemail/centre.py``). The agent it is offered to takes it (``/tasks/{id}/take``,
answering the message) or declines it (``/tasks/{id}/decline``), and finds those it
holds after a reconnect (``GET /tasks``); that agent may read,
play and mark handled that one message, while the task is offered to it or held by it,
without being one of the box's readers (the role rule chosen: agents of the queue need
not be readers of the box, and they see no other message of it).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Response, status
from fastapi.responses import FileResponse

from vaxla_protocol import Role
from vaxla_protocol.config import VoicemailBoxItem
from vaxla_protocol.voicemail import (
    VoicemailBoxView,
    VoicemailMessageView,
    VoicemailTask,
    VoicemailTaskHeld,
)
from vaxla_server.api.access import UNAUTHORIZED_RESPONSE, require_role
from vaxla_server.api.centre_access import CENTRE_ERRORS, FORBIDDEN, Centre, centre_errors
from vaxla_server.api.deps import Config, RowId, Voicemail
from vaxla_server.auth import User
from vaxla_server.voicemail.messages import (
    VoicemailError,
    VoicemailMessage,
    VoicemailMessages,
    message_view,
)

router = APIRouter(prefix="/voicemail", tags=["voicemail"])

Anyone = Annotated[User, Depends(require_role(*Role))]
AgentUser = Annotated[User, Depends(require_role(Role.AGENT, Role.SUPERVISOR, Role.OPERATOR))]
"""The roles that log in to queues, so may be offered a voicemail task."""
BoxName = Annotated[str, Path(pattern=r"^[^\x00]+$", max_length=64)]
READ: dict[int | str, dict[str, Any]] = {
    **UNAUTHORIZED_RESPONSE,
    status.HTTP_403_FORBIDDEN: {"description": "The caller may not read that box."},
    status.HTTP_404_NOT_FOUND: {"description": "No such box or message."},
}


def may_read(box: VoicemailBoxItem, user: User) -> bool:
    """Whether ``user`` is one of the box's readers, by name or by role."""
    named = user.username.lower() in (reader.lower() for reader in box.readers)
    return named or user.role in box.reader_roles


def _messages(voicemail: VoicemailMessages | None) -> VoicemailMessages:
    if voicemail is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, detail="this server keeps no files: it has no voicemail"
        )
    return voicemail


def _box(config: Config, name: str, user: User) -> VoicemailBoxItem:
    box = next((b for b in config.voicemail_boxes.list() if b.name == name), None)
    if box is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no voicemail box {name!r}")
    if not may_read(box, user):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            detail=f"{user.username} may not read the voicemail box {name!r}: "
            "it is read by the users and roles its configuration names",
        )
    return box


@contextmanager
def _answering() -> Iterator[None]:
    try:
        yield
    except VoicemailError as error:
        code = status.HTTP_409_CONFLICT if "already" in str(error) else status.HTTP_404_NOT_FOUND
        raise HTTPException(code, detail=str(error)) from None


def _message(
    voicemail: Voicemail, config: Config, centre: Centre, message_id: int, user: User
) -> VoicemailMessage:
    """The message, if ``user`` reads its box or holds (or is offered) its voicemail task."""
    with _answering():
        message = _messages(voicemail).get(message_id)
    if centre.voicemail_task_for(message_id, user.id) is None:
        _box(config, message.box, user)
    return message


@router.get("/boxes", responses=READ)
def read_boxes(user: Anyone, config: Config, voicemail: Voicemail) -> list[VoicemailBoxView]:
    """The boxes the caller may read, with their message counts (none: an empty list)."""
    boxes = [box.name for box in config.voicemail_boxes.list() if may_read(box, user)]
    found = _messages(voicemail).messages(boxes) if boxes else []
    return [
        VoicemailBoxView(
            name=name,
            messages=sum(1 for m in found if m.box == name),
            unhandled=sum(1 for m in found if m.box == name and m.handled_by is None),
        )
        for name in boxes
    ]


@router.get("/boxes/{box}/messages", responses=READ)
def read_messages(
    box: BoxName, user: Anyone, config: Config, voicemail: Voicemail
) -> list[VoicemailMessageView]:
    """The box's messages, newest first."""
    _box(config, box, user)
    return [message_view(message) for message in _messages(voicemail).messages([box])]


@router.get(
    "/messages/{message_id}/audio",
    responses={**READ, 200: {"content": {"audio/wav": {}}, "description": "The WAV file."}},
    response_class=FileResponse,
)
def read_audio(
    message_id: RowId, user: Anyone, config: Config, voicemail: Voicemail, centre: Centre
) -> FileResponse:
    """The message's recording (WAV, 16-bit mono, 8 kHz)."""
    message = _message(voicemail, config, centre, message_id, user)
    if not message.path.is_file():
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, detail=f"the recording of message {message_id} is gone"
        )
    return FileResponse(message.path, media_type="audio/wav", filename=message.path.name)


@router.post(
    "/messages/{message_id}/handled",
    responses={**READ, status.HTTP_409_CONFLICT: {"description": "Handled already."}},
)
def mark_handled(
    message_id: RowId, user: Anyone, config: Config, voicemail: Voicemail, centre: Centre
) -> VoicemailMessageView:
    """Mark the message handled by the caller (in the event log, with who); its
    voicemail task, if it has one, ends (taken by an agent: its wrap-up begins)."""
    _message(voicemail, config, centre, message_id, user)
    with _answering():
        return message_view(_messages(voicemail).handle(message_id, by=(user.id, user.username)))


TASK: dict[int | str, dict[str, Any]] = {**UNAUTHORIZED_RESPONSE, **FORBIDDEN, **CENTRE_ERRORS}


def _task_message(centre: Centre, contact_id: int) -> int:
    with centre_errors():
        task = centre.contact(contact_id).voicemail
    if task is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, detail=f"contact {contact_id} is no voicemail task"
        )
    return task.message_id


@router.get("/tasks", responses={**UNAUTHORIZED_RESPONSE, **FORBIDDEN})
def my_tasks(user: AgentUser, centre: Centre) -> list[VoicemailTaskHeld]:
    """The voicemail tasks offered to the caller or taken by it now (none: an empty
    list), so a desktop that reconnects shows them again."""
    return [
        VoicemailTaskHeld(
            contact_id=contact_id,
            taken=taken,
            task=VoicemailTask(
                message_id=task.message_id,
                box=task.box,
                caller=task.caller,
                received_at=task.received_at,
                seconds=task.seconds,
            ),
        )
        for contact_id, task, taken in centre.voicemail_tasks_of(user.id)
    ]


@router.post("/tasks/{contact_id}/take", responses=TASK)
def take_task(
    contact_id: RowId, user: AgentUser, centre: Centre, voicemail: Voicemail
) -> VoicemailMessageView:
    """The agent takes the voicemail task offered to it (as answering a call): the
    message it is about, to play, call back and mark handled."""
    message_id = _task_message(centre, contact_id)
    with _answering():
        message = _messages(voicemail).get(message_id)
    with centre_errors():
        centre.answered(contact_id, user.id)
    return message_view(message)


@router.post("/tasks/{contact_id}/decline", status_code=status.HTTP_204_NO_CONTENT, responses=TASK)
def decline_task(contact_id: RowId, user: AgentUser, centre: Centre) -> Response:
    """The agent declines the voicemail task offered to it (as a call's offer): it is
    offered to someone else, and the agent is paused if the queue says so."""
    _task_message(centre, contact_id)
    with centre_errors():
        centre.declined(contact_id, user.id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
