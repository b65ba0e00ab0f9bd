"""The sound dialog and what the softphone remembers (QSettings in an INI file)."""

from pathlib import Path

from pytestqt.qtbot import QtBot

from vaxla_desktop.phone_settings import PhoneSettings
from vaxla_desktop.sip.audio import AudioChoice, AudioDevice
from vaxla_desktop.ui.audio_settings import AudioSettingsDialog

HEADSET = AudioDevice(0, "Jabra Evolve", "ALSA", inputs=1, outputs=2)
HDMI = AudioDevice(1, "HDMI", "ALSA", inputs=0, outputs=2)


def items(box: object) -> list[str]:
    from PySide6.QtWidgets import QComboBox

    assert isinstance(box, QComboBox)
    return [box.itemText(i) for i in range(box.count())]


def test_without_devices_the_dialog_says_so_and_offers_the_default(qtbot: QtBot) -> None:
    dialog = AudioSettingsDialog([], AudioChoice(), auto_answer=False)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.no_devices_label.isVisible()
    assert items(dialog.microphone_box) == ["System default"]
    assert dialog.choice == AudioChoice()


def test_inputs_and_outputs_are_listed_where_they_fit(qtbot: QtBot) -> None:
    dialog = AudioSettingsDialog([HEADSET, HDMI], AudioChoice(), auto_answer=True)
    qtbot.addWidget(dialog)
    assert items(dialog.microphone_box) == ["System default", "Jabra Evolve"]
    assert items(dialog.ringer_box) == ["System default", "Jabra Evolve", "HDMI"]
    assert not dialog.no_devices_label.isVisibleTo(dialog)
    dialog.microphone_box.setCurrentIndex(1)
    dialog.ringer_box.setCurrentIndex(2)
    dialog.auto_answer_check.setChecked(False)
    assert dialog.choice == AudioChoice(microphone=HEADSET.key, ringer=HDMI.key)
    assert dialog.auto_answer is False


def test_a_remembered_device_that_is_unplugged_stays_chosen(qtbot: QtBot) -> None:
    dialog = AudioSettingsDialog([HDMI], AudioChoice(speaker=HEADSET.key), auto_answer=False)
    qtbot.addWidget(dialog)
    assert dialog.speaker_box.currentText() == "Jabra Evolve (not connected)"
    assert dialog.choice.speaker == HEADSET.key


def test_devices_and_auto_answer_are_remembered(tmp_path: Path) -> None:
    path = tmp_path / "settings.ini"
    settings = PhoneSettings(path)
    assert settings.audio == AudioChoice()
    assert settings.auto_answer("anna") is False
    settings.set_audio(AudioChoice(microphone=HEADSET.key, ringer=HDMI.key))
    settings.set_auto_answer("anna", True)
    settings.set_auto_answer("kiosk/1", False)
    again = PhoneSettings(path)
    assert again.audio == AudioChoice(microphone=HEADSET.key, ringer=HDMI.key)
    assert again.auto_answer("anna") is True
    assert again.auto_answer("bo") is False  # per user
    assert again.auto_answer("kiosk/1") is False
    again.set_audio(AudioChoice())
    assert PhoneSettings(path).audio == AudioChoice()
