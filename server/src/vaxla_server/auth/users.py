"""The users: creating them, changing their passwords, deactivating them."""

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Engine, Row, Table, insert, select, update
from sqlalchemy.exc import IntegrityError

from vaxla_protocol import Role
from vaxla_server.auth.ended import tell_user_sessions_ended
from vaxla_server.auth.errors import DuplicateUser, InvalidUser, UnknownUser
from vaxla_server.auth.passwords import Passwords
from vaxla_server.notifier import Notifier
from vaxla_server.store.models import TokenRow, UserRow
from vaxla_server.store.transactions import write_transaction

USERS = cast(Table, UserRow.__table__)
TOKENS = cast(Table, TokenRow.__table__)

USERNAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
USERNAME_RULE = (
    "1 to 64 characters: ASCII letters, digits, '.', '_' and '-', starting with a letter or a digit"
)
DISPLAY_NAME_MAX_LENGTH = 200
DEFAULT_MIN_PASSWORD_LENGTH = 8
# argon2 reads at most this much of a password meaningfully; longer is a mistake or abuse.
PASSWORD_MAX_LENGTH = 1024


@dataclass(frozen=True, slots=True)
class User:
    id: int
    username: str
    display_name: str
    role: Role
    active: bool
    created_at: datetime


def username_key(username: str) -> str:
    """The form user names are compared in: user names ignore case."""
    return username.lower()


def user_from_row(row: Row[Any]) -> User:
    return User(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        role=Role(row.role),
        active=row.active,
        created_at=row.created_at,
    )


class Users:
    """Creates and changes users. Bad input raises ``InvalidUser`` and changes nothing."""

    def __init__(
        self,
        engine: Engine,
        passwords: Passwords,
        *,
        min_password_length: int = DEFAULT_MIN_PASSWORD_LENGTH,
        notifier: Notifier | None = None,
    ) -> None:
        """``notifier`` is told when a user's sessions end (``SESSION_ENDED``)."""
        self._notifier = notifier
        if min_password_length < 1:
            raise ValueError(f"min_password_length must be at least 1, not {min_password_length}")
        self._engine = engine
        self._passwords = passwords
        self.min_password_length = min_password_length

    def create(
        self,
        username: str,
        password: str,
        role: Role | str,
        *,
        now: datetime,
        display_name: str | None = None,
    ) -> User:
        """Add an active user; ``display_name`` defaults to the user name."""
        _check_username(username)
        checked_role = _checked_role(role)
        name = username if display_name is None else display_name.strip()
        if not name or len(name) > DISPLAY_NAME_MAX_LENGTH:
            raise InvalidUser(
                f"display name must have 1 to {DISPLAY_NAME_MAX_LENGTH} characters "
                "besides surrounding spaces"
            )
        self._check_password(password)
        values = {
            "username": username,
            "username_key": username_key(username),
            "display_name": name,
            "role": checked_role.value,
            "password_hash": self._passwords.hash(password),
            "active": True,
            "created_at": now,
        }
        try:
            with write_transaction(self._engine) as connection:
                if find_user_row(connection, username) is not None:
                    raise DuplicateUser(username)
                user_id = connection.execute(
                    insert(USERS).returning(USERS.c.id), values
                ).scalar_one()
        except IntegrityError:
            # Another writer created the same user name between the check and the insert.
            raise DuplicateUser(username) from None
        return User(
            id=user_id,
            username=username,
            display_name=name,
            role=checked_role,
            active=True,
            created_at=now,
        )

    def get(self, username: str) -> User:
        with self._engine.connect() as connection:
            row = find_user_row(connection, username)
        if row is None:
            raise UnknownUser(username)
        return user_from_row(row)

    def name_of(self, user_id: int) -> str | None:
        """The user name of the user with this id, or ``None`` when there is none."""
        with self._engine.connect() as connection:
            query = select(USERS.c.username).where(USERS.c.id == user_id)
            name: str | None = connection.execute(query).scalar_one_or_none()
        return name

    def list(self) -> list[User]:
        with self._engine.connect() as connection:
            rows = connection.execute(select(USERS).order_by(USERS.c.username_key))
            return [user_from_row(row) for row in rows]

    def set_password(self, username: str, password: str, *, now: datetime) -> None:
        """Replace the user's password and end the user's open sessions."""
        self._check_password(password)
        password_hash = self._passwords.hash(password)
        with write_transaction(self._engine) as connection:
            user_id = _existing_id(connection, username)
            connection.execute(
                update(USERS).where(USERS.c.id == user_id).values(password_hash=password_hash)
            )
            revoke_sessions(connection, user_id, now)
        tell_user_sessions_ended(self._notifier, user_id)

    def deactivate(self, username: str, *, now: datetime) -> None:
        """Refuse the user's logins from now on and end the user's open sessions."""
        with write_transaction(self._engine) as connection:
            user_id = _existing_id(connection, username)
            connection.execute(update(USERS).where(USERS.c.id == user_id).values(active=False))
            revoke_sessions(connection, user_id, now)
        tell_user_sessions_ended(self._notifier, user_id)

    def _check_password(self, password: str) -> None:
        if not self.min_password_length <= len(password) <= PASSWORD_MAX_LENGTH:
            raise InvalidUser(
                f"a password must have {self.min_password_length} to {PASSWORD_MAX_LENGTH} "
                f"characters, not {len(password)}"
            )


def revoke_sessions(connection: Connection, user_id: int, now: datetime) -> None:
    connection.execute(
        update(TOKENS)
        .where(TOKENS.c.user_id == user_id, TOKENS.c.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def find_user_row(connection: Connection, username: str) -> Row[Any] | None:
    """The user's row, looked up without regard to case, or ``None``."""
    query = select(USERS).where(USERS.c.username_key == username_key(username))
    return connection.execute(query).one_or_none()


def _existing_id(connection: Connection, username: str) -> int:
    row = find_user_row(connection, username)
    if row is None:
        raise UnknownUser(username)
    user_id: int = row.id
    return user_id


def _check_username(username: str) -> None:
    if not USERNAME_PATTERN.fullmatch(username):
        raise InvalidUser(f"user name {username!r} is not valid: {USERNAME_RULE}")


def _checked_role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        known = ", ".join(known.value for known in Role)
        raise InvalidUser(f"unknown role {role!r}; roles: {known}") from None
