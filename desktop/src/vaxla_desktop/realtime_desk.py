"""The real-time view wired: the event socket in, a supervisor's actions out.

:class:`RealtimeDesk` feeds every event of the socket into the view's state and
redraws what changed, and turns the view's ``sig_*`` requests into calls to the server
as background work. A refused action shows the server's reason in the view and changes
nothing there: only the events that follow a successful action move the view. It asks
the server for nothing its role may not read: the socket (open to every role), the
pause reasons (read by every role) and, for a supervisor, ``/agents/{id}/…``.
"""

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from PySide6.QtCore import QObject, Signal

from vaxla_desktop.api import ServerError
from vaxla_desktop.api.agent import active_pause_reasons
from vaxla_desktop.api.agents import SupervisorApi
from vaxla_desktop.api.events import EventStream, LossListener
from vaxla_desktop.background import BackgroundWork
from vaxla_desktop.core.realtime import RealtimeChanged
from vaxla_desktop.session import Session
from vaxla_desktop.ui.messages import describe
from vaxla_desktop.ui.realtime_view import RealtimeView
from vaxla_protocol.events import QueueSnapshot, ServerEvent, Welcome

log = logging.getLogger(__name__)


class RealtimeDesk(QObject):
    sig_event = Signal(object)  # every ServerEvent, after the view has taken it
    sig_action_done = Signal(str)  # the action's name, once the server has said yes

    def __init__(
        self,
        session: Session,
        view: RealtimeView,
        *,
        on_lost: LossListener,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.view = view
        self.state = view.state
        self.api = SupervisorApi(session.client)
        self.stream = EventStream(session.client, self._on_event, on_lost)
        self._work = BackgroundWork(log, "real-time view work")
        self._spawn = self._work.spawn
        self._pictured = asyncio.Event()
        self._listed = asyncio.Event()

        view.sig_ready_requested.connect(self._on_ready)
        view.sig_pause_requested.connect(self._on_pause)
        view.sig_log_out_requested.connect(self._on_log_out)
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
        if changed is not RealtimeChanged.NOTHING:
            self.view.show_state(changed)
        if isinstance(event, QueueSnapshot):
            self._pictured.set()
        self.sig_event.emit(event)

    async def _load_pause_reasons(self) -> None:
        try:
            self.view.set_pause_reasons(await active_pause_reasons(self.session.client))
        except ServerError as error:
            self.view.show_error(describe(error))
        finally:
            self._listed.set()

    # A supervisor's actions

    def _on_ready(self, agent_id: int) -> None:
        self._act("ready", self.api.ready(agent_id))

    def _on_pause(self, agent_id: int, reason: str) -> None:
        self._act("pause", self.api.pause(agent_id, reason))

    def _on_log_out(self, agent_id: int) -> None:
        self._act("logout", self.api.log_out(agent_id))

    def _on_acknowledge(self, rule: str) -> None:
        self._act("acknowledge", self.api.acknowledge_alarm(rule))

    def _act(self, name: str, work: Coroutine[Any, Any, object]) -> None:
        async def run() -> None:
            try:
                await work
            except ServerError as error:
                log.info("%s refused: %s", name, error)
                self.view.show_error(describe(error))
                return
            self.view.show_error("")
            self.sig_action_done.emit(name)

        self._spawn(run())
