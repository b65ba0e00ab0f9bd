"""Call recording (R27) as the API shows it: the recordings kept, their tags and keep
mark (``/api/v1/recordings/...``), and the agent's request to keep its call."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field

from vaxla_protocol._base import WireModel

Tag = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[^\x00-\x1f\x7f]+$")]


class RecordingView(WireModel):
    """A call's recording: the call (its entry point, queue, agent, caller), when it
    started and ended, its length and SHA-256, why it was kept (``rule``: a recording
    rule chose the call; ``agent``: its agent asked mid-call), its tags, whether it is
    marked kept (archived: never purged) and the days it is kept otherwise. Its audio
    is ``GET /recordings/{id}/audio`` (WAV, 16-bit mono, 8 kHz, both parties mixed; MP3
    or Ogg Vorbis made from it with ``?format=``)."""

    id: int
    contact_id: int
    entry_point: str
    queue: str | None
    agent_id: int | None
    agent_name: str | None
    caller: str
    started_at: datetime
    ended_at: datetime
    seconds: float = Field(ge=0)
    sha256: str
    reason: Literal["rule", "agent"]
    tags: list[str]
    keep: bool
    retention_days: int = Field(ge=1)


class AudioFormat(StrEnum):
    """The formats a recording is exported in: the WAV stored (the default), or MP3 or
    Ogg Vorbis encoded from it when asked."""

    WAV = "wav"
    MP3 = "mp3"
    OGG = "ogg"


class RecordingChange(WireModel):
    """Tags to add and to remove (trimmed, lower case), and the keep mark to set (only
    supervisors and administrators); what is left out stays as it is."""

    add_tags: Annotated[list[Tag], Field(max_length=20)] = Field(default_factory=list)
    remove_tags: Annotated[list[Tag], Field(max_length=20)] = Field(default_factory=list)
    keep: bool | None = None


class PurgeReport(WireModel):
    """What a purge run deleted: the recordings past their retention, not marked kept."""

    purged: list[int]
