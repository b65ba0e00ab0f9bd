"""The Recordings tab (R27): the recordings found (when, caller, queue, agent, length,
tags, kept) in a model checked by qtmodeltester; the panel by keyboard alone; the desk's
wiring of search, tags, the keep mark and the export (the file checked against the
stored SHA-256; a damaged download refused); the export's save dialog offering WAV, MP3
and Ogg by keyboard; an agent's export as MP3 and Ogg from the real server app (the
files decoded back by sox); the agent's "keep recording" button; the texts in Swedish;
screenshots. The server's side has its own tests, against the real app, in
tests/server/recording."""

import asyncio
import hashlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QFileDialog, QLineEdit
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tests.desktop.qt_loop import eventually, on_screen, run_on_qt_loop
from tests.desktop.test_translations import untranslated_texts, visible_texts
from tests.server.auth.conftest import CHEAP_SETTINGS, PASSWORD, FakeClock
from tests.server.recording.test_recordings_api import decoded, tone_level
from tests.server.recording.test_store import facts, tone
from tests.shots import keep_shot
from vaxla_desktop.api.client import ServerClient
from vaxla_desktop.api.recordings import RecordingAudio
from vaxla_desktop.core.agent_panel import PanelState
from vaxla_desktop.i18n import Language
from vaxla_desktop.recordings_desk import RecordingsDesk
from vaxla_desktop.session import Session as DeskSession
from vaxla_desktop.ui.agent_panel import AgentPanel
from vaxla_desktop.ui.recordings_panel import RecordingsModel, RecordingsPanel
from vaxla_protocol import Role
from vaxla_protocol.agent import AgentCall, AgentState
from vaxla_protocol.recording import AudioFormat, RecordingChange, RecordingView
from vaxla_server.app import create_app
from vaxla_server.recording.store import Recordings
from vaxla_server.store import open_store

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

    async def audio(
        self, recording_id: int, audio_format: AudioFormat = AudioFormat.WAV
    ) -> RecordingAudio:
        assert audio_format is AudioFormat.WAV
        stored = hashlib.sha256(AUDIO).hexdigest()
        return RecordingAudio(self.audio_bytes, stored, stored)

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
    wav = panel.file_types()[AudioFormat.WAV]
    panel.choose_file = lambda suggested: (str(target), wav)  # type: ignore[method-assign]

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


def when_dialog_opens(act: Callable[[QFileDialog], None]) -> None:
    """``act`` on the save dialog once it is open (the key that opens it is being sent)."""

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QFileDialog) and dialog.isVisible():
            try:
                act(dialog)
            finally:  # a failed check must not leave the test waiting on the dialog
                if dialog.isVisible():
                    dialog.reject()
        else:
            QTimer.singleShot(20, look)

    QTimer.singleShot(0, look)


def test_the_export_dialog_offers_wav_mp3_and_ogg_by_keyboard(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path
) -> None:
    panel = RecordingsPanel(may_keep=False)
    panel.show_recordings(RECORDINGS)
    on_screen(qtbot, panel, 900, 380)
    asked: list[tuple[int, str, str]] = []
    panel.sig_export_requested.connect(lambda *request: asked.append(request))
    seen: list[tuple[list[str], str, str]] = []

    def choose_mp3(dialog: QFileDialog) -> None:
        name = dialog.findChild(QLineEdit, "fileNameEdit")
        types = dialog.findChild(QComboBox, "fileTypeCombo")
        assert name is not None and types is not None
        before = name.text()
        types.setFocus()
        QTest.keyClick(types, Qt.Key.Key_Down)  # the next type: MP3
        seen.append((dialog.nameFilters(), before, name.text()))
        dialog.resize(720, 420)
        keep_shot(dialog, "recordings-export-dialog.png")
        dialog.setDirectory(str(tmp_path))  # where the user went
        name.setFocus()
        name.selectAll()
        QTest.keyClicks(name, "samtal")
        QTest.keyClick(name, Qt.Key.Key_Return)

    when_dialog_opens(choose_mp3)
    QTest.keyClick(panel, Qt.Key.Key_E, CTRL)  # the button clicks a moment later
    qtbot.waitUntil(lambda: bool(asked))
    ((filters, before, after),) = seen
    assert filters == [
        "WAV audio, as recorded (*.wav)",
        "MP3 audio (*.mp3)",
        "Ogg Vorbis audio (*.ogg)",
    ]
    assert (before, after) == ("recording-2.wav", "recording-2.mp3")
    assert asked == [(2, str(tmp_path / "samtal.mp3"), "mp3")]

    def cancel(dialog: QFileDialog) -> None:
        seen.append((dialog.nameFilters(), dialog.selectedNameFilter(), ""))
        QTest.keyClick(dialog, Qt.Key.Key_Escape)

    when_dialog_opens(cancel)
    panel.activateWindow()  # the closed dialog's window gives the keyboard back
    qtbot.waitUntil(lambda: QApplication.activeWindow() is panel)
    QTest.keyClick(panel, Qt.Key.Key_E, CTRL)
    qtbot.waitUntil(lambda: len(seen) == 2)
    assert seen[-1][1] == "MP3 audio (*.mp3)"  # the type chosen last is offered first
    assert len(asked) == 1  # cancelled: nothing exported
    # A name ending in a type's suffix chooses it, whatever type is selected.
    assert panel.export_choice("/x/samtal.OGG", "MP3 audio (*.mp3)") == (
        "/x/samtal.OGG",
        AudioFormat.OGG,
    )
    assert panel.export_choice("/x/samtal", "") == ("/x/samtal.mp3", AudioFormat.MP3)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[FastAPI]:
    clock = FakeClock()
    data = tmp_path / "data"
    with open_store(data_dir=data) as store:
        app = create_app(store, auth_settings=CHEAP_SETTINGS, clock=clock, data_dir=data)
        auth = app.state.services.auth
        for name in ("anna", "bo"):
            auth.users.create(name, PASSWORD, Role.AGENT, now=clock())
        yield app


def test_an_agent_exports_its_recording_as_mp3_and_ogg_from_the_server(
    qtbot: QtBot, qapp: QApplication, app: FastAPI, tmp_path: Path
) -> None:
    recordings: Recordings = app.state.services.recordings
    users = app.state.services.auth.users
    for call_id, agent, seconds in (("w1-1", "anna", 4.0), ("w1-2", "bo", 1.0)):
        tone(recordings.path_for(call_id), seconds)
        found = facts(call_id, agent_id=users.get(agent).id)
        recordings.keep(found, reason="rule", retention_days=30)
    stored = recordings.get(1)
    wav_bytes = stored.path.read_bytes()
    panel = RecordingsPanel(may_keep=False)
    on_screen(qtbot, panel, 900, 380)
    chosen: list[tuple[str, str]] = []
    panel.choose_file = lambda suggested: chosen.pop(0)  # type: ignore[method-assign]
    types = panel.file_types()

    async def work() -> None:
        client = ServerClient("http://vaxla.test", transport=httpx.ASGITransport(app=app))
        user = await client.login("anna", PASSWORD)
        desk = RecordingsDesk(DeskSession("http://vaxla.test", client, user), panel)
        desk.load()
        await asyncio.wait_for(desk.loaded.wait(), 5)
        assert [r.id for r in panel.model.rows] == [1]  # bo's is not anna's to see

        async def export(path: Path, name_filter: str) -> str:
            panel.status_label.setText("")
            chosen.append((str(path), name_filter))
            QTest.keyClick(panel, Qt.Key.Key_E, CTRL)
            await eventually(
                lambda: (
                    panel.status_label.text().startswith("Exported to")
                    or bool(panel.message_label.text())
                )
            )
            return panel.status_label.text()

        assert await export(tmp_path / "samtal", types[AudioFormat.MP3]) == (
            f"Exported to {tmp_path / 'samtal.mp3'}"
        )
        await export(tmp_path / "samtal.ogg", types[AudioFormat.WAV])  # the ending chooses
        await export(tmp_path / "samtal", types[AudioFormat.WAV])
        assert (tmp_path / "samtal.wav").read_bytes() == wav_bytes
        for kind in ("mp3", "ogg"):
            data = (tmp_path / f"samtal.{kind}").read_bytes()
            seconds, back = decoded(data, kind, tmp_path)
            assert abs(seconds - 4.0) < 0.25, (kind, seconds)
            assert tone_level(back, 440) > 0.8, kind
        keep_shot(panel, "recordings-panel-exported.png")
        # A stored file no longer the one recorded is not exported: the server says so.
        stored.path.write_bytes(wav_bytes[:-800])
        await export(tmp_path / "damaged", types[AudioFormat.OGG])
        assert "damaged" in panel.message_label.text(), panel.message_label.text()
        assert not (tmp_path / "damaged.ogg").exists()
        assert panel.status_label.text() == ""
        await desk.stop()
        await client.aclose()

    run_on_qt_loop(qapp, work())
    assert stored.path.read_bytes() == wav_bytes[:-800]  # the export never wrote to it


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
