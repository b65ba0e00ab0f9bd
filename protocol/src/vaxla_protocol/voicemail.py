"""Shared voicemail (R7) as its readers see it: the boxes a user may read and the
messages left in them (``/api/v1/voicemail/...``)."""

from datetime import datetime

from pydantic import Field

from vaxla_protocol._base import WireModel


class VoicemailBoxView(WireModel):
    """A box the user may read, with how many messages wait in it unhandled."""

    name: str
    messages: int = Field(ge=0)
    unhandled: int = Field(ge=0)


class VoicemailMessageView(WireModel):
    """A message: the caller's number, when it came, its length; ``short`` (under a
    second) and ``silent`` (no voice) mark one kept all the same; who handled it, when.
    Its audio is ``GET /voicemail/messages/{id}/audio`` (WAV, 16-bit mono, 8 kHz)."""

    id: int
    box: str
    caller: str
    received_at: datetime
    seconds: float = Field(ge=0)
    short: bool
    silent: bool
    handled_by: str | None
    handled_at: datetime | None


class VoicemailTask(WireModel):
    """A message routed to an agent like a call (a voicemail task, R7): which message,
    in which box, who called, when, and how long it is. The agent it is offered to takes
    it (``POST /voicemail/tasks/{contact_id}/take``) or declines it (``.../decline``);
    taken, the agent may play the message, call the caller back and mark it handled,
    which ends the task."""

    message_id: int
    box: str
    caller: str
    received_at: datetime
    seconds: float = Field(ge=0)


class VoicemailTaskHeld(WireModel):
    """A voicemail task offered to the calling agent (``taken`` false) or taken by it
    (``GET /voicemail/tasks``): what its desktop shows again after a reconnect."""

    contact_id: int
    taken: bool
    task: VoicemailTask
