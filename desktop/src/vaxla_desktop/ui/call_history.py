"""The call history: this run's calls, newest first, missed ones counted for a badge.

:class:`CallHistoryModel` is a table model (checked with ``qtmodeltester``);
:class:`CallHistoryView` shows it and calls a number back on Enter or double-click.
"""

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from vaxla_desktop.core.call_state import Direction, HistoryEntry, Outcome, format_duration

MAX_ENTRIES = 500
MISSED_COLOUR = "#b00020"
ANSWERED_COLOUR = "#1b7f3b"
Index = QModelIndex | QPersistentModelIndex


class CallHistoryModel(QAbstractTableModel):
    """Finished calls; ``missed_unseen`` counts missed calls since ``mark_seen``."""

    sig_missed_changed = Signal(int)
    TIME, OUTCOME, PARTY, QUEUE, DURATION = range(5)
    PARTY_ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._entries: list[HistoryEntry] = []
        self.missed_unseen = 0

    def add(self, entry: HistoryEntry) -> None:
        self.beginInsertRows(QModelIndex(), 0, 0)
        self._entries.insert(0, entry)
        self.endInsertRows()
        if len(self._entries) > MAX_ENTRIES:
            last = len(self._entries) - 1
            self.beginRemoveRows(QModelIndex(), last, last)
            self._entries.pop()
            self.endRemoveRows()
        if entry.outcome is Outcome.MISSED:
            self.missed_unseen += 1
            self.sig_missed_changed.emit(self.missed_unseen)

    def mark_seen(self) -> None:
        if self.missed_unseen:
            self.missed_unseen = 0
            self.sig_missed_changed.emit(0)

    def entry(self, row: int) -> HistoryEntry:
        return self._entries[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 5

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        titles = (
            self.tr("Time"),
            self.tr("Call"),
            self.tr("Number"),
            self.tr("Queue"),
            self.tr("Talk time"),
        )
        return titles[section] if 0 <= section < len(titles) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self._entries):
            return None
        entry = self._entries[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            match column:
                case self.TIME:
                    return entry.started.strftime("%H:%M:%S")
                case self.OUTCOME:
                    return self.outcome_text(entry)
                case self.PARTY:
                    # The phone panel's words for a hidden number, not a second text.
                    return entry.party or QCoreApplication.translate("PhonePanel", "Unknown number")
                case self.QUEUE:
                    return entry.queue or ""
                case self.DURATION:
                    return format_duration(entry.talk_s) if entry.talk_s else ""
            return None
        if role == Qt.ItemDataRole.ForegroundRole and column == self.OUTCOME:
            if entry.outcome is Outcome.MISSED:
                return QColor(MISSED_COLOUR)
            if entry.outcome is Outcome.ANSWERED:
                return QColor(ANSWERED_COLOUR)
            return None
        if role == Qt.ItemDataRole.ToolTipRole and column == self.TIME:
            return entry.started.strftime("%Y-%m-%d %H:%M:%S")
        if role == self.PARTY_ROLE:
            return entry.party
        return None

    def outcome_text(self, entry: HistoryEntry) -> str:
        incoming = entry.direction is Direction.INCOMING
        match entry.outcome:
            case Outcome.ANSWERED:
                return self.tr("Answered") if incoming else self.tr("Outgoing")
            case Outcome.MISSED:
                return self.tr("Missed")
            case Outcome.DECLINED:
                return self.tr("Declined")
            case Outcome.NOT_REACHED:
                return self.tr("Not reached")


class CallHistoryView(QWidget):
    """The history table with a "Call back" button; ``sig_dial`` carries the number."""

    sig_dial = Signal(str)

    def __init__(self, model: CallHistoryModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.table = QTableView()
        self.table.setModel(model)
        self.table.setAccessibleName(self.tr("Call history"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(self._on_activated)
        self.empty_label = QLabel(self.tr("No calls yet."))
        self.call_back_button = QPushButton(self.tr("Call back"))
        self.call_back_button.setAccessibleName(self.tr("Call back the chosen number"))
        self.call_back_button.setToolTip(self.tr("Call the chosen number (Enter)"))
        self.call_back_button.clicked.connect(self._on_call_back)
        buttons = QHBoxLayout()
        buttons.addWidget(self.empty_label, 1)
        buttons.addWidget(self.call_back_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        model.rowsInserted.connect(self._on_rows_changed)
        model.rowsRemoved.connect(self._on_rows_changed)
        self._on_rows_changed()

    def _on_rows_changed(self) -> None:
        has_rows = self.model.rowCount() > 0
        self.empty_label.setVisible(not has_rows)
        self.call_back_button.setEnabled(has_rows)

    def _on_activated(self, index: QModelIndex) -> None:
        self._dial_row(index.row())

    def _on_call_back(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        self._dial_row(rows[0].row() if rows else 0)

    def _dial_row(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            party = self.model.entry(row).party
            if party:
                self.sig_dial.emit(party)
