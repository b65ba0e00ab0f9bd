"""The Recordings tab (R27): the recordings found (when, caller, queue, agent, length,
tags, kept) in a model checked by qtmodeltester; the panel by keyboard alone; the desk's
wiring of search, tags, the keep mark and the export (the file checked against the
stored SHA-256; a damaged download refused); the agent's "keep recording" button; the
texts in Swedish; screenshots. The server's side has its own tests, against the real
app, in tests/server/recording."""

import asyncio
import hashlib
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tests.desktop.qt_loop import eventually, run_on_qt_loop
from tests.desktop.test_translations import untranslated_texts, visible_texts
from tests.shots import keep_shot
from vaxla_desktop.core.agent_panel import PanelState
from vaxla_desktop.i18n import Language
from vaxla_desktop.recordings_desk import RecordingsDesk
from vaxla_desktop.ui.agent_panel import AgentPanel
from vaxla_desktop.ui.recordings_panel import RecordingsModel, RecordingsPanel
from vaxla_protocol.agent import AgentCall, AgentState
from vaxla_protocol.recording import RecordingChange, RecordingView

CTRL = Qt.KeyboardModifier.ControlModifier
AT = datetime(2026, 12, 5, 9, 30, tzinfo=UTC)
AUDIO = b"RIFF....WAVEfmt recorded call"


def recording(recording_id: int, caller: str, **fields: object) -> RecordingView:
    values: dict[str, object] = {
        "id": recording_id, "contact_id": recording_id, "entry_point": "200",
        "queue": "Support", "agent_id": 4, "agent_name": "anna", "caller": caller,
        "started_at": AT, "ended_at": AT, "seconds": 83.4,
        "sha256": hashlib.sha256(AUDIO).hexdigest(), "reason": "rule", "tags": [],
        "keep": False, "retention_days": 90, **fields,
    }  # fmt: skip
    return RecordingView.model_validate(values)


RECORDINGS = [
    recording(2, "+46701234567", tags=["klagomål", "vip"]),
    recording(1, "0812345", queue=None, agent_name=None, keep=True, reason="agent"),
]


def test_the_model_and_the_texts(
    qtbot: QtBot, qapp: QApplication, qtmodeltester: ModelTester
) -> None:
    model = RecordingsModel()
    model.show(RECORDINGS)
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]
    rows = [[model.index(r, c).data() for c in range(1, 7)] for r in range(2)]
    assert rows == [
        ["+46701234567", "Support", "anna", "83 s", "klagomål, vip", ""],
        ["0812345", "200", "", "83 s", "", "kept"],
    ]

    def shown() -> list[str]:
        panel = RecordingsPanel(may_keep=True)
        qtbot.addWidget(panel)
        panel.show_recordings(RECORDINGS)
        return visible_texts(panel)

    known = {"+46701234567", "0812345", "anna", "Support", "200", "klagomål, vip"}
    english, swedish = untranslated_texts(qapp, shown, known)
    assert english == [], english
    assert "Lägg till tagg" in swedish and "Exportera…" in swedish


class Server:
    """The recordings API as the desk uses it, answering from a list (a unit test's)."""

    def __init__(self) -> None:
        self.recordings = list(RECORDINGS)
        self.searches: list[tuple[str, str]] = []
        self.audio_bytes = AUDIO

    async def search(
        self, *, since: datetime | None = None, queue: str = "", tag: str = ""
    ) -> list[RecordingView]:
        assert since is not None
        self.searches.append((queue, tag))
        return [r for r in self.recordings if not tag or tag in r.tags]

    async def audio(self, recording_id: int) -> bytes:
        return self.audio_bytes

    async def change(self, recording_id: int, change: RecordingChange) -> RecordingView:
        found = next(r for r in self.recordings if r.id == recording_id)
        tags = [t for t in found.tags if t not in change.remove_tags] + change.add_tags
        keep = found.keep if change.keep is None else change.keep
        changed = found.model_copy(update={"tags": tags, "keep": keep})
        self.recordings = [changed if r.id == recording_id else r for r in self.recordings]
        return changed


class Session:
    client = None


def test_a_supervisor_by_keyboard_tags_keeps_and_exports(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path
) -> None:
    panel = RecordingsPanel(may_keep=True)
    qtbot.addWidget(panel)
    panel.resize(900, 380)
    desk = RecordingsDesk(Session(), panel)  # type: ignore[arg-type]
    server = Server()
    desk.api.search = server.search  # type: ignore[method-assign]
    desk.api.audio = server.audio  # type: ignore[method-assign]
    desk.api.change = server.change  # type: ignore[method-assign]
    target = tmp_path / "samtal"
    panel.choose_file = lambda suggested: str(target)  # type: ignore[method-assign]

    async def work() -> None:
        desk.load()
        await asyncio.wait_for(desk.loaded.wait(), 5)
        panel.show()
        with qtbot.waitActive(panel):
            panel.activateWindow()
        assert panel.selected() == RECORDINGS[0]
        assert panel.status_label.text() == "Recordings found: 2"
        panel.tag_edit.setFocus()
        QTest.keyClicks(panel.tag_edit, "ring-upp")
        QTest.keyClick(panel, Qt.Key.Key_T, CTRL)
        await eventually(lambda: panel.status_label.text() == "Tag added")
        assert panel.model.index(0, 5).data() == "klagomål, vip, ring-upp"
        QTest.keyClick(panel, Qt.Key.Key_K, CTRL)
        await eventually(lambda: panel.status_label.text() == "Kept: it is never purged")
        assert panel.keep_button.isChecked() and panel.model.index(0, 6).data() == "kept"
        QTest.keyClick(panel, Qt.Key.Key_E, CTRL)
        await eventually(lambda: panel.status_label.text().startswith("Exported to"))
        assert (tmp_path / "samtal.wav").read_bytes() == AUDIO
        # A download that is not what the server stored is refused in words.
        server.audio_bytes = AUDIO + b"!"
        target.with_suffix(".wav").unlink()
        QTest.keyClick(panel, Qt.Key.Key_E, CTRL)
        await eventually(lambda: "arrived damaged" in panel.message_label.text())
        assert not (tmp_path / "samtal.wav").exists()
        panel.tag_filter.setText("vip")
        QTest.keyClick(panel.tag_filter, Qt.Key.Key_Return)
        await eventually(lambda: server.searches[-1] == ("", "vip"))
        keep_shot(panel, "recordings-panel.png")
        await desk.stop()

    run_on_qt_loop(qapp, work())


def test_an_agent_keeps_its_call_and_may_not_mark_kept(qtbot: QtBot, qapp: QApplication) -> None:
    panel = AgentPanel(PanelState(), Language.ENGLISH)
    qtbot.addWidget(panel)
    panel.resize(560, 680)
    assert not panel.recordings_panel.keep_button.isVisibleTo(panel.recordings_panel)
    asked: list[int] = []
    panel.sig_keep_recording_requested.connect(asked.append)
    assert not panel.record_button.isVisibleTo(panel)  # no call
    me = AgentState(
        agent_id=4, username="anna", state="busy", queues=[], member_of=[],
        call=AgentCall(contact_id=17, queue=None, direction="inbound", since=AT),
    )  # fmt: skip
    panel.state.me = me
    panel._show_me()
    assert panel.record_button.isVisibleTo(panel) and panel.record_button.isEnabled()
    panel.record_button.click()
    assert asked == [17] and not panel.record_button.isEnabled()
    panel.recording_kept()
    assert panel.record_button.text() == "Recording kept"
    panel.recordings_panel.show_recordings(RECORDINGS[:1])
    panel.tabs.setCurrentIndex(panel.tabs.indexOf(panel.recordings_panel))
    panel.show()
    keep_shot(panel, "recordings-agent-panel.png")
