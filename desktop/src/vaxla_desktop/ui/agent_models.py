"""Qt models of the agent panel's tables: queues, colleagues and the personal queue.

Each model is filled from :class:`~vaxla_desktop.core.agent_panel.PanelState` by
``refresh``; the wait columns move on with the clock, and ``tick`` tells the views to
redraw only those cells. A state is always a word and a colour, never a colour alone.
"""

import re
from collections.abc import Callable, Hashable, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont

from vaxla_desktop.core.agent_panel import PanelState
from vaxla_desktop.core.queue_picture import QueueFigures, QueueSource
from vaxla_protocol.agent import AgentState, AgentStateName
from vaxla_protocol.control import ParkedContact

Index = QModelIndex | QPersistentModelIndex

# Background and text colour of each state: dark enough for white text (WCAG AA).
STATE_COLOURS: dict[AgentStateName, str] = {
    "available": "#1b7f3b",
    "offered": "#b34700",
    "busy": "#1553a0",
    "wrap_up": "#6a1b9a",
    "paused": "#b00020",
    "offline": "#5f6368",
}
WAITING_COLOUR = "#b00020"
NONE = "\N{EN DASH}"  # an empty cell that still says "nothing here"


def state_name(state: AgentStateName) -> str:
    """The word for an agent's state, as agents say it."""
    match state:
        case "available":
            return QCoreApplication.translate("AgentStates", "Ready")
        case "offered":
            return QCoreApplication.translate("AgentStates", "Ringing")
        case "busy":
            return QCoreApplication.translate("AgentStates", "On a call")
        case "wrap_up":
            return QCoreApplication.translate("AgentStates", "Wrap-up")
        case "paused":
            return QCoreApplication.translate("AgentStates", "Paused")
        case "offline":
            return QCoreApplication.translate("AgentStates", "Logged out")


def duration(seconds: float) -> str:
    """``m:ss`` (or ``h:mm:ss``) for a wait; whole seconds are what a person reads."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _state_brushes(state: AgentStateName, role: int) -> QBrush | None:
    if role == Qt.ItemDataRole.BackgroundRole:
        return QBrush(QColor(STATE_COLOURS[state]))
    if role == Qt.ItemDataRole.ForegroundRole:
        return QBrush(QColor("white"))
    return None


Row = TypeVar("Row")


class _RowsModel(QAbstractTableModel, Generic[Row]):
    """A flat table of ``_rows`` with ``COLUMNS`` columns titled by ``_titles``."""

    COLUMNS: ClassVar[int]
    # Each model's column titles, in the window's language (a method of the model).
    _titles: Callable[[], Sequence[str]]

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Row] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.COLUMNS

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < self.COLUMNS:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._titles()[section]
        return self._header_hint(section, role)

    def _header_hint(self, section: int, role: int) -> Any:
        """Other roles of a column's header (a tooltip); none unless a model says."""
        return None

    def _replace_rows(self, rows: list[Row], key: Callable[[Row], Hashable]) -> None:
        """The same rows in the same order are redrawn in place (a selection stays);
        any other change resets the model."""
        if [key(r) for r in rows] == [key(r) for r in self._rows]:
            self._rows = rows
            if rows:
                self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, self.COLUMNS - 1))
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def _redraw_column(self, column: int) -> None:
        self.dataChanged.emit(
            self.index(0, column),
            self.index(len(self._rows) - 1, column),
            [Qt.ItemDataRole.DisplayRole],
        )


class QueueTableModel(_RowsModel[QueueFigures]):
    """Every queue of the last snapshot; :data:`MINE_ROLE` says whether it is mine,
    :data:`SORT_ROLE` gives each cell as a number to sort by. The service level today
    is green at or above the goal, red below it."""

    MINE_ROLE = Qt.ItemDataRole.UserRole + 1
    SORT_ROLE = Qt.ItemDataRole.UserRole + 2
    QUEUE, WAITING, LONGEST, AVAILABLE, BUSY, PAUSED, WRAP_UP, SERVICE, GOAL = range(9)
    COLUMNS = 9

    def _titles(self) -> Sequence[str]:
        return (
            self.tr("Queue"),
            self.tr("Waiting"),
            self.tr("Longest wait"),
            self.tr("Ready"),
            self.tr("On a call"),
            self.tr("Paused"),
            self.tr("Wrap-up"),
            self.tr("Service level"),
            self.tr("Goal"),
        )

    def _header_hint(self, section: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and section == self.SERVICE:
            return self.tr("Answered within the goal today, of the calls offered today")
        if role == Qt.ItemDataRole.ToolTipRole and section == self.GOAL:
            return self.tr("The service goal: this share answered within these seconds")
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        figures = self._rows[index.row()]
        queue = figures.state
        column = index.column()
        if role == self.MINE_ROLE:
            return figures.mine
        if role == self.SORT_ROLE:
            return self._sort_key(figures, column)
        if role == Qt.ItemDataRole.DisplayRole:
            match column:
                case self.QUEUE:
                    return queue.name
                case self.WAITING:
                    return str(queue.waiting)
                case self.LONGEST:
                    return duration(figures.longest_wait_s) if queue.waiting else NONE
                case self.AVAILABLE:
                    return str(queue.agents_available)
                case self.BUSY:
                    return str(queue.agents_busy)
                case self.PAUSED:
                    return str(queue.agents_paused)
                case self.WRAP_UP:
                    return str(queue.agents_wrap_up)
                case self.SERVICE:
                    level = queue.service_level_today
                    return NONE if level is None else f"{level:.0f} %"
                case self.GOAL:
                    return self.tr("{0:.0f} % in {1:.0f} s").format(
                        queue.service_goal_percent, queue.service_goal_s
                    )
        if role == Qt.ItemDataRole.TextAlignmentRole and column != self.QUEUE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        waiting_cell = column in (self.WAITING, self.LONGEST) and queue.waiting > 0
        if role == Qt.ItemDataRole.ForegroundRole and waiting_cell:
            return QBrush(QColor(WAITING_COLOUR))
        if role == Qt.ItemDataRole.FontRole and waiting_cell:
            bold = QFont()
            bold.setBold(True)
            return bold
        level = queue.service_level_today
        if role == Qt.ItemDataRole.ForegroundRole and column == self.SERVICE and level is not None:
            met = level >= queue.service_goal_percent
            return QBrush(QColor(STATE_COLOURS["available"] if met else WAITING_COLOUR))
        return None

    def _sort_key(self, figures: QueueFigures, column: int) -> str | float:
        queue = figures.state
        match column:
            case self.QUEUE:
                return queue.name.casefold()
            case self.WAITING:
                return queue.waiting
            case self.LONGEST:
                return figures.longest_wait_s
            case self.AVAILABLE:
                return queue.agents_available
            case self.BUSY:
                return queue.agents_busy
            case self.PAUSED:
                return queue.agents_paused
            case self.WRAP_UP:
                return queue.agents_wrap_up
            case self.SERVICE:
                return -1.0 if queue.service_level_today is None else queue.service_level_today
        return queue.service_goal_percent

    def refresh(self, state: QueueSource) -> None:
        self._replace_rows(state.queues(), lambda row: row.state.id)

    def tick(self, state: QueueSource) -> None:
        """The waits have grown: redraw the longest-wait column only."""
        if not self._rows:
            return
        now = {figures.state.id: figures.longest_wait_s for figures in state.queues()}
        self._rows = [
            QueueFigures(row.state, row.mine, now.get(row.state.id, row.longest_wait_s))
            for row in self._rows
        ]
        self._redraw_column(self.LONGEST)


class QueueFilter(QSortFilterProxyModel):
    """My queues (my "group") or the others', from one :class:`QueueTableModel`."""

    def __init__(self, source: QueueTableModel, *, mine: bool, parent: QObject | None = None):
        super().__init__(parent)
        self._mine = mine
        self.setSourceModel(source)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        source = self.sourceModel()
        index = source.index(source_row, 0, source_parent)
        return bool(source.data(index, QueueTableModel.MINE_ROLE)) == self._mine


class _AgentRowsModel(_RowsModel[Row]):
    """Rows of agents whose state reads as a word, with the pause reason's label."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pause_labels: dict[str, str] = {}

    def set_pause_labels(self, labels: dict[str, str]) -> None:
        self._pause_labels = labels
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._rows) - 1, self.COLUMNS - 1)
            )

    def _state_text(self, agent: AgentState) -> str:
        text = state_name(agent.state)
        if agent.state == "paused" and agent.reason:
            return f"{text} — {self._pause_labels.get(agent.reason, agent.reason)}"
        return text


class ColleagueTableModel(_AgentRowsModel[AgentState]):
    """The agents sharing a queue with me: name, state (word and colour), queues."""

    NAME, STATE, QUEUES = range(3)
    COLUMNS = 3

    def _titles(self) -> Sequence[str]:
        return (self.tr("Colleague"), self.tr("State"), self.tr("Logged in to"))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        agent = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            match column:
                case self.NAME:
                    return agent.username
                case self.STATE:
                    return self._state_text(agent)
                case self.QUEUES:
                    return ", ".join(queue.name for queue in agent.queues) or NONE
        if column == self.STATE:
            return _state_brushes(agent.state, role)
        return None

    def refresh(self, state: PanelState) -> None:
        rows = sorted(state.colleagues.values(), key=_colleague_order)
        self._replace_rows(rows, lambda row: row.agent_id)


def _colleague_order(agent: AgentState) -> tuple[bool, list[str | int]]:
    """Those at work first, then by name with numbers in number order (agent2 < agent10)."""
    parts = re.split(r"(\d+)", agent.username.casefold())
    return agent.state == "offline", [int(p) if p.isdigit() else p for p in parts]


class ParkedTableModel(_RowsModel[tuple[ParkedContact, float]]):
    """The callers in my personal queue (R22), the longest parked first."""

    CONTACT_ROLE = Qt.ItemDataRole.UserRole + 1
    CALLER, QUEUE, WAITED = range(3)
    COLUMNS = 3

    def _titles(self) -> Sequence[str]:
        return (self.tr("Caller"), self.tr("From queue"), self.tr("Waited"))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        contact, waited = self._rows[index.row()]
        if role == self.CONTACT_ROLE:
            return contact.contact_id
        if role == Qt.ItemDataRole.DisplayRole:
            match index.column():
                case self.CALLER:
                    return contact.caller or self.tr("Unknown number")
                case self.QUEUE:
                    return contact.queue
                case self.WAITED:
                    return duration(waited)
        return None

    def contact_at(self, row: int) -> int | None:
        return self._rows[row][0].contact_id if 0 <= row < len(self._rows) else None

    def refresh(self, state: PanelState) -> None:
        self.beginResetModel()
        self._rows = [(contact, state.parked_wait_s(contact)) for contact in state.parked]
        self.endResetModel()

    def tick(self, state: PanelState) -> None:
        if not self._rows:
            return
        self._rows = [(contact, state.parked_wait_s(contact)) for contact, _ in self._rows]
        self._redraw_column(self.WAITED)
