"""The storm panel offscreen (R6): what is on shown in red, the switch for those who may
use it (keyboard too), nothing asked of the server by the panel itself, Swedish."""

from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.desktop.test_translations import untranslated_texts, visible_texts
from vaxla_desktop.ui.storm_panel import StormPanel
from vaxla_protocol.storm import StormMessage

CTRL_ALT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
STORM = StormMessage(
    entry_point="200",
    text="Vi har just nu en driftstörning i telefonin.",
    prompt=None,
    started_at=datetime(2026, 12, 5, 9, 30, tzinfo=UTC),
    by="supervisor1",
)


def panel(qtbot: QtBot, *, may_switch: bool = True) -> StormPanel:
    widget = StormPanel(may_switch=may_switch)
    qtbot.addWidget(widget)
    widget.set_entry_points(["100", "200"])
    widget.resize(800, 420)
    widget.show()
    return widget


def test_a_storm_on_is_shown_and_switched_off_and_on_by_keyboard(qtbot: QtBot) -> None:
    widget = panel(qtbot)
    assert widget.status_label.text() == "No storm message is switched on."
    assert not widget.on_button.isEnabled() and not widget.off_button.isEnabled()
    widget.show_storms([STORM])
    assert "Storm message ON at 200" in widget.status_label.text()
    assert (
        "supervisor1" in widget.status_label.text()
        and "driftstörning" in widget.status_label.text()
    )
    assert "#b00020" in widget.status_label.styleSheet()
    with qtbot.waitActive(widget):
        widget.activateWindow()
    widget.entry_box.setCurrentText("200")
    assert widget.off_button.isEnabled()
    with qtbot.waitSignal(widget.sig_off_requested) as off:
        QTest.keyClick(widget, Qt.Key.Key_X, CTRL_ALT)
    assert off.args == ["200"]
    widget.entry_box.setCurrentText("100")
    assert not widget.off_button.isEnabled()  # nothing on at 100
    widget.text_edit.setPlainText("Vi har stängt i dag.")
    with qtbot.waitSignal(widget.sig_on_requested) as on:
        QTest.keyClick(widget, Qt.Key.Key_S, CTRL_ALT)
    assert on.args == ["100", "Vi har stängt i dag."]
    widget.text_edit.setPlainText("x" * 1001)
    assert not widget.on_button.isEnabled()  # the server would refuse it


def test_without_the_right_to_switch_only_what_is_on_is_shown(qtbot: QtBot) -> None:
    widget = panel(qtbot, may_switch=False)
    widget.show_storms([STORM])
    assert not widget.on_button.isVisibleTo(widget) and not widget.off_button.isVisibleTo(widget)
    assert "Storm message ON at 200" in widget.status_label.text()


def test_every_text_is_in_swedish(qtbot: QtBot, qapp: QApplication) -> None:
    english, swedish = untranslated_texts(qapp, lambda: visible_texts(panel(qtbot)), {"100", "200"})
    assert english == [], english
    assert "Inget stormmeddelande är påslaget." in swedish
