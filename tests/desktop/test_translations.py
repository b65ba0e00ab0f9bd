"""Swedish and English: the translation file covers the code, and the windows speak it."""

import datetime as dt
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

import vaxla_desktop
from tests.server_process import BIN_DIR
from vaxla_desktop.api import ServerUnreachable, UnknownCertificate
from vaxla_desktop.core.connection import ConnectionPhase, ConnectionStatus
from vaxla_desktop.i18n import TRANSLATIONS_DIR, Language, install_translation, system_language
from vaxla_desktop.ui.login_window import LoginWindow
from vaxla_desktop.ui.main_window import MainWindow
from vaxla_desktop.ui.server_model import ServerListModel
from vaxla_protocol import PROTOCOL_VERSION, CurrentUser, Health, Role

SOURCE_DIR = Path(vaxla_desktop.__file__).parent
TS_FILE = TRANSLATIONS_DIR / "vaxla_sv.ts"
QM_FILE = TRANSLATIONS_DIR / "vaxla_sv.qm"
PLACEHOLDER = re.compile(r"\{[a-z0-9_]*\}")
SERVER = "https://10.0.0.9:8780"
FINGERPRINT = ":".join(["5A"] * 32)


def messages(ts_file: Path) -> dict[tuple[str, str], tuple[str, str]]:
    """(context, source) → (translation, its type attribute) of a .ts file."""
    found = {}
    for context in ET.parse(ts_file).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None
            found[(name, message.findtext("source", ""))] = (
                translation.text or "",
                translation.get("type", ""),
            )
    return found


def test_the_translation_file_covers_every_text_in_the_code(tmp_path: Path) -> None:
    fresh = tmp_path / "vaxla_sv.ts"
    shutil.copy(TS_FILE, fresh)
    sources = sorted(str(path) for path in SOURCE_DIR.rglob("*.py"))
    subprocess.run(
        [
            *(str(BIN_DIR / "pyside6-lupdate"), *sources, "-ts", str(fresh)),
            *("-locations", "none", "-no-obsolete"),
        ],
        capture_output=True,
        check=True,
        timeout=120,
    )
    in_code = messages(fresh)
    untranslated = [key for key, (text, kind) in in_code.items() if not text or kind]
    assert untranslated == [], "run pyside6-lupdate and translate these"
    assert set(in_code) == set(messages(TS_FILE)), "the .ts has texts the code no longer uses"


def test_translations_keep_placeholders_and_shortcuts() -> None:
    for (_context, source), (translation, _kind) in messages(TS_FILE).items():
        assert sorted(PLACEHOLDER.findall(translation)) == sorted(PLACEHOLDER.findall(source))
        assert ("&" in translation) == ("&" in source), source


def test_the_compiled_file_is_made_from_the_translation_file(tmp_path: Path) -> None:
    compiled = tmp_path / "vaxla_sv.qm"
    subprocess.run(
        [str(BIN_DIR / "pyside6-lrelease"), str(TS_FILE), "-qm", str(compiled)],
        capture_output=True,
        check=True,
        timeout=120,
    )
    assert compiled.read_bytes() == QM_FILE.read_bytes(), "run pyside6-lrelease"


def test_swedish_is_chosen_for_a_swedish_system() -> None:
    assert system_language(QLocale("sv_SE")) is Language.SWEDISH
    assert system_language(QLocale("sv_FI")) is Language.SWEDISH
    assert system_language(QLocale("en_GB")) is Language.ENGLISH
    assert system_language(QLocale("de_DE")) is Language.ENGLISH


@pytest.fixture
def swedish(qapp: QApplication) -> Iterator[None]:
    translators = install_translation(qapp, Language.SWEDISH)
    assert translators
    yield
    for translator in translators:
        qapp.removeTranslator(translator)


def visible_texts(window: QWidget) -> list[str]:
    texts = [window.windowTitle()]
    for widget in [window, *window.findChildren(QWidget)]:
        if widget is not window and not widget.isVisibleTo(window):
            continue
        if isinstance(widget, QLabel):
            texts.append(widget.text())
        if isinstance(widget, QAbstractButton):
            texts.append(widget.text())
        texts += [widget.accessibleName(), widget.toolTip()]
    return [text for text in texts if text]


def windows(qtbot: QtBot) -> list[QWidget]:
    """Every window this part of the app has, in each of its states."""
    login = LoginWindow(ServerListModel(), server_url=SERVER, username="anna", can_remember=False)
    login.show_error("x")  # Any message: the error texts are checked below.
    trusting = LoginWindow(ServerListModel())
    trusting.ask_trust(UnknownCertificate(SERVER, FINGERPRINT))
    main = MainWindow(server_url=SERVER, user="anna")
    main.show_user(CurrentUser(username="anna", display_name="Anna", role=Role.AGENT))
    main.show_health(Health(status="ok", version="0.1.0", protocol_version=PROTOCOL_VERSION))
    main.banner.show_status(
        ConnectionStatus(ConnectionPhase.LOST, attempt=1, next_retry_at=1.0),
        ServerUnreachable(SERVER, "refused"),
        retry_in_s=2.0,
        now=dt.datetime(2026, 1, 1, 8, 0, 0),
    )
    for window in (login, trusting, main):
        qtbot.addWidget(window)
        window.show()
    return [login, trusting, main]


def data_free(text: str) -> str:
    """``text`` without what is data, not language: addresses, names, numbers."""
    text = re.sub(r"([0-9A-F]{2}:?\s?){32}", "", text)
    for data in (SERVER, "anna", "Anna", "0.1.0", "x"):
        text = text.replace(data, "")
    return re.sub(r"[\W\d_]+", " ", text.replace(":", "")).strip()


def same_in_both_languages() -> set[str]:
    return {
        data_free(source)
        for (_context, source), (translation, _kind) in messages(TS_FILE).items()
        if source == translation
    }


def untranslated_texts(
    qapp: QApplication, shown: Callable[[], list[str]], data: set[str]
) -> tuple[list[str], list[str]]:
    """The texts ``shown`` gives in English that stay the same in Swedish (but for
    ``data`` and what is the same in both languages), and all it gives in Swedish."""
    english = shown()
    translators = install_translation(qapp, Language.SWEDISH)
    try:
        swedish = shown()
    finally:
        for translator in translators:
            qapp.removeTranslator(translator)
    allowed = same_in_both_languages() | data
    untranslated = [
        en
        for en, sv in zip(english, swedish, strict=True)
        if en == sv and data_free(en) not in allowed
    ]
    return untranslated, swedish


def test_every_visible_text_of_the_windows_is_swedish(qtbot: QtBot, qapp: QApplication) -> None:
    english = [visible_texts(window) for window in windows(qtbot)]
    translators = install_translation(qapp, Language.SWEDISH)
    try:
        swedish = [visible_texts(window) for window in windows(qtbot)]
    finally:
        for translator in translators:
            qapp.removeTranslator(translator)
    allowed = same_in_both_languages() | {""}
    untranslated = [
        en
        for en_texts, sv_texts in zip(english, swedish, strict=True)
        for en, sv in zip(en_texts, sv_texts, strict=True)
        if en == sv and data_free(en) not in allowed
    ]
    assert untranslated == []
    assert any("Anslutningen till servern bröts" in text for text in swedish[2])


def test_error_messages_are_swedish(swedish: None) -> None:
    from vaxla_desktop.api import WrongCredentials
    from vaxla_desktop.ui.messages import describe

    assert describe(WrongCredentials()) == "Fel användarnamn eller lösenord."
    assert describe(ServerUnreachable(SERVER, "refused")) == f"Når inte servern på {SERVER}."
