"""Logging in and out, and recognising the bearer token of a session.

A login gives a random token; the store keeps only its SHA-256, so a copy of the
database does not hold working tokens. Every method takes ``now``, so expiry and
throttling are tested without waiting.
"""

import hashlib
import secrets
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, insert, select, update

from vaxla_server.auth.ended import (
    LOGGED_OUT,
    SESSION_ENDED,
    SessionsEnded,
    tell_user_sessions_ended,
)
from vaxla_server.auth.errors import (
    ExpiredToken,
    InvalidToken,
    LoginFailed,
    RevokedToken,
    UnknownToken,
)
from vaxla_server.auth.passwords import Passwords
from vaxla_server.auth.throttle import LoginThrottle
from vaxla_server.auth.users import (
    TOKENS,
    USERS,
    User,
    find_user_row,
    user_from_row,
    username_key,
)
from vaxla_server.notifier import Notifier
from vaxla_server.store.transactions import write_transaction

DEFAULT_TOKEN_LIFETIME = timedelta(hours=12)


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """What a successful login gives: the bearer token (shown once) and its expiry."""

    token: str
    expires_at: datetime
    user: User

    def __repr__(self) -> str:
        return f"IssuedToken(token=..., expires_at={self.expires_at!r}, user={self.user!r})"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


CONCURRENT_PASSWORD_CHECKS = 4
"""Password checks (argon2: memory and CPU) run at once; more logins wait for one."""


class Sessions:
    """Opens sessions for correct credentials, and finds the user behind a token."""

    def __init__(
        self,
        engine: Engine,
        passwords: Passwords,
        throttle: LoginThrottle,
        *,
        token_lifetime: timedelta = DEFAULT_TOKEN_LIFETIME,
        notifier: Notifier | None = None,
    ) -> None:
        self._notifier = notifier
        if token_lifetime <= timedelta(0):
            raise ValueError(f"token_lifetime must be positive, not {token_lifetime}")
        self._engine = engine
        self._passwords = passwords
        self._throttle = throttle
        self._checking = threading.BoundedSemaphore(CONCURRENT_PASSWORD_CHECKS)
        self.token_lifetime = token_lifetime

    def login(self, username: str, password: str, address: str, now: datetime) -> IssuedToken:
        """Open a session, or raise ``LoginFailed`` or ``LoginThrottled``.

        An unknown user, a wrong password and a deactivated user all raise the same
        ``LoginFailed``, after the same work: an unknown user's password is checked
        against a stand-in hash.
        """
        user = username_key(username)
        self._throttle.check(user, address, now)
        with self._engine.connect() as connection:
            row = find_user_row(connection, username)
        password_hash: str | None = None if row is None else row.password_hash
        with self._checking:  # many at once wait their turn; none is refused for it
            correct = self._passwords.verify(password_hash, password)
        if not correct or row is None or password_hash is None or not row.active:
            self._throttle.failed(user, address, now)
            raise LoginFailed()
        self._throttle.succeeded(user, address)

        token = secrets.token_urlsafe(32)
        expires_at = now + self.token_lifetime
        with write_transaction(self._engine) as connection:
            if self._passwords.needs_rehash(password_hash):
                connection.execute(
                    update(USERS)
                    .where(USERS.c.id == row.id, USERS.c.password_hash == password_hash)
                    .values(password_hash=self._passwords.hash(password))
                )
            connection.execute(
                insert(TOKENS),
                {
                    "token_sha256": token_digest(token),
                    "user_id": row.id,
                    "issued_at": now,
                    "expires_at": expires_at,
                    "revoked_at": None,
                },
            )
        return IssuedToken(token=token, expires_at=expires_at, user=user_from_row(row))

    def authenticate(self, token: str, now: datetime) -> User:
        """The active user whose session ``token`` opened, or an ``InvalidToken`` error."""
        query = (
            select(
                TOKENS.c.expires_at,
                TOKENS.c.revoked_at,
                *USERS.c,
            )
            .join(USERS, USERS.c.id == TOKENS.c.user_id)
            .where(TOKENS.c.token_sha256 == token_digest(token))
        )
        with self._engine.connect() as connection:
            row = connection.execute(query).one_or_none()
        if row is None:
            raise UnknownToken()
        if row.revoked_at is not None or not row.active:
            raise RevokedToken()
        if row.expires_at <= now:
            raise ExpiredToken()
        return user_from_row(row)

    def session_keys(self, user_id: int, now: datetime) -> list[str]:
        """The keys (the token digests, ``offers.session_key``) of the sessions of the
        active user ``user_id`` that are open at ``now``: what an outbound call's
        ``X-Vaxla-Session`` header may be made with."""
        query = (
            select(TOKENS.c.token_sha256, TOKENS.c.expires_at, TOKENS.c.revoked_at)
            .join(USERS, USERS.c.id == TOKENS.c.user_id)
            .where(TOKENS.c.user_id == user_id, USERS.c.active.is_(True))
        )
        with self._engine.connect() as connection:
            rows = connection.execute(query).all()
        return [
            str(row.token_sha256) for row in rows if row.revoked_at is None and row.expires_at > now
        ]

    def logout(self, token: str, now: datetime) -> None:
        """End the session ``token`` opened; ending an ended session changes nothing."""
        with write_transaction(self._engine) as connection:
            result = connection.execute(
                update(TOKENS)
                .where(TOKENS.c.token_sha256 == token_digest(token), TOKENS.c.revoked_at.is_(None))
                .values(revoked_at=now)
            )
            if result.rowcount == 0:
                exists = connection.execute(
                    select(TOKENS.c.id).where(TOKENS.c.token_sha256 == token_digest(token))
                ).first()
                if exists is None:
                    raise UnknownToken()
        if self._notifier is not None:
            self._notifier.publish(
                SESSION_ENDED, SessionsEnded(LOGGED_OUT, digest=token_digest(token))
            )

    def ended_for_user(self, user_id: int) -> None:
        """Tell followers that every session of ``user_id`` has just been revoked (the
        user was deactivated, or given another role or password)."""
        tell_user_sessions_ended(self._notifier, user_id)

    def invalid_among(self, digests: Iterable[str], now: datetime) -> dict[str, InvalidToken]:
        """Which of these sessions (by token digest) can no longer be used at ``now``,
        and why; one query for all of them (the event socket's periodic check)."""
        wanted = set(digests)
        if not wanted:
            return {}
        query = (
            select(TOKENS.c.token_sha256, TOKENS.c.expires_at, TOKENS.c.revoked_at, USERS.c.active)
            .join(USERS, USERS.c.id == TOKENS.c.user_id)
            .where(TOKENS.c.token_sha256.in_(sorted(wanted)))
        )
        with self._engine.connect() as connection:
            rows = {str(row.token_sha256): row for row in connection.execute(query)}
        invalid: dict[str, InvalidToken] = {}
        for digest in wanted:
            row = rows.get(digest)
            if row is None:
                invalid[digest] = UnknownToken()
            elif row.revoked_at is not None or not row.active:
                invalid[digest] = RevokedToken()
            elif row.expires_at <= now:
                invalid[digest] = ExpiredToken()
        return invalid
