"""The server's health report, the first thing a client asks for."""

from typing import Literal

from pydantic import Field

from vaxla_protocol._base import WireModel


class Health(WireModel):
    """Answer to ``GET /api/v1/health``."""

    status: Literal["ok"]
    version: str = Field(min_length=1, description="The server's package version.")
    protocol_version: int = Field(ge=1, description="The wire protocol the server speaks.")
