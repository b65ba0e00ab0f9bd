"""The supervisor's alarms (R24): every raised alarm in red, the newest first, and the
acknowledgement of the one selected (a button and ``ACKNOWLEDGE_KEY``).

The panel shows what the event socket says (``AlarmsChanged``) and never talks to the
server: it asks with ``sig_acknowledge_requested`` and changes on the server's next
message, so a refused acknowledgement changes nothing here.
"""

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from vaxla_desktop.ui.agent_models import Index, _RowsModel
from vaxla_desktop.ui.agent_panel import table_view
from vaxla_protocol.alarms import AlarmState

ACKNOWLEDGE_KEY = "Ctrl+Shift+A"
RAISED_COLOUR = "#c62828"
"""An alarm no one has acknowledged yet: white on red."""
SEEN_COLOUR = "#ffcdd2"
"""An acknowledged alarm, still raised: dark red on pale red."""
SEEN_TEXT = "#7f0000"
SHOWN_ROWS = 5


class AlarmTableModel(_RowsModel[AlarmState]):
    """The raised alarms: queue, rule, the figure that raised it, since when, who
    acknowledged it. :data:`RULE_ROLE` gives a row's rule name."""

    RULE_ROLE = Qt.ItemDataRole.UserRole + 1
    QUEUE, RULE, FIGURE, RAISED, SEEN = range(5)
    COLUMNS = 5

    def _titles(self) -> Sequence[str]:
        return (
            self.tr("Queue"),
            self.tr("Alarm"),
            self.tr("Figure"),
            self.tr("Raised"),
            self.tr("Acknowledged by"),
        )

    def refresh(self, alarms: Sequence[AlarmState]) -> None:
        self._replace_rows(list(alarms), lambda alarm: (alarm.rule, alarm.raised_at))

    def alarm_at(self, row: int) -> AlarmState | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        alarm = self._rows[index.row()]
        if role == self.RULE_ROLE:
            return alarm.rule
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(alarm, index.column())
        seen = alarm.acknowledged_by is not None
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor(SEEN_COLOUR if seen else RAISED_COLOUR))
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(SEEN_TEXT if seen else "white"))
        return None

    def _text(self, alarm: AlarmState, column: int) -> str:
        match column:
            case self.QUEUE:
                return alarm.queue
            case self.RULE:
                return alarm.rule
            case self.FIGURE:
                return self.tr("{0}: {1} ({2} {3})").format(
                    self._metric(alarm.metric.value),
                    f"{alarm.value:g}",
                    alarm.comparison.value,
                    f"{alarm.threshold:g}",
                )
            case self.RAISED:
                return alarm.raised_at.astimezone().strftime("%H:%M:%S")
            case self.SEEN:
                if alarm.acknowledged_by is None or alarm.acknowledged_at is None:
                    return self.tr("Not yet")
                return self.tr("{0} at {1}").format(
                    alarm.acknowledged_by, alarm.acknowledged_at.astimezone().strftime("%H:%M")
                )
        return ""

    def _metric(self, metric: str) -> str:
        words = {
            "waiting_count": self.tr("calls waiting"),
            "longest_wait_s": self.tr("longest wait (s)"),
            "service_level_pct": self.tr("service level today (%)"),
            "agents_ready": self.tr("agents logged in, not paused"),
        }
        return words.get(metric, metric)


class AlarmsPanel(QGroupBox):
    sig_acknowledge_requested = Signal(str)  # the rule's name

    def __init__(self, *, may_acknowledge: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.may_acknowledge = may_acknowledge
        self.model = AlarmTableModel(self)
        self.view = table_view(self.model, self.tr("Raised alarms"))
        self.none_label = QLabel(self.tr("No alarm is raised."))
        self.acknowledge_button = QPushButton(self.tr("Acknowledge"))
        self.acknowledge_button.setShortcut(QKeySequence(ACKNOWLEDGE_KEY))
        self.acknowledge_button.setToolTip(
            self.tr("Acknowledge the selected alarm, or the newest not acknowledged ({0})").format(
                QKeySequence(ACKNOWLEDGE_KEY).toString(QKeySequence.SequenceFormat.NativeText)
            )
        )
        self.acknowledge_button.setVisible(may_acknowledge)
        row = QHBoxLayout()
        row.addWidget(self.none_label, 1)
        row.addStretch(0)
        row.addWidget(self.acknowledge_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addLayout(row)
        self.acknowledge_button.clicked.connect(self._on_acknowledge)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._show_actions())
        self.show_alarms([])

    def show_alarms(self, alarms: Sequence[AlarmState]) -> None:
        self.model.refresh(alarms)
        unseen = sum(1 for alarm in alarms if alarm.acknowledged_by is None)
        self.setTitle(
            self.tr("Alarms: {0} raised, {1} not acknowledged").format(len(alarms), unseen)
            if alarms
            else self.tr("Alarms")
        )
        self.setStyleSheet(
            f"QGroupBox {{ color: {RAISED_COLOUR}; font-weight: bold; }}" if unseen else ""
        )
        self.view.setVisible(bool(alarms))
        self.none_label.setVisible(not alarms)
        self._fit(len(alarms))
        self._show_actions()

    def _fit(self, rows: int) -> None:
        """As high as its rows (up to ``SHOWN_ROWS``; more scroll), no empty space."""
        view = self.view
        shown = max(1, min(rows, SHOWN_ROWS))
        height = view.horizontalHeader().sizeHint().height() + 2 * view.frameWidth()
        height += shown * view.verticalHeader().defaultSectionSize()
        view.setFixedHeight(height)

    def selected(self) -> AlarmState | None:
        """The alarm selected, or else the newest not acknowledged (so the key works
        without a selection, and the rows stay red rather than selected)."""
        rows = self.view.selectionModel().selectedRows()
        if rows:
            return self.model.alarm_at(rows[0].row())
        alarms = (self.model.alarm_at(r) for r in range(self.model.rowCount()))
        return next((a for a in alarms if a is not None and a.acknowledged_by is None), None)

    def _show_actions(self) -> None:
        alarm = self.selected()
        self.acknowledge_button.setEnabled(alarm is not None and alarm.acknowledged_by is None)

    def _on_acknowledge(self) -> None:
        alarm = self.selected()
        if self.may_acknowledge and alarm is not None and alarm.acknowledged_by is None:
            self.sig_acknowledge_requested.emit(alarm.rule)
