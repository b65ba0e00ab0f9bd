"""Storm messages (R6): one switch per entry point. When a storm message is on, every new
caller at that entry point hears it at once, before anything else, and callers already
waiting hear it at their next announcement.

Routes (under ``/api/v1``):

- ``GET /storm`` → ``list[StormMessage]``: the storm messages switched on (every role);
- ``PUT /storm/{entry_point}`` with :class:`StormRequest` → :class:`StormMessage`: switch
  it on, or replace the one that is on (supervisors and administrators);
- ``DELETE /storm/{entry_point}`` → 204: switch it off (supervisors and administrators).

Each switch is in the event log with who did it; the event socket carries
:class:`StormChanged` to every role.
"""

from datetime import datetime
from typing import Literal, Self

from pydantic import Field, model_validator

from vaxla_protocol._base import WireModel

MAX_TEXT = 1000


class StormRequest(WireModel):
    """What callers hear: ``text`` spoken by the server (in the entry point's language),
    or a recorded ``prompt`` (a prompt name of the configuration)."""

    text: str | None = Field(default=None, min_length=1, max_length=MAX_TEXT)
    prompt: str | None = Field(default=None, min_length=1, max_length=64)

    @model_validator(mode="after")
    def _one_source(self) -> Self:
        if (self.text is None) == (self.prompt is None):
            raise ValueError("give either text (spoken by the server) or a recorded prompt")
        if self.text is not None and not self.text.strip():
            raise ValueError("the text has no words")
        return self


class StormMessage(WireModel):
    """A storm message switched on."""

    entry_point: str
    text: str | None
    prompt: str | None
    started_at: datetime
    by: str | None
    """The user who switched it on (None: the system)."""


class StormChanged(WireModel):
    """A storm message was switched on (``storm`` set) or off (``storm`` None)."""

    type: Literal["storm_changed"] = "storm_changed"
    entry_point: str
    storm: StormMessage | None
    by: str | None
