"""Recording a prompt at the desk (R31): record from the microphone with a level meter,
stop, listen to the take, record again, and use it (the prompts panel uploads it; the
server converts it to 8 kHz mono). Keys: Alt+R records, Alt+S stops, Alt+L listens,
Alt+U uses the take, Esc closes without it.
"""

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vaxla_desktop.sip.recorder import Recorder, RecordingError
from vaxla_desktop.ui.notices import Notices

METER_MS = 50
"""How often the meter shows the microphone's level while recording."""


class RecordDialog(QDialog, Notices):
    """``take`` is the recording (a WAV file) once the administrator chose to use it;
    ``sig_listen`` asks to play a take."""

    sig_listen = Signal(bytes)

    def __init__(self, name: str, recorder: Recorder, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._make_notices()
        self.recorder = recorder
        self.take = b""
        self._take = b""  # the latest recording, used or not
        self.setWindowTitle(self.tr("Record {0}").format(name))
        self.meter = QProgressBar()
        self.meter.setRange(0, 100)
        self.meter.setTextVisible(False)
        self.meter.setAccessibleName(self.tr("Microphone level"))
        self.length_label = QLabel()
        self.record_button = QPushButton(self.tr("&Record"))
        self.stop_button = QPushButton(self.tr("&Stop"))
        self.listen_button = QPushButton(self.tr("&Listen"))
        self.use_button = QPushButton(self.tr("&Use this recording"))
        self.close_button = QPushButton(self.tr("Close"))
        hint = QLabel(self.tr("Speak after pressing Record; stop when you are done."))
        hint.setWordWrap(True)
        buttons = QHBoxLayout()
        for button in (
            self.record_button,
            self.stop_button,
            self.listen_button,
            self.use_button,
            self.close_button,
        ):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.meter)
        layout.addWidget(self.length_label)
        layout.addWidget(self.message_label)
        layout.addLayout(buttons)
        self._timer = QTimer(self)
        self._timer.setInterval(METER_MS)
        self._timer.timeout.connect(self._show_level)
        self.record_button.clicked.connect(self.start)
        self.stop_button.clicked.connect(self.stop)
        self.listen_button.clicked.connect(lambda: self.sig_listen.emit(self._take))
        self.use_button.clicked.connect(self._use)
        self.close_button.clicked.connect(self.reject)
        self._show_buttons()

    def start(self) -> None:
        self.show_error("")
        try:
            self.recorder.start()
        except RecordingError as error:
            self.show_error(self.tr("Cannot record: {0}").format(error))
            return
        self._timer.start()
        self._show_level()
        self._show_buttons()

    def stop(self) -> None:
        if not self.recorder.recording:
            return
        self._timer.stop()
        self._take = self.recorder.stop()
        self._show_level()
        if self.recorder.full:
            self.show_error(self.tr("The recording stopped at its longest, 5 minutes."))
        self._show_buttons()

    def reject(self) -> None:
        if self.recorder.recording:
            self._timer.stop()
            self.recorder.stop()
        super().reject()

    def _use(self) -> None:
        if self._take:
            self.take = self._take
            self.accept()

    def _show_level(self) -> None:
        self.meter.setValue(round(100 * self.recorder.level))
        self.length_label.setText(self.tr("{0:.1f} s recorded").format(self.recorder.seconds))

    def _show_buttons(self) -> None:
        recording = self.recorder.recording
        self.record_button.setEnabled(not recording)
        self.stop_button.setEnabled(recording)
        self.listen_button.setEnabled(not recording and bool(self._take))
        self.use_button.setEnabled(not recording and bool(self._take))
        (self.stop_button if recording else self.record_button).setFocus()
