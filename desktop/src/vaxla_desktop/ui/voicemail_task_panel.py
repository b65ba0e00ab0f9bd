"""A voicemail task offered to the agent or taken by it (R7), in the agent's panel: a
message routed to the agent like a call. Offered, it says who called, when, to which box
and how long the message is, with Take (Ctrl+Shift+V) and Decline (Ctrl+Shift+N);
taken, the agent listens to it (Ctrl+Shift+U), calls the caller back (Ctrl+Shift+B) and
marks it handled (Ctrl+Shift+H), which ends the task. Hidden while there is none.

The panel never talks to the server: it asks with ``sig_*`` and shows what it is given."""

from datetime import datetime

from PySide6.QtCore import Signal, SignalInstance
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from vaxla_desktop.ui.buttons import shortcut_button
from vaxla_desktop.ui.notices import Notices
from vaxla_protocol.voicemail import VoicemailTask

TAKE_KEY = "Ctrl+Shift+V"
DECLINE_KEY = "Ctrl+Shift+N"
LISTEN_KEY = "Ctrl+Shift+U"
CALL_BACK_KEY = "Ctrl+Shift+B"
HANDLED_KEY = "Ctrl+Shift+H"


class VoicemailTaskPanel(QGroupBox, Notices):
    sig_take_requested = Signal(int)  # the task's contact id
    sig_decline_requested = Signal(int)
    sig_play_requested = Signal(int)  # the message id
    sig_call_back_requested = Signal(str)  # the caller's number
    sig_handled_requested = Signal(int)  # the message id
    sig_changed = Signal()
    """A task was shown, taken or cleared (the agent's state says it in its own words)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Voicemail task"))
        self.setAccessibleName(self.tr("Voicemail task"))
        self.contact_id: int | None = None
        self.task: VoicemailTask | None = None
        self.taken = False
        self.about_label = QLabel()
        self.about_label.setWordWrap(True)
        self.about_label.setAccessibleName(self.tr("The voicemail message"))
        self.about_label.setStyleSheet("font-size: 12pt;")
        self.take_button = shortcut_button(
            self.tr("Take"), TAKE_KEY, self.tr("Take the voicemail task, as answering a call")
        )
        self.decline_button = shortcut_button(
            self.tr("Decline"), DECLINE_KEY, self.tr("Leave it to a colleague")
        )
        self.play_button = shortcut_button(
            self.tr("Listen"), LISTEN_KEY, self.tr("Play the message here")
        )
        self.call_back_button = shortcut_button(
            self.tr("Call back"), CALL_BACK_KEY, self.tr("Call the caller from your phone")
        )
        self.handled_button = shortcut_button(
            self.tr("Mark handled"), HANDLED_KEY, self.tr("Mark the message handled: the task ends")
        )
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self._make_notices()
        buttons = QHBoxLayout()
        for button in (
            self.take_button,
            self.decline_button,
            self.play_button,
            self.call_back_button,
            self.handled_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.about_label)
        layout.addLayout(buttons)
        layout.addWidget(self.status_label)
        layout.addWidget(self.message_label)

        self.take_button.clicked.connect(lambda: self._ask(self.sig_take_requested, contact=True))
        self.decline_button.clicked.connect(
            lambda: self._ask(self.sig_decline_requested, contact=True)
        )
        self.play_button.clicked.connect(lambda: self._ask(self.sig_play_requested))
        self.handled_button.clicked.connect(lambda: self._ask(self.sig_handled_requested))
        self.call_back_button.clicked.connect(self._on_call_back)
        self.clear()

    def show_offer(self, contact_id: int, task: VoicemailTask) -> None:
        """The task is offered to the agent: who, when, which box, how long."""
        self.contact_id, self.task, self.taken = contact_id, task, False
        self.setTitle(self.tr("Voicemail task offered to you"))
        self.about_label.setText(self._about(task))
        self.show_status("")
        self.show_error("")
        self._show_buttons()
        self.show()

    def show_taken(self) -> None:
        """The agent took the offered task: it works on the message now."""
        if self.task is None:
            return
        self.taken = True
        self.setTitle(self.tr("Your voicemail task"))
        self._show_buttons()

    def clear(self, status: str = "") -> None:
        """No task (any more): hidden, or showing ``status`` alone until the next."""
        self.contact_id, self.task, self.taken = None, None, False
        self.about_label.setText("")
        self.show_status(status)
        self._show_buttons()
        self.setTitle(self.tr("Voicemail task"))
        self.setVisible(bool(status))

    def show_status(self, text: str) -> None:
        self.status_label.setText(text)
        self.status_label.setVisible(bool(text))

    def _about(self, task: VoicemailTask) -> str:
        when = _local(task.received_at)
        return self.tr("{0} left a message of {1:.0f} s in {2} at {3}").format(
            task.caller, task.seconds, task.box, when
        )

    def _show_buttons(self) -> None:
        offered = self.task is not None and not self.taken
        for button in (self.take_button, self.decline_button):
            button.setVisible(offered)
            button.setEnabled(offered)
        for button in (self.play_button, self.call_back_button, self.handled_button):
            button.setVisible(self.taken)
            button.setEnabled(self.taken)
        self.sig_changed.emit()

    def _ask(self, signal: SignalInstance, *, contact: bool = False) -> None:
        if self.task is None or self.contact_id is None:
            return
        signal.emit(self.contact_id if contact else self.task.message_id)

    def _on_call_back(self) -> None:
        if self.task is not None:
            self.sig_call_back_requested.emit(self.task.caller)


def _local(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")
