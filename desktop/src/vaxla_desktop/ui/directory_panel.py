"""The directory with hänvisning and line status (R29), in the operator's mode (and the
real-time view of supervisors and administrators): search as you type by name,
department, number or note; each person's line lamp (free, ringing, in a call, on hold)
and hänvisning ("Lunch, back 13:00"); a presence set or ended for oneself, and by
operators and administrators for the person chosen.

Keyboard first: type to search, Down (or Enter) to the list, arrows to choose, Enter to
the presence form, Ctrl+Alt+P to set it, Ctrl+Alt+E to end it; Ctrl+Alt+F back to the search.
The panel never talks to the server: it asks with ``sig_*`` and shows what it is told.
"""

from datetime import datetime

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QDateTime,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from vaxla_desktop.ui.notices import Notices
from vaxla_protocol.directory import DirectoryPerson, Presence, PresenceReason

SET_KEY = "Ctrl+Alt+P"
END_KEY = "Ctrl+Alt+E"
SEARCH_KEY = "Ctrl+Alt+F"
LAMPS = {
    "free": QColor("#2e7d32"),
    "ringing": QColor("#f9a825"),
    "in_call": QColor("#c62828"),
    "on_hold": QColor("#6a1b9a"),
    "offline": QColor("#9e9e9e"),
}
Index = QModelIndex | QPersistentModelIndex


def reason_text(reason: PresenceReason) -> str:
    return {
        PresenceReason.LUNCH: QCoreApplication.translate("DirectoryModel", "Lunch"),
        PresenceReason.MEETING: QCoreApplication.translate("DirectoryModel", "Meeting"),
        PresenceReason.VACATION: QCoreApplication.translate("DirectoryModel", "Vacation"),
        PresenceReason.SICK: QCoreApplication.translate("DirectoryModel", "Sick"),
        PresenceReason.TRAVEL: QCoreApplication.translate("DirectoryModel", "Travelling"),
        PresenceReason.AWAY: QCoreApplication.translate("DirectoryModel", "Away"),
    }[reason]


def presence_text(presence: Presence, now: datetime) -> str:
    """ "Lunch, back 13:00"; another day: "Vacation, back 2 Jan"."""
    reason = reason_text(presence.reason)
    if presence.until is None:
        return reason
    until = presence.until.astimezone()
    if until.date() == now.astimezone().date():
        back = until.strftime("%H:%M")
    else:
        months = QCoreApplication.translate(
            "DirectoryModel", "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec"
        ).split()
        back = f"{until.day} {months[until.month - 1]}"
    return QCoreApplication.translate("DirectoryModel", "{0}, back {1}").format(reason, back)


class DirectoryModel(QAbstractTableModel):
    """The people found, with each one's line and hänvisning."""

    LINE, NAME, DEPARTMENT, NUMBERS, PRESENCE = range(5)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.people: list[DirectoryPerson] = []
        self.lines: dict[str, str] = {}
        self.presences: dict[str, Presence] = {}
        self.now = datetime.now().astimezone()

    def show_people(self, people: list[DirectoryPerson]) -> None:
        self.beginResetModel()
        self.people = list(people)
        for person in people:
            if person.extension is not None and person.line is not None:
                self.lines[person.extension] = person.line.state
            if person.extension is not None and person.presence is not None:
                self.presences[person.extension] = person.presence
        self.endResetModel()

    def set_line(self, extension: str, state: str) -> None:
        self.lines[extension] = state
        self._changed(extension, self.LINE)

    def set_presence(self, username: str, presence: Presence | None) -> None:
        if presence is None:
            self.presences.pop(username, None)
        else:
            self.presences[username] = presence
        self._changed(username, self.PRESENCE)

    def _changed(self, extension: str, column: int) -> None:
        for row, person in enumerate(self.people):
            if person.extension == extension:
                index = self.index(row, column)
                self.dataChanged.emit(index, index)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.people)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 5

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if not 0 <= section < 5:
            return None
        return [self.tr("Line"), self.tr("Name"), self.tr("Department"), self.tr("Numbers"),
                self.tr("Presence")][section]  # fmt: skip

    def line_text(self, state: str) -> str:
        return {"free": self.tr("Free"), "ringing": self.tr("Ringing"),
                "in_call": self.tr("In a call"), "on_hold": self.tr("On hold"),
                "offline": self.tr("Not logged in")}.get(state, state)  # fmt: skip

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self.people):
            return None
        person = self.people[index.row()]
        column = index.column()
        state = self.lines.get(person.extension) if person.extension else None
        presence = self.presences.get(person.extension) if person.extension else None
        if role == Qt.ItemDataRole.DecorationRole and column == self.LINE and state:
            return LAMPS.get(state)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == self.LINE:
                return "" if state is None else self.line_text(state)
            if column == self.NAME:
                return person.name if not person.title else f"{person.name} ({person.title})"
            if column == self.DEPARTMENT:
                return person.department
            if column == self.NUMBERS:
                numbers = [n for n in (person.extension, person.mobile, *person.other_numbers) if n]
                return ", ".join(numbers)
            if column == self.PRESENCE:
                return "" if presence is None else presence_text(presence, self.now)
        if role == Qt.ItemDataRole.ToolTipRole:
            notes = [person.notes] if person.notes else []
            if presence is not None and presence.note:
                notes.append(presence.note)
            return "\n".join(notes) or None
        return None


class DirectoryPanel(QWidget, Notices):
    sig_search = Signal(str)
    sig_set_requested = Signal(object, object, object, str)  # username|None, reason, until, note
    sig_end_requested = Signal(object)  # username, or None: one's own

    def __init__(
        self, *, may_set_others: bool, show_lines: bool = True, parent: QWidget | None = None
    ) -> None:
        """``may_set_others``: operators and administrators; ``show_lines``: every role
        but agents (the server sends them none)."""
        super().__init__(parent)
        self.may_set_others = may_set_others
        self._make_notices()
        self.model = DirectoryModel(self)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search by name, department, number or note"))
        self.search.setAccessibleName(self.tr("Search the directory"))
        self.search.setToolTip(self.tr("Type to search; Down to the list ({0})").format(SEARCH_KEY))
        self.search.setClearButtonEnabled(True)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setAccessibleName(self.tr("People"))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.setColumnHidden(DirectoryModel.LINE, not show_lines)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)

        self.reason_box = QComboBox()
        self.reason_box.setAccessibleName(self.tr("Reason"))
        for reason in PresenceReason:
            self.reason_box.addItem(reason_text(reason), reason)
        self.until_check = QCheckBox()
        self.until_check.setAccessibleName(self.tr("Has a return time"))
        self.until_check.setToolTip(self.tr("Without a return time it lasts until ended"))
        self.until_check.setChecked(True)
        self.until_edit = QDateTimeEdit()
        self.until_edit.setAccessibleName(self.tr("Return time"))
        self.until_edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.until_edit.setCalendarPopup(True)
        self.until_edit.setDateTime(QDateTime.currentDateTime().addSecs(3600))
        self.note_edit = QLineEdit()
        self.note_edit.setAccessibleName(self.tr("Note for the receptionist"))
        self.note_edit.setMaxLength(200)
        self.for_box = QComboBox()
        self.for_box.setAccessibleName(self.tr("For whom"))
        self.for_box.addItem(self.tr("Myself"), None)
        self.for_box.setVisible(may_set_others)
        self.set_button = QPushButton(self.tr("Set presence"))
        self.set_button.setShortcut(QKeySequence(SET_KEY))
        self.set_button.setToolTip(self.tr("Callers hear the reason and the return time ({0})")
                                   .format(SET_KEY))  # fmt: skip
        self.end_button = QPushButton(self.tr("End presence"))
        self.end_button.setShortcut(QKeySequence(END_KEY))
        self.end_button.setToolTip(self.tr("Back now ({0})").format(END_KEY))

        when = QHBoxLayout()
        when.addWidget(self.until_check)
        when.addWidget(self.until_edit, 1)
        form = QFormLayout()
        form.addRow(self.tr("For"), self.for_box)
        form.labelForField(self.for_box).setVisible(may_set_others)
        form.addRow(self.tr("Reason"), self.reason_box)
        form.addRow(self.tr("Back at"), when)
        form.addRow(self.tr("Note"), self.note_edit)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.set_button)
        buttons.addWidget(self.end_button)
        self.presence_group = QGroupBox(self.tr("Presence"))
        group = QVBoxLayout(self.presence_group)
        group.addLayout(form)
        group.addLayout(buttons)

        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.presence_group)
        layout.addWidget(self.message_label)

        self.search.textChanged.connect(self.sig_search)
        self.search.installEventFilter(self)
        self.view.installEventFilter(self)
        self.view.selectionModel().currentRowChanged.connect(self._on_row)
        self.until_check.toggled.connect(self.until_edit.setEnabled)
        self.set_button.clicked.connect(self._on_set)
        self.end_button.clicked.connect(self._on_end)
        QShortcut(QKeySequence(SEARCH_KEY), self, self.search.setFocus)

    def show_people(self, people: list[DirectoryPerson]) -> None:
        chosen = self.chosen()
        self.model.now = datetime.now().astimezone()
        self.model.show_people(people)
        rows = [i for i, p in enumerate(people) if chosen is not None and p.id == chosen.id]
        if rows:
            self.view.selectRow(rows[0])
        self.show_error("")

    def chosen(self) -> DirectoryPerson | None:
        index = self.view.currentIndex()
        if not index.isValid() or not 0 <= index.row() < len(self.model.people):
            return None
        return self.model.people[index.row()]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            enter = key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            if watched is self.search and (key == Qt.Key.Key_Down or enter):
                if self.model.rowCount():
                    self.view.setFocus()
                    self.view.selectRow(max(0, self.view.currentIndex().row()))
                return True
            if watched is self.view and enter:
                self.reason_box.setFocus()
                return True
        return super().eventFilter(watched, event)

    def _on_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        person = self.chosen()
        self.for_box.clear()
        self.for_box.addItem(self.tr("Myself"), None)
        if self.may_set_others and person is not None and person.extension is not None:
            self.for_box.addItem(person.name, person.extension)
            self.for_box.setCurrentIndex(1)

    def _until(self) -> datetime | None:
        if not self.until_check.isChecked():
            return None
        local = self.until_edit.dateTime().toPython()
        assert isinstance(local, datetime)
        return local.astimezone()

    def _on_set(self) -> None:
        reason = self.reason_box.currentData()
        self.sig_set_requested.emit(self.for_box.currentData(), reason, self._until(),
                                    self.note_edit.text().strip())  # fmt: skip

    def _on_end(self) -> None:
        self.sig_end_requested.emit(self.for_box.currentData())
