"""The wallboard (R30): a tile per queue, or the tiles of a board saved on the server (a
queue or a group of queues each), with the waiting callers, longest wait, the wait a
new caller can expect (the dispatcher's estimate, R9), today's
answered and abandoned calls, service level against the goal and agents by state, amber
or red (and saying why) when behind (``core/wallboard.py``).

:class:`Wallboard` draws the tiles of :class:`~vaxla_desktop.core.realtime.RealtimeState`
a page at a time and turns the page every ``rotate_s`` (a saved board's
``page_seconds``); a saved board's last page is the chart of the day
(:class:`~vaxla_desktop.ui.day_chart.DayChartView`). :class:`TvWindow` shows one
full-screen (Esc closes it).
"""

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from vaxla_desktop.core.queue_picture import QueueFigures
from vaxla_desktop.core.realtime import RealtimeState
from vaxla_desktop.core.wallboard import Alert, TileAlert, board_tiles, pages, queue_tile
from vaxla_desktop.ui.agent_models import NONE, duration
from vaxla_desktop.ui.agent_panel import TICK_MS
from vaxla_desktop.ui.day_chart import DayChartView
from vaxla_protocol.boards import BoardView, DayChart, TileFigures

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
        self.estimate_label = QLabel()
        self.service_label = QLabel()
        self.today_label = QLabel()
        self.agents_label = QLabel()
        self.alert_label = QLabel()
        self.alert = TileAlert(Alert.CALM, long_wait=False, below_goal=False)
        layout = QVBoxLayout(self)
        for label in (
            self.longest_label,
            self.estimate_label,
            self.service_label,
            self.today_label,
            self.agents_label,
        ):
            label.setStyleSheet("font-size: 14pt;")
        self.alert_label.setStyleSheet("font-size: 14pt; font-weight: bold;")
        for label in (
            self.name_label,
            self.waiting_label,
            self.longest_label,
            self.estimate_label,
            self.service_label,
            self.today_label,
            self.agents_label,
            self.alert_label,
        ):
            label.setWordWrap(True)
            layout.addWidget(label)

    def show_figures(self, figures: QueueFigures) -> None:
        """The built-in board's tile of one queue."""
        self.show_tile(queue_tile(figures))

    def show_tile(self, tile: TileFigures) -> None:
        self.setAccessibleName(self.tr("Queue {0}").format(tile.title))
        self.name_label.setText(tile.title)
        self.waiting_label.setText(self.tr("{0} waiting").format(tile.waiting))
        longest = duration(tile.longest_wait_s) if tile.waiting else NONE
        self.longest_label.setText(self.tr("Longest wait {0}").format(longest))
        estimate = tile.estimated_wait_s
        self.estimate_label.setText(
            self.tr("A new caller waits about {0}").format(
                NONE if estimate is None else duration(estimate)
            )
        )
        level = tile.service_level_today
        self.service_label.setText(
            self.tr("Service level {0} (goal {1:.0f} % in {2:.0f} s)").format(
                NONE if level is None else f"{level:.0f} %",
                tile.service_goal_percent or 0.0,
                tile.service_goal_s or 0.0,
            )
        )
        self.today_label.setText(
            self.tr("Today: {0} answered, {1} abandoned").format(
                tile.answered_today, tile.abandoned_today
            )
        )
        self.agents_label.setText(
            self.tr("Ready {0} · on a call {1} · wrap-up {2} · paused {3}").format(
                tile.agents_available,
                tile.agents_busy,
                tile.agents_wrap_up,
                tile.agents_paused,
            )
        )
        reasons = []
        if tile.long_wait:
            reasons.append(self.tr("Waits longer than the goal"))
        if tile.many_waiting:
            reasons.append(self.tr("Many callers waiting"))
        if tile.below_goal:
            reasons.append(self.tr("Below the service goal"))
        self.alert_label.setText(" · ".join(reasons))
        self.alert_label.setVisible(bool(reasons))
        alert = Alert(tile.alert.value)
        background, text = TILE_STYLES[alert]
        self.setStyleSheet(
            f"QFrame#queueTile {{ background: {background}; border-radius: 8px; }}"
            f" QLabel {{ color: {text}; }}"
        )
        self.alert = TileAlert(alert, long_wait=tile.long_wait, below_goal=tile.below_goal)


class Wallboard(QWidget):
    """A board's tiles a page at a time, and the chart of the day as its last page when
    the board is a saved one and its chart has come."""

    def __init__(
        self,
        state: RealtimeState,
        *,
        per_page: int = PER_PAGE,
        rotate_s: float = ROTATE_S,
        board: BoardView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.state = state
        self.per_page = per_page
        self.rotate_s = rotate_s
        self.board: BoardView | None = None
        self.page = 0
        self.setAccessibleName(self.tr("Wallboard"))
        self.tiles: list[QueueTile] = []
        self._grid = QGridLayout()
        self.chart = DayChartView()
        self.chart.hide()
        self.page_label = QLabel()
        self.page_label.setAlignment(Qt.AlignmentFlag.AlignRight)
        layout = QVBoxLayout(self)
        layout.addLayout(self._grid)
        layout.addWidget(self.chart, 1)
        self._stretch = QWidget()  # tiles as tall as their words, the rest of the page below
        layout.addWidget(self._stretch, 1)
        layout.addWidget(self.page_label)
        self._rotation = QTimer(self)
        self._rotation.timeout.connect(self._on_rotate)
        self._ticker = QTimer(self)
        self._ticker.setInterval(TICK_MS)
        self._ticker.timeout.connect(self.show_queues)
        self._ticker.start()
        self.show_board(board)

    def show_board(self, board: BoardView | None) -> None:
        """Show ``board`` (None: every queue's own tile); its pages and their time."""
        if board != self.board:
            self.page = 0
            self.chart.set_chart(None)
        self.board = board
        self._rotation.setInterval(int(1000 * (board.page_seconds if board else self.rotate_s)))
        self._rotation.start()
        self.show_queues()

    def set_chart(self, chart: DayChart | None) -> None:
        self.chart.set_chart(chart)
        self.show_queues()

    def _book(self) -> list[list[TileFigures]]:
        per_page = self.board.tiles_per_page if self.board else self.per_page
        book = pages(board_tiles(self.board, self.state.queues()), per_page)
        if self.board is not None and self.chart.chart is not None:
            book.append([])  # the chart's page
        return book

    def on_chart_page(self) -> bool:
        return (
            self.board is not None
            and self.chart.chart is not None
            and (self.page == len(self._book()) - 1)
        )

    def show_queues(self) -> None:
        """Draw the current page (tiles may have come or gone: the page is kept if it is
        still there)."""
        book = self._book()
        self.page = min(self.page, len(book) - 1)
        shown = book[self.page]
        chart_page = self.on_chart_page()
        while len(self.tiles) < len(shown):
            tile = QueueTile()
            count = len(self.tiles)
            self._grid.addWidget(tile, count // COLUMNS, count % COLUMNS)
            self.tiles.append(tile)
        for tile, figures in zip(self.tiles, shown, strict=False):
            tile.show_tile(figures)
            tile.show()
        for tile in self.tiles[len(shown) :]:
            tile.hide()
        self.chart.setVisible(chart_page)
        self._stretch.setVisible(not chart_page)
        self.page_label.setText(
            self.tr("Page {0} of {1}").format(self.page + 1, len(book)) if len(book) > 1 else ""
        )

    def _on_rotate(self) -> None:
        self.page = (self.page + 1) % len(self._book())
        self.show_queues()


class TvWindow(QWidget):
    """A wallboard alone, full-screen, for a TV on the wall; Esc closes it."""

    sig_closed = Signal()

    def __init__(
        self,
        state: RealtimeState,
        board: BoardView | None = None,
        chart: DayChart | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Vaxla wallboard"))
        self.board = Wallboard(state, board=board)
        self.board.set_chart(chart)
        layout = QVBoxLayout(self)
        layout.addWidget(self.board)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.sig_closed.emit()
        super().closeEvent(event)
