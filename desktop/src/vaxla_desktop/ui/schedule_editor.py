"""Opening hours in the admin mode (R31): the week as a grid of quarter hours, set by
dragging or by keyboard; the Swedish holidays and eves the server knows, on a calendar with
the schedule's dated exceptions ("closed from 12:00 on 23 Dec"); holiday hours as text.

Values go to the server as the text the user gave (a time such as ``25:00`` too), so the
server's refusal says what is wrong, on the field.
"""

import contextlib
from collections.abc import Sequence
from datetime import date, time
from typing import Any

from PySide6.QtCore import QDate, QLocale, QPoint, QRect, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QTextCharFormat,
)
from PySide6.QtWidgets import (
    QCalendarWidget,
    QGridLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from vaxla_desktop.ui.config_form import (
    ChoiceEditor,
    Field,
    FieldEditor,
    FlagEditor,
    ItemEditor,
    TextEditor,
)
from vaxla_protocol.config import HolidayItem

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
QUARTERS = 96
"""Quarter hours in a day: the grid's columns."""
OPEN_COLOUR = QColor("#2e7d32")
CURSOR_COLOUR = QColor("#1565c0")


def _quarter(value: str | None) -> int:
    """The quarter hour a time (``HH:MM[:SS]``) falls in; midnight (or none) is 0."""
    if not value:
        return 0
    moment = time.fromisoformat(value)
    return (moment.hour * 60 + moment.minute) // 15


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _clock(quarter: int) -> str:
    minutes = (quarter % QUARTERS) * 15
    return f"{minutes // 60:02d}:{minutes % 60:02d}:00"


class WeekGrid(QWidget):
    """Seven days of 96 quarter hours, each open or closed.

    A drag paints a rectangle (Monday 08:00 to Friday 17:00 in one go) with the opposite
    of the cell it started on. Keyboard: the arrows move the cursor (``place``), Space
    switches its cell, Shift with an arrow paints on with what that cell is, Home and End
    go to the day's ends."""

    sig_edited = Signal()
    LABEL_WIDTH = 90
    HEADER_HEIGHT = 18

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cells = [[False] * QUARTERS for _ in DAYS]
        self.place = (0, 32)  # Monday 08:00
        self._anchor: tuple[int, int] | None = None
        self._before: list[list[bool]] = []
        self._paint = True
        self.day_names = [
            self.tr("Mon"),
            self.tr("Tue"),
            self.tr("Wed"),
            self.tr("Thu"),
            self.tr("Fri"),
            self.tr("Sat"),
            self.tr("Sun"),
        ]
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(self.LABEL_WIDTH + 4 * QUARTERS, self.HEADER_HEIGHT + 7 * 22)
        self.setToolTip(
            self.tr(
                "Drag to open or close hours; or the arrows, Space to switch, Shift+arrows to paint"
            )
        )

    # Cells and places

    def _cell_rect(self, day: int, quarter: int) -> QRect:
        width = (self.width() - self.LABEL_WIDTH) / QUARTERS
        height = (self.height() - self.HEADER_HEIGHT) / len(DAYS)
        left = self.LABEL_WIDTH + int(quarter * width)
        top = self.HEADER_HEIGHT + int(day * height)
        right = self.LABEL_WIDTH + int((quarter + 1) * width)
        bottom = self.HEADER_HEIGHT + int((day + 1) * height)
        return QRect(left, top, right - left, bottom - top)

    def cell_at(self, point: QPoint) -> tuple[int, int]:
        width = (self.width() - self.LABEL_WIDTH) / QUARTERS
        height = (self.height() - self.HEADER_HEIGHT) / len(DAYS)
        quarter = int((point.x() - self.LABEL_WIDTH) / width)
        day = int((point.y() - self.HEADER_HEIGHT) / height)
        return min(max(day, 0), len(DAYS) - 1), min(max(quarter, 0), QUARTERS - 1)

    def cell_centre(self, day: int, quarter: int) -> QPoint:
        return self._cell_rect(day, quarter).center()

    def set_cells(self, cells: list[list[bool]]) -> None:
        self.cells = [list(row) for row in cells]
        self.update()

    def _fill(self, first: tuple[int, int], last: tuple[int, int]) -> None:
        """The cells of the rectangle from ``first`` to ``last`` painted, over the cells
        as they were when the stroke began."""
        self.cells = [list(row) for row in self._before]
        for day in range(min(first[0], last[0]), max(first[0], last[0]) + 1):
            for quarter in range(min(first[1], last[1]), max(first[1], last[1]) + 1):
                self.cells[day][quarter] = self._paint
        self.update()
        self.sig_edited.emit()

    def _begin(self, cell: tuple[int, int], paint: bool) -> None:
        self._anchor = cell
        self._before = [list(row) for row in self.cells]
        self._paint = paint

    # Mouse

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() is not Qt.MouseButton.LeftButton:
            return
        cell = self.cell_at(event.position().toPoint())
        self.place = cell
        self._begin(cell, not self.cells[cell[0]][cell[1]])
        self._fill(cell, cell)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._anchor is not None and event.buttons() & Qt.MouseButton.LeftButton:
            self.place = self.cell_at(event.position().toPoint())
            self._fill(self._anchor, self.place)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._anchor = None

    # Keyboard

    def keyPressEvent(self, event: QKeyEvent) -> None:
        day, quarter = self.place
        key = event.key()
        moves = {
            Qt.Key.Key_Left: (0, -1),
            Qt.Key.Key_Right: (0, 1),
            Qt.Key.Key_Up: (-1, 0),
            Qt.Key.Key_Down: (1, 0),
        }
        if key == Qt.Key.Key_Space:
            self._begin(self.place, not self.cells[day][quarter])
            self._fill(self.place, self.place)
            return
        if key in moves:
            step_day, step_quarter = moves[Qt.Key(key)]
            moved = (
                min(max(day + step_day, 0), len(DAYS) - 1),
                min(max(quarter + step_quarter, 0), QUARTERS - 1),
            )
        elif key == Qt.Key.Key_Home:
            moved = (day, 0)
        elif key == Qt.Key.Key_End:
            moved = (day, QUARTERS - 1)
        else:
            super().keyPressEvent(event)
            return
        if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            if self._anchor is None:  # paint on with what the cursor's cell is
                self._begin(self.place, self.cells[day][quarter])
            assert self._anchor is not None
            self.place = moved
            self._fill(self._anchor, moved)
        else:
            self._anchor = None
            self.place = moved
            self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self._anchor = None
        super().focusOutEvent(event)

    # Drawing

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        palette = self.palette()
        closed = palette.color(QPalette.ColorRole.Base)
        grid = palette.color(QPalette.ColorRole.Mid)
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        for hour in range(0, 24, 2):
            rect = self._cell_rect(0, hour * 4)
            painter.drawText(rect.left() + 1, self.HEADER_HEIGHT - 4, f"{hour:02d}")
        for day, name in enumerate(self.day_names):
            row = self._cell_rect(day, 0)
            painter.setPen(palette.color(QPalette.ColorRole.Text))
            painter.drawText(
                QRect(4, row.top(), self.LABEL_WIDTH - 8, row.height()),
                Qt.AlignmentFlag.AlignVCenter,
                name,
            )
            for quarter in range(QUARTERS):
                rect = self._cell_rect(day, quarter)
                painter.fillRect(rect, OPEN_COLOUR if self.cells[day][quarter] else closed)
                if quarter % 4 == 0:
                    painter.setPen(grid)
                    painter.drawLine(rect.topLeft(), rect.bottomLeft())
            painter.setPen(grid)
            painter.drawLine(row.left(), row.top(), self.width(), row.top())
        if self.hasFocus():
            painter.setPen(CURSOR_COLOUR)
            painter.drawRect(self._cell_rect(*self.place).adjusted(0, 0, -1, -1))
        painter.end()


class WeekEditor(FieldEditor):
    """A schedule's ``weekly`` hours on a :class:`WeekGrid`. Until the grid is touched the
    hours stay exactly as the server has them (minutes off the quarter, intervals past
    midnight); once touched, each day's open runs are its intervals."""

    def __init__(self) -> None:
        grid = WeekGrid()
        super().__init__(grid)
        self.grid = grid
        self._original: Any = {}
        self._edited = False
        grid.sig_edited.connect(self._on_edited)

    def _on_edited(self) -> None:
        self._edited = True
        self.changed.emit()

    def value(self) -> Any:
        if not self._edited:
            return self._original
        weekly: dict[str, list[dict[str, Any]]] = {}
        for day, row in zip(DAYS, self.grid.cells, strict=True):
            runs: list[dict[str, Any]] = []
            start: int | None = None
            for quarter, is_open in enumerate([*row, False]):
                if is_open and start is None:
                    start = quarter
                elif not is_open and start is not None:
                    runs.append({"start": _clock(start), "end": _clock(quarter)})
                    runs[-1]["crosses_midnight"] = False
                    start = None
            if runs:
                weekly[day] = runs
        return weekly

    def set_value(self, value: Any) -> None:
        self._original = value or {}
        self._edited = False
        cells = [[False] * QUARTERS for _ in DAYS]
        for day, intervals in self._original.items():
            if day not in DAYS:
                continue
            index = DAYS.index(day)
            for interval in intervals:
                first = _quarter(interval.get("start"))
                end = _quarter(interval.get("end"))
                if interval.get("crosses_midnight") or end == 0 or end <= first:
                    for quarter in range(first, QUARTERS):
                        cells[index][quarter] = True
                    for quarter in range(end):
                        cells[(index + 1) % len(DAYS)][quarter] = True
                else:
                    for quarter in range(first, end):
                        cells[index][quarter] = True
        self.grid.set_cells(cells)


class IntervalsEditor(TextEditor):
    """Opening intervals as text, ``10:00-14:00, 15:00-16:00`` (holiday hours)."""

    def __init__(self) -> None:
        super().__init__()
        self.line.setPlaceholderText("10:00-14:00")

    def value(self) -> Any:
        intervals = []
        for part in self.line.text().split(","):
            if not part.strip():
                continue
            start, _dash, end = part.strip().partition("-")
            intervals.append({"start": _time_text(start), "end": _time_text(end)})
        return intervals

    def set_value(self, value: Any) -> None:
        self.line.setText(
            ", ".join(f"{_short(i.get('start'))}-{_short(i.get('end'))}" for i in value or [])
        )


def _time_text(text: str) -> str:
    """``8`` or ``8:00`` as ``08:00:00``; anything else as it is, for the server to refuse."""
    text = text.strip()
    if text.isdigit():
        text = f"{text}:00"
    hours, _colon, minutes = text.partition(":")
    if hours.isdigit() and minutes.isdigit() and len(minutes) == 2:
        return f"{int(hours):02d}:{minutes}:00"
    return text


def _short(value: str | None) -> str:
    return "" if not value else value[:5]


EXCEPTION_COLUMNS = 5


class ExceptionsEditor(FieldEditor):
    """A schedule's dated exceptions in a table (day, open or closed, from, to, why),
    beside a calendar that shows the Swedish holidays and eves (from the server) and the
    exceptions' days. ``sig_year_shown`` asks for a year's holidays."""

    sig_year_shown = Signal(int)

    def __init__(self) -> None:
        page = QWidget()
        super().__init__(page)
        self.page = page
        self.holidays: dict[date, HolidayItem] = {}
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(True)
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        # The months' and days' names in the language of the app's texts.
        self.calendar.setLocale(QLocale(self.tr("en_GB", "the calendar's locale")))
        self.calendar.setAccessibleName(self.tr("Holidays and exceptions"))
        self.holiday_label = QLabel()
        self.holiday_label.setWordWrap(True)
        self.table = QTableWidget(0, EXCEPTION_COLUMNS)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Day"), self.tr("Open"), self.tr("From"), self.tr("To"), self.tr("Why")]
        )
        header = self.table.horizontalHeader()
        for column in range(EXCEPTION_COLUMNS - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(EXCEPTION_COLUMNS - 1, QHeaderView.ResizeMode.Stretch)
        self.table.setAccessibleName(self.tr("Exceptions"))
        self.table.setTabKeyNavigation(False)
        self.add_button = QPushButton(self.tr("Add an exception on the chosen day"))
        self.remove_button = QPushButton(self.tr("Remove the exception"))
        layout = QGridLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.calendar, 0, 0)
        layout.addWidget(self.holiday_label, 1, 0, 2, 1, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.table, 0, 1, 1, 3)
        layout.addWidget(self.add_button, 1, 1)
        layout.addWidget(self.remove_button, 1, 2)
        layout.setColumnStretch(3, 1)
        self.add_button.clicked.connect(self._on_add)
        self.remove_button.clicked.connect(self._on_remove)
        self.table.itemChanged.connect(self._on_table_changed)
        self.calendar.currentPageChanged.connect(self._on_page)

    def year_shown(self) -> int:
        return self.calendar.yearShown()

    def show_holidays(self, holidays: Sequence[HolidayItem]) -> None:
        """The server's holidays: marked on the calendar, the month's named under it."""
        for day in self.holidays:
            self.calendar.setDateTextFormat(_qdate(day), QTextCharFormat())
        self.holidays.update({holiday.day: holiday for holiday in holidays})
        self._mark()

    def _mark(self) -> None:
        for holiday in self.holidays.values():
            style = QTextCharFormat()
            style.setForeground(QColor("#b00020"))
            style.setFontWeight(700)
            if holiday.eve:
                style.setFontItalic(True)
            self.calendar.setDateTextFormat(_qdate(holiday.day), style)
        for day in self._exception_days():
            style = self.calendar.dateTextFormat(_qdate(day))
            style.setBackground(QColor("#ffe082"))
            self.calendar.setDateTextFormat(_qdate(day), style)
        year, month = self.calendar.yearShown(), self.calendar.monthShown()
        named = [
            self.tr("{0} {1} (eve)").format(h.day.day, h.name) if h.eve else f"{h.day.day} {h.name}"
            for h in sorted(self.holidays.values(), key=lambda h: h.day)
            if (h.day.year, h.day.month) == (year, month)
        ]
        self.holiday_label.setText(
            self.tr("Holidays this month: {0}").format(", ".join(named))
            if named
            else self.tr("No holidays this month.")
        )

    def _exception_days(self) -> list[date]:
        days = []
        for row in range(self.table.rowCount()):
            try:
                days.append(date.fromisoformat(self._text(row, 0)))
            except ValueError:
                continue
        return days

    def _on_page(self, year: int, _month: int) -> None:
        if not any(day.year == year for day in self.holidays):
            self.sig_year_shown.emit(year)
        self._mark()

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return "" if item is None else item.text().strip()

    def _add_row(self, exception: dict[str, Any]) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        opened = QTableWidgetItem(self.tr("open") if exception.get("open") else self.tr("closed"))
        opened.setFlags(opened.flags() & ~Qt.ItemFlag.ItemIsEditable)
        opened.setCheckState(
            Qt.CheckState.Checked if exception.get("open") else Qt.CheckState.Unchecked
        )
        self.table.setItem(row, 0, QTableWidgetItem(str(exception.get("day", ""))))
        self.table.setItem(row, 1, opened)
        self.table.setItem(row, 2, QTableWidgetItem(_short(exception.get("start"))))
        self.table.setItem(row, 3, QTableWidgetItem(_short(exception.get("end"))))
        self.table.setItem(row, 4, QTableWidgetItem(str(exception.get("label", ""))))

    def _on_add(self) -> None:
        self.table.blockSignals(True)
        self._add_row(
            {"day": self.calendar.selectedDate().toString(Qt.DateFormat.ISODate), "open": False}
        )
        self.table.blockSignals(False)
        self.table.setCurrentCell(self.table.rowCount() - 1, 2)
        self._mark()
        self.changed.emit()

    def _on_remove(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            day = self._text(row, 0)
            self.table.removeRow(row)
            with contextlib.suppress(ValueError):
                self.calendar.setDateTextFormat(_qdate(date.fromisoformat(day)), QTextCharFormat())
            self._mark()
            self.changed.emit()

    def _on_table_changed(self, item: QTableWidgetItem) -> None:
        if item.column() == 1:
            self.table.blockSignals(True)
            checked = item.checkState() == Qt.CheckState.Checked
            item.setText(self.tr("open") if checked else self.tr("closed"))
            self.table.blockSignals(False)
        self._mark()
        self.changed.emit()

    def value(self) -> Any:
        exceptions = []
        for row in range(self.table.rowCount()):
            opened = self.table.item(row, 1)
            start, end = self._text(row, 2), self._text(row, 3)
            exceptions.append(
                {
                    "day": self._text(row, 0),
                    "open": opened is not None and opened.checkState() == Qt.CheckState.Checked,
                    "start": _time_text(start) if start else None,
                    "end": _time_text(end) if end else None,
                    "label": self._text(row, 4),
                }
            )
        return exceptions

    def set_value(self, value: Any) -> None:
        self.table.blockSignals(True)
        for day in self._exception_days():
            self.calendar.setDateTextFormat(_qdate(day), QTextCharFormat())
        self.table.setRowCount(0)
        for exception in value or []:
            self._add_row(exception)
        self.table.blockSignals(False)
        self._mark()


class ScheduleEditor(ItemEditor):
    """The schedules (``/config/schedules``)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        template = {"name": "", "time_zone": "Europe/Stockholm", "holiday_policy": "closed",
                    "include_holiday_eves": True, "weekly": {}, "exceptions": []}  # fmt: skip
        super().__init__(template=template, parent=parent)

    def make_fields(self) -> list[Field]:
        self.week = WeekEditor()
        self.exceptions = ExceptionsEditor()
        return [
            Field("name", self.tr("Name"), TextEditor),
            Field("time_zone", self.tr("Time zone"), TextEditor, words=("time zone",)),
            Field("weekly", self.tr("Opening hours"), lambda: self.week),
            Field(
                "holiday_policy",
                self.tr("On holidays"),
                lambda: ChoiceEditor(
                    [
                        ("closed", self.tr("closed")),
                        ("holiday_hours", self.tr("open the holiday hours")),
                        ("ignore", self.tr("as any other day")),
                    ]
                ),
                words=("holiday policy", "policy"),
            ),
            Field(
                "include_holiday_eves",
                self.tr("Eves"),
                lambda: FlagEditor(self.tr("Midsommar-, jul- and nyårsafton are holidays")),
            ),
            Field(
                "holiday_hours",
                self.tr("Holiday hours"),
                IntervalsEditor,
                words=("holiday hours", "holiday-hours"),
            ),
            Field(
                "exceptions", self.tr("Exceptions"), lambda: self.exceptions, words=("exception",)
            ),
        ]
