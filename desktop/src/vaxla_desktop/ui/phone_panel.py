"""The softphone's panel: the offered caller, the call's state and its controls.

What the main window uses (the whole API):

- ``show_offer(OfferMade)`` — the server's offer from the event socket; it is matched to
  the ringing call by ``offer_id`` in whichever order the two arrive.
- ``handle(SoftphoneEvent)`` — every event of the softphone (``SoftphoneBridge.sig_event``).
- ``show_transfer(TransferState)`` and ``show_error(str)`` — answers from the server.
- ``set_auto_answer(bool)``; ``set_transfer_targets(agents=, queues=)``;
  ``set_transfer_people(people)`` (the directory's, asked for by ``sig_transfer_opened()``
  each time the transfer dialog opens).
- Signals the app routes to the softphone: ``sig_answer(call)``, ``sig_decline(call)``,
  ``sig_hang_up(call)``, ``sig_hold(call, on)``, ``sig_mute(call, on)``,
  ``sig_dtmf(call, digit)``, ``sig_ringing(on)`` (the ringer), ``sig_answer_tone()``
  (auto-answer's beep) and ``sig_dial(number)`` (call back from the history); and to the
  server: ``sig_transfer(TransferRequest)``, ``sig_transfer_complete(id)``,
  ``sig_transfer_cancel(id)``. ``sig_notify(title, text)`` asks for a tray message (it
  never takes focus); ``sig_audio_settings()`` asks for the sound dialog;
  ``sig_sms()`` asks for the SMS dialog (the desk fetches what may be sent, then
  ``open_sms(AgentSmsOptions)`` shows it; its ``sig_send`` goes to the desk).

Keys: F5 answer, F6 hang up (or decline), F7 hold/resume, F8 transfer, Ctrl+M mute,
Ctrl+K keypad, Ctrl+P park (``sig_park(contact_id)``), Ctrl+Shift+S an SMS to the caller
of the current or last call. The agent panel uses F9/F10.
"""

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from vaxla_desktop.core.call_state import (
    Action,
    CallBook,
    CallPhase,
    Outcome,
    PhoneCall,
    entry_label,
    format_duration,
)
from vaxla_desktop.core.phone_events import (
    AudioRouteChanged,
    Ended,
    FrontChanged,
    Refused,
    Ringing,
    SoftphoneEvent,
)
from vaxla_desktop.ui.call_history import CallHistoryModel, CallHistoryView
from vaxla_desktop.ui.dtmf_pad import DtmfPad
from vaxla_desktop.ui.sms_dialog import SmsDialog
from vaxla_desktop.ui.transfer_dialog import TransferDialog
from vaxla_protocol.control import TransferState
from vaxla_protocol.directory import PersonItem
from vaxla_protocol.events import OfferMade
from vaxla_protocol.sms import AgentSmsOptions

ANSWER_KEY = Qt.Key.Key_F5
HANG_UP_KEY = Qt.Key.Key_F6
HOLD_KEY = Qt.Key.Key_F7
TRANSFER_KEY = Qt.Key.Key_F8
MUTE_KEYS = "Ctrl+M"
KEYPAD_KEYS = "Ctrl+K"
PARK_KEYS = "Ctrl+P"
SMS_KEYS = "Ctrl+Shift+S"

# Background of the state badge; the badge always says the state in words too.
PHASE_COLOURS = {
    None: "#5f6368",
    CallPhase.RINGING: "#b35c00",
    CallPhase.DIALLING: "#1b5e9b",
    CallPhase.TALKING: "#1b7f3b",
    CallPhase.HELD: "#6a4c93",
}
MUTED_COLOUR = "#b00020"
PROBLEM_COLOUR = "#b00020"
NOTICE_COLOUR = "#8a5a00"
TICK_MS = 1000


class PhonePanel(QWidget):
    sig_answer = Signal(int)
    sig_decline = Signal(int)
    sig_hang_up = Signal(int)
    sig_hold = Signal(int, bool)
    sig_mute = Signal(int, bool)
    sig_dtmf = Signal(int, str)
    sig_ringing = Signal(bool)
    sig_answer_tone = Signal()
    sig_dial = Signal(str)
    sig_transfer = Signal(object)  # TransferRequest
    sig_transfer_opened = Signal()  # the desk fetches the directory's people for it
    sig_transfer_complete = Signal(str)
    sig_transfer_cancel = Signal(str)
    sig_park = Signal(int)  # the contact id: park the caller in my personal queue
    sig_notify = Signal(str, str)
    sig_audio_settings = Signal()
    sig_sms = Signal()

    def __init__(
        self,
        book: CallBook | None = None,
        history: CallHistoryModel | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.book = book or CallBook()
        self.history = history or CallHistoryModel(self)
        self.auto_answer = False
        self.transfer_dialog: TransferDialog | None = None
        self.sms_dialog: SmsDialog | None = None
        self._front_problem: str | None = None  # the notice of a phone the front lacks
        self._agents: list[str] = []
        self._queues: list[str] = []
        self._people: list[PersonItem] = []
        self._ringing = False
        self._shown_details: tuple[int, bool] | None = None
        self.setAccessibleName(self.tr("Phone"))

        # The call card
        self.state_label = QLabel()
        self.state_label.setAccessibleName(self.tr("Call state"))
        self.state_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.state_label.setMinimumWidth(110)
        self.muted_label = QLabel(self.tr("Muted"))
        self.muted_label.setAccessibleName(self.tr("Microphone muted"))
        self.muted_label.setStyleSheet(
            f"color: white; background: {MUTED_COLOUR}; border-radius: 4px; padding: 3px 8px;"
            " font-weight: bold;"
        )
        self.timer_label = QLabel()
        self.timer_label.setAccessibleName(self.tr("Call time"))
        self.timer_label.setStyleSheet("font-size: 16pt; font-family: monospace;")
        self.caller_label = QLabel()
        self.caller_label.setAccessibleName(self.tr("Caller"))
        self.caller_label.setStyleSheet("font-size: 20pt; font-weight: bold;")
        self.caller_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.queue_label = QLabel()
        self.queue_label.setAccessibleName(self.tr("Queue and wait"))
        self.queue_label.setStyleSheet("font-size: 12pt;")
        self.details_form = QFormLayout()
        self.details_form.setContentsMargins(0, 4, 0, 4)
        self.waiting_label = QLabel()
        self.waiting_label.setAccessibleName(self.tr("Another call"))
        self.waiting_label.setStyleSheet(f"color: {NOTICE_COLOUR}; font-weight: bold;")
        self.notice_label = QLabel()
        self.notice_label.setAccessibleName(self.tr("Phone message"))
        self.notice_label.setWordWrap(True)

        # Controls
        self.answer_button = self._button(
            self.tr("Answer"), self.tr("Answer the call"), ANSWER_KEY, "#1b7f3b"
        )
        self.decline_button = self._button(
            self.tr("Decline"), self.tr("Decline the offer"), None, "#b00020"
        )
        self.hang_up_button = self._button(
            self.tr("Hang up"), self.tr("End the call"), HANG_UP_KEY, "#b00020"
        )
        self.hold_button = self._button(self.tr("Hold"), self.tr("Hold the call"), HOLD_KEY)
        self.mute_button = self._button(self.tr("Mute"), self.tr("Mute the microphone"), MUTE_KEYS)
        self.mute_button.setCheckable(True)
        self.keypad_button = self._button(
            self.tr("Keypad"), self.tr("Show the keypad"), KEYPAD_KEYS
        )
        self.keypad_button.setCheckable(True)
        self.transfer_button = self._button(
            self.tr("Transfer…"), self.tr("Transfer the call"), TRANSFER_KEY
        )
        self.park_button = self._button(
            self.tr("Park"), self.tr("Park the caller in your personal queue"), PARK_KEYS
        )
        self.sms_button = QPushButton(self.tr("SMS…"))
        self.sms_button.setAccessibleName(self.tr("Send an SMS to the caller"))
        self.sms_button.setToolTip(
            self.tr("Send an SMS from a template to the caller of the current or last call")
            + f" ({QKeySequence(SMS_KEYS).toString(QKeySequence.SequenceFormat.NativeText)})"
        )
        self.sound_button = QPushButton(self.tr("Sound…"))
        self.sound_button.setAccessibleName(self.tr("Sound and answering settings"))
        self.sound_button.setToolTip(self.tr("Microphone, speaker, ringer and auto-answer"))
        self.auto_answer_label = QLabel(self.tr("Auto-answer on"))
        self.auto_answer_label.setAccessibleName(self.tr("Auto-answer"))
        self.auto_answer_label.setStyleSheet(f"color: {NOTICE_COLOUR};")
        self.auto_answer_label.hide()
        self.dtmf_pad = DtmfPad()
        self.dtmf_pad.hide()

        self.answer_button.clicked.connect(self._on_answer)
        self.decline_button.clicked.connect(self._on_decline)
        self.hang_up_button.clicked.connect(self._on_hang_up)
        self.hold_button.clicked.connect(self._on_hold)
        self.mute_button.clicked.connect(self._on_mute)
        self.keypad_button.toggled.connect(self._on_keypad)
        self.transfer_button.clicked.connect(self._on_transfer)
        self.park_button.clicked.connect(self._on_park)
        self.sound_button.clicked.connect(self.sig_audio_settings)
        self.sms_button.clicked.connect(self.sig_sms)
        self.dtmf_pad.sig_digit.connect(self._on_digit)
        # Shortcuts of the panel, not of its buttons: they work whichever control has
        # focus, and F6 also declines a ringing offer when there is no call to hang up.
        for key, slot in (
            (ANSWER_KEY, self._on_answer),
            (HANG_UP_KEY, self._on_hang_up_key),
            (HOLD_KEY, self._on_hold),
            (TRANSFER_KEY, self._on_transfer),
            (PARK_KEYS, self._on_park),
            (MUTE_KEYS, self._on_mute),
            (KEYPAD_KEYS, self.keypad_button.toggle),
            (SMS_KEYS, self.sig_sms.emit),
        ):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.activated.connect(slot)

        header = QHBoxLayout()
        header.addWidget(self.state_label)
        header.addWidget(self.muted_label)
        header.addStretch(1)
        header.addWidget(self.timer_label)
        ring_row = QHBoxLayout()
        ring_row.addWidget(self.answer_button)
        ring_row.addWidget(self.decline_button)
        call_row = QHBoxLayout()
        self._call_buttons = (
            self.hang_up_button,
            self.hold_button,
            self.mute_button,
            self.keypad_button,
            self.transfer_button,
            self.park_button,
        )
        for button in self._call_buttons:
            call_row.addWidget(button)
        footer = QHBoxLayout()
        footer.addWidget(self.auto_answer_label)
        footer.addStretch(1)
        footer.addWidget(self.sms_button)
        footer.addWidget(self.sound_button)

        card = QFrame()
        card.setFrameShape(QFrame.Shape.StyledPanel)
        card_layout = QVBoxLayout(card)
        card_layout.addLayout(header)
        card_layout.addWidget(self.caller_label)
        card_layout.addWidget(self.queue_label)
        card_layout.addLayout(self.details_form)
        card_layout.addWidget(self.waiting_label)
        card_layout.addLayout(ring_row)
        card_layout.addLayout(call_row)
        card_layout.addWidget(self.dtmf_pad)
        card_layout.addWidget(self.notice_label)
        card_layout.addStretch(1)
        card_layout.addLayout(footer)

        self.history_view = CallHistoryView(self.history)
        self.history_view.sig_dial.connect(self.sig_dial)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(self.tr("Phone"))
        self.tabs.addTab(card, self.tr("Call"))
        self.tabs.addTab(self.history_view, self.tr("History"))
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.history.sig_missed_changed.connect(self._on_missed_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

        self._ticker = QTimer(self)
        self._ticker.setInterval(TICK_MS)
        self._ticker.timeout.connect(self._on_tick)
        self._refresh()

    def _button(
        self, text: str, name: str, key: Qt.Key | str | None, colour: str | None = None
    ) -> QPushButton:
        button = QPushButton(text)
        button.setAccessibleName(name)
        if key is not None:
            sequence = QKeySequence(key)
            shown = sequence.toString(QKeySequence.SequenceFormat.NativeText)
            button.setToolTip(self.tr("{0} ({1})").format(name, shown))
        else:
            button.setToolTip(name)
        button.setMinimumHeight(34)
        if colour is not None:
            button.setStyleSheet(
                f"QPushButton {{ background: {colour}; color: white; font-weight: bold;"
                " border-radius: 4px; padding: 4px 14px; }"
                " QPushButton:disabled { background: #c7c7c7; color: #6b6b6b; }"
            )
        return button

    # The API

    def show_offer(self, offer: OfferMade) -> None:
        """The server's offer: who is calling, from which queue, what they entered."""
        self.book.offer(offer)
        self._refresh()

    def handle(self, event: SoftphoneEvent) -> None:
        """One softphone event."""
        if isinstance(event, AudioRouteChanged):
            self._show_route(event)
            return
        if isinstance(event, Refused):
            return  # not a call of ours; the softphone logged it
        if isinstance(event, FrontChanged):
            self._show_front(event)
            return
        phone_call, entry = self.book.apply(event)
        if entry is not None:
            self.history.add(entry)
        if isinstance(event, Ringing) and phone_call is not None:
            self._on_ringing(phone_call)
        if isinstance(event, Ended) and phone_call is not None:
            self._on_ended(phone_call)
        self._refresh()

    def show_transfer(self, state: TransferState) -> None:
        self.book.transfer_changed(state)
        if self.transfer_dialog is not None:
            self.transfer_dialog.show_state(state)
        self._refresh()

    def show_error(self, message: str) -> None:
        self.book.hold_failed()  # whatever failed, hold may be pressed again
        self._refresh()
        if self.transfer_dialog is not None and self.transfer_dialog.isVisible():
            self.transfer_dialog.show_error(message)
        self._notice(message, PROBLEM_COLOUR)

    def set_auto_answer(self, on: bool) -> None:
        self.auto_answer = on
        self.auto_answer_label.setVisible(on)

    def set_transfer_targets(self, *, agents: list[str], queues: list[str]) -> None:
        self._agents, self._queues = agents, queues
        if self.transfer_dialog is not None:
            self.transfer_dialog.set_targets(agents=agents, queues=queues)

    def set_transfer_people(self, people: list[PersonItem]) -> None:
        """The directory's people the transfer dialog offers (R26)."""
        self._people = people
        if self.transfer_dialog is not None:
            self.transfer_dialog.set_people(people)

    # Which call each control acts on

    def ringing_call(self) -> PhoneCall | None:
        ringing = sorted(self.book.ringing, key=lambda c: c.started_at)
        return ringing[0] if ringing else None

    def active_call(self) -> PhoneCall | None:
        """The call the in-call controls act on (not a ringing one)."""
        current = self.book.current()
        return current if current is not None and current.phase is not CallPhase.RINGING else None

    # Events

    def _on_ringing(self, phone_call: PhoneCall) -> None:
        if self.auto_answer and self.active_call() is None:
            self.sig_answer_tone.emit()
            self.sig_answer.emit(phone_call.call)
            return
        self._set_ringing(True)
        who = phone_call.caller or self.tr("Unknown number")
        self._notify(self.tr("Incoming call"), self.tr("{0} is calling").format(who))

    def _on_ended(self, phone_call: PhoneCall) -> None:
        if phone_call.outcome is Outcome.MISSED:
            who = phone_call.caller or self.tr("Unknown number")
            self._notify(self.tr("Missed call"), self.tr("{0} was not answered").format(who))
        if self.transfer_dialog is not None and self.active_call() is None:
            self.transfer_dialog.reject()

    def _notify(self, title: str, text: str) -> None:
        """Tell an agent who is looking elsewhere: a tray message (``sig_notify``) and a
        flashing task bar entry. Neither takes focus from what the agent is typing in."""
        window = self.window()
        if window.isActiveWindow():
            return
        self.sig_notify.emit(title, text)
        QApplication.alert(window)

    def _set_ringing(self, ringing: bool) -> None:
        if ringing != self._ringing:
            self._ringing = ringing
            self.sig_ringing.emit(ringing)

    def _show_route(self, event: AudioRouteChanged) -> None:
        if event.no_devices:
            self._notice(self.tr("No sound devices: calls connect without sound."), NOTICE_COLOUR)
        elif event.missing:
            self._notice(
                self.tr(
                    "{0} is not connected or stopped working; the system default is used. "
                    "Choose it again under Sound… when it is back."
                ).format(", ".join(key.split("/", 1)[-1] for key in event.missing)),
                NOTICE_COLOUR,
            )
        else:
            self._notice("", NOTICE_COLOUR)

    def _show_front(self, event: FrontChanged) -> None:
        """The phone's registration over TLS: a problem while offers cannot reach it."""
        if event.registered:
            if self._front_problem is not None and self.notice_label.text() == self._front_problem:
                self._notice("", NOTICE_COLOUR)
            self._front_problem = None
            return
        if event.certificate:
            text = self.tr(
                "The phone takes no calls: the server's SIP connection presented another "
                "certificate than the server's own, so the phone refused it. Ask IT."
            )
        else:
            text = self.tr("The phone takes no calls: the server refused it ({0}).").format(
                event.reason
            )
        self._front_problem = text
        self._notice(text, PROBLEM_COLOUR)

    def _notice(self, text: str, colour: str) -> None:
        self.notice_label.setText(text)
        self.notice_label.setStyleSheet(f"color: {colour};")
        self.notice_label.setVisible(bool(text))

    # Controls

    def _on_answer(self) -> None:
        ringing = self.ringing_call()
        if ringing is None:
            return
        active = self.active_call()
        if active is not None and active.phase is CallPhase.TALKING:
            self.sig_hold.emit(active.call, True)  # the caller waits with music, not silence
        self._set_ringing(False)
        self.sig_answer.emit(ringing.call)

    def _on_decline(self) -> None:
        ringing = self.ringing_call()
        if ringing is not None:
            self.sig_decline.emit(ringing.call)

    def _on_hang_up(self) -> None:
        active = self.active_call()
        if active is not None:
            self.sig_hang_up.emit(active.call)

    def _on_hang_up_key(self) -> None:
        if self.active_call() is not None:
            self._on_hang_up()
        else:
            self._on_decline()

    def _on_hold(self) -> None:
        active = self.active_call()
        if active is None:
            return
        if not active.actions & {Action.HOLD, Action.RESUME}:
            return
        on_hold = Action.HOLD in active.actions
        self.book.hold_requested(active.call)
        self._refresh()
        self.sig_hold.emit(active.call, on_hold)

    def _on_mute(self) -> None:
        active = self.active_call()
        if active is None or Action.MUTE not in active.actions:
            self.mute_button.setChecked(False)
            return
        muted = not active.muted
        self.book.set_muted(active.call, muted)
        self.sig_mute.emit(active.call, muted)
        self._refresh()

    def _on_keypad(self, shown: bool) -> None:
        self.dtmf_pad.setVisible(shown)
        if shown:
            self.dtmf_pad.setFocus()

    def _on_digit(self, digit: str) -> None:
        active = self.active_call()
        if active is not None and Action.DTMF in active.actions:
            self.sig_dtmf.emit(active.call, digit)

    def _on_transfer(self) -> None:
        active = self.active_call()
        if active is None or Action.TRANSFER not in active.actions or active.offer is None:
            if active is not None and active.offer is None:
                self.show_error(self.tr("Only a caller from a queue can be transferred."))
            return
        if self.transfer_dialog is None or self.transfer_dialog.contact_id != (
            active.offer.contact_id
        ):
            dialog = TransferDialog(
                active.offer.contact_id, agents=self._agents, queues=self._queues, parent=self
            )
            dialog.sig_start.connect(self.sig_transfer)
            dialog.sig_complete.connect(self.sig_transfer_complete)
            dialog.sig_cancel.connect(self.sig_transfer_cancel)
            dialog.set_people(self._people)
            self.transfer_dialog = dialog
        self.transfer_dialog.show()
        self.transfer_dialog.raise_()
        self.sig_transfer_opened.emit()

    def _on_park(self) -> None:
        """The caller waits in my personal queue (music on hold) and my leg ends; the
        agent panel's Personal queue tab lists it for taking back."""
        active = self.active_call()
        if active is None or Action.TRANSFER not in active.actions:
            return
        if active.offer is None:
            self.show_error(self.tr("Only a caller from a queue can be parked."))
            return
        self.sig_park.emit(active.offer.contact_id)

    def open_sms(self, options: AgentSmsOptions) -> SmsDialog:
        """Show the SMS dialog for ``options`` (a new one: the last call may have
        changed); the caller connects its ``sig_send``."""
        if self.sms_dialog is not None:
            self.sms_dialog.close()
            self.sms_dialog.deleteLater()
        self.sms_dialog = SmsDialog(options, parent=self)
        self.sms_dialog.show()
        self.sms_dialog.raise_()
        return self.sms_dialog

    def _on_tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.history_view:
            self.history.mark_seen()

    def _on_missed_changed(self, missed: int) -> None:
        if missed and self.tabs.currentWidget() is self.history_view and self.isVisible():
            self.history.mark_seen()
            return
        index = self.tabs.indexOf(self.history_view)
        if missed:
            self.tabs.setTabText(index, self.tr("History ({0} missed)").format(missed))
            self.tabs.tabBar().setTabTextColor(index, Qt.GlobalColor.red)
        else:
            self.tabs.setTabText(index, self.tr("History"))
            self.tabs.tabBar().setTabTextColor(index, self.palette().windowText().color())

    # Drawing

    def phase_text(self, phase: CallPhase | None) -> str:
        match phase:
            case CallPhase.RINGING:
                return self.tr("Ringing")
            case CallPhase.DIALLING:
                return self.tr("Calling")
            case CallPhase.TALKING:
                return self.tr("In call")
            case CallPhase.HELD:
                return self.tr("On hold")
            case _:
                return self.tr("No call")

    def _refresh(self) -> None:
        current = self.book.current()
        ringing = self.ringing_call()
        active = self.active_call()
        if ringing is None:
            self._set_ringing(False)
        phase = current.phase if current is not None else None
        colour = PHASE_COLOURS.get(phase, PHASE_COLOURS[None])
        self.state_label.setText(self.phase_text(phase))
        self.state_label.setStyleSheet(
            f"color: white; background: {colour}; border-radius: 4px; padding: 3px 10px;"
            " font-weight: bold; font-size: 11pt;"
        )
        if current is None:
            self.caller_label.setText(self.tr("Waiting for calls"))
            self.caller_label.setStyleSheet("font-size: 16pt; color: #5f6368;")
        else:
            self.caller_label.setText(current.caller or self.tr("Unknown number"))
            self.caller_label.setStyleSheet("font-size: 20pt; font-weight: bold;")
        self._show_details(current)
        if active is not None and ringing is not None:
            self.waiting_label.setText(
                self.tr("Also ringing: {0}").format(self._who_and_where(ringing))
            )
            self.waiting_label.show()
        else:
            self.waiting_label.hide()

        actions = active.actions if active is not None else frozenset()
        # The in-call controls only when there is a call to control: a ringing offer
        # shows just Answer and Decline, so the eye goes to them.
        for button in self._call_buttons:
            button.setVisible(active is not None)
        self.answer_button.setVisible(ringing is not None)
        self.decline_button.setVisible(ringing is not None)
        self.hang_up_button.setEnabled(Action.HANG_UP in actions)
        self.hold_button.setEnabled(bool(actions & {Action.HOLD, Action.RESUME}))
        held = active is not None and active.phase is CallPhase.HELD
        self.hold_button.setText(self.tr("Resume") if held else self.tr("Hold"))
        hold_name = self.tr("Resume the call") if held else self.tr("Hold the call")
        self.hold_button.setAccessibleName(hold_name)
        self.hold_button.setToolTip(self.tr("{0} ({1})").format(hold_name, "F7"))
        self.mute_button.setEnabled(Action.MUTE in actions)
        muted = active is not None and active.muted
        self.mute_button.setChecked(muted)
        self.mute_button.setText(self.tr("Unmute") if muted else self.tr("Mute"))
        self.muted_label.setVisible(muted)
        self.keypad_button.setEnabled(Action.DTMF in actions)
        if Action.DTMF not in actions:
            self.keypad_button.setChecked(False)
        from_a_queue = active is not None and active.offer is not None
        self.transfer_button.setEnabled(Action.TRANSFER in actions and from_a_queue)
        self.park_button.setEnabled(Action.TRANSFER in actions and from_a_queue)
        if current is None:
            self._ticker.stop()
        elif not self._ticker.isActive():
            self._ticker.start()
        self._refresh_times()

    def _who_and_where(self, phone_call: PhoneCall) -> str:
        offer = phone_call.offer
        if offer is not None and offer.callback_number is not None:
            return self.tr("Callback to {0} from {1}").format(offer.callback_number, offer.queue)
        if offer is not None:
            return self.tr("{0} from {1}").format(phone_call.caller, offer.queue)
        return phone_call.caller

    def _show_details(self, current: PhoneCall | None) -> None:
        key = (current.call, current.offer is not None) if current is not None else None
        if key == self._shown_details:
            return
        self._shown_details = key
        while self.details_form.rowCount():
            self.details_form.removeRow(0)
        if current is None or current.offer is None:
            waiting = current is not None and current.offer_id is not None
            self.queue_label.setText(
                self.tr("Waiting for the caller's details…") if waiting else ""
            )
            return
        for entry_key, value in current.offer.entries:
            label = QLabel(value)
            label.setAccessibleName(entry_label(entry_key))
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setStyleSheet("font-size: 12pt; font-family: monospace;")
            name = QLabel(entry_label(entry_key) + ":")
            name.setStyleSheet("font-size: 12pt;")
            self.details_form.addRow(name, label)
            # Added to a panel already on screen: shown now, not at the next event loop turn.
            name.show()
            label.show()

    def _on_tick(self) -> None:
        if self.book.forget_unanswered_holds():
            self._refresh()
        else:
            self._refresh_times()

    def _refresh_times(self) -> None:
        current = self.book.current()
        now = self.book.clock()
        if current is None:
            self.timer_label.setText("")
            return
        if current.phase is CallPhase.RINGING or current.connected_at is None:
            self.timer_label.setText(format_duration(now - current.started_at))
        else:
            self.timer_label.setText(format_duration(current.talk_seconds(now)))
        if current.offer is not None:
            # The wait stops growing when the agent answers.
            until = current.connected_at if current.connected_at is not None else now
            waited = format_duration(current.offer.wait_at(until))
            if current.offer.callback_number is not None:
                text = self.tr("Callback · {0} · waited {1}").format(current.offer.queue, waited)
            else:
                text = self.tr("{0} · waited {1}").format(current.offer.queue, waited)
            self.queue_label.setText(text)
