"""``/recordings``: the calls' recordings (R27) and ``/agent/calls/{id}/record``: the
agent's request to keep its call.

Supervisors and administrators read, tag and mark kept every recording; an agent reads
and tags only the recordings of calls it answered (another's answers 403 saying so),
and may not mark one kept. The keep mark (archived: no retention purge) and every tag
change are logged with who did it (``recording/store.py``). An administrator may run
the retention purge now; it is logged like the hourly one. Operators have no access.
A recording's audio is sent as stored (WAV) or encoded as MP3 or Ogg Vorbis on the way
out, with the same access rules; reading it, in any format, is not logged.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, status
from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from vaxla_protocol import Role
from vaxla_protocol.recording import AudioFormat, PurgeReport, RecordingChange, RecordingView, Tag
from vaxla_server.api.access import UNAUTHORIZED_RESPONSE, require_role
from vaxla_server.api.centre_access import CENTRE_ERRORS, FORBIDDEN, centre_errors
from vaxla_server.api.deps import ROW_ID_MAX, CallRecordings, RowId, Voice
from vaxla_server.audio import file_sha256
from vaxla_server.auth import User
from vaxla_server.callflow.flow import FlowError
from vaxla_server.recording.store import Recording, RecordingError, Recordings, Search

router = APIRouter(prefix="/recordings", tags=["recordings"])
agent_router = APIRouter(prefix="/agent", tags=["agent"])

Reader = Annotated[User, Depends(require_role(Role.AGENT, Role.SUPERVISOR, Role.ADMIN))]
Admin = Annotated[User, Depends(require_role(Role.ADMIN))]
CallTaker = Annotated[User, Depends(require_role(Role.AGENT, Role.SUPERVISOR, Role.OPERATOR))]
"""Whoever takes calls: an agent, a supervisor or a receptionist (an operator) with an
agent profile; each keeps only its own call's recording."""
RecordingId = RowId
ContactId = RowId
READ: dict[int | str, dict[str, Any]] = {
    **UNAUTHORIZED_RESPONSE,
    status.HTTP_403_FORBIDDEN: {"description": "The caller may not read that recording."},
    status.HTTP_404_NOT_FOUND: {"description": "No such recording."},
}
CHANGE: dict[int | str, dict[str, Any]] = {
    **READ,
    status.HTTP_409_CONFLICT: {"description": "Nothing to change, or a tag it has not."},
    status.HTTP_422_UNPROCESSABLE_CONTENT: {"description": "A bad tag."},
}


def view(recording: Recording) -> RecordingView:
    return RecordingView(
        id=recording.id,
        contact_id=recording.contact_id,
        entry_point=recording.entry_point,
        queue=recording.queue,
        agent_id=recording.agent_id,
        agent_name=recording.agent_name,
        caller=recording.caller,
        started_at=recording.started_at,
        ended_at=recording.ended_at,
        seconds=recording.seconds,
        sha256=recording.sha256,
        reason=recording.reason,
        tags=list(recording.tags),
        keep=recording.keep,
        retention_days=recording.retention_days,
    )


def _store(recordings: Recordings | None) -> Recordings:
    if recordings is None:
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, detail="this server keeps no files: it has no recordings"
        )
    return recordings


def _sees_all(user: User) -> bool:
    return user.role in (Role.SUPERVISOR, Role.ADMIN)


@contextmanager
def _answering() -> Iterator[None]:
    try:
        yield
    except RecordingError as error:
        text = str(error)
        code = (
            status.HTTP_404_NOT_FOUND
            if text.startswith("there is no recording")
            else status.HTTP_409_CONFLICT
            if "already" in text or "has no tag" in text
            else status.HTTP_422_UNPROCESSABLE_CONTENT
        )
        raise HTTPException(code, detail=text) from None


def _readable(recordings: Recordings | None, recording_id: int, user: User) -> Recording:
    with _answering():
        recording = _store(recordings).get(recording_id)
    if not _sees_all(user) and recording.agent_id != user.id:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            detail=f"{user.username} may not read recording {recording_id}: an agent reads "
            "only the recordings of the calls it answered",
        )
    return recording


SEARCH: dict[int | str, dict[str, Any]] = {
    **READ,
    status.HTTP_422_UNPROCESSABLE_CONTENT: {
        "description": "A time without a zone, or an end not after the start."
    },
}


@router.get("", responses=SEARCH)
def search_recordings(
    user: Reader,
    recordings: CallRecordings,
    since: datetime | None = None,
    until: datetime | None = None,
    queue: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
    agent_id: Annotated[int | None, Query(ge=0, le=ROW_ID_MAX)] = None,
    tag: Tag | None = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> list[RecordingView]:
    """The recordings of calls started from ``since`` to before ``until`` (with a time
    zone), of ``queue``, answered by ``agent_id``, tagged ``tag``; newest first. An
    agent sees only its own calls' (another agent's id answers 403)."""
    for name, value in (("since", since), ("until", until)):
        if value is not None and value.tzinfo is None:
            raise HTTPException(
                status.HTTP_422_UNPROCESSABLE_CONTENT,
                detail=f"{name} needs a time zone (like 2026-12-05T08:00:00+01:00)",
            )
    if since is not None and until is not None and until <= since:
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT, detail="until must come after since"
        )
    if not _sees_all(user):
        if agent_id is not None and agent_id != user.id:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                detail=f"{user.username} may not read another agent's recordings",
            )
        agent_id = user.id
    search = Search(since=since, until=until, queue=queue, agent_id=agent_id, tag=tag, limit=limit)
    with _answering():
        return [view(found) for found in _store(recordings).search(search)]


@router.get("/{recording_id}", responses=READ)
def read_recording(
    recording_id: RecordingId, user: Reader, recordings: CallRecordings
) -> RecordingView:
    return view(_readable(recordings, recording_id, user))


Format = Annotated[
    AudioFormat,
    Query(alias="format", description="wav (as stored, the default), mp3 or ogg (Vorbis)"),
]
MEDIA_TYPES = {
    AudioFormat.WAV: "audio/wav",
    AudioFormat.MP3: "audio/mpeg",
    AudioFormat.OGG: "audio/ogg",
}
AUDIO: dict[int | str, dict[str, Any]] = {
    **READ,
    status.HTTP_409_CONFLICT: {
        "description": "The stored file is damaged (its checksum differs) or sox could not "
        "encode it."
    },
    200: {
        "content": {media_type: {} for media_type in MEDIA_TYPES.values()},
        "description": "The recording as a file (an attachment with its name).",
    },
}


@router.get("/{recording_id}/audio", responses=AUDIO, response_class=FileResponse)
def read_audio(
    recording_id: RecordingId,
    user: Reader,
    recordings: CallRecordings,
    audio_format: Format = AudioFormat.WAV,
) -> FileResponse:
    """The recording (both parties mixed) as WAV, 16-bit mono at 8 kHz, as stored (its
    SHA-256 in the ``X-Vaxla-Sha256`` header is the one stored when the call ended); or
    as MP3 or Ogg Vorbis, encoded from the WAV once its checksum is found unchanged (the
    header then holds the SHA-256 of the file sent, ``X-Vaxla-Recording-Sha256`` the
    WAV's). The stored WAV is never changed; an encoded copy is deleted once sent. Each
    read is in the event log (``recording_read``, with who and the format) before it is
    sent; a log that cannot take it answers 503 and sends nothing."""
    recording = _readable(recordings, recording_id, user)
    if not recording.path.is_file():
        raise HTTPException(
            status.HTTP_404_NOT_FOUND, detail=f"the file of recording {recording_id} is gone"
        )
    name = f"recording-{recording.id}-{recording.path.stem}.{audio_format.value}"
    media_type = MEDIA_TYPES[audio_format]
    by = (user.id, user.username)
    if audio_format is AudioFormat.WAV:
        _store(recordings).log_read(recording, audio_format, by=by)
        return FileResponse(
            recording.path,
            media_type=media_type,
            filename=name,
            headers={"X-Vaxla-Sha256": recording.sha256},
        )
    try:
        encoded = _store(recordings).export(recording, audio_format)
    except RecordingError as error:
        raise HTTPException(status.HTTP_409_CONFLICT, detail=str(error)) from None
    try:
        _store(recordings).log_read(recording, audio_format, by=by)
    except BaseException:
        encoded.unlink(missing_ok=True)
        raise
    return FileResponse(
        encoded,
        media_type=media_type,
        filename=name,
        headers={
            "X-Vaxla-Sha256": file_sha256(encoded),
            "X-Vaxla-Recording-Sha256": recording.sha256,
        },
        background=BackgroundTask(encoded.unlink, missing_ok=True),
    )


@router.patch("/{recording_id}", responses=CHANGE)
def change_recording(
    recording_id: RecordingId, change: RecordingChange, user: Reader, recordings: CallRecordings
) -> RecordingView:
    """Add and remove tags; set the keep mark (kept: never purged; supervisors and
    administrators only). Logged with who did it."""
    _readable(recordings, recording_id, user)
    if change.keep is not None and not _sees_all(user):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            detail=f"{user.username} may not mark a recording kept: supervisors and "
            "administrators do",
        )
    with _answering():
        changed = _store(recordings).change(
            recording_id,
            by=(user.id, user.username),
            add_tags=change.add_tags,
            remove_tags=change.remove_tags,
            keep=change.keep,
        )
    return view(changed)


@router.post(
    "/purge",
    responses={
        **UNAUTHORIZED_RESPONSE,
        **FORBIDDEN,
        status.HTTP_404_NOT_FOUND: {"description": "A server that keeps no files."},
    },
)
def purge(user: Admin, recordings: CallRecordings) -> PurgeReport:
    """Delete now the recordings past their retention that are not marked kept (each
    logged), as the server does every hour."""
    del user
    return PurgeReport(purged=[found.id for found in _store(recordings).purge()])


@agent_router.post(
    "/calls/{contact_id}/record",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**UNAUTHORIZED_RESPONSE, **FORBIDDEN, **CENTRE_ERRORS},
)
async def keep_call(contact_id: ContactId, user: CallTaker, telephony: Voice) -> None:
    """Keep the recording of the agent's call in progress: the whole call, its start
    included (it was recorded into a buffer from its answer). Logged with who asked."""
    if telephony is None:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            detail="this server takes no calls (started without --sip-port): none to record",
        )
    with centre_errors():
        try:
            await telephony.flow.keep_recording(contact_id, user.id)
        except FlowError as error:
            raise HTTPException(status.HTTP_409_CONFLICT, detail=str(error)) from None
