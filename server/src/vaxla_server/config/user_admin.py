"""What an administrator changes of a user besides the password: display name, role and
whether the user may log in."""

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine, select, update

from vaxla_protocol import Role
from vaxla_server.auth import UnknownUser, User
from vaxla_server.auth.users import (
    DISPLAY_NAME_MAX_LENGTH,
    USERS,
    find_user_row,
    revoke_sessions,
    user_from_row,
)
from vaxla_server.config.errors import PROFILE_ROLES, ConfigError, InvalidConfig
from vaxla_server.config.tables import AGENT_PROFILES
from vaxla_server.store.transactions import write_transaction


class AgentProfileInTheWay(ConfigError):
    """A user with an agent profile cannot get a role that may not have one."""

    def __init__(self, username: str, role: Role) -> None:
        super().__init__(
            f"user {username!r} has an agent profile; delete it before giving the role "
            f"{role.value!r}"
        )


class LastAdmin(ConfigError):
    """The change would leave nobody who can administer the server."""

    def __init__(self, username: str) -> None:
        super().__init__(
            f"user {username!r} is the last active administrator; make another user an "
            "administrator first"
        )


def change_user(
    engine: Engine,
    username: str,
    *,
    now: datetime,
    display_name: str | None = None,
    role: Role | None = None,
    active: bool | None = None,
    sessions_ended: Callable[[int], None] = lambda _user_id: None,
) -> User:
    """Change what is given; deactivating (or changing the role) ends the user's sessions,
    so the next request is made with what the user is now, and calls ``sessions_ended``
    with the user's id once that is stored."""
    values: dict[str, object] = {}
    if display_name is not None:
        name = display_name.strip()
        if not name or len(name) > DISPLAY_NAME_MAX_LENGTH:
            raise InvalidConfig(
                f"display name must have 1 to {DISPLAY_NAME_MAX_LENGTH} characters "
                "besides surrounding spaces"
            )
        values["display_name"] = name
    if role is not None:
        values["role"] = role.value
    if active is not None:
        values["active"] = active
    with write_transaction(engine) as connection:
        row = find_user_row(connection, username)
        if row is None:
            raise UnknownUser(username)
        if role is not None and role.value not in PROFILE_ROLES and row.role in PROFILE_ROLES:
            has_profile = connection.execute(
                select(AGENT_PROFILES.c.user_id).where(AGENT_PROFILES.c.user_id == row.id)
            ).first()
            if has_profile is not None:
                raise AgentProfileInTheWay(row.username, role)
        stops_admin = (
            row.role == Role.ADMIN.value
            and row.active
            and ((role is not None and role is not Role.ADMIN) or active is False)
        )
        if stops_admin:
            other_admins = connection.execute(
                select(USERS.c.id).where(
                    USERS.c.role == Role.ADMIN.value, USERS.c.active, USERS.c.id != row.id
                )
            ).first()
            if other_admins is None:
                raise LastAdmin(row.username)
        if values:
            connection.execute(update(USERS).where(USERS.c.id == row.id).values(values))
        revoked = active is False or (role is not None and role.value != row.role)
        if revoked:
            revoke_sessions(connection, row.id, now)
        changed = find_user_row(connection, username)
    assert changed is not None
    if revoked:
        sessions_ended(changed.id)
    return user_from_row(changed)
