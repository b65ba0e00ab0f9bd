"""The wallboard (R30): a tile per queue with its waiting callers, longest wait, today's
answered and abandoned calls, service level against the goal and agents by state,
amber or red (and saying why) when the queue is behind its goal
(:func:`~vaxla_desktop.core.wallboard.tile_alert`).

:class:`Wallboard` draws the tiles of :class:`~vaxla_desktop.core.realtime.RealtimeState`
a page at a time and turns the page every ``rotate_s`` when there are more queues than
fit; :class:`TvWindow` shows one full-screen (Esc closes it).
"""

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from vaxla_desktop.core.queue_picture import QueueFigures
from vaxla_desktop.core.realtime import RealtimeState
from vaxla_desktop.core.wallboard import Alert, TileAlert, pages, tile_alert
from vaxla_desktop.ui.agent_models import NONE, duration
from vaxla_desktop.ui.agent_panel import TICK_MS

PER_PAGE = 6
COLUMNS = 3
ROTATE_S = 10.0

TILE_STYLES = {
    Alert.CALM: ("#f1f3f4", "#202124"),
    Alert.AMBER: ("#ffb300", "#202124"),
    Alert.RED: ("#b00020", "#ffffff"),
}


class QueueTile(QFrame):
    """One queue's figures, large enough to read across the room."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("queueTile")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.name_label = QLabel()
        self.name_label.setStyleSheet("font-size: 20pt; font-weight: bold;")
        self.waiting_label = QLabel()
        self.waiting_label.setStyleSheet("font-size: 40pt; font-weight: bold;")
        self.waiting_label.setAccessibleName(self.tr("Callers waiting"))
        self.longest_label = QLabel()
        self.service_label = QLabel()
        self.today_label = QLabel()
        self.agents_label = QLabel()
        self.alert_label = QLabel()
        self.alert = TileAlert(Alert.CALM, long_wait=False, below_goal=False)
        layout = QVBoxLayout(self)
        for label in (self.longest_label, self.service_label, self.today_label, self.agents_label):
            label.setStyleSheet("font-size: 14pt;")
        self.alert_label.setStyleSheet("font-size: 14pt; font-weight: bold;")
        for label in (
            self.name_label,
            self.waiting_label,
            self.longest_label,
            self.service_label,
            self.today_label,
            self.agents_label,
            self.alert_label,
        ):
            label.setWordWrap(True)
            layout.addWidget(label)

    def show_figures(self, figures: QueueFigures) -> None:
        queue = figures.state
        self.setAccessibleName(self.tr("Queue {0}").format(queue.name))
        self.name_label.setText(queue.name)
        self.waiting_label.setText(self.tr("{0} waiting").format(queue.waiting))
        longest = duration(figures.longest_wait_s) if queue.waiting else NONE
        self.longest_label.setText(self.tr("Longest wait {0}").format(longest))
        level = queue.service_level_today
        self.service_label.setText(
            self.tr("Service level {0} (goal {1:.0f} % in {2:.0f} s)").format(
                NONE if level is None else f"{level:.0f} %",
                queue.service_goal_percent,
                queue.service_goal_s,
            )
        )
        self.today_label.setText(
            self.tr("Today: {0} answered, {1} abandoned").format(
                queue.answered_today, queue.abandoned_today
            )
        )
        self.agents_label.setText(
            self.tr("Ready {0} · on a call {1} · wrap-up {2} · paused {3}").format(
                queue.agents_available,
                queue.agents_busy,
                queue.agents_wrap_up,
                queue.agents_paused,
            )
        )
        alert = tile_alert(figures)
        reasons = []
        if alert.long_wait:
            reasons.append(self.tr("Waits longer than the goal"))
        if alert.below_goal:
            reasons.append(self.tr("Below the service goal"))
        self.alert_label.setText(" · ".join(reasons))
        self.alert_label.setVisible(bool(reasons))
        background, text = TILE_STYLES[alert.level]
        self.setStyleSheet(
            f"QFrame#queueTile {{ background: {background}; border-radius: 8px; }}"
            f" QLabel {{ color: {text}; }}"
        )
        self.alert = alert


class Wallboard(QWidget):
    """The queues' tiles, a page at a time."""

    def __init__(
        self,
        state: RealtimeState,
        *,
        per_page: int = PER_PAGE,
        rotate_s: float = ROTATE_S,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.state = state
        self.per_page = per_page
        self.page = 0
        self.setAccessibleName(self.tr("Wallboard"))
        self.tiles: list[QueueTile] = []
        self._grid = QGridLayout()
        self.page_label = QLabel()
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignRight)
        layout = QVBoxLayout(self)
        layout.addLayout(self._grid)
        layout.addStretch(1)  # tiles as tall as their words, the rest of the page below
        layout.addWidget(self.page_label)
        self._rotation = QTimer(self)
        self._rotation.setInterval(int(rotate_s * 1000))
        self._rotation.timeout.connect(self._on_rotate)
        self._rotation.start()
        self._ticker = QTimer(self)
        self._ticker.setInterval(TICK_MS)
        self._ticker.timeout.connect(self.show_queues)
        self._ticker.start()
        self.show_queues()

    def show_queues(self) -> None:
        """Draw the current page (the queues may have come or gone: the page is kept
        if it is still there)."""
        book = pages(self.state.queues(), self.per_page)
        self.page = min(self.page, len(book) - 1)
        shown = book[self.page]
        while len(self.tiles) < len(shown):
            tile = QueueTile()
            count = len(self.tiles)
            self._grid.addWidget(tile, count // COLUMNS, count % COLUMNS)
            self.tiles.append(tile)
        for tile, figures in zip(self.tiles, shown, strict=False):
            tile.show_figures(figures)
            tile.show()
        for tile in self.tiles[len(shown) :]:
            tile.hide()
        self.page_label.setText(
            self.tr("Page {0} of {1}").format(self.page + 1, len(book)) if len(book) > 1 else ""
        )

    def _on_rotate(self) -> None:
        count = len(pages(self.state.queues(), self.per_page))
        self.page = (self.page + 1) % count
        self.show_queues()


class TvWindow(QWidget):
    """A wallboard alone, full-screen, for a TV on the wall; Esc closes it."""

    sig_closed = Signal()

    def __init__(self, state: RealtimeState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Vaxla wallboard"))
        self.board = Wallboard(state)
        layout = QVBoxLayout(self)
        layout.addWidget(self.board)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.sig_closed.emit()
        super().closeEvent(event)
