"""The real-time view offscreen: its models under the model tester, sorting and the
filters, a supervisor's actions by click and by keyboard, and the read-only view."""

from collections.abc import Sequence
from datetime import timedelta

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tests.desktop.test_agent_panel_state import SALES, START, SUPPORT, Clock, agent, queue
from tests.desktop.test_realtime_state import call, offer, welcomed
from tests.desktop.test_translations import untranslated_texts, visible_texts
from vaxla_desktop.core.realtime import RealtimeState
from vaxla_desktop.i18n import Language
from vaxla_desktop.ui.agent_models import NONE, QueueTableModel
from vaxla_desktop.ui.realtime_models import AgentFilter, AgentTableModel, QueueSorter
from vaxla_desktop.ui.realtime_view import RealtimeView
from vaxla_protocol.config import PauseReasonItem
from vaxla_protocol.events import QueueSnapshot

REASONS = [
    PauseReasonItem(code="lunch", label_sv="Lunch", label_en="Lunch", active=True),
    PauseReasonItem(code="meeting", label_sv="Möte", label_en="Meeting", active=True),
]


def centre(clock: Clock) -> RealtimeState:
    """anna on a call in Support for 10 min; bo paused in Sales; agent10 ready for 9:59;
    agent2 logged out; Support with two callers waiting."""
    state = welcomed(clock)
    state.apply(offer(7, 4, "+46701234567"))
    at = START - timedelta(minutes=10)
    state.apply(agent(7, "anna", "busy", state_since=at, call=call(4, -600)))
    state.apply(agent(8, "bo", "paused", member_of=(SALES,), reason="meeting"))
    state.apply(agent(9, "agent10", state_since=START - timedelta(seconds=599)))
    state.apply(agent(10, "agent2", "offline", member_of=(SUPPORT, SALES)))
    state.apply(QueueSnapshot(queues=[queue(SUPPORT, 2, 40.0), queue(SALES)]))
    return state


def view(
    qtbot: QtBot, state: RealtimeState, *, may_act: bool = True, switchboard: bool = False
) -> RealtimeView:
    widget = RealtimeView(state, Language.ENGLISH, may_act=may_act, switchboard=switchboard)
    qtbot.addWidget(widget)
    widget.set_pause_reasons(REASONS)
    widget.resize(1200, 700)
    widget.show()
    return widget


def model_texts(model: QAbstractItemModel, columns: Sequence[int] | None = None) -> list[str]:
    """A table's column titles and the texts of its cells (of ``columns``, or all)."""
    every = range(model.columnCount(QModelIndex()))
    titles = [str(model.headerData(c, Qt.Orientation.Horizontal)) for c in every]
    cells = [
        str(model.index(r, c).data())
        for r in range(model.rowCount())
        for c in (every if columns is None else columns)
    ]
    return titles + cells


def column(model: QAbstractItemModel, col: int) -> list[str]:
    return [str(model.index(row, col).data()) for row in range(model.rowCount())]


def test_every_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    clock = Clock()
    state = centre(clock)
    agents, queues = AgentTableModel(), QueueTableModel()
    agents.refresh(state)
    queues.refresh(state)
    filtered, sorted_queues = AgentFilter(agents), QueueSorter(queues)
    filtered.sort(AgentTableModel.IN_STATE)
    sorted_queues.sort(QueueTableModel.LONGEST, Qt.SortOrder.DescendingOrder)
    models: list[QAbstractItemModel] = [agents, queues, filtered, sorted_queues]
    for checked in models:
        qtmodeltester.check(checked)  # type: ignore[no-untyped-call]
    # Rows coming and going, the clock moving and the filters changing while watched.
    clock.advance(3)
    agents.tick(state)
    state.apply(agent(11, "cia", member_of=(SALES,)))
    agents.refresh(state)
    filtered.set_text("a")
    filtered.set_state("available")
    filtered.set_queue(SALES.id)
    for checked in models:
        qtmodeltester.check(checked)  # type: ignore[no-untyped-call]


def test_every_agent_with_state_time_call_and_queue_ticking(qtbot: QtBot) -> None:
    clock = Clock()
    widget = view(qtbot, centre(clock))
    model = widget.agents_proxy
    assert column(model, AgentTableModel.NAME) == ["agent2", "agent10", "anna", "bo"]
    anna = 2
    row = [model.index(anna, c).data() for c in range(AgentTableModel.COLUMNS)]
    assert row == ["anna", "On a call", "10:00", "+46701234567", "Support", "10:00", "Support"]
    assert column(model, AgentTableModel.STATE)[3] == "Paused — Meeting"
    assert column(model, AgentTableModel.IN_STATE) == [NONE, "9:59", "10:00", NONE]
    colour = model.index(anna, AgentTableModel.STATE).data(Qt.ItemDataRole.BackgroundRole)
    assert colour.color().name() == "#1553a0"
    clock.advance(5)
    widget._on_tick()  # what the one-second timer does
    assert model.index(anna, AgentTableModel.IN_STATE).data() == "10:05"
    assert model.index(anna, AgentTableModel.CALL_TIME).data() == "10:05"

    queues = widget.queues_proxy
    assert column(queues, QueueTableModel.QUEUE) == ["Sales", "Support"]
    support = [queues.index(1, c).data() for c in range(QueueTableModel.COLUMNS)]
    assert support == ["Support", "2", "0:45", "1", "0", "0", "0", "67 %", "80 % in 20 s"]
    below_goal = queues.index(1, QueueTableModel.SERVICE).data(Qt.ItemDataRole.ForegroundRole)
    assert below_goal.color().name() == "#b00020"


def test_sorting_is_by_the_numbers_and_the_filters_narrow_as_you_type(qtbot: QtBot) -> None:
    widget = view(qtbot, centre(Clock()))
    model = widget.agents_proxy
    widget.agents_view.sortByColumn(AgentTableModel.IN_STATE, Qt.SortOrder.DescendingOrder)
    # 10:00 after 9:59 (numbers, not text); those without a time last.
    assert column(model, AgentTableModel.NAME)[:2] == ["anna", "agent10"]
    widget.agents_view.sortByColumn(AgentTableModel.NAME, Qt.SortOrder.AscendingOrder)
    assert column(model, AgentTableModel.NAME)[:2] == ["agent2", "agent10"]  # 2 before 10

    with qtbot.waitActive(widget):
        widget.activateWindow()
    QTest.keyClick(widget, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert widget.name_filter.hasFocus()
    QTest.keyClicks(widget.name_filter, "AG")
    assert column(model, AgentTableModel.NAME) == ["agent2", "agent10"]
    assert widget.count_label.text() == "2 of 4 agents"
    widget.name_filter.clear()
    widget.queue_filter.setCurrentIndex(widget.queue_filter.findData(SALES.id))
    assert column(model, AgentTableModel.NAME) == ["agent2", "bo"]
    widget.state_filter.setCurrentIndex(widget.state_filter.findData("paused"))
    assert column(model, AgentTableModel.NAME) == ["bo"]
    widget.queue_filter.setCurrentIndex(0)
    widget.state_filter.setCurrentIndex(widget.state_filter.findData("busy"))
    assert column(model, AgentTableModel.NAME) == ["anna"]


def test_a_supervisor_acts_on_the_selected_agent_by_click_and_keyboard(qtbot: QtBot) -> None:
    widget = view(qtbot, centre(Clock()))
    assert widget.action_bar.isVisible()
    assert not widget.log_out_button.isEnabled()  # nobody selected
    widget.agents_view.selectRow(3)  # bo, paused
    assert widget.selected_label.text() == "Selected: bo"
    assert widget.ready_button.isEnabled() and not widget.pause_button.isEnabled()
    with qtbot.waitSignal(widget.sig_ready_requested) as asked:
        widget.ready_button.click()
    assert asked.args == [8]

    widget.agents_view.selectRow(2)  # anna, on a call
    assert not widget.ready_button.isEnabled() and widget.pause_button.isEnabled()
    with qtbot.waitActive(widget):
        widget.activateWindow()
    widget.pause_reason_box.setCurrentIndex(widget.pause_reason_box.findData("lunch"))
    assert "F10" in widget.pause_button.toolTip()
    with qtbot.waitSignal(widget.sig_pause_requested) as asked:
        QTest.keyClick(widget, Qt.Key.Key_F10)
    assert asked.args == [7, "lunch"]
    with qtbot.waitSignal(widget.sig_log_out_requested) as asked:
        QTest.keyClick(
            widget,
            Qt.Key.Key_L,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
    assert asked.args == [7]

    widget.agents_view.selectRow(0)  # agent2, logged out: nothing to do
    assert not any(
        b.isEnabled() for b in (widget.ready_button, widget.pause_button, widget.log_out_button)
    )
    widget.show_error("The server said no: agent 'agent2' is not logged in")
    assert widget.message_label.isVisible()


def test_a_receptionists_view_is_titled_by_its_switchboard_not_as_read_only(
    qtbot: QtBot,
) -> None:
    widget = view(qtbot, centre(Clock()), may_act=False, switchboard=True)
    assert widget.title_label.text() == "Switchboard: directory, presence and lines"
    assert widget.tabs.widget(0) is widget.directory_panel


def test_the_read_only_view_has_no_actions_and_its_keys_do_nothing(qtbot: QtBot) -> None:
    widget = view(qtbot, centre(Clock()), may_act=False)
    assert widget.title_label.text() == "Queues and agents now (read-only)"
    assert not widget.action_bar.isVisible()
    widget.agents_view.selectRow(3)
    with qtbot.waitActive(widget):
        widget.activateWindow()
    with qtbot.assertNotEmitted(widget.sig_ready_requested):
        QTest.keyClick(widget, Qt.Key.Key_F9)
        widget._on_ready()


def test_every_visible_text_of_the_view_is_swedish(qtbot: QtBot, qapp: QApplication) -> None:
    def shown() -> list[str]:
        widget = view(qtbot, centre(Clock()))
        widget.agents_view.selectRow(2)
        widget.show_error("x")
        texts = visible_texts(widget)
        for model in (widget.agents_model, widget.queues_model):
            texts += model_texts(model)
        texts += [widget.state_filter.itemText(i) for i in range(widget.state_filter.count())]
        texts.append(widget.queue_filter.itemText(0))
        return texts

    data = {"", "None", "x", "Support", "Sales", "anna", "bo", "agent", "Lunch"}
    untranslated, swedish = untranslated_texts(qapp, shown, data)
    assert untranslated == []
    assert "Samtal" in swedish
