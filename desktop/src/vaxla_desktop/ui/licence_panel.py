"""The licence and its use (R34) in the admin mode: how many agents may be logged in at
once, and per day the most that were (from the server's event log) as bars under the
limit's line. The limit is changed through the server, which may refuse it."""

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QLabel, QPushButton, QSpinBox, QVBoxLayout, QWidget

from vaxla_desktop.ui.config_form import in_a_row
from vaxla_desktop.ui.notices import PROBLEM_COLOUR, Notices
from vaxla_protocol.config import LicenceUse

BAR_COLOUR = QColor("#1a73e8")


class LicenceChart(QWidget):
    """One bar per day: the most agents logged in at once; the limit as a red line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.use: LicenceUse | None = None
        self.setMinimumHeight(220)
        self.setAccessibleName(self.tr("Agents logged in at once, per day"))

    def sizeHint(self) -> QSize:
        return QSize(800, 300)

    def show_use(self, use: LicenceUse) -> None:
        self.use = use
        peak = max((day.peak_agents for day in use.days), default=0)
        self.setAccessibleDescription(
            self.tr("The most on one day: {0}; the limit: {1}").format(
                peak, use.max_logged_in_agents if use.max_logged_in_agents is not None else "—"
            )
        )
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        use = self.use
        if use is None or not use.days:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        left, top, bottom = 36.0, 10.0, 22.0
        width, height = self.width() - left - 8, self.height() - top - bottom
        limit = use.max_logged_in_agents or 0
        scale = max(max(day.peak_agents for day in use.days), limit, 1) * 1.1
        step = width / len(use.days)
        text = self.palette().text().color()
        painter.setPen(text)
        painter.drawText(
            QRectF(0, top + height - 8, left - 4, 14), Qt.AlignmentFlag.AlignRight, "0"
        )
        for index, day in enumerate(use.days):
            bar = height * day.peak_agents / scale
            rect = QRectF(left + index * step + step * 0.15, top + height - bar, step * 0.7, bar)
            painter.fillRect(rect, BAR_COLOUR)
            if day.peak_agents:
                painter.setPen(text)
                painter.drawText(
                    QRectF(rect.left() - 6, rect.top() - 16, rect.width() + 12, 14),
                    Qt.AlignmentFlag.AlignHCenter,
                    str(day.peak_agents),
                )
            if index % max(1, len(use.days) // 10) == 0 or index == len(use.days) - 1:
                painter.setPen(text)
                painter.drawText(
                    QRectF(left + index * step - 10, top + height + 4, step + 20, 16),
                    Qt.AlignmentFlag.AlignHCenter,
                    day.day.strftime("%d/%m"),
                )
        if use.max_logged_in_agents is not None:
            y = top + height - height * limit / scale
            painter.setPen(QPen(QColor(PROBLEM_COLOUR), 2, Qt.PenStyle.DashLine))
            painter.drawLine(int(left), int(y), int(left + width), int(y))
            painter.drawText(
                QRectF(0, y - 7, left - 4, 14), Qt.AlignmentFlag.AlignRight, str(limit)
            )
        painter.end()


class LicencePanel(QWidget, Notices):
    sig_set_limit = Signal(int)
    sig_reload = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._make_notices()
        self.limit_label = QLabel()
        self.limit_box = QSpinBox()
        self.limit_box.setRange(0, 100_000)
        self.limit_box.setAccessibleName(self.tr("Agents logged in at once"))
        self.limit_box.setSuffix(self.tr(" agents"))
        self.save_button = QPushButton(self.tr("Set the limit"))
        self.reload_button = QPushButton(self.tr("Read the use again"))
        self.chart = LicenceChart()
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.limit_label)
        layout.addLayout(in_a_row(self.limit_box, self.save_button, self.reload_button))
        layout.addWidget(self.chart, 1)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.message_label)
        layout.addWidget(self.note_label)
        self.save_button.clicked.connect(lambda: self.sig_set_limit.emit(self.limit_box.value()))
        self.reload_button.clicked.connect(self.sig_reload)

    def show_use(self, use: LicenceUse) -> None:
        limit = use.max_logged_in_agents
        self.limit_label.setText(
            self.tr("The licence allows {0} agents logged in at once.").format(limit)
            if limit is not None
            else self.tr("No licence is set: nothing limits how many agents log in.")
        )
        if limit is not None:
            self.limit_box.setValue(limit)
        self.chart.show_use(use)
        peak = max(use.days, key=lambda day: day.peak_agents, default=None)
        self.summary_label.setText(
            ""
            if peak is None
            else self.tr("The most in the last {0} days: {1}, on {2}.").format(
                len(use.days), peak.peak_agents, peak.day.isoformat()
            )
        )
