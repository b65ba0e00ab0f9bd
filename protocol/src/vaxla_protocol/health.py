"""The server's health report, the first thing a client asks for."""

from typing import Literal

from pydantic import Field

from vaxla_protocol._base import WireModel


class Health(WireModel):
    """Answer to ``GET /api/v1/health``: 200 with ``ok``, or 503 with ``degraded`` and
    the problems in words (the store cannot write: logins, calls and settings fail)."""

    status: Literal["ok", "degraded"]
    version: str = Field(min_length=1, description="The server's package version.")
    protocol_version: int = Field(ge=1, description="The wire protocol the server speaks.")
    problems: list[str] = Field(
        default_factory=list, description="What is wrong, in words (empty when ok)."
    )
