"""Recording a prompt by phone from the Prompts tab (R31), by keyboard: Ctrl+Shift+D asks
the phone (the one last used offered, kept in the settings), the call's state is shown
until saved (the list reloaded) or failed (the reason in words). The server is a double
here: the route and the call are the server tests'."""

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.desktop.qt_loop import eventually, on_screen, run_on_qt_loop
from tests.shots import keep_shot
from vaxla_desktop.api.errors import ActionRefused
from vaxla_desktop.prompts_desk import PromptsDesk
from vaxla_desktop.settings import DesktopSettings
from vaxla_desktop.ui.prompts_panel import PromptsPanel
from vaxla_protocol.config import Language, PromptCall, PromptItem

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
STARTED = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


class Session:
    client = None


class Server:
    """The prompt routes as the desk sees them: each call goes calling → recording →
    its end, one state per question."""

    def __init__(self, end: PromptCall) -> None:
        self.end = end
        self.asked: list[tuple[str, str, str]] = []
        self.states: list[PromptCall] = []
        self.custom: set[str] = set()

    async def names(self, language: Language) -> list[str]:
        return ["closed", "welcome"]

    async def record_by_phone(self, language: Language, name: str, phone: str) -> PromptCall:
        self.asked.append((language.value, name, phone))
        calling = self.end.model_copy(update={"state": "calling", "reason": None, "seconds": None,
                                               "phone": phone})  # fmt: skip
        recording = calling.model_copy(update={"state": "recording"})
        self.states = [recording, self.end.model_copy(update={"phone": phone})]
        return calling

    async def prompt_call(self, name: str, call_id: str) -> PromptCall:
        call = self.states.pop(0)
        if call.state == "saved":
            self.custom.add(name)
        return call


def desk_with(panel: PromptsPanel, server: Server, settings: DesktopSettings) -> PromptsDesk:
    desk = PromptsDesk(Session(), panel, settings=settings)  # type: ignore[arg-type]
    desk.poll_s = 0.01
    desk.api.names = server.names  # type: ignore[method-assign]

    async def custom() -> list[PromptItem]:
        return [PromptItem(name=n, language=Language.SV, custom_path=f"/p/{n}.wav")
                for n in sorted(server.custom)]  # fmt: skip

    desk.api.custom = custom  # type: ignore[method-assign]
    desk.api.record_by_phone = server.record_by_phone  # type: ignore[method-assign]
    desk.api.prompt_call = server.prompt_call  # type: ignore[method-assign]
    return desk


def ending(state: str, **values: object) -> PromptCall:
    return PromptCall.model_validate({
        "id": "pc-0123456789ab", "name": "welcome", "language": "sv", "phone": "",
        "state": state, "by": "admin1", "started_at": STARTED.isoformat(), **values,
    })  # fmt: skip


def test_an_administrator_records_a_prompt_by_phone_by_keyboard(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path
) -> None:
    settings = DesktopSettings(tmp_path / "settings.ini")
    settings.remember_prompt_phone("+46701112233")
    panel = PromptsPanel()
    server = Server(ending("saved", seconds=4.2))
    desk = desk_with(panel, server, settings)
    offered: list[str] = []

    def ask(name: str) -> str:
        offered.append(panel.last_phone)
        return "sip:admin@10.0.0.7"

    panel.ask_phone = ask  # type: ignore[method-assign]

    async def work() -> None:
        desk.load()
        await asyncio.wait_for(desk.loaded.wait(), 5)
        on_screen(qtbot, panel, 900, 420)
        panel.table.selectRow(1)
        QTest.keyClick(panel, Qt.Key.Key_D, CTRL_SHIFT)
        await eventually(lambda: ("welcome", True) in panel.model.rows)
        assert offered == ["+46701112233"]
        assert server.asked == [("sv", "welcome", "sip:admin@10.0.0.7")]
        assert panel.status_label.text() == (
            "welcome now plays the recording from sip:admin@10.0.0.7 (4.2 s)"
        )
        assert panel.message_label.text() == ""
        assert DesktopSettings(tmp_path / "settings.ini").prompt_phone == "sip:admin@10.0.0.7"
        keep_shot(panel, "prompt-by-phone-saved.png")

        server.end = ending("failed", reason="the phone did not answer (SIP 480)")
        QTest.keyClick(panel, Qt.Key.Key_D, CTRL_SHIFT)
        await eventually(lambda: "failed" in panel.message_label.text())
        assert offered[-1] == "sip:admin@10.0.0.7"
        assert panel.message_label.text() == (
            "Recording welcome by phone failed: the phone did not answer (SIP 480)"
        )
        keep_shot(panel, "prompt-by-phone-failed.png")
        await desk.stop()

    run_on_qt_loop(qapp, work())


def test_a_refused_phone_is_said_in_words(qtbot: QtBot, qapp: QApplication, tmp_path: Path) -> None:
    panel = PromptsPanel()
    qtbot.addWidget(panel)
    server = Server(ending("saved", seconds=2.0))
    desk = desk_with(panel, server, DesktopSettings(tmp_path / "settings.ini"))

    async def refuse(language: Language, name: str, phone: str) -> PromptCall:
        raise ActionRefused(409, "no outside line is configured to call a number through")

    desk.api.record_by_phone = refuse  # type: ignore[method-assign]
    panel.ask_phone = lambda name: "0701234567"  # type: ignore[method-assign]

    async def work() -> None:
        desk.load()
        await asyncio.wait_for(desk.loaded.wait(), 5)
        panel.show_prompts(["welcome"], set())
        panel.table.selectRow(0)
        panel.phone_button.click()
        await eventually(lambda: "no outside line" in panel.message_label.text())
        assert ("welcome", False) in panel.model.rows
        await desk.stop()

    run_on_qt_loop(qapp, work())
