"""What the softphone remembers between runs (QSettings): the sound devices of this
machine, and each user's auto-answer choice."""

from pathlib import Path
from urllib.parse import quote

from vaxla_desktop.settings import open_settings
from vaxla_desktop.sip.audio import AudioChoice


class PhoneSettings:
    """``path`` gives an INI file instead of the platform's place, as ``DesktopSettings``."""

    def __init__(self, path: Path | None = None) -> None:
        self._qsettings = open_settings(path)

    def _text(self, key: str) -> str | None:
        value = self._qsettings.value(key)
        return value if isinstance(value, str) and value else None

    @property
    def audio(self) -> AudioChoice:
        return AudioChoice(
            microphone=self._text("phone/microphone"),
            speaker=self._text("phone/speaker"),
            ringer=self._text("phone/ringer"),
        )

    def set_audio(self, choice: AudioChoice) -> None:
        for key, value in (
            ("phone/microphone", choice.microphone),
            ("phone/speaker", choice.speaker),
            ("phone/ringer", choice.ringer),
        ):
            if value is None:
                self._qsettings.remove(key)
            else:
                self._qsettings.setValue(key, value)
        self._qsettings.sync()

    @staticmethod
    def _user_key(username: str) -> str:
        # User names may hold "/" or "\", which QSettings reads as group separators.
        return f"users/{quote(username, safe='')}/auto_answer"

    def auto_answer(self, username: str) -> bool:
        return self.chosen_auto_answer(username) is True

    def chosen_auto_answer(self, username: str) -> bool | None:
        """The user's own choice, or None if they never made one."""
        value = self._qsettings.value(self._user_key(username))
        if value is None:
            return None
        return value in {True, "true"}

    def set_auto_answer(self, username: str, on: bool) -> None:
        self._qsettings.setValue(self._user_key(username), on)
        self._qsettings.sync()
