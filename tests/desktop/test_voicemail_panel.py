"""The Voicemail tab (R7): the messages of a box (number, time, length with its marks,
who handled it) in a model checked by qtmodeltester; the panel by keyboard alone; the
desk's wiring of play, handled and call back (the server's side has its own tests in
tests/server/voicemail, against the real app); the texts in Swedish; screenshots."""

import asyncio
from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tests.desktop.qt_loop import eventually, run_on_qt_loop
from tests.desktop.test_translations import untranslated_texts, visible_texts
from tests.shots import keep_shot
from vaxla_desktop.core.agent_panel import PanelState
from vaxla_desktop.core.dial import DialRequest
from vaxla_desktop.i18n import Language
from vaxla_desktop.ui.agent_panel import AgentPanel
from vaxla_desktop.ui.voicemail_panel import VoicemailModel, VoicemailPanel
from vaxla_desktop.voicemail_desk import VoicemailDesk
from vaxla_protocol.voicemail import VoicemailBoxView, VoicemailMessageView

CTRL = Qt.KeyboardModifier.ControlModifier
AT = datetime(2026, 12, 5, 9, 30, tzinfo=UTC)
BOXES = [VoicemailBoxView(name="Kansliet", messages=2, unhandled=1)]


def message(message_id: int, caller: str, seconds: float, **fields: object) -> VoicemailMessageView:
    values: dict[str, object] = {
        "id": message_id, "box": "Kansliet", "caller": caller, "received_at": AT,
        "seconds": seconds, "short": seconds < 1, "silent": False, "handled_by": None,
        "handled_at": None, **fields,
    }  # fmt: skip
    return VoicemailMessageView.model_validate(values)


MESSAGES = [
    message(2, "+46701234567", 12.4),
    message(1, "0812345", 0.4, silent=True, handled_by="anna", handled_at=AT),
]


def test_the_model_and_the_texts(
    qtbot: QtBot, qapp: QApplication, qtmodeltester: ModelTester
) -> None:
    model = VoicemailModel()
    model.show(MESSAGES)
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]
    rows = [[model.index(r, c).data() for c in range(1, 4)] for r in range(2)]
    local = AT.astimezone().strftime("%Y-%m-%d %H:%M")
    assert rows == [[local, "12 s", "not handled"], [local, "0 s (short, silent)", "anna"]]

    def shown() -> list[str]:
        panel = VoicemailPanel()
        qtbot.addWidget(panel)
        panel.show_boxes(BOXES)
        panel.show_messages(MESSAGES)
        return visible_texts(panel)

    english, swedish = untranslated_texts(qapp, shown, {"+46701234567", "0812345", "anna"})
    assert english == [], english
    assert "Markera hanterat" in swedish and "Ring upp" in swedish


class Server:
    """The voicemail API as the desk uses it, answering from lists (a unit test's)."""

    def __init__(self) -> None:
        self.messages = list(MESSAGES)
        self.handled: list[int] = []

    async def boxes(self) -> list[VoicemailBoxView]:
        unhandled = sum(1 for m in self.messages if m.handled_by is None)
        return [VoicemailBoxView(name="Kansliet", messages=len(self.messages), unhandled=unhandled)]

    async def messages_of(self, box: str) -> list[VoicemailMessageView]:
        return list(self.messages) if box == "Kansliet" else []

    async def handle(self, message_id: int) -> VoicemailMessageView:
        self.handled.append(message_id)
        self.messages = [
            m.model_copy(update={"handled_by": "me", "handled_at": AT}) if m.id == message_id else m
            for m in self.messages
        ]
        return next(m for m in self.messages if m.id == message_id)


class Session:
    client = None


def test_a_reader_by_keyboard_marks_handled_and_calls_back(
    qtbot: QtBot, qapp: QApplication
) -> None:
    panel = VoicemailPanel()
    qtbot.addWidget(panel)
    panel.resize(720, 360)
    dialled: list[DialRequest] = []
    tab: list[bool] = []
    desk = VoicemailDesk(Session(), panel, dialled.append, tab.append)  # type: ignore[arg-type]
    server = Server()
    desk.api.boxes = server.boxes  # type: ignore[method-assign]
    desk.api.messages = server.messages_of  # type: ignore[method-assign]
    desk.api.handled = server.handle  # type: ignore[method-assign]

    async def work() -> None:
        desk.load()
        await asyncio.wait_for(desk.loaded.wait(), 5)
        assert tab == [True]
        panel.show()
        with qtbot.waitActive(panel):
            panel.activateWindow()
        assert panel.box_list.currentText() == "Kansliet (1 not handled of 2)"
        assert panel.selected() == MESSAGES[0] and panel.handled_button.isEnabled()
        QTest.keyClick(panel, Qt.Key.Key_H, CTRL)
        await eventually(lambda: panel.box_list.currentText() == "Kansliet (0 not handled of 2)")
        assert server.handled == [2]
        assert panel.model.index(0, 3).data() == "me" and not panel.handled_button.isEnabled()
        QTest.keyClick(panel, Qt.Key.Key_B, CTRL)
        await eventually(lambda: bool(dialled))  # a shortcut clicks its button animated
        assert [d.target for d in dialled] == ["+46701234567"]
        assert panel.status_label.text() == "Calling +46701234567 from your phone"
        keep_shot(panel, "voicemail-panel.png")
        await desk.stop()

    run_on_qt_loop(qapp, work())


def test_a_user_who_reads_no_box_gets_no_tab(qtbot: QtBot, qapp: QApplication) -> None:
    panel = VoicemailPanel()
    qtbot.addWidget(panel)
    tab: list[bool] = []
    desk = VoicemailDesk(Session(), panel, lambda _request: None, tab.append)  # type: ignore[arg-type]

    async def nothing() -> list[VoicemailBoxView]:
        return []

    desk.api.boxes = nothing  # type: ignore[method-assign]

    async def work() -> None:
        desk.load()
        await asyncio.wait_for(desk.loaded.wait(), 5)
        assert tab == [False] and panel.model.rowCount() == 0
        await desk.stop()

    run_on_qt_loop(qapp, work())


def test_the_tab_shows_in_the_agents_panel_only_for_a_reader(
    qtbot: QtBot, qapp: QApplication
) -> None:
    panel = AgentPanel(PanelState(), Language.ENGLISH)
    qtbot.addWidget(panel)
    panel.resize(520, 640)
    index = panel.tabs.indexOf(panel.voicemail_panel)
    assert not panel.tabs.isTabVisible(index)
    panel.show_voicemail(True)
    assert panel.tabs.isTabVisible(index) and panel.tabs.tabText(index) == "Voicemail"
    panel.voicemail_panel.show_boxes(BOXES)
    panel.voicemail_panel.show_messages(MESSAGES)
    panel.tabs.setCurrentIndex(index)
    panel.show()
    keep_shot(panel, "voicemail-agent-panel.png")
