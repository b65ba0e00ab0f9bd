"""The switchboard's call handling panel offscreen (R29): connect blind with Enter and
announced with Shift+Enter to the person chosen or to a number typed, complete and go
back, hold and retrieve by their keys, several callers held each with its own timer, a
caller that came back marked with a tone; the held model by the model tester; Swedish;
a screenshot to look at."""

from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tests.desktop.test_directory_panel import PEOPLE
from tests.desktop.test_translations import untranslated_texts, visible_texts
from tests.shots import keep_shot
from vaxla_desktop.ui.switchboard_panel import HeldModel, SwitchboardPanel
from vaxla_protocol.control import (
    ParkedContact,
    TransferKind,
    TransferState,
    TransferStateName,
)

NOW = datetime.now(UTC)
SHIFT = Qt.KeyboardModifier.ShiftModifier


def held(
    contact_id: int, caller: str, seconds: float, came_back: str | None = None
) -> ParkedContact:
    return ParkedContact(contact_id=contact_id, agent_id=5, caller=caller, queue="Växeln",
                         parked_at=NOW - timedelta(seconds=seconds), wait_s=seconds + 10,
                         held=came_back is None, came_back_from=came_back)  # fmt: skip


HELD = [held(11, "+46701112233", 95), held(12, "+46855500011", 30)]


def consulting(state: TransferStateName = "consulting", detail: str = "") -> TransferState:
    return TransferState(transfer_id="t1", contact_id=10, kind=TransferKind.AGENT,
                         target="anders", attended=True, state=state, detail=detail)  # fmt: skip


def panel(qtbot: QtBot) -> SwitchboardPanel:
    widget = SwitchboardPanel()
    qtbot.addWidget(widget)
    widget.resize(960, 620)
    widget.show()
    widget.show_people(PEOPLE)
    widget.show_call(10, "+46731234567", NOW - timedelta(seconds=42))
    with qtbot.waitActive(widget):
        widget.activateWindow()
    return widget


def test_the_held_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    model = HeldModel()
    model.show_held([*HELD, held(13, "+4631000", 5, came_back="anders")])
    model.tick(NOW)
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]


def test_enter_connects_blind_and_shift_enter_announced(qtbot: QtBot) -> None:
    widget = panel(qtbot)
    widget.search.setFocus()
    QTest.keyClick(widget.search, Qt.Key.Key_Down)
    assert widget.view.hasFocus() and widget.chosen() == PEOPLE[0]
    with qtbot.waitSignal(widget.sig_connect) as blind:
        QTest.keyClick(widget.view, Qt.Key.Key_Return)
    assert blind.args == ["anders", False, False]
    widget.search.setFocus()
    with qtbot.waitSignal(widget.sig_connect) as announced:
        QTest.keyClick(widget.search, Qt.Key.Key_Return, SHIFT)
    assert announced.args == ["anders", False, True]
    # Zlatan has no extension: his other number; a number typed goes outside the directory.
    widget.view.selectRow(1)
    with qtbot.waitSignal(widget.sig_connect) as other:
        QTest.keyClick(widget.view, Qt.Key.Key_Return)
    assert other.args == ["+4681234567", True, False]
    widget.search.setText("+46 8 123 456")
    with qtbot.waitSignal(widget.sig_connect) as outside:
        QTest.keyClick(widget.search, Qt.Key.Key_Return)
    assert outside.args == ["+468123456", True, False]


def test_an_announced_connection_completes_or_goes_back_by_key(qtbot: QtBot) -> None:
    widget = panel(qtbot)
    widget.show_transfer(consulting())
    assert "Talking with anders" in widget.transfer_label.text()
    assert not widget.connect_button.isEnabled() and widget.complete_button.isEnabled()
    with qtbot.assertNotEmitted(widget.sig_connect):
        QTest.keyClick(widget.search, Qt.Key.Key_Return)
    assert "under way" in widget.message_label.text()
    with qtbot.waitSignal(widget.sig_back):
        QTest.keyClick(widget.search, Qt.Key.Key_Escape)
    with qtbot.waitSignal(widget.sig_complete):
        QTest.keyClick(widget.search, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    widget.show_transfer(consulting("cancelled"))
    assert widget.connect_button.isEnabled()
    with qtbot.assertNotEmitted(widget.sig_back):
        QTest.keyClick(widget.search, Qt.Key.Key_Escape)


def test_hold_several_and_retrieve_any_by_key(qtbot: QtBot) -> None:
    widget = panel(qtbot)
    with qtbot.waitSignal(widget.sig_hold):
        QTest.keyClick(widget.search, Qt.Key.Key_F3)
    widget.show_call(None, None, NOW)
    widget.show_held(HELD)
    model = widget.held_model
    model.tick(NOW)  # the timers as at NOW
    assert [model.data(model.index(r, HeldModel.HELD)) for r in range(2)] == ["1:35", "0:30"]
    assert model.data(model.index(0, HeldModel.NOTE)) == "On hold"
    with qtbot.assertNotEmitted(widget.sig_hold):
        QTest.keyClick(widget.search, Qt.Key.Key_F3)
    assert widget.message_label.text() == "No call to hold"
    with qtbot.waitSignal(widget.sig_retrieve) as longest:
        QTest.keyClick(widget.search, Qt.Key.Key_F4)
    assert longest.args == [11]  # none chosen: the longest held
    widget.held_view.selectRow(1)
    with qtbot.waitSignal(widget.sig_retrieve) as chosen:
        QTest.keyClick(widget.held_view, Qt.Key.Key_F4)
    assert chosen.args == [12]
    widget.show_call(10, "+46731234567", NOW)
    with qtbot.assertNotEmitted(widget.sig_retrieve):
        QTest.keyClick(widget.search, Qt.Key.Key_F4)
    assert "before retrieving" in widget.message_label.text()


def test_a_caller_that_came_back_is_marked_with_a_tone(qtbot: QtBot) -> None:
    widget = panel(qtbot)
    widget.show_held(HELD)
    with qtbot.waitSignal(widget.sig_tone):
        widget.show_held([*HELD, held(13, "+4631000", 2, came_back="anders")])
    model = widget.held_model
    assert model.data(model.index(2, HeldModel.NOTE)) == "Came back: anders did not answer"
    assert model.data(model.index(2, HeldModel.NOTE), Qt.ItemDataRole.BackgroundRole) is not None
    with qtbot.assertNotEmitted(widget.sig_tone):  # told again: no second tone
        widget.show_held([*HELD, held(13, "+4631000", 3, came_back="anders")])
    widget.show_transfer(
        consulting("failed", "anders did not answer in 20 s; the caller is back with you")
    )
    assert "Keys" not in widget.toolTip() and "F3: hold the caller" in widget.toolTip()
    keep_shot(widget, "switchboard-en.png")


def test_every_text_is_in_swedish(qtbot: QtBot, qapp: QApplication) -> None:
    data = {"+46731234567  0:42", "Lunch"}

    def shown() -> list[str]:
        widget = panel(qtbot)
        widget.show_held([*HELD, held(13, "+4631000", 2, came_back="anders")])
        texts = visible_texts(widget)
        model = widget.held_model
        texts += [str(model.headerData(c, Qt.Orientation.Horizontal)) for c in range(3)]
        texts += [str(model.data(model.index(r, HeldModel.NOTE))) for r in range(3)]
        widget.show_transfer(consulting())
        texts.append(widget.transfer_label.text().replace("anders", ""))
        keep_shot(widget, f"switchboard-{'sv' if 'Koppla (Enter)' in texts else 'en'}.png")
        return [text for text in texts if text]

    english, swedish = untranslated_texts(qapp, shown, data)
    assert english == [], english
    assert "Koppla (Enter)" in swedish and "Tillbaka: anders svarade inte" in swedish
