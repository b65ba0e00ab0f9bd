"""Choosing the microphone, the speaker and the ringer, and auto-answer.

The lists come from the softphone's devices (pjsua2's); "System default" is always
there, so a machine without sound devices still shows a working dialog that says so.
A remembered device that is not plugged in stays listed as "(not connected)", so
choosing again is not needed when it comes back.
"""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from vaxla_desktop.sip.audio import AudioChoice, AudioDevice

PROBLEM_COLOUR = "#b00020"


class AudioSettingsDialog(QDialog):
    def __init__(
        self,
        devices: list[AudioDevice],
        choice: AudioChoice,
        *,
        auto_answer: bool,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Sound and answering"))
        self.setAccessibleName(self.tr("Sound and answering"))
        inputs = [device for device in devices if device.inputs > 0]
        outputs = [device for device in devices if device.outputs > 0]
        self.microphone_box = self._devices_box(inputs, choice.microphone)
        self.microphone_box.setAccessibleName(self.tr("Microphone"))
        self.speaker_box = self._devices_box(outputs, choice.speaker)
        self.speaker_box.setAccessibleName(self.tr("Speaker"))
        self.ringer_box = self._devices_box(outputs, choice.ringer)
        self.ringer_box.setAccessibleName(self.tr("Ringer"))
        self.ringer_box.setToolTip(self.tr("Where offers ring, e.g. the computer's loudspeaker"))
        self.auto_answer_check = QCheckBox(self.tr("&Answer offers automatically (with a tone)"))
        self.auto_answer_check.setAccessibleName(self.tr("Answer offers automatically"))
        self.auto_answer_check.setChecked(auto_answer)
        self.no_devices_label = QLabel(
            self.tr("No sound devices found: calls connect, but without sound.")
        )
        self.no_devices_label.setWordWrap(True)
        self.no_devices_label.setStyleSheet(f"color: {PROBLEM_COLOUR};")
        self.no_devices_label.setVisible(not devices)

        form = QFormLayout()
        for text, box in (
            (self.tr("&Microphone:"), self.microphone_box),
            (self.tr("&Speaker:"), self.speaker_box),
            (self.tr("&Ringer:"), self.ringer_box),
        ):
            label = QLabel(text)
            label.setBuddy(box)
            form.addRow(label, box)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.no_devices_label)
        layout.addLayout(form)
        layout.addWidget(self.auto_answer_check)
        layout.addWidget(buttons)

    def _devices_box(self, devices: list[AudioDevice], chosen: str | None) -> QComboBox:
        box = QComboBox()
        box.addItem(self.tr("System default"), None)
        for device in devices:
            box.addItem(device.name, device.key)
        if chosen is not None:
            found = box.findData(chosen, Qt.ItemDataRole.UserRole)
            if found < 0:
                name = chosen.split("/", 1)[-1]
                box.addItem(self.tr("{0} (not connected)").format(name), chosen)
                found = box.count() - 1
            box.setCurrentIndex(found)
        return box

    @property
    def choice(self) -> AudioChoice:
        def key(box: QComboBox) -> str | None:
            data = box.currentData()
            return data if isinstance(data, str) else None

        return AudioChoice(
            microphone=key(self.microphone_box),
            speaker=key(self.speaker_box),
            ringer=key(self.ringer_box),
        )

    @property
    def auto_answer(self) -> bool:
        return self.auto_answer_check.isChecked()
