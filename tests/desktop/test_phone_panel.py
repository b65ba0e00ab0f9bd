"""The phone panel offscreen: the offer shown, the controls' signals and keys, the
ringer, auto-answer, notifications and the missed-call badge."""

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from tests.shots import keep_shot
from vaxla_desktop.core.call_state import CallBook
from vaxla_desktop.core.phone_events import (
    AudioRouteChanged,
    Connected,
    Dialling,
    Ended,
    FrontChanged,
    HoldChanged,
    Ringing,
)
from vaxla_desktop.ui.phone_panel import PhonePanel
from vaxla_protocol.control import TransferKind, TransferState
from vaxla_protocol.events import OfferMade

OFFER = OfferMade(
    agent_id=1,
    offer_id="offer-1",
    contact_id=42,
    queue_id=3,
    queue="Support",
    caller="+46701234567",
    entry_point="100",
    wait_s=83.0,
    data={"customer_number": "12345678", "personnummer": "198112189876"},
)


class Clock:
    now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def panel(qtbot: QtBot, clock: Clock) -> Iterator[PhonePanel]:
    panel = PhonePanel(CallBook(clock=clock))
    qtbot.addWidget(panel)
    panel.resize(560, 460)
    panel.show()
    qtbot.waitExposed(panel)
    panel.activateWindow()
    yield panel


def texts(panel: PhonePanel) -> str:
    return " | ".join(
        label.text() for label in panel.findChildren(QLabel) if label.isVisibleTo(panel)
    )


def ring(panel: PhonePanel, call: int = 1, offer_id: str = "offer-1") -> None:
    panel.handle(Ringing(call, offer_id, "<sip:queue@10.0.0.1:5080>"))


def test_idle_says_there_is_no_call(panel: PhonePanel) -> None:
    assert panel.state_label.text() == "No call"
    assert not panel.answer_button.isVisible()
    assert not panel.hang_up_button.isEnabled()


def test_an_offer_shows_caller_queue_wait_and_masked_data(
    panel: PhonePanel, clock: Clock, qtbot: QtBot
) -> None:
    with qtbot.waitSignal(panel.sig_ringing) as ringing:
        ring(panel)
    assert ringing.args == [True]
    assert "Waiting for the caller's details" in texts(panel)
    panel.show_offer(OFFER)
    clock.now += 5
    panel._refresh_times()
    shown = texts(panel)
    assert panel.state_label.text() == "Ringing"
    assert "+46701234567" in shown
    assert "Support · waited 01:28" in shown
    assert "12345678" in shown
    assert "********-9876" in shown and "198112189876" not in shown
    assert panel.timer_label.text() == "00:05"
    assert panel.answer_button.isVisible() and panel.decline_button.isVisible()


def test_answer_and_decline_by_button_and_key(panel: PhonePanel, qtbot: QtBot) -> None:
    ring(panel)
    with qtbot.waitSignal(panel.sig_answer) as answered:
        QTest.mouseClick(panel.answer_button, Qt.MouseButton.LeftButton)
    assert answered.args == [1]
    with qtbot.waitSignal(panel.sig_answer) as by_key:
        QTest.keyClick(panel, Qt.Key.Key_F5)
    assert by_key.args == [1]
    with qtbot.waitSignal(panel.sig_decline) as declined:
        QTest.keyClick(panel, Qt.Key.Key_F6)  # nothing to hang up: F6 declines
    assert declined.args == [1]
    with qtbot.waitSignal(panel.sig_decline):
        QTest.mouseClick(panel.decline_button, Qt.MouseButton.LeftButton)


def test_in_a_call_hang_up_hold_mute_and_keypad(
    panel: PhonePanel, qtbot: QtBot, clock: Clock
) -> None:
    panel.show_offer(OFFER)
    ring(panel)
    with qtbot.waitSignal(panel.sig_ringing) as stopped:
        panel.handle(Connected(1))
    assert stopped.args == [False]
    clock.now += 65
    panel._refresh_times()
    assert panel.state_label.text() == "In call"
    assert panel.timer_label.text() == "01:05"
    assert "waited 01:23" in texts(panel)  # the wait stopped at the answer
    assert not panel.answer_button.isVisible()

    with qtbot.waitSignal(panel.sig_hold) as held:
        QTest.keyClick(panel, Qt.Key.Key_F7)
    assert held.args == [1, True]
    assert not panel.hold_button.isEnabled()  # until the re-INVITE is answered
    asked_again: list[object] = []
    panel.sig_hold.connect(lambda call, on: asked_again.append(on))
    QTest.keyClick(panel, Qt.Key.Key_F7)
    assert asked_again == []
    panel.show_error("call 1: re-INVITE refused")
    assert panel.hold_button.isEnabled()  # it failed: the agent may try again
    QTest.keyClick(panel, Qt.Key.Key_F7)
    assert asked_again == [True]
    panel.sig_hold.disconnect()
    panel.handle(HoldChanged(1, True))
    assert panel.state_label.text() == "On hold"
    assert panel.hold_button.text() == "Resume"
    assert not panel.mute_button.isEnabled() and not panel.keypad_button.isEnabled()
    with qtbot.waitSignal(panel.sig_hold) as resumed:
        QTest.mouseClick(panel.hold_button, Qt.MouseButton.LeftButton)
    assert resumed.args == [1, False]
    panel.handle(HoldChanged(1, False))

    with qtbot.waitSignal(panel.sig_mute) as muted:
        QTest.mouseClick(panel.mute_button, Qt.MouseButton.LeftButton)
    assert muted.args == [1, True]
    assert panel.muted_label.isVisible() and panel.mute_button.text() == "Unmute"
    with qtbot.waitSignal(panel.sig_mute) as unmuted:
        QTest.keyClick(panel, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    assert unmuted.args == [1, False]
    assert not panel.muted_label.isVisible()

    QTest.mouseClick(panel.keypad_button, Qt.MouseButton.LeftButton)
    assert panel.dtmf_pad.isVisible()
    with qtbot.waitSignal(panel.sig_dtmf) as digit:
        QTest.mouseClick(panel.dtmf_pad.buttons["5"], Qt.MouseButton.LeftButton)
    assert digit.args == [1, "5"]
    with qtbot.waitSignal(panel.sig_dtmf) as typed:
        QTest.keyClick(panel.dtmf_pad, Qt.Key.Key_NumberSign)
    assert typed.args == [1, "#"]

    with qtbot.waitSignal(panel.sig_hang_up) as hung_up:
        QTest.keyClick(panel, Qt.Key.Key_F6)
    assert hung_up.args == [1]
    panel.handle(Ended(1, "local", 200, "Normal"))
    assert panel.state_label.text() == "No call"
    assert not panel.dtmf_pad.isVisible()
    assert panel.history.rowCount() == 1


def test_answering_a_second_call_holds_the_first(panel: PhonePanel, qtbot: QtBot) -> None:
    ring(panel)
    panel.handle(Connected(1))
    ring(panel, 2, "offer-2")
    assert "Also ringing" in texts(panel)
    assert panel.state_label.text() == "In call"
    asked: list[tuple[object, ...]] = []
    panel.sig_hold.connect(lambda call, on: asked.append(("hold", call, on)))
    panel.sig_answer.connect(lambda call: asked.append(("answer", call)))
    QTest.mouseClick(panel.answer_button, Qt.MouseButton.LeftButton)
    assert asked == [("hold", 1, True), ("answer", 2)]


def test_auto_answer_beeps_and_answers_without_ringing(panel: PhonePanel, qtbot: QtBot) -> None:
    panel.set_auto_answer(True)
    assert panel.auto_answer_label.isVisible()
    asked: list[object] = []
    panel.sig_ringing.connect(asked.append)
    panel.sig_answer_tone.connect(lambda: asked.append("tone"))
    panel.sig_answer.connect(asked.append)
    ring(panel)
    assert asked == ["tone", 1]  # and never rang


def test_a_missed_call_notifies_and_badges_the_history(panel: PhonePanel, qtbot: QtBot) -> None:
    notes: list[tuple[str, str]] = []
    panel.sig_notify.connect(lambda title, text: notes.append((title, text)))
    ring(panel, 5, "offer-5")
    assert notes == []  # the agent is looking at the window: no tray message
    panel.handle(Ended(5, "remote", 487, "Request Terminated"))
    elsewhere = QWidget()
    qtbot.addWidget(elsewhere)
    elsewhere.show()
    elsewhere.activateWindow()
    qtbot.waitUntil(elsewhere.isActiveWindow)
    panel.show_offer(OFFER)
    ring(panel)
    panel.handle(Ended(1, "remote", 487, "Request Terminated"))
    assert notes == [
        ("Incoming call", "+46701234567 is calling"),
        ("Missed call", "+46701234567 was not answered"),
    ]
    assert elsewhere.isActiveWindow()
    history_tab = panel.tabs.indexOf(panel.history_view)
    assert panel.tabs.tabText(history_tab) == "History (2 missed)"
    panel.tabs.setCurrentIndex(history_tab)
    assert panel.tabs.tabText(history_tab) == "History"
    assert panel.history.missed_unseen == 0


def test_ringing_never_takes_focus(qtbot: QtBot, clock: Clock) -> None:
    other = QWidget()
    qtbot.addWidget(other)
    panel = PhonePanel(CallBook(clock=clock))
    qtbot.addWidget(panel)
    panel.show()
    other.show()
    qtbot.waitExposed(other)
    other.activateWindow()
    qtbot.waitUntil(other.isActiveWindow)
    ring(panel)
    QApplication.processEvents()
    assert other.isActiveWindow()
    assert not panel.isActiveWindow()


def test_the_transfer_dialog_relays_requests(panel: PhonePanel, qtbot: QtBot) -> None:
    panel.set_transfer_targets(agents=["bo", "cecilia"], queues=["Sales"])
    panel.show_offer(OFFER)
    ring(panel)
    panel.handle(Connected(1))
    QTest.keyClick(panel, Qt.Key.Key_F8)
    dialog = panel.transfer_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.target_box.currentText() == "bo"
    with qtbot.waitSignal(panel.sig_transfer) as asked:
        QTest.mouseClick(dialog.attended_button, Qt.MouseButton.LeftButton)
    request = asked.args[0]
    assert (request.contact_id, request.kind, request.target, request.attended) == (
        42,
        TransferKind.AGENT,
        "bo",
        True,
    )
    consulting = TransferState(
        transfer_id="t-1",
        contact_id=42,
        kind=TransferKind.AGENT,
        target="bo",
        attended=True,
        state="consulting",
    )
    panel.show_transfer(consulting)
    assert not panel.transfer_button.isEnabled()
    assert dialog.complete_button.isVisible()
    with qtbot.waitSignal(panel.sig_transfer_complete) as completing:
        QTest.mouseClick(dialog.complete_button, Qt.MouseButton.LeftButton)
    assert completing.args == ["t-1"]
    panel.show_transfer(consulting.model_copy(update={"state": "completed"}))
    assert not dialog.isVisible()


def test_a_call_without_an_offer_cannot_be_transferred(panel: PhonePanel, qtbot: QtBot) -> None:
    panel.handle(Dialling(7, "sip:+4681234567@10.0.0.1"))
    panel.handle(Connected(7))
    assert not panel.transfer_button.isEnabled()
    assert not panel.park_button.isEnabled()
    with qtbot.assertNotEmitted(panel.sig_park):
        QTest.keyClick(panel, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)


def test_a_caller_from_a_queue_is_parked_by_button_and_key(panel: PhonePanel, qtbot: QtBot) -> None:
    panel.show_offer(OFFER)
    ring(panel)
    assert not panel.park_button.isVisible()
    panel.handle(Connected(1))
    assert panel.park_button.isVisible() and panel.park_button.isEnabled()
    assert "Ctrl+P" in panel.park_button.toolTip()
    with qtbot.waitSignal(panel.sig_park) as parked:
        QTest.mouseClick(panel.park_button, Qt.MouseButton.LeftButton)
    assert parked.args == [42]
    with qtbot.waitSignal(panel.sig_park) as parked:
        QTest.keyClick(panel, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert parked.args == [42]


def test_sound_device_problems_are_shown(panel: PhonePanel) -> None:
    panel.handle(AudioRouteChanged(None, None, None, (), True))
    assert "No sound devices" in panel.notice_label.text()
    panel.handle(AudioRouteChanged(None, None, None, ("ALSA/Jabra Evolve",), False))
    assert panel.notice_label.text() == (
        "Jabra Evolve is not connected or stopped working; the system default is used. "
        "Choose it again under Sound… when it is back."
    )
    panel.handle(AudioRouteChanged("Jabra Evolve", "Jabra Evolve", None, (), False))
    assert not panel.notice_label.isVisible()


def test_a_phone_the_sip_front_lacks_says_so_until_it_registers(
    panel: PhonePanel, qtbot: QtBot
) -> None:
    panel.show()
    panel.handle(FrontChanged(False, "another certificate (AB:CD)", certificate=True))
    assert panel.notice_label.isVisible()
    assert "another certificate than the server's own" in panel.notice_label.text()
    keep_shot(panel, "sip-tls-phone-panel-certificate.png")
    panel.handle(FrontChanged(False, "403 Forbidden"))
    assert (
        panel.notice_label.text()
        == "The phone takes no calls: the server refused it (403 Forbidden)."
    )
    panel.handle(FrontChanged(True, "200 OK"))
    assert not panel.notice_label.isVisible()
    # A registration says nothing over another notice (a missing sound device).
    panel.handle(AudioRouteChanged(None, None, None, (), True))
    panel.handle(FrontChanged(True, "200 OK"))
    assert "No sound devices" in panel.notice_label.text()


def test_every_control_has_an_accessible_name_and_the_keys_are_in_tooltips(
    panel: PhonePanel,
) -> None:
    ring(panel)
    panel.handle(Connected(1))
    ring(panel, 2, "offer-2")
    for button in panel.findChildren(QAbstractButton):
        if button.isVisibleTo(panel):
            assert button.accessibleName(), button.text()
    assert "F5" in panel.answer_button.toolTip()
    assert "F6" in panel.hang_up_button.toolTip()
    assert "F7" in panel.hold_button.toolTip()
    assert "F8" in panel.transfer_button.toolTip()


def test_a_hold_the_other_side_never_answers_frees_the_button(
    panel: PhonePanel, clock: Clock, qtbot: QtBot
) -> None:
    ring(panel)
    panel.handle(Connected(1))
    QTest.mouseClick(panel.hold_button, Qt.MouseButton.LeftButton)
    assert not panel.hold_button.isEnabled()
    clock.now += 10
    panel._on_tick()  # what the panel's 1 s timer does
    assert panel.hold_button.isEnabled() and panel.hold_button.text() == "Hold"


def test_a_callback_offer_says_so_with_the_number(
    panel: PhonePanel, clock: Clock, qtbot: QtBot
) -> None:
    ring(panel)
    panel.show_offer(OFFER.model_copy(update={"callback_number": "+46709876543"}))
    panel._refresh_times()
    shown = texts(panel)
    assert panel.caller_label.text() == "+46709876543"
    assert "Callback · Support · waited 01:23" in shown
    assert "+46701234567" not in shown
    keep_shot(panel, "phone-panel-callback-offer.png")
