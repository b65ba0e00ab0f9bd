"""The administrator's prompts (R6, R31) against a real server process: the prompts of a
language listed, a sound file uploaded by keyboard and shown as the prompt's custom file,
its audio fetched to listen to, words spoken by the server, a bad file refused with the
reason; the panel's texts in Swedish."""

import asyncio
import subprocess
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tests.desktop.qt_loop import WAIT_S, eventually, run_on_qt_loop
from tests.desktop.test_translations import untranslated_texts, visible_texts
from tests.server_process import ServerProcess
from vaxla_desktop.api.client import ServerClient
from vaxla_desktop.prompts_desk import PromptsDesk
from vaxla_desktop.session import Session
from vaxla_desktop.ui.prompts_panel import PromptModel, PromptsPanel

CTRL = Qt.KeyboardModifier.ControlModifier


def tone(tmp: Path, name: str, content: bytes | None = None) -> Path:
    path = tmp / name
    if content is not None:
        path.write_bytes(content)
        return path
    subprocess.run(["sox", "-n", "-r", "22050", str(path), "synth", "1", "sine", "600"],
                   check=True, capture_output=True, timeout=30)  # fmt: skip
    return path


def test_an_administrator_lists_uploads_listens_and_speaks(
    qtbot: QtBot, qapp: QApplication, demo_server: ServerProcess, tmp_path: Path
) -> None:
    panel = PromptsPanel()
    qtbot.addWidget(panel)
    panel.resize(900, 500)
    panel.show()
    heard: list[bytes] = []

    async def work() -> None:
        client = ServerClient(demo_server.url)
        user = await client.login("admin1", "demo")
        desk = PromptsDesk(Session(demo_server.url, client, user), panel)
        original_audio = desk.api.audio

        async def audio(language, name):  # type: ignore[no-untyped-def]
            data = await original_audio(language, name)
            heard.append(data)
            return data

        desk.api.audio = audio  # type: ignore[method-assign]
        try:
            desk.load()
            await asyncio.wait_for(desk.loaded.wait(), WAIT_S)
            names = [name for name, _custom in panel.model.rows]
            assert "welcome" in names and "music_on_hold" in names
            panel.table.selectRow(names.index("welcome"))
            assert panel.model.rows[names.index("welcome")] == ("welcome", False)
            with qtbot.waitActive(panel):
                panel.activateWindow()
            panel.choose_file = lambda name: str(tone(tmp_path, "hej.wav"))  # type: ignore[method-assign]
            QTest.keyClick(panel, Qt.Key.Key_U, CTRL)
            await eventually(lambda: ("welcome", True) in panel.model.rows)
            assert "welcome now plays hej.wav" in panel.status_label.text()
            QTest.keyClick(panel, Qt.Key.Key_L, CTRL)
            await eventually(lambda: bool(heard))
            assert heard[0][:4] == b"RIFF"  # the converted file, from the server
            # Played where there is a sound output; said why where there is none.
            await eventually(
                lambda: (
                    "Played welcome" in panel.status_label.text()
                    or "Cannot play welcome: no sound output" in panel.message_label.text()
                )
            )
            panel.choose_file = lambda name: str(tone(tmp_path, "bad.wav", b"no sound" * 20))  # type: ignore[method-assign]
            QTest.keyClick(panel, Qt.Key.Key_U, CTRL)
            await eventually(lambda: "sox could not read it" in panel.message_label.text())
            panel.ask_text = lambda name: "Välkommen!"  # type: ignore[method-assign]
            QTest.keyClick(panel, Qt.Key.Key_T, CTRL)
            await eventually(lambda: "welcome now says your text" in panel.status_label.text())
            assert panel.message_label.text() == ""
        finally:
            await desk.stop()
            await client.logout()
            await client.aclose()

    run_on_qt_loop(qapp, work())


def test_the_model_and_the_texts(
    qtbot: QtBot, qapp: QApplication, qtmodeltester: ModelTester
) -> None:
    model = PromptModel()
    model.show(["welcome", "closed", "goodbye"], {"closed"})
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]
    assert [model.index(row, 1).data() for row in range(3)] == ["custom file", "default", "default"]

    def shown() -> list[str]:
        panel = PromptsPanel()
        qtbot.addWidget(panel)
        panel.show_prompts(["welcome"], set())
        panel.table.selectRow(0)
        return visible_texts(panel)

    english, swedish = untranslated_texts(qapp, shown, {"welcome"})
    assert english == [], english
    assert "Ladda upp en ljudfil…" in swedish
    assert "Spela in per telefon…" in swedish
