"""The reports (R33), for supervisors and administrators: pick a report, a period (whole
days, site time), an interval and a queue, see it as a table and, for the queue report,
as a chart of the calls offered and the service level per interval; save the server's
CSV, XLSX or PDF of it.

The panel never talks to the server: it asks with ``sig_*`` and shows what it is given
(``show_report``); a refusal is shown in words. Keys: Ctrl+R shows the report, Ctrl+E
saves it (in the format chosen), and every field has its Alt mnemonic.
"""

import itertools
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QKeySequence, QPainter, QPaintEvent, QPen, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from vaxla_desktop.ui.agent_panel import table_view
from vaxla_desktop.ui.report_schedules import ReportScheduleEditor

Index = QModelIndex | QPersistentModelIndex
Row = Mapping[str, Any]
SHOW_KEY = "Ctrl+R"
EXPORT_KEY = "Ctrl+E"
BAR_COLOUR = QColor("#1a73e8")
LEVEL_COLOUR = QColor("#d93025")
REPORTS = ("queues", "staffing", "agents", "classifications", "calls")
INTERVALS = ("15m", "30m", "1h", "1d")
FORMATS = ("pdf", "xlsx", "csv")
SITE_ZONE = ZoneInfo("Europe/Stockholm")
"""The site's time zone: the period's days and the times shown are its."""


class ReportModel(QAbstractTableModel):
    """A report's rows, one column per figure (its key and header)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.columns: list[tuple[str, str]] = []
        self.rows: list[Row] = []

    def set_report(self, columns: Sequence[tuple[str, str]], rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self.columns, self.rows = list(columns), list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        if not 0 <= index.column() < len(self.columns):
            return None
        value = self.rows[index.row()].get(self.columns[index.column()][0])
        if role == Qt.ItemDataRole.DisplayRole:
            return shown(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(value, int | float):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.columns)
        ):
            return self.columns[section][1]
        return None


def shown(value: object) -> str:
    """A value as the table shows it: times as site time ``YYYY-MM-DD HH:MM`` (the
    server's are UTC), numbers to one decimal, nothing as empty."""
    if value is None:
        return ""
    if isinstance(value, str) and len(value) >= 16 and value[4] == "-" and "T" in value:
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        return moment.astimezone(SITE_ZONE).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, dict):
        return ", ".join(f"{k} {shown(v)}" for k, v in sorted(value.items()))
    return str(value)


class ReportChart(QWidget):
    """The queue report per interval: the calls offered (all queues shown) as bars and
    the service level (0-100 %) as a line with a dot per interval."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.points: list[tuple[str, int, float | None]] = []
        self.setAccessibleName(self.tr("Calls offered and service level"))
        self.setMinimumHeight(180)

    def sizeHint(self) -> QSize:
        return QSize(800, 220)

    def set_rows(self, rows: Sequence[Row]) -> None:
        totals: dict[str, list[float]] = {}
        for row in rows:
            total = totals.setdefault(str(row.get("start")), [0.0, 0.0, 0.0])
            total[0] += float(row.get("offered") or 0)
            within, base = row.get("answered_within_goal"), row.get("offered")
            short = row.get("abandoned_short") or 0
            if isinstance(within, int) and isinstance(base, int):
                total[1] += within
                total[2] += base - short
        self.points = [
            (shown(at)[11:] or shown(at), int(t[0]), 100.0 * t[1] / t[2] if t[2] > 0 else None)
            for at, t in sorted(totals.items())
        ]
        offered = sum(p[1] for p in self.points)
        self.setAccessibleDescription(self.tr("{0} calls offered").format(offered))
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        painter.setPen(QColor("#202124"))
        painter.drawText(
            QRectF(10, 4, self.width() - 20, 20),
            Qt.AlignmentFlag.AlignLeft,
            self.tr("Calls offered (bars) and service level (line, %)"),
        )
        if not self.points:
            painter.end()
            return
        left, top, right, bottom = 40.0, 28.0, self.width() - 56.0, self.height() - 22.0
        height, step = bottom - top, (right - left) / len(self.points)
        peak = max(p[1] for p in self.points) or 1
        painter.setPen(QColor("#9aa0a6"))
        painter.drawLine(QPointF(left, bottom), QPointF(right, bottom))
        painter.drawText(QRectF(0, top - 6, left - 4, 14), Qt.AlignmentFlag.AlignRight, str(peak))
        painter.drawText(QRectF(right + 4, top - 6, 50, 14), Qt.AlignmentFlag.AlignLeft, "100 %")
        line: list[QPointF] = []
        label_every = max(1, len(self.points) // 12)
        for index, (label, offered, level) in enumerate(self.points):
            x = left + index * step
            bar = height * offered / peak
            if bar > 0:
                painter.fillRect(QRectF(x + step * 0.15, bottom - bar, step * 0.7, bar), BAR_COLOUR)
            if level is not None:
                line.append(QPointF(x + step / 2, bottom - height * level / 100))
            if index % label_every == 0:
                painter.setPen(QColor("#5f6368"))
                painter.drawText(
                    QRectF(x, bottom + 2, step * label_every, 16), Qt.AlignmentFlag.AlignLeft, label
                )
        painter.setPen(QPen(LEVEL_COLOUR, 2))
        for a, b in itertools.pairwise(line):
            painter.drawLine(a, b)
        painter.setBrush(LEVEL_COLOUR)
        for point in line:
            painter.drawEllipse(point, 3, 3)
        painter.end()


class ReportsPanel(QWidget):
    sig_show_requested = Signal(dict)  # the report's query: report, from, to, interval, queue
    sig_export_requested = Signal(dict, str, str)  # the query, the format, the file's path

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Reports"))
        self.report_box = QComboBox()
        names = {
            "queues": self.tr("Queues per interval"),
            "staffing": self.tr("Staffing"),
            "agents": self.tr("Agents"),
            "classifications": self.tr("Classifications"),
            "calls": self.tr("Call log"),
        }
        for key in REPORTS:
            self.report_box.addItem(names[key], key)
        self.start_edit, self.end_edit = QDateEdit(), QDateEdit()
        for edit in (self.start_edit, self.end_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setDate(QDate.currentDate())
        self.interval_box = QComboBox()
        for key, text in zip(
            INTERVALS,
            (self.tr("15 minutes"), self.tr("30 minutes"), self.tr("Hour"), self.tr("Day")),
            strict=True,
        ):
            self.interval_box.addItem(text, key)
        self.interval_box.setCurrentIndex(INTERVALS.index("1h"))
        self.queue_box = QComboBox()
        self.queue_box.addItem(self.tr("All queues"), None)
        self.format_box = QComboBox()
        for key in FORMATS:
            self.format_box.addItem(key.upper(), key)
        self.show_button = QPushButton(self.tr("&Show"))
        self.show_button.setToolTip(
            self.tr("Show the report ({0})").format(QKeySequence(SHOW_KEY).toString())
        )
        self.export_button = QPushButton(self.tr("Sa&ve as file…"))
        self.export_button.setToolTip(
            self.tr("Save the report as a file ({0})").format(QKeySequence(EXPORT_KEY).toString())
        )
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #c5221f;")
        self.error_label.setWordWrap(True)
        self.status_label = QLabel()

        form = QFormLayout()
        for text, field in (
            (self.tr("&Report"), self.report_box),
            (self.tr("&From"), self.start_edit),
            (self.tr("&To"), self.end_edit),
            (self.tr("&Interval"), self.interval_box),
            (self.tr("&Queue"), self.queue_box),
            (self.tr("F&ormat"), self.format_box),
        ):
            label = QLabel(text)
            label.setBuddy(field)
            form.addRow(label, field)
        buttons = QHBoxLayout()
        buttons.addWidget(self.show_button)
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        controls = QVBoxLayout()
        controls.addLayout(form)
        controls.addLayout(buttons)
        controls.addWidget(self.error_label)
        controls.addWidget(self.status_label)
        controls.addStretch(1)

        self.model = ReportModel(self)
        self.table: QTableView = table_view(self.model, self.tr("Report"))
        self.chart = ReportChart()
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.chart)
        right.addWidget(self.table)
        right.setStretchFactor(1, 2)
        report_page = QWidget()
        page_layout = QHBoxLayout(report_page)
        side = QWidget()
        side.setLayout(controls)
        page_layout.addWidget(side)
        page_layout.addWidget(right, 1)
        self.schedules = ReportScheduleEditor(
            _choices(self.report_box), _choices(self.interval_box)
        )
        self.pages = QTabWidget()
        self.pages.addTab(report_page, self.tr("Report"))
        self.pages.addTab(self.schedules, self.tr("Scheduled reports"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages)

        self.show_button.clicked.connect(self._on_show)
        self.export_button.clicked.connect(self._on_export)
        self.report_box.currentIndexChanged.connect(self._on_report_chosen)
        QShortcut(QKeySequence(SHOW_KEY), self, self._on_show)
        QShortcut(QKeySequence(EXPORT_KEY), self, self._on_export)
        self._on_report_chosen()

    # -- what the desk gives ------------------------------------------------------------

    def set_queues(self, queues: Sequence[tuple[int, str]]) -> None:
        chosen = self.queue_box.currentData()
        self.queue_box.clear()
        self.queue_box.addItem(self.tr("All queues"), None)
        for queue_id, name in sorted(queues, key=lambda q: q[1]):
            self.queue_box.addItem(name, queue_id)
        if (index := self.queue_box.findData(chosen)) >= 0:
            self.queue_box.setCurrentIndex(index)
        self.schedules.set_queues([name for _, name in queues])

    def show_report(self, report: str, rows: Sequence[Row]) -> None:
        columns = self.columns(report, rows)
        self.model.set_report(columns, rows)
        self.chart.set_rows(rows if report == "queues" else [])
        self.chart.setVisible(report == "queues")
        self.show_error("")
        self.status_label.setText(self.tr("{0} rows").format(len(rows)))

    def show_error(self, text: str) -> None:
        self.error_label.setText(text)

    def show_saved(self, path: str) -> None:
        self.show_error("")
        self.status_label.setText(self.tr("Saved {0}").format(path))

    # -- what the user asks --------------------------------------------------------------

    def query(self) -> dict[str, object]:
        return {
            "report": self.report_box.currentData(),
            "from": _day(self.start_edit.date()),
            "to": _day(self.end_edit.date()),
            "interval": self.interval_box.currentData(),
            "queue": self.queue_box.currentData(),
        }

    def ask_path(self, suggested: str) -> str:
        """Where to save the file (a dialog; empty when cancelled)."""
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save the report"), suggested)
        return path

    def _on_report_chosen(self) -> None:
        report = self.report_box.currentData()
        self.interval_box.setEnabled(report in ("queues", "staffing"))
        self.queue_box.setEnabled(report != "agents")

    def _on_show(self) -> None:
        if self._period_ok():
            self.sig_show_requested.emit(self.query())

    def _on_export(self) -> None:
        if not self._period_ok():
            return
        query = self.query()
        kind = str(self.format_box.currentData())
        path = self.ask_path(f"vaxla-{query['report']}-{query['from']}.{kind}")
        if path:
            self.sig_export_requested.emit(query, kind, path)

    def _period_ok(self) -> bool:
        if self.end_edit.date() < self.start_edit.date():
            self.show_error(self.tr("The period must not end before it starts."))
            return False
        return True

    def columns(self, report: str, rows: Sequence[Row]) -> list[tuple[str, str]]:
        start, end, queue = (
            ("start", self.tr("From")),
            ("end", self.tr("To")),
            (
                "queue",
                self.tr("Queue"),
            ),
        )
        if report == "queues":
            return [
                start,
                queue,
                ("offered", self.tr("Offered")),
                ("answered", self.tr("Answered")),
                ("abandoned", self.tr("Abandoned")),
                ("abandoned_within_5s", self.tr("Abandoned within 5 s")),
                ("overflowed", self.tr("Overflowed")),
                ("callbacks", self.tr("Callbacks")),
                ("service_level", self.tr("Service level (%)")),
                ("service_goal_percent", self.tr("Goal (%)")),
                ("average_wait_s", self.tr("Average wait (s)")),
                ("max_wait_s", self.tr("Longest wait (s)")),
                ("average_talk_s", self.tr("Average talk (s)")),
                ("average_wrap_up_s", self.tr("Average wrap-up (s)")),
            ]
        if report == "staffing":
            return [
                start,
                end,
                queue,
                ("logged_in", self.tr("Logged in")),
                ("ready", self.tr("Ready")),
                ("busy", self.tr("Busy")),
            ]
        if report == "agents":
            return [
                ("agent", self.tr("Agent")),
                ("answered", self.tr("Answered")),
                ("average_talk_s", self.tr("Average talk (s)")),
                ("logged_in_s", self.tr("Logged in (s)")),
                ("ready_s", self.tr("Ready (s)")),
                ("wrap_up_s", self.tr("Wrap-up (s)")),
                ("pause_s", self.tr("Pauses (s)")),
            ]
        if report == "classifications":
            return [queue, ("code", self.tr("Classification")), ("count", self.tr("Count"))]
        return [
            ("started_at", self.tr("Started")),
            ("entry_point", self.tr("Entry point")),
            ("caller", self.tr("Caller")),
            queue,
            ("agent", self.tr("Agent")),
            ("outcome", self.tr("Outcome")),
            ("wait_seconds", self.tr("Wait (s)")),
            ("talk_seconds", self.tr("Talk (s)")),
            ("classification", self.tr("Classification")),
        ]


def _choices(box: QComboBox) -> list[tuple[str, str]]:
    """A list's (value, shown text) pairs, for another list of the same choices."""
    return [(box.itemData(index), box.itemText(index)) for index in range(box.count())]


def _day(value: QDate) -> str:
    return date(value.year(), value.month(), value.day()).isoformat()
