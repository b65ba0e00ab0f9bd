"""What IT sets for every user of a machine: the server, auto-answer, starting minimized,
the language; and which of those win over the user's own choice.

One schema, three places, each the platform's own (read with QSettings):

- Windows: ``HKLM\\Software\\Policies\\Vaxla\\Desktop`` (the MSI writes it from
  ``msiexec … SERVERURL=… AUTOANSWER=1 MINIMIZED=1 LANGUAGE=sv LOCKED=…``; GPO can too);
- Linux: ``/etc/vaxla/policies.ini``, group ``[Desktop]``;
- macOS: a configuration profile's payload for the domain ``se.vaxla.desktop``, which
  macOS writes to ``/Library/Managed Preferences/se.vaxla.desktop.plist``, key
  ``Desktop`` (a dictionary).

Keys: ``ServerUrl`` (text), ``AutoAnswer`` and ``StartMinimized`` (1/0, true/false),
``Language`` (sv/en), ``Locked`` (the names of those that win, comma-separated). A policy
that is not locked is a default: the user's own choice, where there is one, comes first.
A value the app cannot read is logged and left out; it never stops the app.
"""

import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QSettings

from vaxla_desktop.i18n import Language

log = logging.getLogger(__name__)

WINDOWS_KEY = "HKEY_LOCAL_MACHINE\\Software\\Policies\\Vaxla"
LINUX_FILE = Path("/etc/vaxla/policies.ini")
MACOS_FILE = Path("/Library/Managed Preferences/se.vaxla.desktop.plist")
GROUP = "Desktop"

SERVER_URL = "ServerUrl"
AUTO_ANSWER = "AutoAnswer"
START_MINIMIZED = "StartMinimized"
LANGUAGE = "Language"
LOCKED = "Locked"
POLICY_NAMES = (SERVER_URL, AUTO_ANSWER, START_MINIMIZED, LANGUAGE)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Policies:
    server_url: str | None = None
    auto_answer: bool | None = None
    start_minimized: bool | None = None
    language: Language | None = None
    locked: frozenset[str] = field(default_factory=frozenset)

    def decide(self, name: str, policy: T | None, users_choice: T | None, default: T) -> T:
        """A locked policy; else the user's own choice; else the policy; else the
        app's default."""
        if policy is not None and name in self.locked:
            return policy
        if users_choice is not None:
            return users_choice
        if policy is not None:
            return policy
        return default

    def is_locked(self, name: str) -> bool:
        """Whether IT set this policy and marked it to win."""
        return name in self.locked and getattr(self, _FIELDS[name]) is not None


_FIELDS = {
    SERVER_URL: "server_url",
    AUTO_ANSWER: "auto_answer",
    START_MINIMIZED: "start_minimized",
    LANGUAGE: "language",
}


def policy_store(platform: str = sys.platform) -> QSettings | None:
    """The platform's policies as QSettings, or None where there are none."""
    if platform == "win32":
        # The app is a 64-bit process: the native format reads the 64-bit view, where
        # the x64 MSI and GPO write.
        return QSettings(WINDOWS_KEY, QSettings.Format.NativeFormat)
    if platform == "darwin":
        if not MACOS_FILE.exists():
            return None
        return QSettings(str(MACOS_FILE), QSettings.Format.NativeFormat)
    if not LINUX_FILE.exists():
        return None
    return QSettings(str(LINUX_FILE), QSettings.Format.IniFormat)


def read_policies(store: QSettings | None) -> Policies:
    if store is None:
        return Policies()
    store.beginGroup(GROUP)
    try:
        values = {name: store.value(name) for name in (*POLICY_NAMES, LOCKED)}
    finally:
        store.endGroup()
    return Policies(
        server_url=_text(SERVER_URL, values[SERVER_URL]),
        auto_answer=_flag(AUTO_ANSWER, values[AUTO_ANSWER]),
        start_minimized=_flag(START_MINIMIZED, values[START_MINIMIZED]),
        language=_language(values[LANGUAGE]),
        locked=_locked(values[LOCKED]),
    )


def system_policies() -> Policies:
    return read_policies(policy_store())


def _text(name: str, value: object) -> str | None:
    if value is None:
        return None
    # QSettings gives an INI value with a comma as a list of its parts.
    text = ",".join(value) if isinstance(value, list) else str(value)
    text = text.strip()
    if not text:
        log.warning("policy %s is empty; ignored", name)
        return None
    return text


def _flag(name: str, value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    text = _text(name, value)
    if text is None:
        return None
    if text.casefold() in _TRUE:
        return True
    if text.casefold() in _FALSE:
        return False
    log.warning("policy %s is %r, not 1 or 0; ignored", name, text)
    return None


def _language(value: object) -> Language | None:
    text = _text(LANGUAGE, value)
    if text is None:
        return None
    try:
        return Language(text.casefold())
    except ValueError:
        log.warning("policy %s is %r, not sv or en; ignored", LANGUAGE, text)
        return None


def _locked(value: object) -> frozenset[str]:
    text = _text(LOCKED, value)
    if text is None:
        return frozenset()
    names = {part.strip() for part in text.split(",") if part.strip()}
    unknown = names - set(POLICY_NAMES)
    if unknown:
        log.warning("policy %s names no such policy: %s", LOCKED, ", ".join(sorted(unknown)))
    return frozenset(names & set(POLICY_NAMES))
