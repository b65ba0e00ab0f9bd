"""The agent panel and its models, fed with server events by hand (no server here;
tests/desktop/test_agent_desk.py has the panel against a real one)."""

from datetime import timedelta

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tests.desktop.test_agent_panel_state import (
    SALES,
    START,
    SUPPORT,
    Clock,
    agent,
    queue,
    welcomed,
)
from tests.desktop.test_translations import untranslated_texts, visible_texts
from vaxla_desktop.core.agent_panel import Changed, PanelState
from vaxla_desktop.i18n import Language
from vaxla_desktop.ui.agent_models import (
    ColleagueTableModel,
    ParkedTableModel,
    QueueFilter,
    QueueTableModel,
)
from vaxla_desktop.ui.agent_panel import AgentPanel
from vaxla_protocol.config import ClassificationCodeItem, PauseReasonItem
from vaxla_protocol.control import ParkedChanged, ParkedContact
from vaxla_protocol.events import QueueSnapshot

REASONS = [
    PauseReasonItem(code="lunch", label_sv="Lunch", label_en="Lunch"),
    PauseReasonItem(code="meeting", label_sv="Möte", label_en="Meeting"),
]
CODES = [
    ClassificationCodeItem(code="q", label_sv="Fråga", label_en="Question", group="support"),
    ClassificationCodeItem(code="f", label_sv="Fel", label_en="Fault", group="support"),
]


def busy_state(clock: Clock) -> PanelState:
    state = welcomed(clock)
    state.apply(agent(7, "anna", member_of=(SUPPORT, SALES)))
    state.apply(agent(8, "bo", "paused", member_of=(SALES,), reason="meeting"))
    state.apply(agent(9, "cia", "busy", member_of=(SUPPORT,)))
    third = queue(SUPPORT, 0)
    other = third.model_copy(update={"id": 3, "name": "Växel"})
    state.apply(QueueSnapshot(queues=[queue(SUPPORT, 3, 70.0), queue(SALES, 0), other]))
    parked = [
        ParkedContact(
            contact_id=c, agent_id=7, caller=f"+467011{c}", queue="Support",
            parked_at=START + timedelta(seconds=c), wait_s=20.0 * c,
        )
        for c in (2, 1)
    ]  # fmt: skip
    state.apply(ParkedChanged(agent_id=7, contacts=parked))
    return state


def panel(qtbot: QtBot, state: PanelState) -> AgentPanel:
    widget = AgentPanel(state, Language.ENGLISH)
    qtbot.addWidget(widget)
    widget.set_pause_reasons(REASONS)
    widget.set_classification_codes(CODES)
    widget.show()
    return widget


def test_every_model_passes_the_model_tester(qtmodeltester: ModelTester) -> None:
    clock = Clock()
    state = busy_state(clock)
    queues = QueueTableModel()
    colleagues = ColleagueTableModel()
    parked = ParkedTableModel()
    for model in (queues, colleagues, parked):
        model.refresh(state)
    clock.advance(3)
    queues.tick(state)
    parked.tick(state)
    models: list[QAbstractItemModel] = [queues, colleagues, parked, QueueFilter(queues, mine=True)]
    for checked in models:
        qtmodeltester.check(checked)  # type: ignore[no-untyped-call]
    # Rows coming and going while watched.
    state.apply(agent(8, "bo", member_of=(SALES,)))
    state.apply(QueueSnapshot(queues=[queue(SALES, 1, 5.0)]))
    queues.refresh(state)
    colleagues.refresh(state)
    qtmodeltester.check(queues)  # type: ignore[no-untyped-call]
    qtmodeltester.check(colleagues)  # type: ignore[no-untyped-call]


def test_the_tables_show_queues_colleagues_and_parked_callers(qtbot: QtBot) -> None:
    clock = Clock()
    widget = panel(qtbot, busy_state(clock))
    mine = widget.my_queues_model
    assert [mine.index(r, 0).data() for r in range(mine.rowCount())] == ["Sales", "Support"]
    others = widget.other_queues_model
    assert [others.index(r, 0).data() for r in range(others.rowCount())] == ["Växel"]
    support = mine.index(1, QueueTableModel.LONGEST)
    assert (mine.index(1, QueueTableModel.WAITING).data(), support.data()) == ("3", "1:10")
    clock.advance(5)
    widget._on_tick()  # what the one-second timer does
    assert support.data() == "1:15"
    assert (widget.waiting_label.text(), widget.longest_label.text()) == ("3", "1:15")

    people = widget.colleagues_model
    rows = [[people.index(r, c).data() for c in range(3)] for r in range(people.rowCount())]
    assert rows == [["bo", "Paused — Meeting", "Sales"], ["cia", "On a call", "Support"]]
    colour = people.index(1, ColleagueTableModel.STATE).data(Qt.ItemDataRole.BackgroundRole)
    assert colour.color().name() == "#1553a0"

    parked = widget.parked_model
    assert [parked.index(r, 0).data() for r in range(parked.rowCount())] == [
        "+4670111",
        "+4670112",
    ]
    assert widget.tabs.tabText(2) == "Personal queue (2)"


def test_queue_boxes_ready_pause_and_take_back_ask_by_signal(qtbot: QtBot) -> None:
    state = busy_state(Clock())
    state.apply(agent(7, "anna", "paused", member_of=(SUPPORT, SALES), reason="lunch"))
    widget = panel(qtbot, state)
    widget.show_state(Changed.ME)
    assert widget.state_label.text() == "Paused"
    assert widget.detail_label.text() == "Lunch"
    assert [box.text() for box in widget._queue_boxes.values()] == ["Support", "Sales"]
    assert all(box.isChecked() for box in widget._queue_boxes.values())

    with qtbot.waitSignal(widget.sig_queue_login_requested) as asked:
        widget._queue_boxes[SALES.id].click()
    assert asked.args == [SALES.id, False]
    with qtbot.waitSignal(widget.sig_all_queues_requested) as asked:
        widget.all_queues_button.click()
    assert asked.args == [False]

    # Keyboard alone: F9 ready, F10 pause with the chosen reason (said in the tooltips).
    assert "F9" in widget.ready_button.toolTip() and "F10" in widget.pause_button.toolTip()
    with qtbot.waitActive(widget):
        widget.activateWindow()
    with qtbot.waitSignal(widget.sig_ready_requested):
        QTest.keyClick(widget, Qt.Key.Key_F9)
    widget.pause_reason_box.setCurrentIndex(1)
    with qtbot.waitSignal(widget.sig_pause_requested) as asked:
        QTest.keyClick(widget, Qt.Key.Key_F10)
    assert asked.args == ["meeting"]

    widget.tabs.setCurrentIndex(2)
    assert not widget.take_back_button.isEnabled()
    widget.parked_view.selectRow(1)
    assert widget.take_back_button.isEnabled()
    with qtbot.waitSignal(widget.sig_take_back_requested) as asked:
        widget.take_back_button.click()
    assert asked.args == [2]


def test_wrap_up_counts_down_offers_ready_now_and_the_classification(qtbot: QtBot) -> None:
    clock = Clock()
    state = busy_state(clock)
    until = START + timedelta(seconds=10)
    changed = state.apply(
        agent(7, "anna", "wrap_up", member_of=(SUPPORT,), last_contact=41, wrap_up_until=until)
    )
    widget = panel(qtbot, state)
    widget.show_state(changed)
    assert widget.state_label.text() == "Wrap-up"
    assert widget.detail_label.text().startswith("10 s left")
    assert widget.ready_button.text() == "&Ready now" and widget.ready_button.isEnabled()
    clock.advance(6.2)
    widget._on_tick()
    assert widget.detail_label.text().startswith("4 s left")

    assert widget.classify_group.isVisible()
    assert widget.classification_box.itemText(0) == "support: Fault"
    with qtbot.waitSignal(widget.sig_classify_requested) as asked:
        widget.classify_button.click()
    assert asked.args == [41, "f"]
    widget.classified(41)
    assert widget.classified_label.text() == "Recorded"

    widget.show_state(state.apply(agent(7, "anna", "available", member_of=(SUPPORT,))))
    assert not widget.classify_group.isVisible()
    assert widget.state_label.text() == "Ready"
    assert not widget.ready_button.isEnabled()


def test_a_call_left_unclassified_at_wrap_up_is_offered_until_classified(qtbot: QtBot) -> None:
    state = busy_state(Clock())
    changed = state.apply(
        agent(7, "anna", "wrap_up", member_of=(SUPPORT,), last_contact=41, wrap_up_until=START)
    )
    widget = panel(qtbot, state)
    widget.show_state(changed)
    assert widget.classify_group.title() == "Classify the call"
    # The countdown ran out unclassified: the server still takes it, the panel offers it.
    widget.show_state(
        state.apply(agent(7, "anna", "available", member_of=(SUPPORT,), last_contact=41))
    )
    assert widget.classify_group.isVisible()
    assert widget.classify_group.title() == "Classify the last call"
    with qtbot.waitSignal(widget.sig_classify_requested) as asked:
        widget.classify_button.click()
    assert asked.args == [41, "f"]
    widget.classified(41)
    assert not widget.classify_group.isVisible()

    # Unclassified again, then the next call is answered: no longer offered.
    state.classified_contact = None
    widget.show_state(
        state.apply(agent(7, "anna", "available", member_of=(SUPPORT,), last_contact=41))
    )
    assert widget.classify_group.isVisible()
    widget.show_state(state.apply(agent(7, "anna", "busy", member_of=(SUPPORT,), last_contact=42)))
    assert not widget.classify_group.isVisible()


def test_an_offline_agent_is_told_how_to_start_and_cannot_pause(qtbot: QtBot) -> None:
    state = welcomed(Clock())
    widget = panel(qtbot, state)
    assert widget.detail_label.text() == "Waiting for the server…"
    widget.show_state(state.apply(agent(7, "anna", "offline", member_of=(SUPPORT,))))
    assert widget.state_label.text() == "Logged out"
    assert not widget.pause_button.isEnabled() and not widget.ready_button.isEnabled()
    assert widget.all_queues_button.text() == "Log in to all"
    assert widget.state_label.accessibleName() == "My state"


def test_an_agent_in_no_queue_on_an_outbound_call_cannot_pause(qtbot: QtBot) -> None:
    state = welcomed(Clock())
    widget = panel(qtbot, state)
    widget.show_state(state.apply(agent(7, "anna", "busy", member_of=(SUPPORT,), queues=[])))
    assert widget.state_label.text() == "On a call"
    assert not widget.pause_button.isEnabled() and not widget.ready_button.isEnabled()
    widget.show_state(state.apply(agent(7, "anna", "busy", member_of=(SUPPORT,))))
    assert widget.pause_button.isEnabled()  # in a queue, a pause can be asked for mid-call


def test_a_user_without_an_agent_profile_is_told_so(qtbot: QtBot) -> None:
    state = welcomed(Clock())
    widget = panel(qtbot, state)
    widget.show_state(state.apply(QueueSnapshot(queues=[queue(SUPPORT)])))
    assert widget.detail_label.text() == "This user has no agent profile on the server"
    assert not widget.queue_group.isVisible()


def test_every_visible_text_of_the_panel_is_swedish(qtbot: QtBot, qapp: QApplication) -> None:
    def shown() -> list[str]:
        clock = Clock()
        state = busy_state(clock)
        until = START + timedelta(seconds=10)
        state.apply(
            agent(7, "anna", "wrap_up", member_of=(SUPPORT,), last_contact=4, wrap_up_until=until)
        )
        widget = panel(qtbot, state)
        widget.show_error("x")
        texts = visible_texts(widget)
        for model in (widget.queues_model, widget.colleagues_model, widget.parked_model):
            texts += [str(model.headerData(c, Qt.Orientation.Horizontal)) for c in range(8)]
        texts += [widget.tabs.tabText(i) for i in range(widget.tabs.count())]
        return texts

    untranslated, swedish = untranslated_texts(qapp, shown, {"", "None", "x", "Support"})
    assert untranslated == []
    assert "Efterarbete" in swedish and "Personlig kö (2)" in swedish
