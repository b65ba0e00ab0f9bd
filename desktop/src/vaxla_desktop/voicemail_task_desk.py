"""The voicemail task panel wired (R7): a message routed to this agent like a call.

The offer comes over the event socket (``OfferMade`` with its ``voicemail``; no
softphone rings for it) and is shown once the agent's own state says it is offered that
contact. Take and Decline go to the server (``/voicemail/tasks/...``); taken, the agent
plays the message here, calls the caller back through the app's dialling (the phone's
``tel:`` path) and marks it handled, which ends the task. At each (re)connect the
server is asked which task the agent has (``GET /voicemail/tasks``). When the agent's state no
longer names the task (it rang out, a colleague took it, a reader handled it in the
Voicemail tab), the panel says so and clears. A refusal is said in words."""

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtCore import QObject

from vaxla_desktop.acting import act
from vaxla_desktop.api.voicemail import VoicemailApi
from vaxla_desktop.background import BackgroundWork
from vaxla_desktop.core.dial import DialRequest
from vaxla_desktop.session import Session
from vaxla_desktop.ui.voicemail_task_panel import VoicemailTaskPanel
from vaxla_desktop.voicemail_desk import call_back, play_message
from vaxla_protocol.events import AgentStateChanged, OfferMade, ServerEvent, Welcome
from vaxla_protocol.voicemail import VoicemailTask

log = logging.getLogger(__name__)


class VoicemailTaskDesk(QObject):
    def __init__(
        self,
        session: Session,
        panel: VoicemailTaskPanel,
        dial: Callable[[DialRequest], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.panel = panel
        self.api = VoicemailApi(session.client)
        self._username = session.user.username
        self._dial = dial
        self._work = BackgroundWork(log, "voicemail task work")
        self._me: int | None = None
        self._offers: dict[int, tuple[int, VoicemailTask]] = {}
        """Agent id → the voicemail task (contact id, message) last offered to it."""
        panel.sig_take_requested.connect(self._on_take)
        panel.sig_decline_requested.connect(self._on_decline)
        panel.sig_play_requested.connect(self._on_play)
        panel.sig_call_back_requested.connect(self._on_call_back)
        panel.sig_handled_requested.connect(self._on_handled)

    def on_event(self, event: ServerEvent) -> None:
        match event:
            case OfferMade(voicemail=task) if task is not None:
                self._offers[event.agent_id] = (event.contact_id, task)
                if event.agent_id == self._me:
                    self.panel.show_offer(event.contact_id, task)
            case AgentStateChanged(agent=agent) if agent.username == self._username:
                self._me = agent.agent_id
                self._follow(agent.state, None if agent.call is None else agent.call.contact_id)
            case Welcome():
                self._offers.clear()  # the state that follows says what is still ours
                self._act(self._read_again())
            case _:
                pass

    async def stop(self) -> None:
        await asyncio.gather(*self._work.cancel(), return_exceptions=True)

    async def _read_again(self) -> None:
        """After a (re)connect: the task offered to or taken by this agent, shown again
        (a desktop started anew while it held one still sees it)."""
        held = await self.api.my_tasks()
        if not held:
            return
        first = held[0]
        if self.panel.contact_id != first.contact_id:
            self.panel.show_offer(first.contact_id, first.task)
        if first.taken:
            self.panel.show_taken()

    def _follow(self, state: str, contact_id: int | None) -> None:
        """The agent's own state: show the task it names, or clear the one that went."""
        offer = self._offers.get(self._me) if self._me is not None else None
        if state == "offered" and offer is not None and offer[0] == contact_id:
            if self.panel.contact_id != contact_id:
                self.panel.show_offer(*offer)
            return
        if self.panel.contact_id is None or self.panel.contact_id == contact_id:
            return
        if self.panel.taken and state == "offline":
            # Logged out holding it: the server put it back in its queue for a colleague.
            self.panel.clear(self.tr("Logged out: the voicemail task went back to its queue"))
        elif self.panel.taken:
            self.panel.clear(self.tr("The voicemail task is over: the message was handled"))
        else:
            self.panel.clear(self.tr("The voicemail task was offered elsewhere"))

    def _on_take(self, contact_id: int) -> None:
        async def take() -> None:
            await self.api.take_task(contact_id)
            if self.panel.contact_id == contact_id:
                self.panel.show_taken()
                self.panel.show_status(self.tr("Taken: listen, call back, then mark it handled"))

        self._act(take())

    def _on_decline(self, contact_id: int) -> None:
        async def decline() -> None:
            await self.api.decline_task(contact_id)
            if self.panel.contact_id == contact_id:
                self.panel.clear(self.tr("Declined: it goes to a colleague"))

        self._act(decline())

    def _on_play(self, message_id: int) -> None:
        self._act(play_message(self.api, self.panel, message_id))

    def _on_call_back(self, number: str) -> None:
        call_back(number, self.panel, self._dial)

    def _on_handled(self, message_id: int) -> None:
        async def handle() -> None:
            await self.api.handled(message_id)
            if self.panel.task is not None and self.panel.task.message_id == message_id:
                self.panel.clear(self.tr("Marked handled: the voicemail task is done"))

        self._act(handle())

    def _act(self, work: Coroutine[Any, Any, None]) -> None:
        act(self._work, self.panel, work)
