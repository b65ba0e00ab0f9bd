"""Users and authentication: argon2id passwords, login tokens, roles on every route.

``Auth.open(store, settings)`` builds the two services: ``users`` (create, change the
password, deactivate) and ``sessions`` (login, authenticate a token, logout). The HTTP
side is in ``http.py``: the ``/auth`` routes and ``require_role``.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from ipaddress import IPv4Network, IPv6Network

from argon2 import Parameters

from vaxla_server.auth.ended import LOGGED_OUT, SESSION_ENDED, SessionsEnded
from vaxla_server.auth.errors import (
    AuthError,
    DuplicateUser,
    ExpiredToken,
    InvalidToken,
    InvalidUser,
    LoginFailed,
    LoginThrottled,
    RevokedToken,
    UnknownToken,
    UnknownUser,
)
from vaxla_server.auth.passwords import DEFAULT_PARAMETERS, Passwords
from vaxla_server.auth.sessions import DEFAULT_TOKEN_LIFETIME, IssuedToken, Sessions
from vaxla_server.auth.throttle import DEFAULT_MAX_FAILURES, DEFAULT_WINDOW, LoginThrottle
from vaxla_server.auth.users import DEFAULT_MIN_PASSWORD_LENGTH, User, Users
from vaxla_server.notifier import Notifier
from vaxla_server.store import Store


@dataclass(frozen=True, slots=True)
class AuthSettings:
    """How logins behave; the defaults are the product's."""

    token_lifetime: timedelta = DEFAULT_TOKEN_LIFETIME
    throttle_max_failures: int = DEFAULT_MAX_FAILURES
    throttle_window: timedelta = DEFAULT_WINDOW
    password_parameters: Parameters = field(default_factory=lambda: DEFAULT_PARAMETERS)
    min_password_length: int = DEFAULT_MIN_PASSWORD_LENGTH
    trusted_proxies: tuple[IPv4Network | IPv6Network, ...] = ()
    """Reverse proxies whose ``X-Forwarded-For`` names the client (none by default: the
    header is ignored, so a client cannot pick the address its failures count on)."""


@dataclass(frozen=True, slots=True)
class Auth:
    users: Users
    sessions: Sessions
    trusted_proxies: tuple[IPv4Network | IPv6Network, ...] = ()

    @classmethod
    def open(
        cls, store: Store, settings: AuthSettings, *, notifier: Notifier | None = None
    ) -> "Auth":
        """``notifier`` is told of sessions that end while open (``SESSION_ENDED``)."""
        passwords = Passwords(settings.password_parameters)
        throttle = LoginThrottle(settings.throttle_max_failures, settings.throttle_window)
        return cls(
            users=Users(
                store.engine,
                passwords,
                min_password_length=settings.min_password_length,
                notifier=notifier,
            ),
            sessions=Sessions(
                store.engine,
                passwords,
                throttle,
                token_lifetime=settings.token_lifetime,
                notifier=notifier,
            ),
            trusted_proxies=settings.trusted_proxies,
        )


__all__ = [
    "LOGGED_OUT",
    "SESSION_ENDED",
    "Auth",
    "AuthError",
    "AuthSettings",
    "DuplicateUser",
    "ExpiredToken",
    "InvalidToken",
    "InvalidUser",
    "IssuedToken",
    "LoginFailed",
    "LoginThrottled",
    "Passwords",
    "RevokedToken",
    "Sessions",
    "SessionsEnded",
    "UnknownToken",
    "UnknownUser",
    "User",
    "Users",
]
