"""The chart of the day (R30), drawn with QPainter (this PySide6 has no QtCharts): the
most callers waiting at once per 15 minutes as bars (left scale), the service level as
a line with a dot per interval (right scale, 0-100 %) and the goal as a dashed line.
The hours are the site's (the server's ``DayChart`` is in its time zone)."""

import itertools

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from vaxla_protocol.boards import DayChart

WAITING_COLOUR = QColor("#1a73e8")
LEVEL_COLOUR = QColor("#188038")
DAY_S = 24 * 3600


class DayChartView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart: DayChart | None = None
        self.setAccessibleName(self.tr("Waiting callers and service level today"))
        self.setMinimumHeight(260)

    def sizeHint(self) -> QSize:
        return QSize(900, 380)

    def set_chart(self, chart: DayChart | None) -> None:
        self.chart = chart
        self.setAccessibleDescription(self.summary())
        self.update()

    def summary(self) -> str:
        """The chart in words, for a screen reader: the busiest interval and the last
        service level."""
        chart = self.chart
        if chart is None or not chart.points:
            return ""
        peak = max(chart.points, key=lambda point: point.waiting_max)
        levels = [p for p in chart.points if p.service_level is not None]
        last = f"{levels[-1].service_level:.0f} %" if levels else "-"
        return self.tr("At most {0} waiting (at {1}); service level last {2}").format(
            peak.waiting_max, peak.at.strftime("%H:%M"), last
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        chart = self.chart
        font = QFont(self.font())
        font.setPointSize(11)
        painter.setFont(font)
        title = self.tr("The day: waiting callers and service level per 15 minutes")
        painter.setPen(QColor("#202124"))
        painter.drawText(QRectF(12, 6, self.width() - 24, 24), Qt.AlignmentFlag.AlignLeft, title)
        if chart is None:
            painter.end()
            return
        left, right, top, bottom = 48.0, 56.0, 40.0, 70.0
        width = max(1.0, self.width() - left - right)
        height = max(1.0, self.height() - top - bottom)
        slots = max(len(chart.points), DAY_S // max(1, chart.step_s))
        most = max(4, *(p.waiting_max for p in chart.points)) if chart.points else 4

        def x(index: float) -> float:
            return left + width * index / slots

        def y_waiting(value: float) -> float:
            return top + height - height * value / most

        def y_level(value: float) -> float:
            return top + height - height * value / 100.0

        grid = QPen(QColor("#e8eaed"))
        per_hour = 3600 / max(1, chart.step_s)
        for hour in range(0, 25, 2):
            at = x(hour * per_hour)
            painter.setPen(grid)
            painter.drawLine(QPointF(at, top), QPointF(at, top + height))
            painter.setPen(QColor("#3c4043"))
            painter.drawText(
                QRectF(at - 20, top + height + 4, 40, 20),
                Qt.AlignmentFlag.AlignHCenter,
                f"{hour:02d}",
            )
        painter.setPen(QPen(QColor("#5f6368")))
        painter.drawLine(QPointF(left, top + height), QPointF(left + width, top + height))
        step = max(1, -(-most // 4))
        painter.setPen(WAITING_COLOUR)
        for value in range(0, most + 1, step):
            painter.drawText(
                QRectF(0, y_waiting(value) - 10, left - 6, 20),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                str(value),
            )
        painter.setPen(LEVEL_COLOUR)
        for value in (0, 50, 100):
            painter.drawText(
                QRectF(left + width + 6, y_level(value) - 10, right, 20),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                f"{value} %",
            )
        for index, point in enumerate(chart.points):
            if point.waiting_max:
                bar = QRectF(
                    x(index) + 1,
                    y_waiting(point.waiting_max),
                    max(1.0, x(index + 1) - x(index) - 2),
                    top + height - y_waiting(point.waiting_max),
                )
                painter.fillRect(bar, WAITING_COLOUR)
        if chart.service_goal_percent is not None:
            goal = QPen(LEVEL_COLOUR, 1.5, Qt.PenStyle.DashLine)
            painter.setPen(goal)
            at = y_level(chart.service_goal_percent)
            painter.drawLine(QPointF(left, at), QPointF(left + width, at))
        points = [
            QPointF((x(i) + x(i + 1)) / 2, y_level(p.service_level))
            for i, p in enumerate(chart.points)
            if p.service_level is not None
        ]
        painter.setPen(QPen(LEVEL_COLOUR, 3))
        for start, end in itertools.pairwise(points):
            painter.drawLine(start, end)
        painter.setBrush(LEVEL_COLOUR)
        radius = max(2.0, min(4.0, (x(1) - x(0)) / 2))
        for dot in points:
            painter.drawEllipse(dot, radius, radius)
        painter.setPen(WAITING_COLOUR)
        legend_y = top + height + 26
        painter.drawText(
            QRectF(left, legend_y, width, 20),
            Qt.AlignmentFlag.AlignLeft,
            "■ " + self.tr("Most callers waiting at once"),
        )
        painter.setPen(LEVEL_COLOUR)
        painter.drawText(
            QRectF(left, legend_y + 20, width, 20),
            Qt.AlignmentFlag.AlignLeft,
            "● " + self.tr("Service level (goal dashed)"),
        )
        painter.end()
