"""The wallboard's tiles (R30): what a tile says, when it turns amber or red and says
why, pages that turn, and the full-screen TV window."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tests.desktop.test_agent_panel_state import SALES, SUPPORT, Clock, queue
from tests.desktop.test_realtime_state import welcomed
from tests.desktop.test_translations import untranslated_texts, visible_texts
from vaxla_desktop.core.queue_picture import QueueFigures
from vaxla_desktop.core.realtime import RealtimeState
from vaxla_desktop.core.wallboard import Alert, pages, tile_alert
from vaxla_desktop.i18n import Language
from vaxla_desktop.ui.realtime_view import RealtimeView
from vaxla_desktop.ui.wallboard import QueueTile, Wallboard
from vaxla_protocol.agent import QueueRef
from vaxla_protocol.events import QueueSnapshot


def figures(
    waiting: int = 0,
    longest: float = 0.0,
    level: float | None = 90.0,
    estimate: float | None = None,
) -> QueueFigures:
    state = queue(SUPPORT, waiting, longest).model_copy(
        update={"service_level_today": level, "estimated_wait_s": estimate}
    )
    return QueueFigures(state=state, mine=False, longest_wait_s=longest)


@pytest.mark.parametrize(
    ("tile", "level", "long_wait", "below_goal"),
    [
        (figures(), Alert.CALM, False, False),
        (figures(level=None), Alert.CALM, False, False),
        (figures(2, 19.9), Alert.CALM, False, False),
        (figures(2, 20.0), Alert.AMBER, True, False),  # the goal is 80 % in 20 s
        (figures(2, 40.0), Alert.RED, True, False),
        (figures(level=75.0), Alert.AMBER, False, True),
        (figures(level=69.0), Alert.RED, False, True),  # more than 10 points below
        (figures(1, 25.0, 69.0), Alert.RED, True, True),
        (figures(0, 99.0), Alert.CALM, False, False),  # nobody waits: no wait to judge
    ],
)
def test_a_tile_is_as_loud_as_its_queue_is_behind_its_goal(
    tile: QueueFigures, level: Alert, long_wait: bool, below_goal: bool
) -> None:
    alert = tile_alert(tile)
    assert (alert.level, alert.long_wait, alert.below_goal) == (level, long_wait, below_goal)


def test_pages_hold_at_most_so_many_tiles() -> None:
    assert pages([1, 2, 3, 4, 5], 2) == [[1, 2], [3, 4], [5]]
    assert pages([], 6) == [[]]
    with pytest.raises(ValueError, match="at least one tile"):
        pages([1], 0)


def test_a_tile_says_every_figure_and_why_it_is_red(qtbot: QtBot) -> None:
    tile = QueueTile()
    qtbot.addWidget(tile)
    tile.show_figures(figures(3, 50.0, 66.7, estimate=95.4))
    texts = [label.text() for label in tile.findChildren(type(tile.name_label))]
    assert texts == [
        "Support",
        "3 waiting",
        "Longest wait 0:50",
        "A new caller waits about 1:35",
        "Service level 67 % (goal 80 % in 20 s)",
        "Today: 2 answered, 1 abandoned",
        "Ready 1 · on a call 0 · wrap-up 0 · paused 0",
        "Waits longer than the goal · Below the service goal",
    ]
    assert "#b00020" in tile.styleSheet() and tile.alert.level is Alert.RED
    tile.show_figures(figures())
    calm = tile.alert
    assert calm.level is Alert.CALM and not tile.alert_label.isVisibleTo(tile)
    assert tile.estimate_label.text() == "A new caller waits about \N{EN DASH}"  # none known


def many_queues(count: int) -> RealtimeState:
    state = welcomed(Clock())
    refs = [QueueRef(id=n, name=f"Queue {n:02d}") for n in range(count)]
    state.apply(QueueSnapshot(queues=[queue(ref) for ref in refs]))
    return state


def test_the_pages_turn_and_the_ticking_keeps_the_page(qtbot: QtBot) -> None:
    board = Wallboard(many_queues(8), per_page=3)
    qtbot.addWidget(board)
    board.show()

    def names() -> list[str]:
        return [tile.name_label.text() for tile in board.tiles if tile.isVisibleTo(board)]

    assert names() == ["Queue 00", "Queue 01", "Queue 02"]
    assert board.page_label.text() == "Page 1 of 3"
    board._on_rotate()  # what the rotation timer does
    board.show_queues()  # what the one-second tick does
    assert names() == ["Queue 03", "Queue 04", "Queue 05"]
    board._on_rotate()
    assert names() == ["Queue 06", "Queue 07"] and board.page_label.text() == "Page 3 of 3"
    board._on_rotate()
    assert names() == ["Queue 00", "Queue 01", "Queue 02"]


def test_the_view_has_the_wallboard_and_a_tv_mode_that_esc_ends(qtbot: QtBot) -> None:
    state = welcomed(Clock())
    state.apply(QueueSnapshot(queues=[queue(SUPPORT, 2, 30.0), queue(SALES)]))
    view = RealtimeView(state, Language.ENGLISH, may_act=False)
    qtbot.addWidget(view)
    view.show()
    view.show_state(view.state.apply(QueueSnapshot(queues=[queue(SUPPORT, 2, 30.0)])))
    assert [t.name_label.text() for t in view.wallboard.tiles if t.isVisibleTo(view.wallboard)] == [
        "Support"
    ]
    assert view.tabs.tabText(1) == "Wallboard"
    view.tabs.setCurrentIndex(1)
    with qtbot.waitActive(view):
        view.activateWindow()
    QTest.keyClick(view, Qt.Key.Key_F11)
    tv = view.tv
    assert tv is not None
    qtbot.waitUntil(lambda: tv.isVisible() and tv.isFullScreen(), timeout=5000)
    assert tv.board.tiles[0].name_label.text() == "Support"
    with qtbot.waitActive(tv):
        tv.activateWindow()
    with qtbot.waitSignal(tv.sig_closed):
        QTest.keyClick(tv, Qt.Key.Key_Escape)
    assert view.tv is None


def test_every_visible_text_of_the_wallboard_is_swedish(qtbot: QtBot, qapp: QApplication) -> None:
    def shown() -> list[str]:
        board = Wallboard(many_queues(8), per_page=3)
        qtbot.addWidget(board)
        board.show()
        tile = board.tiles[0]
        tile.show_figures(figures(3, 50.0, 66.7))
        return visible_texts(board)

    untranslated, swedish = untranslated_texts(qapp, shown, {"", "Queue", "Support"})
    assert untranslated == []
    assert "3 väntar" in swedish
