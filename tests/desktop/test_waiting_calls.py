"""The supervisor's waiting calls (R16) offscreen: the list from the socket with waits
that move on the clock and entered data masked, the models under the model tester,
sorting and the filters, and the actions by button, key and context menu, each a
request (``sig_*``) with what the supervisor chose; Swedish throughout."""

from datetime import datetime

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from tests.desktop.test_agent_panel_state import SALES, SUPPORT, Clock, agent, queue
from tests.desktop.test_realtime_state import welcomed
from tests.desktop.test_realtime_view import REASONS
from tests.desktop.test_translations import untranslated_texts, visible_texts
from tests.shots import keep_shot
from vaxla_desktop.core.realtime import RealtimeChanged, RealtimeState
from vaxla_desktop.i18n import Language
from vaxla_desktop.ui.agent_models import NONE
from vaxla_desktop.ui.realtime_models import WaitingFilter, WaitingTableModel
from vaxla_desktop.ui.realtime_view import RealtimeView
from vaxla_desktop.ui.waiting_calls import MoveDialog, PickDialog, WaitingCallsPanel
from vaxla_protocol.agent import WaitingContact
from vaxla_protocol.events import QueueSnapshot, WaitingContacts

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def waiting(
    contact_id: int,
    queue_id: int,
    position: int,
    wait_s: float,
    caller: str | None = "+46701234567",
    **fields: object,
) -> WaitingContact:
    return WaitingContact.model_validate(
        {
            "contact_id": contact_id, "queue_id": queue_id, "caller": caller,
            "entry_point": "100", "state": "waiting", "position": position, "wait_s": wait_s,
            "estimated_wait_s": 60.0, **fields,
        }
    )  # fmt: skip


def calls() -> list[WaitingContact]:
    """Three callers: two in Support (one with a personnummer the server did not mask),
    one ringing in Sales with priority 2."""
    return [
        waiting(4, SUPPORT.id, 1, 125.0, data={"personnummer": "19121212-1212"}),
        waiting(5, SUPPORT.id, 2, 9.0, caller=None, data={"customer_number": "4711"}),
        waiting(6, SALES.id, 1, 30.0, caller="+4631999", priority=2, state="offered"),
    ]


def centre(clock: Clock) -> RealtimeState:
    """anna ready and bo on a call, both in Support and Sales; cid logged out."""
    state = welcomed(clock)
    both = (SUPPORT, SALES)
    state.apply(agent(7, "anna", member_of=both, queues=[SUPPORT.model_dump()]))
    state.apply(agent(8, "bo", "busy", member_of=both))
    state.apply(agent(9, "cid", "offline", member_of=both))
    state.apply(WaitingContacts(contacts=calls()))
    state.apply(QueueSnapshot(queues=[queue(SUPPORT, 2, 125.0), queue(SALES, 1, 30.0)]))
    return state


def column(model: QAbstractItemModel, col: int) -> list[str]:
    return [str(model.index(row, col).data()) for row in range(model.rowCount())]


def view(qtbot: QtBot, state: RealtimeState) -> RealtimeView:
    widget = RealtimeView(state, Language.ENGLISH, may_act=True)
    qtbot.addWidget(widget)
    widget.set_pause_reasons(REASONS)
    widget.resize(1200, 700)
    widget.show()
    widget.tabs.setCurrentWidget(widget.waiting)
    return widget


def select(panel: WaitingCallsPanel, contact_id: int) -> None:
    proxy = panel.proxy
    for row in range(proxy.rowCount()):
        if proxy.index(row, 0).data(WaitingTableModel.CONTACT_ID_ROLE) == contact_id:
            panel.table.selectRow(row)
            return
    raise AssertionError(f"call {contact_id} is not shown")


def test_the_state_keeps_the_list_masks_entries_and_ages_the_waits() -> None:
    clock = Clock()
    state = centre(clock)
    assert state.apply(WaitingContacts(contacts=calls())) == RealtimeChanged.WAITING
    clock.advance(5)
    rows = {row.contact.contact_id: row for row in state.waiting()}
    assert (rows[4].queue, rows[4].wait_s) == ("Support", 130.0)
    # The desktop's own guard: a personnummer never shows more than its last four.
    assert rows[4].entries == (("Personnummer", "********-1212"),)
    assert rows[5].entries == (("Customer number", "4711"),)
    state.apply(WaitingContacts(contacts=[]))
    assert state.waiting() == []


def test_the_models_pass_the_model_tester_while_calls_come_and_go(
    qtmodeltester: ModelTester,
) -> None:
    clock = Clock()
    state = centre(clock)
    model = WaitingTableModel()
    model.refresh(state)
    proxy = WaitingFilter(model)
    proxy.sort(WaitingTableModel.WAIT, Qt.SortOrder.DescendingOrder)
    for checked in (model, proxy):
        qtmodeltester.check(checked)  # type: ignore[no-untyped-call]
    clock.advance(3)
    model.tick(state)
    later = [calls()[2], waiting(7, SUPPORT.id, 2, 1.0), calls()[0]]  # 5 gone, 7 new
    state.apply(WaitingContacts(contacts=later))
    model.refresh(state)
    assert sorted(column(model, WaitingTableModel.CALLER)) == sorted(
        ["+46701234567", "+46701234567", "+4631999"]
    )
    shown = [proxy.index(r, 0).data(WaitingTableModel.CONTACT_ID_ROLE) for r in range(3)]
    assert (proxy.rowCount(), sorted(shown)) == (3, [4, 6, 7])  # the proxy heard it all
    proxy.set_text("4631")
    proxy.set_queue(SALES.id)
    for checked in (model, proxy):
        qtmodeltester.check(checked)  # type: ignore[no-untyped-call]


def test_every_waiting_call_with_its_queue_wait_priority_and_data(qtbot: QtBot) -> None:
    clock = Clock()
    widget = view(qtbot, centre(clock))
    panel = widget.waiting
    assert widget.tabs.tabText(widget.tabs.indexOf(panel)) == "Calls waiting (3)"
    model = panel.proxy
    assert column(model, WaitingTableModel.WAIT) == ["2:05", "0:30", "0:09"]  # longest first
    first = [model.index(0, c).data() for c in range(WaitingTableModel.COLUMNS)]
    assert first == [
        "Support", "1", "0", "2:05", "1:00", "+46701234567", "Personnummer: ********-1212",
        "Waiting",
    ]  # fmt: skip
    assert column(model, WaitingTableModel.CALLER)[2] == "Unknown number"
    assert column(model, WaitingTableModel.STATE)[1] == "Ringing"
    raised = model.index(1, WaitingTableModel.PRIORITY).data(Qt.ItemDataRole.ForegroundRole)
    assert raised.color().name() == "#b00020"
    clock.advance(5)
    widget._on_tick()  # what the one-second timer does
    assert column(model, WaitingTableModel.WAIT) == ["2:10", "0:35", "0:14"]
    panel.table.sortByColumn(WaitingTableModel.PRIORITY, Qt.SortOrder.DescendingOrder)
    assert column(model, WaitingTableModel.PRIORITY) == ["2", "0", "0"]
    panel.table.sortByColumn(WaitingTableModel.WAIT, Qt.SortOrder.AscendingOrder)
    assert column(model, WaitingTableModel.WAIT) == ["0:14", "0:35", "2:10"]  # by number

    with qtbot.waitActive(widget):
        widget.activateWindow()
    panel.table.setFocus()
    QTest.keyClick(panel.table, Qt.Key.Key_F, CTRL_SHIFT)
    assert panel.text_filter.hasFocus()
    QTest.keyClicks(panel.text_filter, "4711")
    assert column(model, WaitingTableModel.DATA) == ["Customer number: 4711"]
    assert panel.count_label.text() == "1 of 3 calls"
    panel.text_filter.clear()
    panel.queue_filter.setCurrentIndex(panel.queue_filter.findData(SALES.id))
    assert column(model, WaitingTableModel.CALLER) == ["+4631999"]
    panel.queue_filter.setCurrentIndex(0)

    # A new list keeps the selected call selected.
    select(panel, 4)
    widget.state.apply(WaitingContacts(contacts=[*calls(), waiting(9, SALES.id, 2, 0.0)]))
    widget.show_state(RealtimeChanged.WAITING)
    selected = panel.selected_call()
    assert selected is not None and selected.contact.contact_id == 4
    assert widget.tabs.tabText(widget.tabs.indexOf(panel)) == "Calls waiting (4)"


def test_raise_move_and_offer_by_button_key_and_context_menu(qtbot: QtBot) -> None:
    widget = view(qtbot, centre(Clock()))
    panel = widget.waiting
    assert not panel.raise_button.isEnabled()  # nothing selected
    assert panel.selected_label.text() == "Select a call to act on it"
    select(panel, 6)
    assert panel.selected_label.text() == "Selected: +4631999 in Sales"
    with qtbot.waitSignal(panel.sig_priority_requested) as asked:
        panel.raise_button.click()
    assert asked.args == [SALES.id, 6, 3]

    with qtbot.waitActive(widget):
        widget.activateWindow()
    panel.table.setFocus()
    select(panel, 4)
    assert "Ctrl+Shift+P" in panel.raise_button.toolTip()
    with qtbot.waitSignal(panel.sig_priority_requested) as asked:
        QTest.keyClick(panel.table, Qt.Key.Key_P, CTRL_SHIFT)
    assert asked.args == [SUPPORT.id, 4, 1]

    # Move by key: the dialog offers the other queues; the wait goes with the call.
    QTest.keyClick(panel.table, Qt.Key.Key_M, CTRL_SHIFT)
    dialog = panel.dialog
    assert isinstance(dialog, MoveDialog) and dialog.isVisible()
    assert [dialog.queue_box.itemText(i) for i in range(dialog.queue_box.count())] == ["Sales"]
    with qtbot.waitSignal(panel.sig_move_requested) as asked:
        dialog.accept()
    assert asked.args == [SUPPORT.id, 4, SALES.id]

    # Offer from the context menu: logged-in members, ready ones first.
    index = panel.table.visualRect(panel.proxy.index(0, 0)).center()
    panel._on_context_menu(index)
    assert panel.context_menu is not None
    texts = [a.text() for a in panel.context_menu.actions()]
    assert texts == ["Raise priority", "Move to queue…", "Offer to agent…", "Cancel callback"]
    assert not panel.context_menu.actions()[3].isEnabled()  # not a callback
    panel.context_menu.actions()[2].trigger()
    pick = panel.dialog
    assert isinstance(pick, PickDialog)
    assert [pick.agent_box.itemText(i) for i in range(pick.agent_box.count())] == [
        "anna (Ready)",
        "bo (On a call)",
    ]
    with qtbot.waitSignal(panel.sig_pick_requested) as asked:
        pick.accept()
    assert asked.args == [SUPPORT.id, 4, 7, True]
    panel.offer_button.click()
    pick = panel.dialog
    assert isinstance(pick, PickDialog)
    pick.agent_box.setCurrentIndex(1)
    pick.queue_radio.setChecked(True)
    with qtbot.waitSignal(panel.sig_pick_requested) as asked:
        pick.accept()
    assert asked.args == [SUPPORT.id, 4, 8, False]
    with qtbot.assertNotEmitted(panel.sig_pick_requested):
        panel.offer_button.click()
        assert panel.dialog is not None
        panel.dialog.reject()

    panel.show_error("The server said no: agent 'bo' is busy, not available")
    assert panel.message_label.isVisible()


def test_the_read_only_view_has_no_waiting_calls(qtbot: QtBot) -> None:
    widget = RealtimeView(centre(Clock()), Language.ENGLISH, may_act=False)
    qtbot.addWidget(widget)
    assert widget.tabs.indexOf(widget.waiting) == -1
    assert [widget.tabs.tabText(i) for i in range(widget.tabs.count())] == [
        "Agents and queues",
        "Wallboard",
        "Storm message",  # what is on, shown to every role
        "Voicemail",  # hidden until the user is found to read a box
        "Directory",  # people, presence and lines (R29); the operator's first tab
    ]
    assert not widget.tabs.isTabVisible(widget.tabs.indexOf(widget.voicemail_panel))


def test_a_callback_is_marked_with_its_number(qtbot: QtBot) -> None:
    state = centre(Clock())
    callback = waiting(10, SUPPORT.id, 3, 5.0, callback_number="+46709876543")
    state.apply(WaitingContacts(contacts=[*calls(), callback]))
    widget = view(qtbot, state)
    model = widget.waiting.proxy
    assert column(model, WaitingTableModel.STATE)[-1] == "Callback to +46709876543"
    assert column(model, WaitingTableModel.STATE)[:-1].count("Waiting") == 2
    panel = widget.waiting
    select(panel, 4)
    assert not panel.cancel_callback_button.isEnabled()  # a call, not a callback
    with qtbot.waitActive(widget):
        widget.activateWindow()
    panel.table.setFocus()
    with qtbot.assertNotEmitted(panel.sig_cancel_callback_requested):
        QTest.keyClick(panel.table, Qt.Key.Key_K, CTRL_SHIFT)
    select(panel, 10)
    assert panel.cancel_callback_button.isEnabled()
    assert "Ctrl+Shift+K" in panel.cancel_callback_button.toolTip()
    with qtbot.waitSignal(panel.sig_cancel_callback_requested) as asked:
        QTest.keyClick(panel.table, Qt.Key.Key_K, CTRL_SHIFT)
    assert asked.args == [SUPPORT.id, 10]
    with qtbot.waitSignal(panel.sig_cancel_callback_requested) as asked:
        panel.cancel_callback_button.click()
    assert asked.args == [SUPPORT.id, 10]
    keep_shot(widget, "waiting-calls-callback.png")


def scheduled_callback() -> WaitingContact:
    """A callback waiting out of Support's line for its time, 2030-01-07 14:30 local."""
    due = datetime(2030, 1, 7, 14, 30).astimezone()
    return waiting(11, SUPPORT.id, 0, 0.0, state="scheduled",
                   callback_number="+46701112233", callback_due=due)  # fmt: skip


def test_a_scheduled_callback_shows_its_time_and_can_only_be_cancelled(qtbot: QtBot) -> None:
    state = centre(Clock())
    state.apply(WaitingContacts(contacts=[*calls(), scheduled_callback()]))
    widget = view(qtbot, state)
    panel = widget.waiting
    model = panel.proxy
    model.sort(WaitingTableModel.POSITION, Qt.SortOrder.AscendingOrder)
    states = column(model, WaitingTableModel.STATE)
    assert states[-1] == "Callback to +46701112233 at 2030-01-07 14:30"  # after the line
    row = states.index(states[-1])
    assert model.index(row, WaitingTableModel.POSITION).data() == NONE
    assert model.index(row, WaitingTableModel.WAIT).data() == NONE
    assert model.index(row, WaitingTableModel.ESTIMATE).data() == NONE
    select(panel, 11)
    assert panel.cancel_callback_button.isEnabled()
    assert not panel.raise_action.isEnabled()
    assert not panel.move_action.isEnabled() and not panel.offer_action.isEnabled()
    with qtbot.waitSignal(panel.sig_cancel_callback_requested) as asked:
        panel.cancel_callback_button.click()
    assert asked.args == [SUPPORT.id, 11]
    select(panel, 4)
    assert panel.move_action.isEnabled()
    keep_shot(widget, "waiting-calls-scheduled-callback.png")


def test_every_visible_text_of_the_waiting_calls_is_swedish(
    qtbot: QtBot, qapp: QApplication
) -> None:
    def shown() -> list[str]:
        state = centre(Clock())
        callback = waiting(10, SUPPORT.id, 3, 5.0, callback_number="+46709876543")
        state.apply(WaitingContacts(contacts=[*calls(), callback, scheduled_callback()]))
        widget = view(qtbot, state)
        panel = widget.waiting
        select(panel, 4)
        panel.show_error("x")
        texts = [*visible_texts(panel), widget.tabs.tabText(widget.tabs.indexOf(panel))]
        model = panel.model
        texts += [
            str(model.headerData(c, Qt.Orientation.Horizontal))
            for c in range(model.columnCount(QModelIndex()))
        ]
        texts += [
            str(model.index(r, c).data())
            for r in range(model.rowCount())
            for c in (WaitingTableModel.STATE, WaitingTableModel.CALLER)
        ]
        texts += [a.text() for a in panel.actions() if a.text()]
        texts += [a.toolTip() for a in panel.actions() if a.text()]
        for open_dialog in (panel.move_action, panel.offer_action):
            open_dialog.trigger()
            assert panel.dialog is not None
            texts += visible_texts(panel.dialog)
            panel.dialog.reject()
        return texts

    data = {"", "x", "Support", "Sales", "+46701234567", "+4631999", NONE}
    untranslated, swedish = untranslated_texts(qapp, shown, data)
    assert untranslated == []
    assert "Samtal i kö (5)" in swedish
    assert "Återuppringning till +46709876543" in swedish
    assert "Återuppringning till +46701112233 klockan 2030-01-07 14:30" in swedish
