"""A prompt recorded from the desk's microphone (R31) against a real server process: the
recorder is fed a WAV file through its input source (the one test double: no microphone
here), the meter shows its level, the take is stopped and used, and the server's
converted prompt (8 kHz mono) is not silent; Esc closes the dialog without a take."""

import array
import asyncio
import io
import math
import subprocess
import threading
import wave
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.desktop.qt_loop import WAIT_S, eventually, logged_in, on_screen, run_on_qt_loop
from tests.desktop.test_translations import untranslated_texts, visible_texts
from tests.server_process import ServerProcess
from tests.shots import keep_shot
from vaxla_desktop.prompts_desk import PromptsDesk
from vaxla_desktop.sip.recorder import Block, Recorder, peak
from vaxla_desktop.ui.prompt_recorder import RecordDialog
from vaxla_desktop.ui.prompts_panel import PromptsPanel
from vaxla_protocol.config import Language

CTRL = Qt.KeyboardModifier.ControlModifier


class WavInput:
    """An input source that gives a WAV file's frames in 20 ms blocks on its own thread,
    as PortAudio gives the microphone's, then nothing more until closed."""

    def __init__(self, path: Path) -> None:
        with wave.open(str(path)) as file:
            self.rate = file.getframerate()
            assert (file.getnchannels(), file.getsampwidth()) == (1, 2)
            self.frames = file.readframes(file.getnframes())
        self.given = threading.Event()
        self.closed = threading.Event()

    def open(self, rate: int, on_block: Block) -> "WavInput":
        assert rate == self.rate
        step = 2 * rate // 50

        def give() -> None:
            for start in range(0, len(self.frames), step):
                on_block(self.frames[start : start + step])
            self.given.set()

        threading.Thread(target=give, daemon=True).start()
        return self

    def close(self) -> None:
        self.closed.set()


def spoken(tmp: Path) -> Path:
    """A second of a rising tone at the recorder's rate, 16-bit mono."""
    path = tmp / "voice.wav"
    subprocess.run(["sox", "-n", "-r", "16000", "-c", "1", "-b", "16", str(path),
                    "synth", "1", "sine", "300-900", "vol", "0.5"],
                   check=True, capture_output=True, timeout=30)  # fmt: skip
    return path


def rms(data: bytes) -> tuple[int, int, float]:
    """A WAV file's rate, channels and loudness (RMS of its samples, full scale 1)."""
    with wave.open(io.BytesIO(data)) as file:
        rate, channels = file.getframerate(), file.getnchannels()
        samples = array.array("h", file.readframes(file.getnframes()))
    return rate, channels, math.sqrt(sum(s * s for s in samples) / len(samples)) / 32768


def test_an_administrator_records_a_prompt_from_the_microphone(
    qtbot: QtBot, qapp: QApplication, demo_server: ServerProcess, tmp_path: Path
) -> None:
    panel = on_screen(qtbot, PromptsPanel(), 900, 500)
    source = WavInput(spoken(tmp_path))
    panel.microphone = source

    async def work() -> None:
        async with logged_in(demo_server.url) as session:
            desk = PromptsDesk(session, panel)
            try:
                panel.language_box.setCurrentIndex(panel.language_box.findData("en"))
                await asyncio.wait_for(desk.loaded.wait(), WAIT_S)
                names = [name for name, _custom in panel.model.rows]
                name = next(n for n in names if n != "welcome")
                panel.table.selectRow(names.index(name))
                with qtbot.waitActive(panel):
                    panel.activateWindow()
                QTest.keyClick(panel, Qt.Key.Key_D, CTRL)  # the button's click comes after
                await eventually(lambda: panel.record_dialog is not None)
                dialog = panel.record_dialog
                assert dialog is not None
                await eventually(lambda: QApplication.activeWindow() is dialog)
                assert not dialog.use_button.isEnabled()  # nothing recorded yet
                QTest.keyClick(dialog, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
                assert await asyncio.to_thread(source.given.wait, WAIT_S)
                await eventually(lambda: dialog.meter.value() > 20)  # the tone, at half scale
                keep_shot(dialog, "prompt-recording.png")
                QTest.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
                await eventually(source.closed.is_set)
                assert dialog.length_label.text() == "1.0 s recorded"
                assert dialog.listen_button.isEnabled() and dialog.use_button.isEnabled()
                QTest.keyClick(dialog, Qt.Key.Key_U, Qt.KeyboardModifier.AltModifier)
                await asyncio.wait_for(desk.uploaded.wait(), WAIT_S)
                assert (name, True) in panel.model.rows
                assert f"{name} now plays your recording" in panel.status_label.text()
                rate, channels, loudness = rms(await desk.api.audio(Language.EN, name))
                assert (rate, channels) == (8000, 1) and loudness > 0.1, loudness
                await session.client.call("DELETE", f"/config/prompts/en/{name}")
            finally:
                await desk.stop()

    run_on_qt_loop(qapp, work())


def test_the_recorder_s_level_and_the_dialog_s_texts(qtbot: QtBot, qapp: QApplication) -> None:
    assert peak(b"") == 0.0 and peak(array.array("h", [0, -16384, 8192]).tobytes()) == 0.5

    class Silent:
        def open(self, rate: int, on_block: Block) -> "Silent":
            on_block(bytes(2 * rate // 50))
            return self

        def close(self) -> None: ...

    def shown() -> list[str]:
        dialog = RecordDialog("welcome", Recorder(Silent()))
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.start()
        texts = visible_texts(dialog)
        dialog.stop()
        QTest.keyClick(dialog, Qt.Key.Key_Escape)
        assert not dialog.isVisible() and dialog.take == b""
        return texts

    english, swedish = untranslated_texts(qapp, shown, {"welcome"})
    assert english == [], english
    assert "&Spela in" in swedish
