"""The real-time view (R32): every queue and every agent, as the event socket tells,
and the wallboard's tiles (R30) in a tab of their own or full-screen on a TV.

Above them, a supervisor's raised alarms (R24), red until acknowledged.

A supervisor selects an agent and makes it ready, pauses it with a reason or logs it
out (``sig_*`` requests: the view never talks to the server, and changes nothing on a
click — the server's event does), and controls the calls waiting in the queues in a tab
of their own (``waiting_calls.py``, R16). Operators and administrators get the same picture
read-only, without the actions, until their own modes exist. A one-second timer
redraws only the times that move by themselves.
"""

from PySide6.QtCore import QItemSelection, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from vaxla_desktop.core.realtime import RealtimeChanged, RealtimeState
from vaxla_desktop.i18n import Language
from vaxla_desktop.ui.admin_view import AdminView
from vaxla_desktop.ui.agent_models import QueueTableModel, state_name
from vaxla_desktop.ui.agent_panel import PAUSE_KEY, READY_KEY, TICK_MS, item_label, table_view
from vaxla_desktop.ui.alarms_panel import AlarmsPanel
from vaxla_desktop.ui.board_editor import BoardEditor
from vaxla_desktop.ui.directory_panel import DirectoryPanel
from vaxla_desktop.ui.notices import Notices
from vaxla_desktop.ui.prompts_panel import PromptsPanel
from vaxla_desktop.ui.realtime_models import STATE_ORDER, AgentFilter, AgentTableModel, QueueSorter
from vaxla_desktop.ui.recordings_panel import RecordingsPanel
from vaxla_desktop.ui.reports_panel import ReportsPanel
from vaxla_desktop.ui.storm_panel import StormPanel
from vaxla_desktop.ui.voicemail_panel import VoicemailPanel
from vaxla_desktop.ui.waiting_calls import WaitingCallsPanel, show_queue_choices
from vaxla_desktop.ui.wallboard import TvWindow, Wallboard
from vaxla_protocol.agent import AgentState
from vaxla_protocol.boards import BoardView, DayChart
from vaxla_protocol.config import PauseReasonItem

LOG_OUT_KEY = "Ctrl+Shift+L"
FILTER_KEY = "Ctrl+F"
TV_KEY = "F11"


class RealtimeView(QWidget, Notices):
    sig_ready_requested = Signal(int)  # agent id
    sig_pause_requested = Signal(int, str)  # agent id, pause reason code
    sig_log_out_requested = Signal(int)  # agent id
    sig_board_chosen = Signal(object)  # BoardView, or None for every queue's own tile
    sig_board_save_requested = Signal(object, object)  # name before (None: new), BoardItem
    sig_board_delete_requested = Signal(str)  # board name
    sig_acknowledge_requested = Signal(str)  # an alarm's rule

    def __init__(
        self,
        state: RealtimeState,
        language: Language,
        *,
        may_act: bool,
        may_switch_storms: bool = False,
        administer: bool = False,
        may_edit_boards: bool | None = None,
        may_read_reports: bool = False,
        may_read_recordings: bool = False,
        switchboard: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.state = state
        self.language = language
        self.may_act = may_act
        self.may_edit_boards = may_act if may_edit_boards is None else may_edit_boards
        self.boards: list[BoardView] = []
        self.chart: DayChart | None = None
        self.editor: BoardEditor | None = None
        self.preferred_board: str | None = None
        """The board to choose once the boards are listed (the one chosen last time)."""
        self.setAccessibleName(self.tr("Real-time view"))

        if may_act:
            title = self.tr("Supervisor: queues and agents now")
        elif switchboard:  # a receptionist's first tabs are the directory and the lines
            title = self.tr("Switchboard: directory, presence and lines")
        else:
            title = self.tr("Queues and agents now (read-only)")
        self.title_label = QLabel(title)
        self.title_label.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self._make_notices()

        self.queues_model = QueueTableModel(self)
        self.queues_proxy = QueueSorter(self.queues_model, self)
        self.queues_view = table_view(self.queues_proxy, self.tr("Queues"))
        self.queues_view.setSortingEnabled(True)
        queue_header = self.queues_view.horizontalHeader()
        queue_header.setStretchLastSection(False)
        queue_header.setSectionResizeMode(QueueTableModel.QUEUE, QHeaderView.ResizeMode.Stretch)
        self.queues_view.sortByColumn(QueueTableModel.QUEUE, Qt.SortOrder.AscendingOrder)
        queues_group = QGroupBox(self.tr("Queues"))
        queues_layout = QVBoxLayout(queues_group)
        queues_layout.addWidget(self.queues_view)

        # The filters: a name as you type, a queue, a state.
        self.name_filter = QLineEdit()
        self.name_filter.setPlaceholderText(
            self.tr("Find an agent by name ({0})").format(
                QKeySequence(FILTER_KEY).toString(QKeySequence.SequenceFormat.NativeText)
            )
        )
        self.name_filter.setClearButtonEnabled(True)
        self.name_filter.setAccessibleName(self.tr("Find an agent by name"))
        self.queue_filter = QComboBox()
        self.queue_filter.setAccessibleName(self.tr("Show the agents of a queue"))
        self.queue_filter.addItem(self.tr("All queues"), None)
        self.state_filter = QComboBox()
        self.state_filter.setAccessibleName(self.tr("Show the agents in a state"))
        self.state_filter.addItem(self.tr("All states"), None)
        for name in STATE_ORDER:
            self.state_filter.addItem(state_name(name), name)
        self.count_label = QLabel()
        filters = QHBoxLayout()
        filters.addWidget(self.name_filter, 2)
        filters.addWidget(self.queue_filter, 1)
        filters.addWidget(self.state_filter, 1)
        filters.addWidget(self.count_label)

        self.agents_model = AgentTableModel(self)
        self.agents_proxy = AgentFilter(self.agents_model, self)
        self.agents_view = table_view(self.agents_proxy, self.tr("Agents"))
        self.agents_view.setSortingEnabled(True)
        self.agents_view.sortByColumn(AgentTableModel.NAME, Qt.SortOrder.AscendingOrder)

        # A supervisor's actions on the selected agent.
        self.ready_button = QPushButton(self.tr("Make ready"))
        self.ready_button.setShortcut(QKeySequence(READY_KEY))
        self.ready_button.setToolTip(
            self.tr("Make the selected agent ready ({0})").format(READY_KEY)
        )
        self.pause_reason_box = QComboBox()
        self.pause_reason_box.setAccessibleName(self.tr("Pause reason"))
        self.pause_reason_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.pause_button = QPushButton(self.tr("Pause"))
        self.pause_button.setShortcut(QKeySequence(PAUSE_KEY))
        self.pause_button.setToolTip(
            self.tr("Pause the selected agent with the reason beside ({0})").format(PAUSE_KEY)
        )
        self.log_out_button = QPushButton(self.tr("Log out"))
        self.log_out_button.setShortcut(QKeySequence(LOG_OUT_KEY))
        self.log_out_button.setToolTip(
            self.tr("Log the selected agent out of every queue ({0})").format(
                QKeySequence(LOG_OUT_KEY).toString(QKeySequence.SequenceFormat.NativeText)
            )
        )
        self.selected_label = QLabel()
        actions = QHBoxLayout()
        actions.addWidget(self.selected_label, 1)
        actions.addWidget(self.ready_button)
        actions.addWidget(self.pause_reason_box)
        actions.addWidget(self.pause_button)
        actions.addWidget(self.log_out_button)
        self.action_bar = QWidget()
        self.action_bar.setLayout(actions)
        self.action_bar.setVisible(may_act)

        agents_group = QGroupBox(self.tr("Agents"))
        agents_layout = QVBoxLayout(agents_group)
        agents_layout.addLayout(filters)
        agents_layout.addWidget(self.agents_view, 1)
        agents_layout.addWidget(self.action_bar)
        agents_layout.addWidget(self.message_label)

        live = QWidget()
        live_layout = QVBoxLayout(live)
        live_layout.addWidget(queues_group, 1)
        live_layout.addWidget(agents_group, 3)

        # The wallboard's tiles, here and full-screen on a TV.
        self.wallboard = Wallboard(state)
        self.tv_button = QPushButton(self.tr("TV mode"))
        self.tv_button.setToolTip(
            self.tr("Show the wallboard full-screen; Esc ends it ({0})").format(TV_KEY)
        )
        self.tv: TvWindow | None = None
        # Which board: every queue's own tile, or one saved on the server.
        self.board_box = QComboBox()
        self.board_box.setAccessibleName(self.tr("Board"))
        self.board_box.addItem(self.tr("Every queue"), None)
        self.board_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        board_label = QLabel(self.tr("&Board"))
        board_label.setBuddy(self.board_box)
        self.new_board_button = QPushButton(self.tr("New board…"))
        self.edit_board_button = QPushButton(self.tr("Edit board…"))
        self.delete_board_button = QPushButton(self.tr("Delete board"))
        for button in (self.new_board_button, self.edit_board_button, self.delete_board_button):
            button.setVisible(self.may_edit_boards)
        board_bar = QHBoxLayout()
        board_bar.addWidget(board_label)
        board_bar.addWidget(self.board_box)
        board_bar.addWidget(self.new_board_button)
        board_bar.addWidget(self.edit_board_button)
        board_bar.addWidget(self.delete_board_button)
        board_bar.addStretch(1)
        board_bar.addWidget(self.tv_button)
        self.board_message = QLabel()
        self.board_message.setStyleSheet("color: #b00020;")
        self.board_message.setWordWrap(True)
        self.board_message.hide()
        self.board_page = QWidget()
        board_layout = QVBoxLayout(self.board_page)
        board_layout.addLayout(board_bar)
        board_layout.addWidget(self.board_message)
        board_layout.addWidget(self.wallboard, 1)

        # The raised alarms (R24): a supervisor's, acknowledged here.
        self.alarms = AlarmsPanel(may_acknowledge=may_act)
        self.alarms.setVisible(may_act)
        self.alarms.sig_acknowledge_requested.connect(self.sig_acknowledge_requested)

        self.tabs = QTabWidget()
        self.tabs.addTab(live, self.tr("Agents and queues"))
        # The calls waiting, for a supervisor only: the others' sockets carry none.
        self.waiting = WaitingCallsPanel(state)
        if may_act:
            self.tabs.addTab(self.waiting, "")
        self.tabs.addTab(self.board_page, self.tr("Wallboard"))
        self.storm_panel = StormPanel(may_switch=may_switch_storms)
        self.tabs.addTab(self.storm_panel, self.tr("Storm message"))
        self.prompts_panel = PromptsPanel() if administer else None
        if self.prompts_panel is not None:
            self.tabs.addTab(self.prompts_panel, self.tr("Prompts"))
        # The shared voicemail boxes (R7): shown once the user is found to read one.
        self.voicemail_panel = VoicemailPanel()
        self.tabs.addTab(self.voicemail_panel, self.tr("Voicemail"))
        self.show_voicemail(False)
        self.admin_view = AdminView() if administer else None
        if self.admin_view is not None:
            self.tabs.addTab(self.admin_view, self.tr("Configuration"))
        # Supervisors' and administrators' only: the server refuses the reports to others.
        self.reports_panel = ReportsPanel() if may_read_reports else None
        if self.reports_panel is not None:
            self.tabs.addTab(self.reports_panel, self.tr("Reports"))
        # The calls' recordings (R27): supervisors and administrators, every one.
        self.recordings_panel = RecordingsPanel(may_keep=True) if may_read_recordings else None
        if self.recordings_panel is not None:
            self.tabs.addTab(self.recordings_panel, self.tr("Recordings"))
        # The directory with hänvisning and line status (R29): the operator's first tab.
        self.directory_panel = DirectoryPanel(may_set_others=switchboard or administer)
        if switchboard:
            self.tabs.insertTab(0, self.directory_panel, self.tr("Directory"))
            self.tabs.setCurrentIndex(0)
        else:
            self.tabs.addTab(self.directory_panel, self.tr("Directory"))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title_label)
        layout.addWidget(self.note_label)
        layout.addWidget(self.alarms)
        layout.addWidget(self.tabs, 1)

        QShortcut(QKeySequence(FILTER_KEY), self, self._on_find)
        QShortcut(QKeySequence(TV_KEY), self, self._on_tv)
        self.name_filter.textChanged.connect(self._on_name_filter)
        self.queue_filter.currentIndexChanged.connect(self._on_queue_filter)
        self.state_filter.currentIndexChanged.connect(self._on_state_filter)
        self.agents_view.selectionModel().selectionChanged.connect(self._on_selection)
        self.agents_proxy.rowsInserted.connect(self._show_count)
        self.agents_proxy.rowsRemoved.connect(self._show_count)
        self.agents_proxy.modelReset.connect(self._show_count)
        self.agents_proxy.layoutChanged.connect(self._show_count)
        self.ready_button.clicked.connect(self._on_ready)
        self.pause_button.clicked.connect(self._on_pause)
        self.log_out_button.clicked.connect(self._on_log_out)
        self.tv_button.clicked.connect(self._on_tv)
        self.board_box.currentIndexChanged.connect(self._on_board_chosen)
        self.new_board_button.clicked.connect(self._on_new_board)
        self.edit_board_button.clicked.connect(self._on_edit_board)
        self.delete_board_button.clicked.connect(self._on_delete_board)
        self._show_board_actions()

        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._on_tick)
        self._timer.start()
        self.show_state(RealtimeChanged.AGENTS | RealtimeChanged.QUEUES | RealtimeChanged.WAITING)

    # Lists from the server

    def show_voicemail(self, visible: bool) -> None:
        """Show the Voicemail tab (the user reads a box) or hide it."""
        self.tabs.setTabVisible(self.tabs.indexOf(self.voicemail_panel), visible)

    def set_pause_reasons(self, reasons: list[PauseReasonItem]) -> None:
        chosen = self.pause_reason_box.currentData()
        self.pause_reason_box.clear()
        for item in reasons:
            self.pause_reason_box.addItem(item_label(item, self.language), item.code)
        if chosen is not None and (row := self.pause_reason_box.findData(chosen)) >= 0:
            self.pause_reason_box.setCurrentIndex(row)
        labels = {item.code: item_label(item, self.language) for item in reasons}
        self.agents_model.set_pause_labels(labels)
        self._show_actions()

    # Boards saved on the server

    def set_boards(self, boards: list[BoardView], choose: str | None = None) -> None:
        """The boards to pick from; the one chosen stays chosen (or ``choose``, by name)
        while it exists."""
        wanted = choose if choose is not None else self.board_name() or self.preferred_board
        self.boards = sorted(boards, key=lambda board: board.name.casefold())
        self.board_box.blockSignals(True)
        while self.board_box.count() > 1:
            self.board_box.removeItem(1)
        for board in self.boards:
            self.board_box.addItem(board.name, board.name)
        row = self.board_box.findData(wanted) if wanted is not None else 0
        self.board_box.setCurrentIndex(max(row, 0))
        self.board_box.blockSignals(False)
        self._on_board_chosen(self.board_box.currentIndex())

    def board_name(self) -> str | None:
        data = self.board_box.currentData()
        return None if data is None else str(data)

    def current_board(self) -> BoardView | None:
        name = self.board_name()
        return next((board for board in self.boards if board.name == name), None)

    def set_chart(self, chart: DayChart | None) -> None:
        """The chosen board's chart of the day (its last page)."""
        self.chart = chart
        self.wallboard.set_chart(chart)
        if self.tv is not None:
            self.tv.board.set_chart(chart)

    def show_board_error(self, text: str) -> None:
        """A refused save or delete: in the open editor, else above the board."""
        if self.editor is not None and self.editor.isVisible():
            self.editor.show_error(text)
            return
        self.board_message.setText(text)
        self.board_message.setVisible(bool(text))

    def board_saved(self, board: BoardView) -> None:
        """The server took ``board``: close the editor and show it."""
        if self.editor is not None:
            self.editor.saved()
            self.editor = None
        others = [b for b in self.boards if b.id != board.id]
        self.set_boards([*others, board], choose=board.name)

    def _show_board_actions(self) -> None:
        chosen = self.current_board() is not None
        self.edit_board_button.setEnabled(chosen)
        self.delete_board_button.setEnabled(chosen)

    def _on_board_chosen(self, _row: int) -> None:
        board = self.current_board()
        self.preferred_board = None if board is None else board.name
        self.show_board_error("")
        self.set_chart(None)
        self.wallboard.show_board(board)
        if self.tv is not None:
            self.tv.board.show_board(board)
        self._show_board_actions()
        self.sig_board_chosen.emit(board)

    def _open_editor(self, board: BoardView | None) -> None:
        queues = [(figures.state.id, figures.state.name) for figures in self.state.queues()]
        self.editor = BoardEditor(queues, board, self)
        self.editor.sig_save.connect(self.sig_board_save_requested)
        self.editor.open()

    def _on_new_board(self) -> None:
        if self.may_edit_boards:
            self._open_editor(None)

    def _on_edit_board(self) -> None:
        if self.may_edit_boards and (board := self.current_board()) is not None:
            self._open_editor(board)

    def _on_delete_board(self) -> None:
        board = self.current_board()
        if not self.may_edit_boards or board is None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Delete board"),
            self.tr("Delete the board {0}? Its web links stop working.").format(board.name),
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.sig_board_delete_requested.emit(board.name)

    # Drawing

    def show_state(self, changed: RealtimeChanged) -> None:
        if RealtimeChanged.QUEUES in changed:
            self.queues_model.refresh(self.state)
            self._show_queue_choices()
            self.wallboard.show_queues()
            self.waiting.show_queues()
            if self.tv is not None:
                self.tv.board.show_queues()
        if RealtimeChanged.WAITING in changed:
            self.waiting.show_calls()
            self._show_waiting_count()
        if RealtimeChanged.ALARMS in changed:
            self.alarms.show_alarms(self.state.alarms)
        if RealtimeChanged.AGENTS in changed:
            self.agents_model.refresh(self.state)
            self._show_count()
            self._show_actions()

    def _show_queue_choices(self) -> None:
        queues = [(figures.state.id, figures.state.name) for figures in self.state.queues()]
        if show_queue_choices(self.queue_filter, queues):
            self.agents_proxy.set_queue(self.queue_filter.currentData())

    def _show_waiting_count(self) -> None:
        at = self.tabs.indexOf(self.waiting)
        if at >= 0:
            count = self.waiting.model.rowCount()
            self.tabs.setTabText(at, self.tr("Calls waiting ({0})").format(count))

    def _show_count(self) -> None:
        self.count_label.setText(
            self.tr("{0} of {1} agents").format(
                self.agents_proxy.rowCount(), self.agents_model.rowCount()
            )
        )

    def selected_agent(self) -> AgentState | None:
        rows = self.agents_view.selectionModel().selectedRows()
        if not rows:
            return None
        source = self.agents_proxy.mapToSource(rows[0])
        row = self.agents_model.agent_at(source.row())
        return row.agent if row is not None else None

    def _show_actions(self) -> None:
        agent = self.selected_agent()
        state = agent.state if agent is not None else "offline"
        self.selected_label.setText(
            self.tr("Selected: {0}").format(agent.username)
            if agent is not None
            else self.tr("Select an agent to act on it")
        )
        self.ready_button.setEnabled(state in ("paused", "wrap_up"))
        self.pause_button.setEnabled(
            state not in ("offline", "paused") and self.pause_reason_box.count() > 0
        )
        self.log_out_button.setEnabled(state != "offline")

    # Slots

    def _on_tick(self) -> None:
        self.agents_model.tick(self.state)
        self.queues_model.tick(self.state)
        self.waiting.tick()

    def _on_find(self) -> None:
        self.name_filter.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.name_filter.selectAll()

    def _on_name_filter(self, text: str) -> None:
        self.agents_proxy.set_text(text)
        self._show_count()

    def _on_queue_filter(self, _row: int) -> None:
        self.agents_proxy.set_queue(self.queue_filter.currentData())
        self._show_count()

    def _on_state_filter(self, _row: int) -> None:
        self.agents_proxy.set_state(self.state_filter.currentData())
        self._show_count()

    def _on_selection(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._show_actions()

    def _on_ready(self) -> None:
        if self.may_act and (agent := self.selected_agent()) is not None:
            self.sig_ready_requested.emit(agent.agent_id)

    def _on_pause(self) -> None:
        reason = self.pause_reason_box.currentData()
        if self.may_act and (agent := self.selected_agent()) is not None and reason:
            self.sig_pause_requested.emit(agent.agent_id, str(reason))

    def _on_tv(self) -> None:
        if self.tv is None:
            self.tv = TvWindow(self.state, self.current_board(), self.chart)
            self.tv.sig_closed.connect(self._on_tv_closed)
        self.tv.showFullScreen()
        self.tv.activateWindow()

    def _on_tv_closed(self) -> None:
        if self.tv is not None:
            self.tv.deleteLater()
            self.tv = None

    def _on_log_out(self) -> None:
        if self.may_act and (agent := self.selected_agent()) is not None:
            self.sig_log_out_requested.emit(agent.agent_id)
