"""Remembered passwords, kept only in the operating system's keyring.

Without a usable keyring backend (a headless Linux box has none) nothing is stored
and the login window asks for the password each time: never a plain-text fallback.
"""

import logging

import keyring
import keyring.errors
from keyring.backend import KeyringBackend
from keyring.backends import fail

log = logging.getLogger(__name__)

SERVICE = "Vaxla"


def _account(server_url: str, username: str) -> str:
    # One server's "anna" is not another's: the account names both.
    return f"{username}@{server_url}"


class CredentialStore:
    """Passwords per (server, user) in ``backend``, by default the system keyring."""

    def __init__(self, backend: KeyringBackend | None = None) -> None:
        self._backend = backend if backend is not None else keyring.get_keyring()

    @property
    def available(self) -> bool:
        """Whether passwords can be remembered on this computer at all."""
        return not isinstance(self._backend, fail.Keyring) and self._backend.priority > 0

    def password(self, server_url: str, username: str) -> str | None:
        if not self.available:
            return None
        try:
            return self._backend.get_password(SERVICE, _account(server_url, username))
        except keyring.errors.KeyringError as error:
            log.warning("could not read the keyring: %s", error)
            return None

    def remember(self, server_url: str, username: str, password: str) -> bool:
        """Keep the password; return whether the keyring took it."""
        if not self.available:
            return False
        try:
            self._backend.set_password(SERVICE, _account(server_url, username), password)
        except keyring.errors.KeyringError as error:
            log.warning("could not write to the keyring: %s", error)
            return False
        return True

    def forget(self, server_url: str, username: str) -> None:
        if not self.available:
            return
        try:
            self._backend.delete_password(SERVICE, _account(server_url, username))
        except keyring.errors.PasswordDeleteError:
            pass  # Nothing was remembered: already forgotten.
        except keyring.errors.KeyringError as error:
            log.warning("could not delete from the keyring: %s", error)
