"""The base every wire model derives from."""

from pydantic import BaseModel, ConfigDict


class WireModel(BaseModel):
    """An immutable message that rejects fields it does not know.

    Rejecting unknown fields makes a contract drift fail loudly at the boundary
    instead of being silently dropped.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")
