"""Logging in: credentials in, a session token out; who the token belongs to."""

from enum import StrEnum

from pydantic import Field

from vaxla_protocol._base import WireModel


class Role(StrEnum):
    """What a user may do; the desktop shows the mode that goes with it."""

    AGENT = "agent"
    OPERATOR = "operator"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class LoginRequest(WireModel):
    """A user's credentials."""

    username: str = Field(min_length=1)
    # Kept out of repr so that logging a request never leaks the password.
    password: str = Field(min_length=1, repr=False)


class LoginResponse(WireModel):
    """The bearer token for the session that a successful login opened."""

    token: str = Field(min_length=1, repr=False)


class CurrentUser(WireModel):
    """Answer to ``GET /api/v1/auth/me``: the user the bearer token belongs to."""

    username: str = Field(min_length=1)
    display_name: str = Field(min_length=1)
    role: Role
