"""Boards saved on the server in the desktop (R30): a saved board's tiles (a group of
queues as one) and thresholds, its pages with the chart of the day as the last, the TV
window showing them, the board editor saying what is wrong before anything is sent, and
every text in Swedish. Screenshots of each in both languages go to ``build/shots``."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from tests.desktop.test_agent_panel_state import SALES, SUPPORT, Clock, queue
from tests.desktop.test_realtime_state import welcomed
from tests.desktop.test_translations import data_free, untranslated_texts, visible_texts
from tests.shots import keep_shot
from vaxla_desktop.core.realtime import RealtimeState
from vaxla_desktop.core.wallboard import Alert, board_tiles
from vaxla_desktop.i18n import Language, install_translation
from vaxla_desktop.settings import DesktopSettings
from vaxla_desktop.ui.board_editor import BoardEditor
from vaxla_desktop.ui.realtime_view import RealtimeView
from vaxla_desktop.ui.wallboard import TvWindow, Wallboard
from vaxla_protocol.agent import QueueRef
from vaxla_protocol.boards import BoardItem, BoardView, ChartPoint, DayChart
from vaxla_protocol.events import QueueSnapshot

BILLING = QueueRef(id=3, name="Billing")


def a_board(**changes: object) -> BoardView:
    board = {
        "id": 7,
        "name": "Floor 1",
        "changed_at": datetime(2026, 12, 5, 9, tzinfo=UTC),
        "changed_by": "sofia",
        "tiles": [
            {"title": "Support", "queue_ids": [SUPPORT.id]},
            {"title": "Sales and billing", "queue_ids": [SALES.id, BILLING.id]},
        ],
        "thresholds": {"waiting_amber": 2, "waiting_red": 5, "wait_amber_s": 30,
                       "wait_red_s": 60, "service_level_red_points": 20},
        "tiles_per_page": 2,
        "page_seconds": 5,
    }  # fmt: skip
    board.update(changes)
    return BoardView.model_validate(board)


def a_chart() -> DayChart:
    start = datetime(2026, 12, 5, tzinfo=UTC)
    points = [
        ChartPoint(
            at=start + timedelta(minutes=15 * i),
            waiting_max=(i % 7) if 32 <= i < 60 else 0,
            offered=3 if 32 <= i < 60 else 0,
            service_level=(95.0 - (i % 5) * 8) if 32 <= i < 60 else None,
        )
        for i in range(60)
    ]
    return DayChart(time_zone="Europe/Stockholm", step_s=900, service_goal_percent=80.0,
                    points=points)  # fmt: skip


def busy_state() -> RealtimeState:
    state = welcomed(Clock())
    state.apply(
        QueueSnapshot(
            queues=[queue(SUPPORT, 1, 10.0), queue(SALES, 2, 45.0), queue(BILLING, 1, 20.0)]
        )
    )
    return state


def shoot(widget: QWidget, name: str) -> None:
    keep_shot(widget, f"boards-{name}.png")


def test_a_saved_board_sums_a_group_of_queues_and_judges_it_by_its_thresholds() -> None:
    tiles = board_tiles(a_board(), busy_state().queues())
    support, group = tiles
    # 66.7 % against the goal of 80 %: amber (more than 0 points below), not red (20).
    assert (support.title, support.waiting, support.alert) == ("Support", 1, Alert.AMBER.value)
    assert support.below_goal and not support.many_waiting and not support.long_wait
    assert (group.title, group.waiting, group.longest_wait_s) == ("Sales and billing", 3, 45.0)
    assert group.many_waiting and group.long_wait  # 3 ≥ 2 waiting, 45 s ≥ 30 s: amber
    assert group.alert == Alert.AMBER.value
    assert group.agents_available == 2 and group.answered_today == 4
    assert group.service_level_today == pytest.approx(66.7)  # both 66.7 %, by calls offered
    # The same queues without a board: a tile each, loud by their own goals.
    assert [t.title for t in board_tiles(None, busy_state().queues())] == [
        "Billing",
        "Sales",
        "Support",
    ]


def test_the_board_turns_its_pages_and_ends_on_the_chart(qtbot: QtBot) -> None:
    board = Wallboard(busy_state(), board=a_board(tiles_per_page=1))
    qtbot.addWidget(board)
    board.resize(1100, 600)
    board.show()

    def titles() -> list[str]:
        return [t.name_label.text() for t in board.tiles if t.isVisibleTo(board)]

    assert titles() == ["Support"] and board.page_label.text() == "Page 1 of 2"
    assert board._rotation.interval() == 5000  # the board's page_seconds
    board.set_chart(a_chart())
    assert board.page_label.text() == "Page 1 of 3"
    board._on_rotate()
    assert titles() == ["Sales and billing"]
    assert "Many callers waiting" in board.tiles[0].alert_label.text()
    board._on_rotate()
    assert titles() == [] and board.chart.isVisibleTo(board) and board.on_chart_page()
    assert board.chart.summary() == "At most 6 waiting (at 08:30); service level last 63 %"
    shoot(board, "chart-en")
    board._on_rotate()
    assert titles() == ["Support"] and not board.chart.isVisibleTo(board)


def test_the_view_picks_a_saved_board_and_the_tv_shows_its_pages_and_chart(
    qtbot: QtBot,
) -> None:
    view = RealtimeView(busy_state(), Language.ENGLISH, may_act=True)
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.show()
    chosen: list[BoardView | None] = []
    view.sig_board_chosen.connect(chosen.append)
    view.set_boards([a_board(), a_board(id=8, name="Evening")])
    assert [view.board_box.itemText(i) for i in range(3)] == ["Every queue", "Evening", "Floor 1"]
    assert chosen == [None]  # still every queue's own tile
    view.tabs.setCurrentWidget(view.board_page)
    view.board_box.setCurrentIndex(2)
    assert chosen[-1] is not None and chosen[-1].name == "Floor 1"
    view.set_chart(a_chart())
    assert [t.name_label.text() for t in view.wallboard.tiles if t.isVisibleTo(view)] == [
        "Support",
        "Sales and billing",
    ]
    shoot(view, "view-en")
    with qtbot.waitActive(view):
        view.activateWindow()
    QTest.keyClick(view, Qt.Key.Key_F11)
    tv = view.tv
    assert isinstance(tv, TvWindow)
    qtbot.waitUntil(lambda: tv.isVisible() and tv.isFullScreen(), timeout=5000)
    assert tv.board.board is not None and tv.board.board.name == "Floor 1"
    assert tv.board.page_label.text() == "Page 1 of 2"  # the tiles, then the chart
    tv.board._on_rotate()
    assert tv.board.on_chart_page()
    shoot(tv, "tv-chart-en")
    with qtbot.waitActive(tv):
        tv.activateWindow()
    with qtbot.waitSignal(tv.sig_closed):
        QTest.keyClick(tv, Qt.Key.Key_Escape)


def test_the_board_chosen_last_time_is_chosen_again(qtbot: QtBot, tmp_path: Path) -> None:
    settings = DesktopSettings(tmp_path / "settings.ini")
    assert settings.remembered_board("https://vaxla", "sofia") is None
    settings.remember_board("https://vaxla", "sofia", "Evening")
    settings.remember_board("https://vaxla", "olle", None)
    again = DesktopSettings(tmp_path / "settings.ini")
    assert again.remembered_board("https://vaxla", "sofia") == "Evening"
    assert again.remembered_board("https://vaxla", "olle") is None
    view = RealtimeView(busy_state(), Language.ENGLISH, may_act=True)
    qtbot.addWidget(view)
    view.preferred_board = again.remembered_board("https://vaxla", "sofia")
    view.set_boards([a_board(), a_board(id=8, name="Evening")])
    assert view.board_name() == "Evening"
    view.set_boards([a_board()])  # Evening deleted meanwhile: every queue's own tile
    assert view.board_name() is None


def test_a_watcher_picks_boards_but_may_not_edit_them(qtbot: QtBot) -> None:
    view = RealtimeView(busy_state(), Language.ENGLISH, may_act=False)
    qtbot.addWidget(view)
    view.show()
    view.tabs.setCurrentWidget(view.board_page)
    assert view.board_box.isVisibleTo(view)
    assert not view.new_board_button.isVisibleTo(view)
    assert not view.edit_board_button.isVisibleTo(view)
    admin = RealtimeView(busy_state(), Language.ENGLISH, may_act=False, may_edit_boards=True)
    qtbot.addWidget(admin)
    admin.show()
    admin.tabs.setCurrentWidget(admin.board_page)
    assert admin.new_board_button.isVisibleTo(admin)
    assert not admin.edit_board_button.isEnabled()  # nothing saved is chosen yet


def editor(qtbot: QtBot, board: BoardView | None = None) -> BoardEditor:
    queues = [(SUPPORT.id, "Support"), (SALES.id, "Sales"), (BILLING.id, "Billing")]
    dialog = BoardEditor(queues, board)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_editor_says_what_is_wrong_and_sends_nothing(qtbot: QtBot) -> None:
    dialog = editor(qtbot)
    sent: list[tuple[object, object]] = []
    dialog.sig_save.connect(lambda name, item: sent.append((name, item)))
    dialog.buttons.accepted.emit()
    assert "name" in dialog.error_label.text() and "tiles" in dialog.error_label.text()
    QTest.keyClicks(dialog.name_edit, "Floor 2")
    dialog.add_tile_button.click()
    dialog.title_edit.clear()
    QTest.keyClicks(dialog.title_edit, "Everyone")
    dialog.buttons.accepted.emit()
    assert "Tile 1 queue_ids:" in dialog.error_label.text()  # a tile needs a queue
    dialog.set_tile_queues(0, [SUPPORT.id, SALES.id])
    dialog.wait_amber.setValue(200)
    dialog.wait_red.setValue(100)
    dialog.buttons.accepted.emit()
    assert "thresholds.wait_red_s: must be more than wait_amber_s" in dialog.error_label.text()
    shoot(dialog, "editor-error-en")
    assert sent == []
    dialog.wait_red.setValue(300)
    dialog.buttons.accepted.emit()
    assert not dialog.error_label.isVisibleTo(dialog)
    [(name, item)] = sent
    assert name is None and isinstance(item, BoardItem)
    assert item.name == "Floor 2"
    assert [(t.title, t.queue_ids) for t in item.tiles] == [("Everyone", [SUPPORT.id, SALES.id])]
    assert (item.thresholds.wait_amber_s, item.thresholds.wait_red_s) == (200, 300)


def test_the_editor_opens_a_saved_board_as_it_is(qtbot: QtBot) -> None:
    dialog = editor(qtbot, a_board())
    sent: list[tuple[object, object]] = []
    dialog.sig_save.connect(lambda name, item: sent.append((name, item)))
    assert dialog.tile_list.count() == 2 and dialog.title_edit.text() == "Support"
    dialog.tile_list.setCurrentRow(1)
    assert dialog.title_edit.text() == "Sales and billing"
    checked = [
        dialog.queue_list.item(i).text()
        for i in range(dialog.queue_list.count())
        if dialog.queue_list.item(i).checkState() == Qt.CheckState.Checked
    ]
    assert checked == ["Sales", "Billing"]
    shoot(dialog, "editor-en")
    dialog.buttons.accepted.emit()
    [(name, item)] = sent
    assert name == "Floor 1" and item == BoardItem(
        **a_board().model_dump(include=set(BoardItem.model_fields))
    )


def board_view(qtbot: QtBot) -> RealtimeView:
    """A supervisor's view showing the saved board ``Floor 1`` with its chart."""
    view = RealtimeView(busy_state(), Language.SWEDISH, may_act=True)
    qtbot.addWidget(view)
    view.resize(1200, 800)
    view.show()
    view.set_boards([a_board()])
    view.tabs.setCurrentWidget(view.board_page)
    view.board_box.setCurrentIndex(1)
    view.set_chart(a_chart())
    return view


def test_every_visible_text_of_the_boards_is_swedish(qtbot: QtBot, qapp: QApplication) -> None:
    def shown() -> list[str]:
        view = board_view(qtbot)
        dialog = editor(qtbot, a_board())
        dialog.wait_amber.setValue(100)
        dialog.wait_red.setValue(50)
        dialog.buttons.accepted.emit()
        board = Wallboard(busy_state(), board=a_board(tiles_per_page=1))
        qtbot.addWidget(board)
        board.resize(1100, 600)
        board.show()
        board.set_chart(a_chart())
        board._on_rotate()
        board._on_rotate()
        data.add(data_free(dialog.error_label.text()))  # the rule's own sentence (English)
        return [
            *visible_texts(view),
            *visible_texts(dialog),
            *visible_texts(board),
            board.chart.accessibleName(),
            board.chart.summary(),
        ]

    data = {"", "Floor 1", "Support", "Sales and billing", "Sales", "Billing"}
    untranslated, swedish = untranslated_texts(qapp, shown, data)
    assert untranslated == []
    assert "Tavla" in swedish and "Ny tavla …" in swedish and "Rutor per sida" in swedish


def test_screenshots_in_swedish(qtbot: QtBot, qapp: QApplication) -> None:
    """The board tab, the chart and the editor in Swedish (looked at by eye)."""
    translators = install_translation(qapp, Language.SWEDISH)
    try:
        view = board_view(qtbot)
        assert view.board_box.currentText() == "Floor 1"
        shoot(view, "view-sv")
        view.wallboard._on_rotate()
        assert view.wallboard.on_chart_page()
        shoot(view, "chart-sv")
        dialog = editor(qtbot, a_board())
        assert dialog.windowTitle() == "Redigera tavlan Floor 1"
        shoot(dialog, "editor-sv")
    finally:
        for translator in translators:
            qapp.removeTranslator(translator)
