"""Logging in: credentials in, a session token out."""

from pydantic import Field

from vaxla_protocol._base import WireModel


class LoginRequest(WireModel):
    """A user's credentials."""

    username: str = Field(min_length=1)
    # Kept out of repr so that logging a request never leaks the password.
    password: str = Field(min_length=1, repr=False)


class LoginResponse(WireModel):
    """The bearer token for the session that a successful login opened."""

    token: str = Field(min_length=1, repr=False)
