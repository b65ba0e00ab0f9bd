"""User administration on the wire (``/api/v1/users``, administrators only)."""

from datetime import datetime
from typing import Annotated

from pydantic import Field

from vaxla_protocol._base import WireModel
from vaxla_protocol.auth import Role

Username = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
DisplayName = Annotated[str, Field(min_length=1, max_length=200)]
Password = Annotated[str, Field(min_length=1, max_length=1024, repr=False)]


class UserItem(WireModel):
    username: Username
    display_name: str
    role: Role
    active: bool
    created_at: datetime


class NewUser(WireModel):
    """A user to create; ``display_name`` defaults to the user name."""

    username: Username
    password: Password
    role: Role
    display_name: DisplayName | None = None


class UserChange(WireModel):
    """What to change of a user; absent fields stay as they are. Deactivating ends the
    user's sessions."""

    display_name: DisplayName | None = None
    role: Role | None = None
    active: bool | None = None


class PasswordReset(WireModel):
    """A new password; the user's open sessions end."""

    password: Password
