"""Transfer the caller to an agent, a queue, a number or a person of the directory, blind
or attended.

A person of the directory (R26, R29) is transferred to their Vaxla softphone (an agent
transfer to the extension's user) when they have one, else to their mobile, else to
their first other number; the list comes from the server's directory when the dialog
opens (:meth:`TransferDialog.set_people`).

The dialog only asks; the app sends the request (``/agent/transfer``) and shows what
the server answered with :meth:`TransferDialog.show_state` or ``show_error``. An
attended transfer stays open while the agent consults, with "Complete" and "Cancel".
"""

import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from vaxla_protocol.control import TransferKind, TransferRequest, TransferState
from vaxla_protocol.directory import PersonItem

_NUMBER = re.compile(r"\+?[0-9]{2,20}")
_SEPARATORS = re.compile(r"[-.()\s]")
PROBLEM_COLOUR = "#b00020"
BUSY_COLOUR = "#8a5a00"
OK_COLOUR = "#1b7f3b"
PERSON = "person"
"""The dialog's fourth choice: a person of the directory (resolved to an agent or a number)."""


def person_target(person: PersonItem) -> tuple[TransferKind, str] | None:
    """Where a transfer to ``person`` goes: the softphone, the mobile, another number."""
    if person.extension:
        return TransferKind.AGENT, person.extension
    number = person.mobile or next(iter(person.other_numbers), None)
    return None if number is None else (TransferKind.NUMBER, number)


class TransferDialog(QDialog):
    sig_start = Signal(object)  # TransferRequest
    sig_complete = Signal(str)  # transfer_id
    sig_cancel = Signal(str)  # transfer_id

    def __init__(
        self,
        contact_id: int,
        *,
        agents: list[str] | None = None,
        queues: list[str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.contact_id = contact_id
        self.state: TransferState | None = None
        self._agents = agents or []
        self._queues = queues or []
        self._people: list[PersonItem] = []
        self.setWindowTitle(self.tr("Transfer the call"))
        self.setAccessibleName(self.tr("Transfer the call"))

        self.agent_radio = QRadioButton(self.tr("&Agent"))
        self.queue_radio = QRadioButton(self.tr("&Queue"))
        self.number_radio = QRadioButton(self.tr("&Number"))
        self.person_radio = QRadioButton(self.tr("&Directory"))
        self.person_radio.setToolTip(
            self.tr("A person of the directory: their softphone, else their mobile")
        )
        self.kinds = QButtonGroup(self)
        for radio, kind in (
            (self.agent_radio, TransferKind.AGENT.value),
            (self.queue_radio, TransferKind.QUEUE.value),
            (self.number_radio, TransferKind.NUMBER.value),
            (self.person_radio, PERSON),
        ):
            radio.setAccessibleName(radio.text().replace("&", ""))
            self.kinds.addButton(radio)
            radio.setProperty("kind", kind)
        self.agent_radio.setChecked(True)
        self.kinds.buttonToggled.connect(self._on_kind_changed)

        self.target_box = QComboBox()
        self.target_box.setEditable(True)
        self.target_box.setAccessibleName(self.tr("Transfer to"))
        self.target_box.setToolTip(
            self.tr("A user name, a queue, a telephone number or a person of the directory")
        )
        self.target_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = self.target_box.completer()
        if completer is not None:  # type a part of a name, a department or a number
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setCompletionMode(completer.CompletionMode.PopupCompletion)
        target_label = QLabel(self.tr("&To:"))
        target_label.setBuddy(self.target_box)

        self.message_label = QLabel()
        self.message_label.setWordWrap(True)
        self.message_label.setAccessibleName(self.tr("Transfer status"))

        self.blind_button = QPushButton(self.tr("&Transfer now"))
        self.blind_button.setAccessibleName(self.tr("Blind transfer"))
        self.blind_button.setToolTip(self.tr("Hand the caller over at once (blind transfer)"))
        self.attended_button = QPushButton(self.tr("Talk &first"))
        self.attended_button.setAccessibleName(self.tr("Attended transfer"))
        self.attended_button.setToolTip(
            self.tr("Talk to the target first while the caller hears music (attended)")
        )
        self.complete_button = QPushButton(self.tr("&Complete transfer"))
        self.complete_button.setAccessibleName(self.tr("Complete transfer"))
        self.complete_button.setToolTip(self.tr("Connect the caller with the target"))
        self.cancel_transfer_button = QPushButton(self.tr("Back to the &caller"))
        self.cancel_transfer_button.setAccessibleName(self.tr("Cancel transfer"))
        self.cancel_transfer_button.setToolTip(self.tr("End the consultation and resume the call"))
        self.close_button = QPushButton(self.tr("Close"))
        self.close_button.setAccessibleName(self.tr("Close"))
        self.close_button.setShortcut(QKeySequence(Qt.Key.Key_Escape))

        self.blind_button.clicked.connect(lambda: self._on_start(attended=False))
        self.attended_button.clicked.connect(lambda: self._on_start(attended=True))
        self.complete_button.clicked.connect(self._on_complete)
        self.cancel_transfer_button.clicked.connect(self._on_cancel)
        self.close_button.clicked.connect(self.reject)

        kinds = QHBoxLayout()
        for radio in (self.agent_radio, self.queue_radio, self.number_radio, self.person_radio):
            kinds.addWidget(radio)
        kinds.addStretch(1)
        target = QHBoxLayout()
        target.addWidget(target_label)
        target.addWidget(self.target_box, 1)
        start = QHBoxLayout()
        start.addWidget(self.blind_button)
        start.addWidget(self.attended_button)
        consult = QHBoxLayout()
        consult.addWidget(self.complete_button)
        consult.addWidget(self.cancel_transfer_button)
        layout = QVBoxLayout(self)
        layout.addLayout(kinds)
        layout.addLayout(target)
        layout.addWidget(self.message_label)
        layout.addLayout(start)
        layout.addLayout(consult)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignRight)
        self._on_kind_changed()
        self._show_phase()

    @property
    def choice(self) -> str:
        """What the form transfers to: a :class:`TransferKind`'s value or ``PERSON``."""
        checked = self.kinds.checkedButton()
        return TransferKind.AGENT.value if checked is None else str(checked.property("kind"))

    @property
    def kind(self) -> TransferKind:
        """The kind of transfer the form asks for (a person's: where they are reached)."""
        if self.choice != PERSON:
            return TransferKind(self.choice)
        found = self._chosen_person()
        return TransferKind.AGENT if found is None else found[0]

    def set_targets(self, *, agents: list[str], queues: list[str]) -> None:
        self._agents, self._queues = agents, queues
        if self.choice != PERSON:
            self._on_kind_changed()

    def set_people(self, people: list[PersonItem]) -> None:
        """The directory's people (those with no way to reach them are left out)."""
        self._people = [person for person in people if person_target(person) is not None]
        if self.choice == PERSON:
            self._on_kind_changed()

    def _chosen_person(self) -> tuple[TransferKind, str] | None:
        index = self.target_box.findText(self.target_box.currentText().strip())
        if index < 0 or self.choice != PERSON:
            return None
        found: tuple[TransferKind, str] | None = self.target_box.itemData(index)
        return found

    def _person_label(self, person: PersonItem) -> str:
        target = person_target(person)
        assert target is not None
        kind, where = target
        reached = self.tr("softphone {0}") if kind is TransferKind.AGENT else self.tr("mobile {0}")
        if kind is TransferKind.NUMBER and where != person.mobile:
            reached = self.tr("number {0}")
        department = f", {person.department}" if person.department else ""
        return f"{person.name}{department} — {reached.format(where)}"

    def show_state(self, state: TransferState) -> None:
        """What the server says about the transfer (the answer, or a TransferChanged)."""
        if state.contact_id != self.contact_id:
            return
        self.state = state
        match state.state:
            case "consulting":
                self._say(
                    self.tr("Talking with {0}. The caller hears music.").format(state.target),
                    BUSY_COLOUR,
                )
            case "completed":
                self._say(self.tr("Transferred to {0}.").format(state.target), OK_COLOUR)
            case "cancelled":
                self._say(self.tr("Back with the caller."), OK_COLOUR)
            case "failed":
                detail = state.detail or self.tr("the server gave no reason")
                self._say(self.tr("Transfer failed: {0}").format(detail), PROBLEM_COLOUR)
        self._show_phase()
        if state.state in ("completed", "cancelled"):
            self.accept()

    def show_error(self, message: str) -> None:
        self._say(message, PROBLEM_COLOUR)
        self._set_busy(False)

    def _say(self, text: str, colour: str) -> None:
        self.message_label.setText(text)
        self.message_label.setStyleSheet(f"color: {colour}; font-weight: bold;")

    def _consulting(self) -> bool:
        return self.state is not None and self.state.state == "consulting"

    def _show_phase(self) -> None:
        consulting = self._consulting()
        for widget in (self.blind_button, self.attended_button, self.target_box):
            widget.setEnabled(not consulting)
        for radio in self.kinds.buttons():
            radio.setEnabled(not consulting)
        self.complete_button.setVisible(consulting)
        self.cancel_transfer_button.setVisible(consulting)

    def _set_busy(self, busy: bool) -> None:
        if not self._consulting():
            self.blind_button.setEnabled(not busy)
            self.attended_button.setEnabled(not busy)

    def _on_kind_changed(self, *_args: object) -> None:
        text = self.target_box.currentText()
        self.target_box.clear()
        choice = self.choice
        if choice == TransferKind.AGENT.value:
            self.target_box.addItems(self._agents)
        elif choice == TransferKind.QUEUE.value:
            self.target_box.addItems(self._queues)
        elif choice == PERSON:
            for person in self._people:
                self.target_box.addItem(self._person_label(person), person_target(person))
        number = choice == TransferKind.NUMBER.value
        self.target_box.setEditText(text if number else "")
        if not number and self.target_box.count():
            self.target_box.setCurrentIndex(0)

    def request(self, *, attended: bool) -> TransferRequest | None:
        """The request the form describes, or ``None`` with the reason shown."""
        if self.choice == PERSON:
            found = self._chosen_person()
            if found is None:
                self.show_error(
                    self.tr("Choose a person from the list: type a part of the name.")
                    if self._people
                    else self.tr("The directory has nobody to transfer to.")
                )
                return None
            kind, target = found
            return TransferRequest(
                contact_id=self.contact_id, kind=kind, target=target, attended=attended
            )
        target = self.target_box.currentText().strip()
        if self.kind is TransferKind.NUMBER:
            target = _SEPARATORS.sub("", target)
        if not target:
            self.show_error(self.tr("Say where to: a user name, a queue or a number."))
            return None
        if self.kind is TransferKind.NUMBER and not _NUMBER.fullmatch(target):
            self.show_error(self.tr("A number has digits only, with an optional leading +."))
            return None
        if len(target) > 64:
            self.show_error(self.tr("That is too long for a transfer target."))
            return None
        return TransferRequest(
            contact_id=self.contact_id, kind=self.kind, target=target, attended=attended
        )

    def _on_start(self, *, attended: bool) -> None:
        request = self.request(attended=attended)
        if request is None:
            return
        self._say(self.tr("Transferring…"), BUSY_COLOUR)
        self._set_busy(True)
        self.sig_start.emit(request)

    def _on_complete(self) -> None:
        if self.state is not None:
            self.sig_complete.emit(self.state.transfer_id)

    def _on_cancel(self) -> None:
        if self.state is not None:
            self.sig_cancel.emit(self.state.transfer_id)
