"""The errors of users and logins: one hierarchy, so callers catch what they can handle."""

from datetime import timedelta


class AuthError(Exception):
    """Base of every error the auth services raise on purpose."""


class InvalidUser(AuthError):
    """A user's details are not acceptable (user name, display name, role or password).

    Nothing was changed.
    """


class DuplicateUser(AuthError):
    """A user with this user name exists already (user names ignore case)."""

    def __init__(self, username: str) -> None:
        super().__init__(f"a user named {username!r} exists already")
        self.username = username


class UnknownUser(AuthError):
    """No user has this user name."""

    def __init__(self, username: str) -> None:
        super().__init__(f"no user named {username!r}")
        self.username = username


class LoginFailed(AuthError):
    """The user name and password do not open a session.

    The same error, with the same message, for an unknown user, a wrong password and a
    deactivated user, so that an answer never tells which user names exist.
    """

    def __init__(self) -> None:
        super().__init__("unknown user name or wrong password")


class LoginThrottled(AuthError):
    """Too many failed logins for this user name (from this address, or from anywhere);
    try again after ``retry_after``."""

    def __init__(self, retry_after: timedelta) -> None:
        seconds = retry_after.total_seconds()
        super().__init__(f"too many failed logins for this user; try again in {seconds:g} s")
        self.retry_after = retry_after


class InvalidToken(AuthError):
    """A bearer token does not open a session."""


class UnknownToken(InvalidToken):
    """The token was never issued by this server."""

    def __init__(self) -> None:
        super().__init__("unknown token; log in again")


class ExpiredToken(InvalidToken):
    """The token's session has run out."""

    def __init__(self) -> None:
        super().__init__("the token has expired; log in again")


class RevokedToken(InvalidToken):
    """The session was ended: logged out, or the user's password or account changed."""

    def __init__(self) -> None:
        super().__init__("the token was revoked; log in again")
