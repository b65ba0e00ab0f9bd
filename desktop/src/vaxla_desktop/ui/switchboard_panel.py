"""The switchboard's call handling (R29), for a receptionist (an operator with an agent
profile whose phone is the desktop softphone): the caller it talks with, the callers it
holds (several at once, each with its own timer; one that came back from a colleague
who did not answer marked so, with a tone), the directory to connect to, and the
connection under way.

Keyboard first: type a name, department or number in the search field (Down to the
list); Enter connects the current caller blind to the person chosen (or to the number
typed: outside the directory), Shift+Enter announced (talk to the colleague first);
Ctrl+Enter completes an announced connection, Esc goes back to the caller. F3 holds
the current caller, F4 retrieves the held caller chosen (the longest held if none is).
The panel never talks to the server: it asks with ``sig_*`` and shows what it is told.
"""

import re
from datetime import datetime

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from vaxla_desktop.ui.directory_panel import DirectoryModel
from vaxla_desktop.ui.notices import Notices
from vaxla_protocol.control import ParkedContact, TransferState
from vaxla_protocol.directory import DirectoryPerson

HOLD_KEY = "F3"
RETRIEVE_KEY = "F4"
"""Not F7 or F9: the softphone holds with F7 and the agent panel is ready with F9."""
BACK_KEY = "Esc"
COMPLETE_KEY = "Ctrl+Return"
NUMBER = re.compile(r"^\+?[0-9][0-9 -]{1,30}$")
"""What the search field holds when the receptionist typed a number to connect to."""
CAME_BACK = QColor("#fff3e0")
Index = QModelIndex | QPersistentModelIndex


def clock_text(seconds: float) -> str:
    whole = max(0, int(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


class HeldModel(QAbstractTableModel):
    """The callers the receptionist holds, longest held first, each with its own time."""

    CALLER, HELD, NOTE = range(3)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.held: list[ParkedContact] = []
        self.now = datetime.now().astimezone()

    def show_held(self, held: list[ParkedContact]) -> None:
        self.beginResetModel()
        self.held = sorted(held, key=lambda c: (c.parked_at, c.contact_id))
        self.endResetModel()

    def tick(self, now: datetime) -> None:
        """The timers move on: only the time column changes."""
        self.now = now
        if self.held:
            self.dataChanged.emit(
                self.index(0, self.HELD), self.index(len(self.held) - 1, self.HELD)
            )

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.held)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 3

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if not 0 <= section < 3:
            return None
        return [self.tr("Caller"), self.tr("Held"), self.tr("Note")][section]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self.held):
            return None
        contact = self.held[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.BackgroundRole and contact.came_back_from is not None:
            return CAME_BACK
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == self.CALLER:
                return contact.caller or self.tr("Unknown number")
            if column == self.HELD:
                return clock_text((self.now - contact.parked_at).total_seconds())
            if column == self.NOTE:
                if contact.came_back_from is not None:
                    return self.tr("Came back: {0} did not answer").format(contact.came_back_from)
                return self.tr("On hold") if contact.held else self.tr("Parked")
        return None


class SwitchboardPanel(QWidget, Notices):
    sig_search = Signal(str)
    sig_connect = Signal(str, bool, bool)  # target, is a number, announced
    sig_complete = Signal()
    sig_back = Signal()
    sig_hold = Signal()
    sig_retrieve = Signal(int)  # contact id
    sig_tone = Signal()
    """A caller came back: the desk plays the tone (the panel beeps too)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._make_notices()
        self.call_contact: int | None = None
        self._call_since: datetime | None = None
        self._call_caller: str | None = None
        self._consulting = False
        self._came_back: set[int] = set()
        self.people = DirectoryModel(self)
        self.held_model = HeldModel(self)

        self.call_label = QLabel()
        self.call_label.setAccessibleName(self.tr("Current call"))
        font = self.call_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.call_label.setFont(font)
        self.transfer_label = QLabel()
        self.transfer_label.setAccessibleName(self.tr("Connection"))
        self.transfer_label.setWordWrap(True)

        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Name, department or number to connect to"))
        self.search.setAccessibleName(self.tr("Connect to"))
        self.search.setClearButtonEnabled(True)
        self.view = QTableView()
        self.view.setModel(self.people)
        self.view.setAccessibleName(self.tr("People"))
        self.held_view = QTableView()
        self.held_view.setModel(self.held_model)
        self.held_view.setAccessibleName(self.tr("Callers on hold"))
        for view in (self.view, self.held_view):
            view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(DirectoryModel.NAME, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(DirectoryModel.NUMBERS, QHeaderView.ResizeMode.ResizeToContents)
        held_header = self.held_view.horizontalHeader()
        held_header.setSectionResizeMode(HeldModel.CALLER, QHeaderView.ResizeMode.ResizeToContents)
        held_header.setSectionResizeMode(HeldModel.NOTE, QHeaderView.ResizeMode.Stretch)

        self.connect_button = QPushButton(self.tr("Connect (Enter)"))
        self.announce_button = QPushButton(self.tr("Announce (Shift+Enter)"))
        self.complete_button = QPushButton(self.tr("Complete ({0})").format("Ctrl+Enter"))
        self.back_button = QPushButton(self.tr("Back to caller ({0})").format(BACK_KEY))
        self.hold_button = QPushButton(self.tr("Hold ({0})").format(HOLD_KEY))
        self.retrieve_button = QPushButton(self.tr("Retrieve ({0})").format(RETRIEVE_KEY))
        self.connect_button.clicked.connect(lambda: self._connect(announced=False))
        self.announce_button.clicked.connect(lambda: self._connect(announced=True))
        self.complete_button.clicked.connect(self._complete)
        self.back_button.clicked.connect(self._back)
        self.hold_button.clicked.connect(self._hold)
        self.retrieve_button.clicked.connect(self._retrieve)
        for key, slot in (
            (HOLD_KEY, self._hold),
            (RETRIEVE_KEY, self._retrieve),
            (BACK_KEY, self._back),
            (COMPLETE_KEY, self._complete),
            ("Ctrl+Enter", self._complete),
        ):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self.setToolTip(self.keys_help())

        layout = QVBoxLayout(self)
        call_box = QGroupBox(self.tr("Call"))
        call_layout = QVBoxLayout(call_box)
        call_layout.addWidget(self.call_label)
        call_layout.addWidget(self.transfer_label)
        buttons = QHBoxLayout()
        for button in (
            self.connect_button,
            self.announce_button,
            self.complete_button,
            self.back_button,
            self.hold_button,
            self.retrieve_button,
        ):
            buttons.addWidget(button)
        call_layout.addLayout(buttons)
        layout.addWidget(call_box)
        layout.addWidget(self.message_label)
        layout.addWidget(self.note_label)
        layout.addWidget(self.search)
        layout.addWidget(self.view, 3)
        layout.addWidget(QLabel(self.tr("On hold")))
        layout.addWidget(self.held_view, 2)

        self.search.textEdited.connect(self.sig_search)
        self.search.installEventFilter(self)
        self.view.installEventFilter(self)
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)
        self._timer.start()
        self._show_call()

    def keys_help(self) -> str:
        return self.tr(
            "Enter: connect blind to the person chosen or the number typed\n"
            "Shift+Enter: connect announced (talk to the colleague first)\n"
            "Ctrl+Enter: complete the announced connection\n"
            "Esc: back to the caller\n"
            "F3: hold the caller\n"
            "F4: retrieve the held caller chosen\n"
            "Down: from the search to the list"
        )

    # What the desk tells the panel

    def show_people(self, people: list[DirectoryPerson]) -> None:
        self.people.show_people(people)
        if people:
            self.view.selectRow(0)

    def show_call(self, contact_id: int | None, caller: str | None, since: datetime) -> None:
        """The caller the receptionist talks with now (``None``: no call)."""
        self.call_contact = contact_id
        self._call_since = since if contact_id is not None else None
        self._call_caller = caller
        if contact_id is None:
            self._consulting = False
            self.transfer_label.clear()
        self._show_call()

    def show_transfer(self, transfer: TransferState) -> None:
        self._consulting = transfer.state == "consulting"
        texts = {
            "consulting": self.tr("Talking with {0}: Ctrl+Enter connects, Esc goes back"),
            "completed": self.tr("Connected to {0}"),
            "cancelled": self.tr("Back with the caller ({0} not connected)"),
            "failed": self.tr("Not connected to {0}"),
        }
        text = texts[transfer.state].format(transfer.target)
        if transfer.detail:
            text = f"{text}: {transfer.detail}"
        self.transfer_label.setText(text)
        self._show_call()

    def show_held(self, held: list[ParkedContact]) -> None:
        back = {c.contact_id for c in held if c.came_back_from is not None}
        new = back - self._came_back
        self._came_back = back
        chosen = self.chosen_held()
        self.held_model.show_held(held)
        self.held_model.tick(datetime.now().astimezone())
        rows = [c.contact_id for c in self.held_model.held]
        if chosen in rows:
            self.held_view.selectRow(rows.index(chosen))
        self._show_call()
        if new:
            QApplication.beep()
            self.sig_tone.emit()

    # Choosing

    def chosen(self) -> DirectoryPerson | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows or not 0 <= rows[0].row() < len(self.people.people):
            return None
        return self.people.people[rows[0].row()]

    def chosen_held(self) -> int | None:
        rows = self.held_view.selectionModel().selectedRows()
        if rows and 0 <= rows[0].row() < len(self.held_model.held):
            return self.held_model.held[rows[0].row()].contact_id
        return None

    def target(self) -> tuple[str, bool] | None:
        """Where Enter connects to: a number typed, else the person chosen's extension
        (their Vaxla softphone) or, without one, their mobile."""
        typed = self.search.text().strip()
        if NUMBER.match(typed):
            return re.sub(r"[ -]", "", typed), True
        person = self.chosen()
        if person is None:
            return None
        if person.extension:
            return person.extension, False
        number = person.mobile or next(iter(person.other_numbers), None)
        return (number, True) if number else None

    # The keys and buttons

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            modifiers = event.modifiers()  # type: ignore[attr-defined]
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if modifiers & Qt.KeyboardModifier.ControlModifier:
                    self._complete()
                else:
                    self._connect(announced=bool(modifiers & Qt.KeyboardModifier.ShiftModifier))
                return True
            if watched is self.search and key == Qt.Key.Key_Down and self.people.people:
                self.view.setFocus()
                if self.chosen() is None:
                    self.view.selectRow(0)
                return True
        return super().eventFilter(watched, event)

    def _connect(self, *, announced: bool) -> None:
        if self.call_contact is None:
            self.show_error(self.tr("No call to connect: answer one first"))
            return
        if self._consulting:
            self.show_error(self.tr("A connection is under way: Ctrl+Enter or Esc first"))
            return
        target = self.target()
        if target is None:
            self.show_error(self.tr("Choose a person with a number, or type a number"))
            return
        self.show_error("")
        self.sig_connect.emit(target[0], target[1], announced)

    def _complete(self) -> None:
        if self._consulting:
            self.sig_complete.emit()

    def _back(self) -> None:
        if self._consulting:
            self.sig_back.emit()

    def _hold(self) -> None:
        if self.call_contact is None:
            self.show_error(self.tr("No call to hold"))
            return
        if self._consulting:
            self.show_error(self.tr("A connection is under way: Ctrl+Enter or Esc first"))
            return
        self.show_error("")
        self.sig_hold.emit()

    def _retrieve(self) -> None:
        chosen = self.chosen_held()
        if chosen is None and self.held_model.held:
            chosen = self.held_model.held[0].contact_id
        if chosen is None:
            self.show_error(self.tr("Nobody is on hold"))
            return
        if self.call_contact is not None:
            self.show_error(self.tr("Hold or end the current call before retrieving another"))
            return
        self.show_error("")
        self.sig_retrieve.emit(chosen)

    def _tick(self) -> None:
        self.held_model.tick(datetime.now().astimezone())
        self._show_call()

    def _show_call(self) -> None:
        if self.call_contact is None or self._call_since is None:
            self.call_label.setText(self.tr("No call"))
        else:
            seconds = (datetime.now().astimezone() - self._call_since).total_seconds()
            caller = self._call_caller or self.tr("Unknown number")
            self.call_label.setText(f"{caller}  {clock_text(seconds)}")
        consulting = self._consulting
        has_call = self.call_contact is not None
        self.connect_button.setEnabled(has_call and not consulting)
        self.announce_button.setEnabled(has_call and not consulting)
        self.hold_button.setEnabled(has_call and not consulting)
        self.complete_button.setEnabled(consulting)
        self.back_button.setEnabled(consulting)
        self.retrieve_button.setEnabled(bool(self.held_model.held) and not has_call)
