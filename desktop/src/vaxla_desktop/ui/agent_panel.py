"""The agent panel: my state and what I can do about it, and the live picture (R28).

The panel draws :class:`~vaxla_desktop.core.agent_panel.PanelState` and asks for
actions through ``sig_*`` signals; it never talks to the server itself, and it does
not change what it shows on a click — the server's event does that, so the panel
always shows what the server believes. A one-second timer only redraws the times that
move by themselves (the wrap-up countdown and the waits).
"""

from PySide6.QtCore import QAbstractItemModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QCheckBox,
    QComboBox,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from vaxla_desktop.core.agent_panel import Changed, PanelState
from vaxla_desktop.i18n import Language
from vaxla_desktop.ui.agent_models import (
    NONE,
    STATE_COLOURS,
    WAITING_COLOUR,
    ColleagueTableModel,
    ParkedTableModel,
    QueueFilter,
    QueueTableModel,
    duration,
    state_name,
)
from vaxla_desktop.ui.directory_panel import DirectoryPanel
from vaxla_desktop.ui.notices import Notices
from vaxla_desktop.ui.recordings_panel import RecordingsPanel
from vaxla_desktop.ui.voicemail_panel import VoicemailPanel
from vaxla_desktop.ui.voicemail_task_panel import VoicemailTaskPanel
from vaxla_protocol.config import ClassificationCodeItem, PauseReasonItem

READY_KEY = "F9"
PAUSE_KEY = "F10"
TICK_MS = 1000


def item_label(item: PauseReasonItem | ClassificationCodeItem, language: Language) -> str:
    """A pause reason's or classification code's label in the window's language."""
    return item.label_sv if language is Language.SWEDISH else item.label_en


def table_view(model: QAbstractItemModel, name: str) -> QTableView:
    """A read-only table of whole rows, one selected at a time, named for screen readers."""
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.setAlternatingRowColors(True)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return view


class AgentPanel(QWidget, Notices):
    sig_ready_requested = Signal()
    sig_pause_requested = Signal(str)  # pause reason code
    sig_queue_login_requested = Signal(int, bool)  # queue id, log in (True) or out
    sig_all_queues_requested = Signal(bool)  # log in to all (True) or out of all
    sig_standby_requested = Signal(bool)  # stand by (True) or no longer
    sig_classify_requested = Signal(int, str)  # contact id, classification code
    sig_take_back_requested = Signal(int)  # parked contact id
    sig_keep_recording_requested = Signal(int)  # the contact id of the call in progress

    def __init__(
        self, state: PanelState, language: Language, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.state = state
        self.language = language
        self._pause_labels: dict[str, str] = {}
        self._code_labels: dict[str, str] = {}
        self._queue_boxes: dict[int, QCheckBox] = {}
        self.setAccessibleName(self.tr("Agent panel"))

        # My state: a coloured band with the word, readable across the room.
        self.state_label = QLabel()
        self.state_label.setObjectName("agentState")
        self.state_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.state_label.setAccessibleName(self.tr("My state"))
        self.detail_label = QLabel()
        self.detail_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail_label.setAccessibleName(self.tr("My state in detail"))

        self.ready_button = QPushButton(self.tr("&Ready"))
        self.ready_button.setShortcut(QKeySequence(READY_KEY))
        self.ready_button.setToolTip(
            self.tr("Take calls: end a pause, or the wrap-up now ({0})").format(READY_KEY)
        )
        self.ready_button.setAccessibleName(self.tr("Ready"))
        self.pause_reason_box = QComboBox()
        self.pause_reason_box.setAccessibleName(self.tr("Pause reason"))
        self.pause_reason_box.setToolTip(self.tr("Why you pause; your supervisor sees it"))
        self.pause_button = QPushButton(self.tr("&Pause"))
        self.pause_button.setShortcut(QKeySequence(PAUSE_KEY))
        self.pause_button.setToolTip(
            self.tr("Stop taking calls, with the reason chosen beside ({0})").format(PAUSE_KEY)
        )
        self.pause_button.setAccessibleName(self.tr("Pause"))
        self.ready_button.clicked.connect(self.sig_ready_requested)
        self.pause_button.clicked.connect(self._on_pause_clicked)

        actions = QHBoxLayout()
        actions.addWidget(self.ready_button)
        actions.addSpacing(12)
        actions.addWidget(self.pause_reason_box, 1)
        actions.addWidget(self.pause_button)

        # Per-queue login (R1): one box per queue I am a member of.
        self.queue_group = QGroupBox(self.tr("Logged in to"))
        self.queue_boxes_layout = QHBoxLayout()
        self.all_queues_button = QPushButton()
        self.all_queues_button.clicked.connect(self._on_all_queues_clicked)
        # A stand-by agent (R23): the server logs it in when its queues need it.
        self.standby_button = QPushButton(self.tr("Stand &by"))
        self.standby_button.setCheckable(True)
        self.standby_button.setToolTip(
            self.tr(
                "Stand by: the server logs you in to your queues when callers wait too "
                "long, and out again when it is calm"
            )
        )
        self.standby_button.clicked.connect(self._on_standby_clicked)
        queue_row = QHBoxLayout(self.queue_group)
        queue_row.addLayout(self.queue_boxes_layout, 1)
        queue_row.addWidget(self.standby_button)
        queue_row.addWidget(self.all_queues_button)

        # Classification at wrap-up (R21).
        self.classify_group = QGroupBox(self.tr("Classify the call"))
        self.classification_box = QComboBox()
        self.classification_box.setAccessibleName(self.tr("Classification"))
        self.classify_button = QPushButton(self.tr("&Classify"))
        self.classify_button.setAccessibleName(self.tr("Classify"))
        self.classify_button.setToolTip(self.tr("Record what the call was about"))
        self.classify_button.clicked.connect(self._on_classify_clicked)
        self.classified_label = QLabel()
        self.classified_label.setAccessibleName(self.tr("Classification recorded"))
        classify_row = QHBoxLayout(self.classify_group)
        classify_row.addWidget(self.classification_box, 1)
        classify_row.addWidget(self.classify_button)
        classify_row.addWidget(self.classified_label)
        # Keep the call's recording, its start included (R27).
        self.record_button = QPushButton(self.tr("Keep &recording"))
        self.record_button.setShortcut(QKeySequence("Ctrl+Shift+R"))
        self.record_button.setToolTip(
            self.tr("Keep the recording of this call, from its start (Ctrl+Shift+R)")
        )
        self.record_button.clicked.connect(self._on_record_clicked)

        # The picture of my queues at a glance.
        self.waiting_label = QLabel()
        self.waiting_label.setAccessibleName(self.tr("Calls waiting in my queues"))
        self.longest_label = QLabel()
        self.longest_label.setAccessibleName(self.tr("Longest wait in my queues"))
        for label in (self.waiting_label, self.longest_label):
            label.setStyleSheet("font-size: 14pt; font-weight: bold;")
        glance = QGridLayout()
        glance.addWidget(QLabel(self.tr("Waiting in my queues:")), 0, 0)
        glance.addWidget(self.waiting_label, 0, 1)
        glance.addWidget(QLabel(self.tr("Longest wait:")), 0, 2)
        glance.addWidget(self.longest_label, 0, 3)
        glance.setColumnStretch(4, 1)

        self.queues_model = QueueTableModel(self)
        self.my_queues_model = QueueFilter(self.queues_model, mine=True, parent=self)
        self.other_queues_model = QueueFilter(self.queues_model, mine=False, parent=self)
        self.colleagues_model = ColleagueTableModel(self)
        self.parked_model = ParkedTableModel(self)
        self.my_queues_view = table_view(self.my_queues_model, self.tr("My queues"))
        self.other_queues_view = table_view(self.other_queues_model, self.tr("Other queues"))
        self.colleagues_view = table_view(self.colleagues_model, self.tr("Colleagues"))
        self.parked_view = table_view(self.parked_model, self.tr("Personal queue"))
        self.take_back_button = QPushButton(self.tr("&Take back"))
        self.take_back_button.setAccessibleName(self.tr("Take back"))
        self.take_back_button.setToolTip(self.tr("Have the chosen parked caller put through"))
        self.take_back_button.clicked.connect(self._on_take_back_clicked)
        self.parked_view.selectionModel().selectionChanged.connect(self._on_parked_selected)
        self.parked_view.doubleClicked.connect(self._on_parked_double_clicked)
        self.parked_page = parked_page = QWidget()
        parked_layout = QVBoxLayout(parked_page)
        parked_layout.setContentsMargins(0, 0, 0, 0)
        parked_layout.addWidget(self.parked_view, 1)
        parked_buttons = QHBoxLayout()
        parked_buttons.addStretch(1)
        parked_buttons.addWidget(self.take_back_button)
        parked_layout.addLayout(parked_buttons)

        # My queues always in sight (a few rows); the rest a tab away.
        self.my_queues_view.setSizeAdjustPolicy(
            QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents
        )
        self.my_queues_view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(self.tr("Live picture"))
        self.tabs.addTab(self.colleagues_view, self.tr("Colleagues"))
        self.tabs.addTab(self.other_queues_view, self.tr("Other queues"))
        self.tabs.addTab(parked_page, self.tr("Personal queue"))
        # The shared voicemail boxes (R7): shown once the agent is found to read one.
        self.voicemail_panel = VoicemailPanel()
        self.tabs.addTab(self.voicemail_panel, self.tr("Voicemail"))
        self.show_voicemail(False)
        # The recordings of the agent's own calls (R27).
        self.recordings_panel = RecordingsPanel(may_keep=False)
        self.tabs.addTab(self.recordings_panel, self.tr("Recordings"))
        # The directory for transfers, and the agent's own hänvisning (R29).
        self.directory_panel = DirectoryPanel(may_set_others=False, show_lines=False)
        self.tabs.addTab(self.directory_panel, self.tr("Directory"))

        # A voicemail task offered or taken (R7): in sight, as a call's offer would be.
        self.voicemail_task_panel = VoicemailTaskPanel()

        self._make_notices()

        separator = QFrame()
        separator.setFrameShape(QFrame.Shape.HLine)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.state_label)
        layout.addWidget(self.detail_label)
        layout.addWidget(self.record_button, 0, Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.voicemail_task_panel)
        layout.addLayout(actions)
        layout.addWidget(self.message_label)
        layout.addWidget(self.note_label)
        layout.addWidget(self.classify_group)
        layout.addWidget(self.queue_group)
        layout.addWidget(separator)
        layout.addLayout(glance)
        layout.addWidget(self.my_queues_view)
        layout.addWidget(self.tabs, 1)

        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._on_tick)
        self._timer.start()
        self.show_state(Changed.ME | Changed.QUEUES | Changed.COLLEAGUES | Changed.PARKED)
        # The state's words follow the task: a task offered is no phone ringing.
        self.voicemail_task_panel.sig_changed.connect(self._show_me)

    # Lists from the server

    def show_voicemail(self, visible: bool) -> None:
        """Show the Voicemail tab (the agent reads a box) or hide it."""
        self.tabs.setTabVisible(self.tabs.indexOf(self.voicemail_panel), visible)

    def set_pause_reasons(self, reasons: list[PauseReasonItem]) -> None:
        chosen = self.pause_reason_box.currentData()
        self.pause_reason_box.clear()
        self._pause_labels = {item.code: item_label(item, self.language) for item in reasons}
        for item in reasons:
            self.pause_reason_box.addItem(item_label(item, self.language), item.code)
        if chosen is not None and (row := self.pause_reason_box.findData(chosen)) >= 0:
            self.pause_reason_box.setCurrentIndex(row)
        self.colleagues_model.set_pause_labels(self._pause_labels)
        self.show_state(Changed.ME)

    def set_classification_codes(self, codes: list[ClassificationCodeItem]) -> None:
        self.classification_box.clear()
        self._code_labels = {item.code: item_label(item, self.language) for item in codes}
        for item in sorted(codes, key=lambda code: (code.group, code.code)):
            self.classification_box.addItem(
                f"{item.group}: {item_label(item, self.language)}", item.code
            )
        self.show_state(Changed.ME)

    # Drawing the state

    def show_state(self, changed: Changed) -> None:
        if Changed.ME in changed:
            self._show_me()
        if Changed.QUEUES in changed:
            self.queues_model.refresh(self.state)
            self._show_glance()
        if Changed.COLLEAGUES in changed:
            self.colleagues_model.refresh(self.state)
        if Changed.PARKED in changed:
            self.parked_model.refresh(self.state)
            self._on_parked_selected()
            count = len(self.state.parked)
            self.tabs.setTabText(
                self.tabs.indexOf(self.parked_page),
                self.tr("Personal queue ({0})").format(count)
                if count
                else self.tr("Personal queue"),
            )

    def show_standby_move(self, queue: str, logged_in: bool) -> None:
        """The server logged this stand-by agent in to ``queue`` or out of it."""
        self.show_note(
            self.tr("Stand-by: the server logged you in to {0}, where callers need you.").format(
                queue
            )
            if logged_in
            else self.tr("Stand-by: the server logged you out of {0}; it is calm again.").format(
                queue
            )
        )

    def _on_standby_clicked(self, checked: bool) -> None:
        # The server's event sets the button: until then it shows what it was.
        me = self.state.me
        self.standby_button.setChecked(me is not None and me.standing_by)
        self.sig_standby_requested.emit(checked)

    def _show_me(self) -> None:
        me = self.state.me
        self.standby_button.setVisible(me is not None and me.standby)
        self.standby_button.setChecked(me is not None and me.standing_by)
        state = me.state if me is not None else "offline"
        text = state_name(state)
        detail = ""
        if me is None and self.state.pictured:
            detail = self.tr("This user has no agent profile on the server")
        elif me is None:
            detail = self.tr("Waiting for the server…")
        elif state == "paused":
            detail = self._pause_labels.get(me.reason, me.reason)
        elif state == "offline":
            detail = self.tr("Tick the queues you work in below to take calls")
        elif state == "available":
            detail = self.tr("Calls come to you")
        elif state == "offered":
            detail = self.tr("A caller is ringing on your phone")
        elif state == "busy":
            detail = self.tr("You are on a call")
        task = self.voicemail_task_panel
        on_task = (
            me is not None
            and me.call is not None
            and task.contact_id is not None
            and me.call.contact_id == task.contact_id
        )
        if on_task and state == "offered":
            text = self.tr("Voicemail offered")
            detail = self.tr("A voicemail message is offered to you: take it or decline it")
        elif on_task and state == "busy":
            text = self.tr("Voicemail task")
            detail = self.tr("You are working on a voicemail message")
        in_call = (
            me is not None
            and me.call is not None
            and me.call.direction == "inbound"
            and not on_task
        )
        if not in_call:
            self.record_button.setText(self.tr("Keep &recording"))
        self.record_button.setVisible(in_call and state == "busy")
        self.record_button.setEnabled(in_call and state == "busy")
        self.state_label.setText(text)
        self.state_label.setStyleSheet(
            f"QLabel#agentState {{ background: {STATE_COLOURS[state]}; color: white; "
            "font-size: 20pt; font-weight: bold; padding: 8px; border-radius: 4px; }"
        )
        self.detail_label.setText(detail)
        self._show_countdown()

        # In no queue there is nothing to be ready or paused for, even while busy with an
        # outbound call (the server refuses both).
        logged_in = me is not None and state != "offline" and bool(self.state.logged_in_queues())
        self.ready_button.setEnabled(logged_in and state in ("paused", "wrap_up"))
        self.ready_button.setText(
            self.tr("&Ready now") if state == "wrap_up" else self.tr("&Ready")
        )
        self.ready_button.setShortcut(QKeySequence(READY_KEY))
        can_pause = logged_in and self.pause_reason_box.count() > 0
        self.pause_button.setEnabled(can_pause)
        self.pause_reason_box.setEnabled(can_pause)

        self._show_queue_boxes()
        self._show_classification()

    def _show_countdown(self) -> None:
        remaining = self.state.wrap_up_remaining_s()
        if remaining is None:
            return
        self.detail_label.setText(
            self.tr("{0} s left — press Ready now to take calls").format(int(remaining + 0.999))
        )

    def _show_queue_boxes(self) -> None:
        me = self.state.me
        member_of = me.member_of if me is not None else []
        logged_in = self.state.logged_in_queues()
        wanted = [queue.id for queue in member_of]
        if list(self._queue_boxes) != wanted:
            for box in self._queue_boxes.values():
                self.queue_boxes_layout.removeWidget(box)
                box.deleteLater()
            self._queue_boxes = {}
            for queue in member_of:
                box = QCheckBox(queue.name)
                box.setAccessibleName(self.tr("Logged in to {0}").format(queue.name))
                box.setToolTip(self.tr("Tick to take calls from {0}").format(queue.name))
                box.clicked.connect(
                    lambda checked, queue_id=queue.id: self.sig_queue_login_requested.emit(
                        queue_id, checked
                    )
                )
                self.queue_boxes_layout.addWidget(box)
                self._queue_boxes[queue.id] = box
        for queue_id, box in self._queue_boxes.items():
            box.setChecked(queue_id in logged_in)
            box.setEnabled(True)
        anywhere = bool(logged_in)
        self.all_queues_button.setText(
            self.tr("Log out of all") if anywhere else self.tr("Log in to all")
        )
        self.all_queues_button.setAccessibleName(self.all_queues_button.text())
        self.all_queues_button.setEnabled(bool(member_of))
        self.queue_group.setVisible(me is not None)

    def _show_classification(self) -> None:
        me = self.state.me
        shown = self.state.may_classify() and self.classification_box.count() > 0
        self.classify_group.setVisible(shown)
        if not shown or me is None or me.last_contact is None:
            return
        self.classify_group.setTitle(
            self.tr("Classify the last call")
            if self.state.classifying_after_wrap_up()
            else self.tr("Classify the call")
        )
        done = self.state.classified_contact == me.last_contact
        self.classified_label.setText(self.tr("Recorded") if done else "")
        self.classify_button.setEnabled(True)

    def _show_glance(self) -> None:
        waiting = self.state.waiting_in_my_queues()
        self.waiting_label.setText(str(waiting))
        colour = WAITING_COLOUR if waiting else STATE_COLOURS["available"]
        self.waiting_label.setStyleSheet(f"font-size: 14pt; font-weight: bold; color: {colour};")
        longest = self.state.longest_wait_in_my_queues_s()
        self.longest_label.setText(duration(longest) if waiting else NONE)

    # Slots

    def _on_tick(self) -> None:
        self._show_countdown()
        if self.state.waiting_in_my_queues():
            self.longest_label.setText(duration(self.state.longest_wait_in_my_queues_s()))
        self.queues_model.tick(self.state)
        self.parked_model.tick(self.state)

    def _on_pause_clicked(self) -> None:
        code = self.pause_reason_box.currentData()
        if isinstance(code, str) and self.pause_button.isEnabled():
            self.sig_pause_requested.emit(code)

    def _on_all_queues_clicked(self) -> None:
        self.sig_all_queues_requested.emit(not self.state.logged_in_queues())

    def _on_record_clicked(self) -> None:
        me = self.state.me
        if me is not None and me.call is not None and me.call.direction == "inbound":
            self.record_button.setEnabled(False)
            self.sig_keep_recording_requested.emit(me.call.contact_id)

    def recording_kept(self) -> None:
        """The server will keep the call's recording."""
        self.record_button.setText(self.tr("Recording kept"))

    def _on_classify_clicked(self) -> None:
        code = self.classification_box.currentData()
        me = self.state.me
        if isinstance(code, str) and me is not None and me.last_contact is not None:
            self.classify_button.setEnabled(False)
            self.sig_classify_requested.emit(me.last_contact, code)

    def classified(self, contact_id: int) -> None:
        """The server took the classification."""
        self.state.classified(contact_id)
        self._show_classification()

    def _on_parked_selected(self) -> None:
        rows = self.parked_view.selectionModel().selectedRows()
        self.take_back_button.setEnabled(bool(rows))

    def _on_parked_double_clicked(self, index: QModelIndex) -> None:
        if (contact := self.parked_model.contact_at(index.row())) is not None:
            self.sig_take_back_requested.emit(contact)

    def _on_take_back_clicked(self) -> None:
        rows = self.parked_view.selectionModel().selectedRows()
        if rows and (contact := self.parked_model.contact_at(rows[0].row())) is not None:
            self.sig_take_back_requested.emit(contact)
