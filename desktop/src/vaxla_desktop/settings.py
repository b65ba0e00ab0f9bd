"""What the app remembers between runs (QSettings): last server and user, TLS pins, the
queues the agent was logged in to.

Never a password: those go to :mod:`vaxla_desktop.credentials`.
"""

import json
from pathlib import Path

from PySide6.QtCore import QSettings

ORGANISATION = "Vaxla"
APPLICATION = "Vaxla desktop"


def open_settings(path: Path | None) -> QSettings:
    """The platform's place for the app's settings, or the INI file ``path``."""
    if path is None:
        return QSettings(ORGANISATION, APPLICATION)
    return QSettings(str(path), QSettings.Format.IniFormat)


class DesktopSettings:
    """The app's settings; ``path`` gives an INI file instead of the platform's place
    (tests, and kiosk set-ups that keep settings beside the app)."""

    def __init__(self, path: Path | None = None) -> None:
        self._qsettings = open_settings(path)

    def _text(self, key: str) -> str | None:
        value = self._qsettings.value(key)
        return value if isinstance(value, str) and value else None

    @property
    def last_server(self) -> str | None:
        return self._text("login/server")

    @property
    def last_user(self) -> str | None:
        return self._text("login/user")

    @property
    def remember_me(self) -> bool:
        return self._qsettings.value("login/remember") in {True, "true"}

    def remember_login(self, server_url: str, username: str, *, remember_me: bool) -> None:
        self._qsettings.setValue("login/server", server_url)
        self._qsettings.setValue("login/user", username)
        self._qsettings.setValue("login/remember", remember_me)
        self._qsettings.sync()

    # TLS pins, one per server origin (a PinStore). Kept as one JSON object because
    # origins contain "/" and ":", which QSettings reads as group separators.

    def _pins(self) -> dict[str, str]:
        raw = self._text("tls/pins")
        try:
            pins = json.loads(raw) if raw else {}
        except ValueError:
            return {}
        if not isinstance(pins, dict):
            return {}
        return {k: v for k, v in pins.items() if isinstance(k, str) and isinstance(v, str)}

    def pinned(self, origin: str) -> str | None:
        return self._pins().get(origin)

    def pin(self, origin: str, fingerprint: str) -> None:
        pins = self._pins()
        pins[origin] = fingerprint
        self._qsettings.setValue("tls/pins", json.dumps(pins, sort_keys=True))
        self._qsettings.sync()

    # The queues the agent was logged in to, per server and user: one JSON object, as
    # the pins, keyed by "server user".

    def _queue_logins(self) -> dict[str, list[str]]:
        raw = self._text("agent/queues")
        try:
            stored = json.loads(raw) if raw else {}
        except ValueError:
            return {}
        if not isinstance(stored, dict):
            return {}
        return {
            key: [name for name in names if isinstance(name, str)]
            for key, names in stored.items()
            if isinstance(key, str) and isinstance(names, list)
        }

    def remembered_queues(self, server_url: str, username: str) -> list[str] | None:
        """The queue names last remembered for this user on this server (None: never)."""
        return self._queue_logins().get(f"{server_url} {username}")

    def remember_queues(self, server_url: str, username: str, names: list[str]) -> None:
        stored = self._queue_logins()
        stored[f"{server_url} {username}"] = names
        self._qsettings.setValue("agent/queues", json.dumps(stored, sort_keys=True))
        self._qsettings.sync()

    @property
    def prompt_phone(self) -> str | None:
        """The phone (number or SIP URI) a prompt was last recorded by."""
        return self._text("prompts/phone")

    def remember_prompt_phone(self, phone: str) -> None:
        self._qsettings.setValue("prompts/phone", phone)
        self._qsettings.sync()

    def remembered_board(self, server_url: str, username: str) -> str | None:
        """The saved board last chosen on the wallboard by this user on this server (None:
        every queue's own tile, or never chosen)."""
        name = self._boards().get(f"{server_url} {username}")
        return name if isinstance(name, str) else None

    def remember_board(self, server_url: str, username: str, name: str | None) -> None:
        stored = self._boards()
        stored[f"{server_url} {username}"] = name
        self._qsettings.setValue("wallboard/boards", json.dumps(stored, sort_keys=True))
        self._qsettings.sync()

    def _boards(self) -> dict[str, str | None]:
        raw = self._qsettings.value("wallboard/boards", "")
        try:
            stored = json.loads(raw) if isinstance(raw, str) and raw else {}
        except ValueError:
            return {}
        if not isinstance(stored, dict):
            return {}
        return {k: v for k, v in stored.items() if isinstance(v, str | None)}
