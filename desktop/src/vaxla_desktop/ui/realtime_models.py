"""Qt models of the real-time view (R32): every agent, sortable and filterable by
queue, state and name; every waiting call (R16), sortable and filterable by queue and
text; the queues reuse the agent panel's queue table.

:class:`AgentTableModel` is filled from :class:`~vaxla_desktop.core.realtime.RealtimeState`
by ``refresh``; ``tick`` redraws only the cells that move with the clock.
:class:`AgentFilter` sorts by :data:`AgentTableModel.SORT_ROLE` (numbers for times,
so 10:00 comes after 9:59) and keeps the rows the filters let through.
"""

import re
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor

from vaxla_desktop.core.realtime import AgentRow, RealtimeState, WaitingRow
from vaxla_desktop.ui.agent_models import (
    NONE,
    WAITING_COLOUR,
    Index,
    QueueTableModel,
    _AgentRowsModel,
    _RowsModel,
    _state_brushes,
    duration,
)
from vaxla_protocol.agent import AgentStateName

# The order of the states when sorting by state: at work first.
STATE_ORDER: dict[AgentStateName, int] = {
    "offered": 0,
    "busy": 1,
    "wrap_up": 2,
    "available": 3,
    "paused": 4,
    "offline": 5,
}


class AgentTableModel(_AgentRowsModel[AgentRow]):
    """Every agent: name, state (word and colour), time in it, its call and queues."""

    AGENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
    SORT_ROLE = Qt.ItemDataRole.UserRole + 2
    NAME, STATE, IN_STATE, CALL, CALL_QUEUE, CALL_TIME, QUEUES = range(7)
    COLUMNS = 7

    def _titles(self) -> Sequence[str]:
        return (
            self.tr("Agent"),
            self.tr("State"),
            self.tr("Time in state"),
            self.tr("Call"),
            self.tr("Call's queue"),
            self.tr("Call time"),
            self.tr("Logged in to"),
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == self.AGENT_ID_ROLE:
            return row.agent.agent_id
        if role == self.SORT_ROLE:
            return self._sort_key(row, column)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (self.IN_STATE, self.CALL_TIME):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if column == self.STATE:
            return _state_brushes(row.agent.state, role)
        return None

    def _text(self, row: AgentRow, column: int) -> str:
        agent, call = row.agent, row.agent.call
        match column:
            case self.NAME:
                return agent.username
            case self.STATE:
                return self._state_text(agent)
            case self.IN_STATE:
                return NONE if row.in_state_s is None else duration(row.in_state_s)
            case self.CALL:
                if call is None:
                    return NONE
                if call.direction == "outbound":
                    return self.tr("Outbound call")
                # The number comes with the offer; of a call rung before this view
                # opened, only that it is one.
                return row.caller or self.tr("Inbound call")
            case self.CALL_QUEUE:
                return call.queue.name if call is not None and call.queue is not None else NONE
            case self.CALL_TIME:
                return NONE if row.call_s is None else duration(row.call_s)
        return ", ".join(queue.name for queue in agent.queues) or NONE

    def _sort_key(self, row: AgentRow, column: int) -> Any:
        match column:
            case self.NAME:
                return _natural(row.agent.username)
            case self.STATE:
                return STATE_ORDER[row.agent.state]
            case self.IN_STATE:
                return -1.0 if row.in_state_s is None else row.in_state_s
            case self.CALL_TIME:
                return -1.0 if row.call_s is None else row.call_s
        return self._text(row, column).casefold()

    def agent_at(self, row: int) -> AgentRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def refresh(self, state: RealtimeState) -> None:
        rows = sorted(state.rows(), key=lambda row: row.agent.agent_id)
        self._replace_rows(rows, lambda row: row.agent.agent_id)

    def tick(self, state: RealtimeState) -> None:
        """The clock moved: the times in state and of the calls, redrawn alone."""
        if not self._rows:
            return
        now = {row.agent.agent_id: row for row in state.rows()}
        self._rows = [now.get(row.agent.agent_id, row) for row in self._rows]
        self._redraw_column(self.IN_STATE)
        self._redraw_column(self.CALL_TIME)


def _natural(name: str) -> str:
    """A name whose numbers sort as numbers (agent2 before agent10), as a string."""
    return re.sub(r"\d+", lambda digits: digits.group().zfill(9), name.casefold())


_AFTER_THE_LINE = 1e12
"""Sorted by position, a scheduled callback (out of the line) comes after every
position, by its time."""


class WaitingTableModel(_RowsModel[WaitingRow]):
    """Every call waiting in a queue: queue, position, priority, wait, estimated wait,
    the caller's number (A-number), what the caller entered, and whether it rings (or
    is a callback, with the number it is called back on, R17).

    Rows are kept in place as the lists come (a new call is inserted, a call gone is
    removed, the others are redrawn), so a selected call stays selected."""

    CONTACT_ID_ROLE = Qt.ItemDataRole.UserRole + 1
    SORT_ROLE = Qt.ItemDataRole.UserRole + 2
    QUEUE, POSITION, PRIORITY, WAIT, ESTIMATE, CALLER, DATA, STATE = range(8)
    COLUMNS = 8
    _NUMBERS = (POSITION, PRIORITY, WAIT, ESTIMATE)

    def _titles(self) -> Sequence[str]:
        return (
            self.tr("Queue"),
            self.tr("Position"),
            self.tr("Priority"),
            self.tr("Waited"),
            self.tr("Estimated wait"),
            self.tr("Caller"),
            self.tr("Entered data"),
            self.tr("State"),
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == self.CONTACT_ID_ROLE:
            return row.contact.contact_id
        if role == self.SORT_ROLE:
            return self._sort_key(row, column)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in self._NUMBERS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and column == self.PRIORITY:
            return QBrush(QColor(WAITING_COLOUR)) if row.contact.priority > 0 else None
        if role == Qt.ItemDataRole.ToolTipRole and column == self.DATA and row.entries:
            return "\n".join(f"{label}: {value}" for label, value in row.entries)
        return None

    def _text(self, row: WaitingRow, column: int) -> str:
        contact = row.contact
        scheduled = contact.state == "scheduled"
        match column:
            case self.QUEUE:
                return row.queue
            case self.POSITION:
                return NONE if scheduled else str(contact.position)
            case self.PRIORITY:
                return str(contact.priority)
            case self.WAIT:
                return NONE if scheduled else duration(row.wait_s)
            case self.ESTIMATE:
                estimate = None if scheduled else contact.estimated_wait_s
                return NONE if estimate is None else duration(estimate)
            case self.CALLER:
                return contact.caller or self.tr("Unknown number")
            case self.DATA:
                return ", ".join(f"{label}: {value}" for label, value in row.entries) or NONE
        if scheduled and contact.callback_due is not None:
            return self.tr("Callback to {0} at {1}").format(
                contact.callback_number, self._due_text(contact.callback_due)
            )
        if contact.callback_number is not None:
            return self.tr("Callback to {0}").format(contact.callback_number)
        return self.tr("Ringing") if contact.state == "offered" else self.tr("Waiting")

    def _due_text(self, due: datetime) -> str:
        """When a scheduled callback enters the line, in local time: the time alone
        today, with the date on another day."""
        local = due.astimezone()
        if local.date() == datetime.now().astimezone().date():
            return local.strftime("%H:%M")
        return local.strftime("%Y-%m-%d %H:%M")

    def _sort_key(self, row: WaitingRow, column: int) -> Any:
        contact = row.contact
        scheduled = contact.state == "scheduled"
        match column:
            case self.POSITION:  # the scheduled after the line, soonest first
                due = contact.callback_due.timestamp() if contact.callback_due else 0.0
                return _AFTER_THE_LINE + due if scheduled else float(contact.position)
            case self.PRIORITY:
                return contact.priority
            case self.WAIT:
                return -1.0 if scheduled else row.wait_s
            case self.ESTIMATE:
                return -1.0 if contact.estimated_wait_s is None else contact.estimated_wait_s
        return self._text(row, column).casefold()

    def row_at(self, row: int) -> WaitingRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    @staticmethod
    def wait_text(row: WaitingRow) -> str:
        return duration(row.wait_s)

    def refresh(self, state: RealtimeState) -> None:
        """The calls of the last list: gone ones removed, new ones added at the end,
        the rest redrawn where they are."""
        rows = {row.contact.contact_id: row for row in state.waiting()}
        for at in reversed(range(len(self._rows))):
            if self._rows[at].contact.contact_id not in rows:
                self.beginRemoveRows(QModelIndex(), at, at)
                del self._rows[at]
                self.endRemoveRows()
        kept = {row.contact.contact_id for row in self._rows}
        self._rows = [rows[row.contact.contact_id] for row in self._rows]
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._rows) - 1, self.COLUMNS - 1)
            )
        new = [row for contact_id, row in rows.items() if contact_id not in kept]
        if new:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
            self._rows.extend(new)
            self.endInsertRows()

    def tick(self, state: RealtimeState) -> None:
        """The clock moved: the waits redrawn alone."""
        if not self._rows:
            return
        now = {row.contact.contact_id: row for row in state.waiting()}
        self._rows = [now.get(row.contact.contact_id, row) for row in self._rows]
        self._redraw_column(self.WAIT)


class WaitingFilter(QSortFilterProxyModel):
    """The waiting calls of the chosen queue whose number or entered data holds the
    typed text."""

    def __init__(self, source: WaitingTableModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._queue_id: int | None = None
        self.setSourceModel(source)
        self.setSortRole(WaitingTableModel.SORT_ROLE)
        self.setDynamicSortFilter(True)

    def set_text(self, text: str) -> None:
        _refilter(self, lambda: setattr(self, "_text", text.strip().casefold()))

    def set_queue(self, queue_id: int | None) -> None:
        _refilter(self, lambda: setattr(self, "_queue_id", queue_id))

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        source = self.sourceModel()
        assert isinstance(source, WaitingTableModel)
        row = source.row_at(source_row)
        if row is None:
            return False
        if self._queue_id is not None and row.contact.queue_id != self._queue_id:
            return False
        if not self._text:
            return True
        seen = [row.contact.caller or "", *(f"{k} {v}" for k, v in row.entries)]
        return any(self._text in text.casefold() for text in seen)


def _refilter(proxy: QSortFilterProxyModel, change: Callable[[], None]) -> None:
    # Qt 6.10 replaced invalidateFilter (now deprecated) with a begin/end pair.
    if hasattr(proxy, "beginFilterChange"):
        proxy.beginFilterChange()
        change()
        proxy.endFilterChange(QSortFilterProxyModel.Direction.Rows)
    else:
        change()
        proxy.invalidateRowsFilter()


class AgentFilter(QSortFilterProxyModel):
    """The agents whose name holds the typed text, in the chosen state and queue."""

    def __init__(self, source: AgentTableModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._state: AgentStateName | None = None
        self._queue_id: int | None = None
        self.setSourceModel(source)
        self.setSortRole(AgentTableModel.SORT_ROLE)
        self.setDynamicSortFilter(True)

    def set_text(self, text: str) -> None:
        self._refilter(lambda: setattr(self, "_text", text.strip().casefold()))

    def set_state(self, state: AgentStateName | None) -> None:
        self._refilter(lambda: setattr(self, "_state", state))

    def set_queue(self, queue_id: int | None) -> None:
        """Agents who are members of the queue (logged in to it or not)."""
        self._refilter(lambda: setattr(self, "_queue_id", queue_id))

    def _refilter(self, change: Callable[[], None]) -> None:
        _refilter(self, change)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        source = self.sourceModel()
        assert isinstance(source, AgentTableModel)
        row = source.agent_at(source_row)
        if row is None:
            return False
        agent = row.agent
        if self._text and self._text not in agent.username.casefold():
            return False
        if self._state is not None and agent.state != self._state:
            return False
        return self._queue_id is None or any(q.id == self._queue_id for q in agent.member_of)


class QueueSorter(QSortFilterProxyModel):
    """The queue table sorted by its numbers (the source's sort role)."""

    def __init__(self, source: QueueTableModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSourceModel(source)
        self.setSortRole(QueueTableModel.SORT_ROLE)
        self.setDynamicSortFilter(True)
