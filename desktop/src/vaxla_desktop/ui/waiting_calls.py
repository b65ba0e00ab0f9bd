"""The supervisor's waiting calls (R16): every call waiting in the queues with its
queue, position, priority, wait, the caller's number and what the caller entered
(masked as the agent sees it), live from the event socket; sortable and filterable.

A supervisor selects a call and raises its priority, moves it to another queue or
offers it to an agent (or puts it in the agent's personal queue), by the buttons, the
keys or the table's context menu. Each is a ``sig_*`` request: the panel never talks to
the server and changes nothing itself; the next list from the server shows the result,
and a refusal shows the server's reason here.
"""

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QItemSelection, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from vaxla_desktop.core.realtime import RealtimeState, WaitingRow
from vaxla_desktop.ui.agent_models import state_name
from vaxla_desktop.ui.agent_panel import table_view
from vaxla_desktop.ui.notices import Notices
from vaxla_desktop.ui.realtime_models import WaitingFilter, WaitingTableModel
from vaxla_protocol.agent import AgentState

RAISE_KEY = "Ctrl+Shift+P"
MOVE_KEY = "Ctrl+Shift+M"
OFFER_KEY = "Ctrl+Shift+O"
FIND_KEY = "Ctrl+Shift+F"
TAKE_KEY = "Ctrl+Shift+Y"
CANCEL_CALLBACK_KEY = "Ctrl+Shift+K"
TOP_PRIORITY = 100
DIALOG_WIDTH = 420


def show_queue_choices(box: QComboBox, queues: list[tuple[int, str]]) -> bool:
    """Put ``queues`` (id, name) after the box's first choice ("all queues"), keeping
    the chosen one; whether they changed (the box sends no signal for it)."""
    shown = [(box.itemData(row), box.itemText(row)) for row in range(1, box.count())]
    if queues == shown:
        return False
    chosen = box.currentData()
    box.blockSignals(True)
    while box.count() > 1:
        box.removeItem(1)
    for queue_id, name in queues:
        box.addItem(name, queue_id)
    row = box.findData(chosen) if chosen is not None else 0
    box.setCurrentIndex(max(row, 0))
    box.blockSignals(False)
    return True


def _key_text(key: str) -> str:
    return QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)


@dataclass(frozen=True, slots=True)
class Pick:
    """The agent chosen for a call, and whether to ring it now or queue it for it."""

    agent_id: int
    offer: bool


class MoveDialog(QDialog):
    """Choose the queue a waiting call moves to (its wait goes with it)."""

    def __init__(self, row: WaitingRow, queues: list[tuple[int, str]], parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Move the call to another queue"))
        self.queue_box = QComboBox()
        self.queue_box.setAccessibleName(self.tr("Queue"))
        for queue_id, name in queues:
            if queue_id != row.contact.queue_id:
                self.queue_box.addItem(name, queue_id)
        about = QLabel(
            self.tr("{0}, waiting {1} in {2}. The time waited goes with the call.").format(
                row.contact.caller or self.tr("Unknown number"),
                WaitingTableModel.wait_text(row),
                row.queue,
            )
        )
        about.setWordWrap(True)
        form = QFormLayout()
        label = QLabel(self.tr("&Queue:"))
        label.setBuddy(self.queue_box)
        form.addRow(label, self.queue_box)
        buttons = _buttons(self, self.tr("&Move"))
        buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(self.queue_box.count() > 0)
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.setMinimumWidth(DIALOG_WIDTH)

    def chosen(self) -> int | None:
        data = self.queue_box.currentData()
        return int(data) if data is not None else None


class PickDialog(QDialog):
    """Choose the agent a waiting call goes to: rung now (the agent must be ready) or
    put in the agent's personal queue until it is free. The members of the call's queue
    who are logged in are listed, ready ones first."""

    def __init__(self, row: WaitingRow, agents: list[AgentState], parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Offer the call to an agent"))
        queue_id = row.contact.queue_id
        members = [
            agent
            for agent in agents
            if agent.state != "offline" and any(q.id == queue_id for q in agent.member_of)
        ]
        members.sort(key=lambda agent: (agent.state != "available", agent.username.casefold()))
        self.agent_box = QComboBox()
        self.agent_box.setAccessibleName(self.tr("Agent"))
        for agent in members:
            self.agent_box.addItem(f"{agent.username} ({state_name(agent.state)})", agent.agent_id)
        self.offer_radio = QRadioButton(self.tr("&Ring the agent now (the agent must be ready)"))
        self.queue_radio = QRadioButton(self.tr("&Put it in the agent's personal queue"))
        self.offer_radio.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.offer_radio)
        group.addButton(self.queue_radio)
        about = QLabel(
            self.tr("{0}, waiting {1} in {2}.").format(
                row.contact.caller or self.tr("Unknown number"),
                WaitingTableModel.wait_text(row),
                row.queue,
            )
            if members
            else self.tr("No member of {0} is logged in.").format(row.queue)
        )
        about.setWordWrap(True)
        form = QFormLayout()
        label = QLabel(self.tr("&Agent:"))
        label.setBuddy(self.agent_box)
        form.addRow(label, self.agent_box)
        buttons = _buttons(self, self.tr("&Offer"))
        buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(members))
        layout = QVBoxLayout(self)
        layout.addWidget(about)
        layout.addLayout(form)
        layout.addWidget(self.offer_radio)
        layout.addWidget(self.queue_radio)
        layout.addWidget(buttons)
        self.setMinimumWidth(DIALOG_WIDTH)

    def chosen(self) -> Pick | None:
        data = self.agent_box.currentData()
        return None if data is None else Pick(int(data), self.offer_radio.isChecked())


def _buttons(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    cancel = QCoreApplication.translate("WaitingCallsPanel", "Cancel")
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(cancel)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class WaitingCallsPanel(QWidget, Notices):
    sig_priority_requested = Signal(int, int, int)  # queue id, contact id, priority
    sig_move_requested = Signal(int, int, int)  # queue id, contact id, to queue id
    sig_pick_requested = Signal(int, int, int, bool)  # queue id, contact id, agent id, offer
    sig_take_requested = Signal(int, int)  # queue id, contact id: the supervisor takes it
    sig_cancel_callback_requested = Signal(int, int)  # queue id, contact id (a callback)

    def __init__(self, state: RealtimeState, *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self._make_notices()
        self.setAccessibleName(self.tr("Calls waiting"))
        self.dialog: QDialog | None = None
        self.context_menu: QMenu | None = None

        self.text_filter = QLineEdit()
        self.text_filter.setPlaceholderText(
            self.tr("Find a call by number or entered data ({0})").format(_key_text(FIND_KEY))
        )
        self.text_filter.setClearButtonEnabled(True)
        self.text_filter.setAccessibleName(self.tr("Find a call by number or entered data"))
        self.queue_filter = QComboBox()
        self.queue_filter.setAccessibleName(self.tr("Show the calls of a queue"))
        self.queue_filter.addItem(self.tr("All queues"), None)
        self.count_label = QLabel()
        filters = QHBoxLayout()
        filters.addWidget(self.text_filter, 2)
        filters.addWidget(self.queue_filter, 1)
        filters.addWidget(self.count_label)

        self.model = WaitingTableModel(self)
        self.proxy = WaitingFilter(self.model, self)
        self.table = table_view(self.proxy, self.tr("Calls waiting"))
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(WaitingTableModel.WAIT, Qt.SortOrder.DescendingOrder)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

        self.raise_action = self._action(
            self.tr("Raise priority"), RAISE_KEY, self.tr("Serve the selected call sooner")
        )
        self.move_action = self._action(
            self.tr("Move to queue…"), MOVE_KEY, self.tr("Move the selected call to another queue")
        )
        self.offer_action = self._action(
            self.tr("Offer to agent…"),
            OFFER_KEY,
            self.tr("Offer the selected call to an agent you choose"),
        )
        self.cancel_callback_action = self._action(
            self.tr("Cancel callback"),
            CANCEL_CALLBACK_KEY,
            self.tr("Cancel the selected callback: the caller is not called back"),
        )
        self.take_action = self._action(
            self.tr("Take it myself"),
            TAKE_KEY,
            self.tr("Take calls in this window and have the selected call offered to you"),
        )
        self.take_action.setVisible(False)
        find = QAction(self)
        find.setShortcut(QKeySequence(FIND_KEY))
        find.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.triggered.connect(self._on_find)
        self.addAction(find)

        self.selected_label = QLabel()
        actions = QHBoxLayout()
        actions.addWidget(self.selected_label, 1)
        self.action_buttons: list[QPushButton] = []
        for action in (
            self.raise_action,
            self.move_action,
            self.offer_action,
            self.cancel_callback_action,
        ):
            button = QPushButton(action.text())
            button.setToolTip(action.toolTip())
            button.clicked.connect(action.trigger)
            actions.addWidget(button)
            self.action_buttons.append(button)
        (
            self.raise_button,
            self.move_button,
            self.offer_button,
            self.cancel_callback_button,
        ) = self.action_buttons
        self.take_button = QPushButton(self.take_action.text())
        self.take_button.setToolTip(self.take_action.toolTip())
        self.take_button.clicked.connect(self.take_action.trigger)
        self.take_button.setVisible(False)
        actions.addWidget(self.take_button)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addWidget(self.message_label)

        self.text_filter.textChanged.connect(self._on_text_filter)
        self.queue_filter.currentIndexChanged.connect(self._on_queue_filter)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.table.customContextMenuRequested.connect(self._on_context_menu)
        for signal in (
            self.proxy.rowsInserted,
            self.proxy.rowsRemoved,
            self.proxy.modelReset,
            self.proxy.layoutChanged,
        ):
            signal.connect(self._show_count)
        self.raise_action.triggered.connect(self._on_raise)
        self.move_action.triggered.connect(self._on_move)
        self.offer_action.triggered.connect(self._on_offer)
        self.take_action.triggered.connect(self._on_take)
        self.cancel_callback_action.triggered.connect(self._on_cancel_callback)
        self.show_calls()
        self.show_queues()

    def _action(self, text: str, key: str, tip: str) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setToolTip(f"{tip} ({_key_text(key)})")
        self.addAction(action)
        return action

    # Drawing

    def show_calls(self) -> None:
        self.model.refresh(self.state)
        self._show_count()
        self._show_actions()

    def show_queues(self) -> None:
        """The queues of the last snapshot as filter choices (and their names)."""
        queues = [(figures.state.id, figures.state.name) for figures in self.state.queues()]
        if show_queue_choices(self.queue_filter, queues):
            self.proxy.set_queue(self.queue_filter.currentData())
            self.model.refresh(self.state)  # the queue names in the rows

    def tick(self) -> None:
        self.model.tick(self.state)

    def _show_count(self) -> None:
        self.count_label.setText(
            self.tr("{0} of {1} calls").format(self.proxy.rowCount(), self.model.rowCount())
        )

    def selected_call(self) -> WaitingRow | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.row_at(self.proxy.mapToSource(rows[0]).row())

    def _show_actions(self) -> None:
        row = self.selected_call()
        if row is None:
            self.selected_label.setText(self.tr("Select a call to act on it"))
        else:
            self.selected_label.setText(
                self.tr("Selected: {0} in {1}").format(
                    row.contact.caller or self.tr("Unknown number"), row.queue
                )
            )
        # A callback waiting for its scheduled time is out of the line: it can only be
        # cancelled until it enters it.
        in_line = row is not None and row.contact.state != "scheduled"
        can_raise = in_line and row is not None and row.contact.priority < TOP_PRIORITY
        self.raise_action.setEnabled(can_raise)
        self.move_action.setEnabled(in_line)
        self.offer_action.setEnabled(in_line)
        self.cancel_callback_action.setEnabled(
            row is not None and row.contact.callback_number is not None
        )
        self.take_action.setEnabled(in_line and self.take_action.isVisible())
        self.take_button.setEnabled(self.take_action.isEnabled())
        for button, action in zip(
            self.action_buttons,
            (self.raise_action, self.move_action, self.offer_action, self.cancel_callback_action),
            strict=True,
        ):
            button.setEnabled(action.isEnabled())

    # Slots

    def _on_find(self) -> None:
        self.text_filter.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.text_filter.selectAll()

    def _on_text_filter(self, text: str) -> None:
        self.proxy.set_text(text)
        self._show_count()

    def _on_queue_filter(self, _row: int) -> None:
        self.proxy.set_queue(self.queue_filter.currentData())
        self._show_count()

    def _on_selection(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._show_actions()

    def _on_context_menu(self, at: QPoint) -> None:
        index = self.table.indexAt(at)
        if index.isValid():
            self.table.selectRow(index.row())
        menu = QMenu(self)
        for action in (
            self.raise_action,
            self.move_action,
            self.offer_action,
            self.cancel_callback_action,
            self.take_action,
        ):
            if action.isVisible():
                menu.addAction(action)
        menu.popup(self.table.viewport().mapToGlobal(at))
        self.context_menu = menu  # kept for the tests (and alive while it shows)

    def _on_raise(self) -> None:
        row = self.selected_call()
        if row is not None and row.contact.priority < TOP_PRIORITY:
            contact = row.contact
            self.sig_priority_requested.emit(
                contact.queue_id, contact.contact_id, contact.priority + 1
            )

    def _on_move(self) -> None:
        row = self.selected_call()
        if row is None:
            return
        queues = [(figures.state.id, figures.state.name) for figures in self.state.queues()]
        dialog = MoveDialog(row, queues, self)

        def chosen() -> None:
            if (to := dialog.chosen()) is not None:
                self.sig_move_requested.emit(row.contact.queue_id, row.contact.contact_id, to)

        self._open(dialog, chosen)

    def _on_offer(self) -> None:
        row = self.selected_call()
        if row is None:
            return
        dialog = PickDialog(row, list(self.state.agents.values()), self)

        def chosen() -> None:
            if (pick := dialog.chosen()) is not None:
                contact = row.contact
                self.sig_pick_requested.emit(
                    contact.queue_id, contact.contact_id, pick.agent_id, pick.offer
                )

        self._open(dialog, chosen)

    def set_may_take(self, may: bool) -> None:
        """A supervisor with an agent profile may take a waiting call itself."""
        self.take_action.setVisible(may)
        self.take_button.setVisible(may)
        self._show_actions()

    def _on_take(self) -> None:
        row = self.selected_call()
        if row is not None and self.take_action.isVisible():
            self.sig_take_requested.emit(row.contact.queue_id, row.contact.contact_id)

    def _on_cancel_callback(self) -> None:
        row = self.selected_call()
        if row is not None and row.contact.callback_number is not None:
            self.sig_cancel_callback_requested.emit(row.contact.queue_id, row.contact.contact_id)

    def _open(self, dialog: QDialog, on_accepted: Callable[[], None]) -> None:
        """Show ``dialog`` window-modal without a loop of its own (the app's loop is
        asyncio's); ``on_accepted`` once the user says yes."""
        if self.dialog is not None:
            self.dialog.close()
        self.dialog = dialog
        dialog.accepted.connect(on_accepted)

        def finished(_result: int) -> None:
            if self.dialog is dialog:
                self.dialog = None
            dialog.deleteLater()

        dialog.finished.connect(finished)
        dialog.open()
