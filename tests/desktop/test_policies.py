"""IT's policies: read from the platform's place, and winning where IT locked them."""

import io
import logging
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from vaxla_desktop import policies
from vaxla_desktop.cli import parse_options
from vaxla_desktop.i18n import Language
from vaxla_desktop.policies import (
    AUTO_ANSWER,
    LANGUAGE,
    SERVER_URL,
    START_MINIMIZED,
    Policies,
    policy_store,
    read_policies,
)
from vaxla_desktop.ui.login_window import LoginWindow
from vaxla_desktop.ui.server_model import ServerListModel

IT_SERVER = "https://vaxla.example.se:8780"


def policy_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policies.ini"
    path.write_text(text)
    return path


def test_the_policies_are_read_from_an_ini_file(tmp_path: Path) -> None:
    path = policy_file(
        tmp_path,
        f"[Desktop]\nServerUrl={IT_SERVER}\nAutoAnswer=1\nStartMinimized=false\n"
        "Language=SV\nLocked=ServerUrl, Language\n",
    )
    read = read_policies(QSettings(str(path), QSettings.Format.IniFormat))
    assert read == Policies(
        server_url=IT_SERVER,
        auto_answer=True,
        start_minimized=False,
        language=Language.SWEDISH,
        locked=frozenset({SERVER_URL, LANGUAGE}),
    )


def test_values_the_app_cannot_read_are_logged_and_left_out(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = policy_file(
        tmp_path, "[Desktop]\nServerUrl=\nAutoAnswer=maybe\nLanguage=de\nLocked=Colour,AutoAnswer\n"
    )
    with caplog.at_level(logging.WARNING, logger="vaxla_desktop.policies"):
        read = read_policies(QSettings(str(path), QSettings.Format.IniFormat))
    assert read == Policies(locked=frozenset({AUTO_ANSWER}))
    assert not read.is_locked(AUTO_ANSWER)
    messages = " ".join(record.getMessage() for record in caplog.records)
    for expected in ("ServerUrl is empty", "'maybe', not 1 or 0", "'de', not sv or en", "Colour"):
        assert expected in messages


def test_no_policies_where_the_place_has_none(tmp_path: Path) -> None:
    assert read_policies(None) == Policies()
    empty = QSettings(str(policy_file(tmp_path, "")), QSettings.Format.IniFormat)
    assert read_policies(empty) == Policies()


def test_each_platform_has_its_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    windows = policy_store("win32")
    assert windows is not None
    # (On Windows the registry key itself; here Qt makes a file name of it.)
    assert windows.fileName().endswith(r"HKEY_LOCAL_MACHINE\Software\Policies\Vaxla")
    monkeypatch.setattr(policies, "LINUX_FILE", tmp_path / "absent.ini")
    monkeypatch.setattr(policies, "MACOS_FILE", tmp_path / "absent.plist")
    assert policy_store("linux") is None
    assert policy_store("darwin") is None
    monkeypatch.setattr(policies, "LINUX_FILE", policy_file(tmp_path, "[Desktop]\n"))
    linux = policy_store("linux")
    assert linux is not None and linux.format() is QSettings.Format.IniFormat


@pytest.mark.parametrize(
    ("locked", "users_choice", "decided"),
    [(True, False, True), (False, False, False), (False, None, True), (True, None, True)],
)
def test_a_locked_policy_wins_and_an_unlocked_one_is_a_default(
    locked: bool, users_choice: bool | None, decided: bool
) -> None:
    rules = Policies(auto_answer=True, locked=frozenset({AUTO_ANSWER} if locked else ()))
    assert rules.decide(AUTO_ANSWER, rules.auto_answer, users_choice, False) is decided


def test_without_a_policy_the_users_choice_or_the_default() -> None:
    rules = Policies(locked=frozenset({START_MINIMIZED}))
    assert rules.decide(START_MINIMIZED, rules.start_minimized, True, False) is True
    assert rules.decide(START_MINIMIZED, rules.start_minimized, None, False) is False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux policy file")
def test_the_command_line_follows_the_machines_policies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        policies,
        "LINUX_FILE",
        policy_file(
            tmp_path,
            f"[Desktop]\nServerUrl={IT_SERVER}\nStartMinimized=1\nLanguage=sv\n"
            "Locked=ServerUrl,Language\n",
        ),
    )
    options = parse_options(
        ["--server", "https://elsewhere.example:8780", "--language", "en"], {}, io.StringIO()
    )
    assert options.server_url == IT_SERVER  # locked: the user's --server does not count
    assert options.language is Language.SWEDISH  # locked
    assert options.minimized  # not locked, and the user gave no choice
    assert not options.discovery  # a locked server needs no servers found
    assert options.policies.is_locked(SERVER_URL)


def test_a_locked_server_cannot_be_changed_in_the_login_window(qtbot: QtBot) -> None:
    window = LoginWindow(ServerListModel(), server_url=IT_SERVER, server_locked=True)
    qtbot.addWidget(window)
    assert window.server_edit.isReadOnly()
    assert window.server_edit.text() == IT_SERVER
    assert not window.server_list.isEnabled()
