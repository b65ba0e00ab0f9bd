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
from typing import Annotated, Literal

from pydantic import Field

from vaxla_protocol._base import WireModel

MAX_TEXT = 1000


class StormText(WireModel):
    """Words the server speaks to callers, in the entry point's language."""

    text: Annotated[str, Field(min_length=1, max_length=MAX_TEXT, pattern=r"\S")]


class StormPrompt(WireModel):
    """A recorded prompt of the configuration, played to callers."""

    prompt: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_]{0,63}$")]


StormRequest = StormText | StormPrompt
"""What callers hear: either words spoken by the server or a recorded prompt."""


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
