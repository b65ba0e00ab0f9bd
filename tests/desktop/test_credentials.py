"""Remembered passwords: only in a keyring, never anywhere else."""

from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.errors import KeyringError, PasswordDeleteError

from vaxla_desktop.credentials import CredentialStore
from vaxla_desktop.settings import DesktopSettings


class MemoryKeyring(KeyringBackend):
    priority = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.passwords.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


class BrokenKeyring(MemoryKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringError("locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringError("locked")


def test_passwords_are_kept_per_server_and_user() -> None:
    backend = MemoryKeyring()
    store = CredentialStore(backend)
    assert store.available
    assert store.remember("https://a:8780", "anna", "pw-a")
    assert store.password("https://a:8780", "anna") == "pw-a"
    assert store.password("https://b:8780", "anna") is None
    store.forget("https://a:8780", "anna")
    store.forget("https://a:8780", "anna")
    assert backend.passwords == {}


def test_without_a_keyring_nothing_is_stored() -> None:
    store = CredentialStore(fail.Keyring())  # type: ignore[no-untyped-call]
    assert not store.available
    assert not store.remember("https://a:8780", "anna", "pw")
    assert store.password("https://a:8780", "anna") is None


def test_a_failing_keyring_means_asking_again() -> None:
    store = CredentialStore(BrokenKeyring())
    assert not store.remember("https://a:8780", "anna", "pw")
    assert store.password("https://a:8780", "anna") is None


def test_settings_remember_server_user_and_pins_but_no_password(tmp_path: Path) -> None:
    path = tmp_path / "vaxla.ini"
    settings = DesktopSettings(path)
    assert (settings.last_server, settings.last_user, settings.remember_me) == (None, None, False)
    settings.remember_login("https://a:8780", "anna", remember_me=True)
    settings.pin("https://a:8780", "AB:CD")
    again = DesktopSettings(path)
    assert (again.last_server, again.last_user, again.remember_me) == (
        "https://a:8780",
        "anna",
        True,
    )
    assert again.pinned("https://a:8780") == "AB:CD"
    assert again.pinned("https://b:8780") is None
    assert "pw" not in path.read_text()


def test_a_damaged_pin_list_pins_nothing(tmp_path: Path) -> None:
    path = tmp_path / "vaxla.ini"
    path.write_text("[tls]\npins=not json\n")
    assert DesktopSettings(path).pinned("https://a:8780") is None
