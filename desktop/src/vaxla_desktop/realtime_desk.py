"""The real-time view wired: the event socket in, a supervisor's actions out.

:class:`RealtimeDesk` feeds every event of the socket into the view's state and
redraws what changed, and turns the view's ``sig_*`` requests into calls to the server
as background work. A refused action shows the server's reason in the view and changes
nothing there: only the events that follow a successful action move the view. It asks
the server for nothing its role may not read: the socket (open to every role), the
pause reasons (read by every role), the boards and the chosen board's chart (read by
every role of this view) and, for a supervisor, ``/agents/{id}/…`` and
``/queues/{id}/contacts/{id}/…`` (the waiting calls' control, R16); a board is saved or
deleted only on a supervisor's or an administrator's request.

The chosen board's chart of the day is asked for when the board is chosen, and again
with a queue snapshot once ``CHART_EVERY_S`` have passed (its intervals are 15 minutes).
"""

import asyncio
import logging
from collections.abc import Coroutine
from datetime import datetime, timedelta
from typing import Any

from PySide6.QtCore import QObject, Signal

from vaxla_desktop.api import ServerError
from vaxla_desktop.api.agent import active_pause_reasons
from vaxla_desktop.api.agents import SupervisorApi
from vaxla_desktop.api.boards import BoardsApi
from vaxla_desktop.api.events import EventStream, LossListener
from vaxla_desktop.api.queues import QueueControlApi
from vaxla_desktop.background import BackgroundWork
from vaxla_desktop.core.queue_picture import Clock, system_clock
from vaxla_desktop.core.realtime import RealtimeChanged
from vaxla_desktop.session import Session
from vaxla_desktop.ui.messages import describe
from vaxla_desktop.ui.notices import Notices
from vaxla_desktop.ui.realtime_view import RealtimeView
from vaxla_protocol.boards import BoardItem, BoardView
from vaxla_protocol.events import QueueSnapshot, ServerEvent, Welcome

log = logging.getLogger(__name__)
CHART_EVERY = timedelta(seconds=60)


class RealtimeDesk(QObject):
    sig_event = Signal(object)  # every ServerEvent, after the view has taken it
    sig_action_done = Signal(str)  # the action's name, once the server has said yes

    def __init__(
        self,
        session: Session,
        view: RealtimeView,
        *,
        on_lost: LossListener,
        clock: Clock = system_clock,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.view = view
        self.state = view.state
        self.api = SupervisorApi(session.client)
        self.queues_api = QueueControlApi(session.client)
        self.boards_api = BoardsApi(session.client)
        self._clock = clock
        self._chart_at: datetime | None = None
        self._boards_listed = asyncio.Event()
        self.stream = EventStream(session.client, self._on_event, on_lost)
        self._work = BackgroundWork(log, "real-time view work")
        self._spawn = self._work.spawn
        self._pictured = asyncio.Event()
        self._listed = asyncio.Event()

        view.sig_ready_requested.connect(self._on_ready)
        view.sig_pause_requested.connect(self._on_pause)
        view.sig_log_out_requested.connect(self._on_log_out)
        view.waiting.sig_priority_requested.connect(self._on_priority)
        view.waiting.sig_move_requested.connect(self._on_move)
        view.waiting.sig_pick_requested.connect(self._on_pick)
        view.waiting.sig_cancel_callback_requested.connect(self._on_cancel_callback)
        view.sig_board_chosen.connect(self._on_board_chosen)
        view.sig_board_save_requested.connect(self._on_board_save)
        view.sig_board_delete_requested.connect(self._on_board_delete)
        view.sig_acknowledge_requested.connect(self._on_acknowledge)

    def start(self) -> None:
        self._spawn(self.stream.run())

    async def stop(self) -> None:
        """Close the socket and end the work in flight, and wait for both."""
        await asyncio.gather(*self._work.cancel(), return_exceptions=True)

    def resume_events(self) -> None:
        """The connection supervisor has the server back: reopen the socket now."""
        self.stream.resume()

    async def first_picture(self) -> None:
        """Return once the first queue snapshot (after every agent's state) and the
        pause reasons have been drawn."""
        await self._pictured.wait()
        await self._listed.wait()

    def _on_event(self, event: ServerEvent) -> None:
        changed = self.state.apply(event)
        if isinstance(event, Welcome):
            self._spawn(self._load_pause_reasons())
            self._spawn(self._load_boards())
        if changed is not RealtimeChanged.NOTHING:
            self.view.show_state(changed)
        if isinstance(event, QueueSnapshot):
            self._pictured.set()
            due = self._chart_at is None or self._clock() - self._chart_at >= CHART_EVERY
            if (board := self.view.current_board()) is not None and due:
                self._load_chart(board)
        self.sig_event.emit(event)

    async def _load_pause_reasons(self) -> None:
        try:
            self.view.set_pause_reasons(await active_pause_reasons(self.session.client))
        except ServerError as error:
            self.view.show_error(describe(error))
        finally:
            self._listed.set()

    async def boards_listed(self) -> None:
        """Return once the boards have been listed (after the socket's Welcome)."""
        await self._boards_listed.wait()

    # Boards

    async def _load_boards(self) -> None:
        try:
            self.view.set_boards(await self.boards_api.boards())
        except ServerError as error:
            self.view.show_board_error(describe(error))
        finally:
            self._boards_listed.set()

    def _on_board_chosen(self, board: BoardView | None) -> None:
        self._chart_at = None
        if board is not None:
            self._load_chart(board)

    def _load_chart(self, board: BoardView) -> None:
        self._chart_at = self._clock()

        async def load() -> None:
            try:
                chart = await self.boards_api.chart(board.name)
            except ServerError as error:
                self.view.show_board_error(describe(error))
                return
            if self.view.board_name() == board.name:  # still the one chosen
                self.view.set_chart(chart)

        self._spawn(load())

    def _on_board_save(self, name: str | None, item: BoardItem) -> None:
        async def save() -> None:
            try:
                board = await self.boards_api.save(name, item)
            except ServerError as error:
                log.info("saving the board %r refused: %s", item.name, error)
                self.view.show_board_error(describe(error))
                return
            self.view.board_saved(board)
            self.sig_action_done.emit("board saved")

        self._spawn(save())

    def _on_board_delete(self, name: str) -> None:
        async def delete() -> None:
            try:
                await self.boards_api.delete(name)
                boards = await self.boards_api.boards()
            except ServerError as error:
                self.view.show_board_error(describe(error))
                return
            self.view.set_boards(boards)
            self.sig_action_done.emit("board deleted")

        self._spawn(delete())

    # A supervisor's actions

    def _on_ready(self, agent_id: int) -> None:
        self._act("ready", self.api.ready(agent_id))

    def _on_pause(self, agent_id: int, reason: str) -> None:
        self._act("pause", self.api.pause(agent_id, reason))

    def _on_log_out(self, agent_id: int) -> None:
        self._act("logout", self.api.log_out(agent_id))

    def _on_acknowledge(self, rule: str) -> None:
        self._act("acknowledge", self.api.acknowledge_alarm(rule))

    # A supervisor's control of the waiting calls

    def _on_priority(self, queue_id: int, contact_id: int, priority: int) -> None:
        work = self.queues_api.set_priority(queue_id, contact_id, priority)
        self._act("priority", work, self.view.waiting)

    def _on_move(self, queue_id: int, contact_id: int, to_queue: int) -> None:
        self._act("move", self.queues_api.move(queue_id, contact_id, to_queue), self.view.waiting)

    def _on_pick(self, queue_id: int, contact_id: int, agent_id: int, offer: bool) -> None:
        work = self.queues_api.pick(queue_id, contact_id, agent_id, offer=offer)
        self._act("pick", work, self.view.waiting)

    def _on_cancel_callback(self, queue_id: int, contact_id: int) -> None:
        work = self.queues_api.cancel_callback(queue_id, contact_id)
        self._act("cancel callback", work, self.view.waiting)

    def _act(
        self, name: str, work: Coroutine[Any, Any, object], where: Notices | None = None
    ) -> None:
        """Run ``work``; a refusal's reason is shown ``where`` (the agents' part of the
        view unless said), and cleared by the next action that succeeds."""
        shown = where or self.view

        async def run() -> None:
            try:
                await work
            except ServerError as error:
                log.info("%s refused: %s", name, error)
                shown.show_error(describe(error))
                return
            shown.show_error("")
            self.sig_action_done.emit(name)

        self._spawn(run())
