"""The switchboard panel wired (R29): the receptionist's own call, its callers on hold
and its connections followed from the event socket (its own offers, state, transfers
and personal queue); the directory searched as typed; connect (blind with a come-back
time, or announced), complete, back, hold and retrieve asked of the server as background
work. A refusal shows the server's reason and changes nothing on the panel.

The softphone (the receptionist's phone, as an agent's) rings and answers; this desk
only asks the call control of ``/agent`` and reads ``/directory``."""

import asyncio
import logging
from collections.abc import Coroutine
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject

from vaxla_desktop.api import ServerError
from vaxla_desktop.api.agent import AgentApi
from vaxla_desktop.api.directory import DirectoryApi
from vaxla_desktop.api.transfer import TransferApi
from vaxla_desktop.background import BackgroundWork
from vaxla_desktop.session import Session
from vaxla_desktop.ui.messages import answered_on, describe
from vaxla_desktop.ui.switchboard_panel import SwitchboardPanel
from vaxla_protocol.agent import AgentState
from vaxla_protocol.control import (
    ParkedChanged,
    TransferChanged,
    TransferKind,
    TransferRequest,
    TransferState,
)
from vaxla_protocol.directory import LineStatusChanged, PresenceChanged
from vaxla_protocol.events import AgentStateChanged, OfferMade, ServerEvent, Welcome

log = logging.getLogger(__name__)

COME_BACK_S = 20
"""A blind connection not answered in this many seconds comes back (the server's
``come_back_after_s``, 5 to 600)."""


class SwitchboardDesk(QObject):
    def __init__(
        self,
        session: Session,
        panel: SwitchboardPanel,
        *,
        come_back_s: int = COME_BACK_S,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.panel = panel
        self.username = session.user.username
        self.me: int | None = None
        """The receptionist's agent id: from its own state (``GET /agent`` at the
        socket's welcome, or its ``AgentStateChanged``)."""
        self.come_back_s = come_back_s
        self.directory = DirectoryApi(session.client)
        self.agent = AgentApi(session.client)
        self.transfers = TransferApi(session.client)
        self._work = BackgroundWork(log, "switchboard work")
        self._callers: dict[int, str | None] = {}
        self._transfer: TransferState | None = None
        self._asked = 0
        panel.sig_search.connect(self._on_search)
        panel.sig_connect.connect(self._on_connect)
        panel.sig_complete.connect(self._on_complete)
        panel.sig_back.connect(self._on_back)
        panel.sig_hold.connect(self._on_hold)
        panel.sig_retrieve.connect(self._on_retrieve)

    async def stop(self) -> None:
        await asyncio.gather(*self._work.cancel(), return_exceptions=True)

    def on_event(self, event: ServerEvent) -> None:
        match event:
            case Welcome():
                self._on_search(self.panel.search.text())
                self._work.spawn(self._refresh_held())
            case AgentStateChanged(agent=agent) if agent.username == self.username:
                self.me = agent.agent_id
                self._show_own(agent)
            case OfferMade(agent_id=agent_id) if agent_id == self.me:
                self._callers[event.contact_id] = event.caller
            case TransferChanged(agent_id=agent_id) if agent_id == self.me:
                self._transfer = event.transfer if event.transfer.state == "consulting" else None
                self.panel.show_transfer(event.transfer)
            case ParkedChanged(agent_id=agent_id) if agent_id == self.me:
                self.panel.show_held(event.contacts)
            case PresenceChanged():
                self.panel.people.set_presence(event.username, event.presence)
            case LineStatusChanged():
                self.panel.people.set_line(event.line.extension, event.line.state)
            case _:
                pass

    def _show_own(self, agent: AgentState) -> None:
        call = agent.call
        if agent.state == "busy" and call is not None and call.direction == "inbound":
            caller = self._callers.get(call.contact_id)
            self.panel.show_call(call.contact_id, caller, call.since)
        else:
            self.panel.show_call(None, None, datetime.now().astimezone())

    def _on_search(self, query: str) -> None:
        self._asked += 1
        self._work.spawn(self._search(query, self._asked))

    async def _search(self, query: str, asked: int) -> None:
        try:
            people = await self.directory.people(query)
        except ServerError as error:
            self.panel.show_error(describe(error))
            return
        if asked == self._asked:
            self.panel.show_people(people)

    async def _refresh_held(self) -> None:
        try:
            own = await self.agent.state()
            self.me = own.agent_id
            self._show_own(own)
            self.panel.show_held(await self.agent.parked())
        except ServerError as error:
            self.panel.show_error(describe(error))

    def _on_connect(self, target: str, is_number: bool, announced: bool) -> None:
        contact = self.panel.call_contact
        if contact is None:
            return
        blind_to_agent = not announced and not is_number
        request = TransferRequest(
            contact_id=contact,
            kind=TransferKind.NUMBER if is_number else TransferKind.AGENT,
            target=target,
            attended=announced,
            come_back_after_s=self.come_back_s if blind_to_agent else None,
        )
        self._do(self._connect(request))

    async def _connect(self, request: TransferRequest) -> None:
        transfer = await self.transfers.start(request)
        self._transfer = transfer if transfer.state == "consulting" else None
        self.panel.show_transfer(transfer)

    def _on_complete(self) -> None:
        if self._transfer is not None:
            self._do(self._finish(self.transfers.complete(self._transfer.transfer_id)))

    def _on_back(self) -> None:
        if self._transfer is not None:
            self._do(self._finish(self.transfers.cancel(self._transfer.transfer_id)))

    async def _finish(self, work: Coroutine[Any, Any, TransferState]) -> None:
        transfer = await work
        self._transfer = None
        self.panel.show_transfer(transfer)

    def _on_hold(self) -> None:
        contact = self.panel.call_contact
        if contact is not None:
            self._do(self.transfers.park(contact, hold=True))

    def _on_retrieve(self, contact_id: int) -> None:
        self._do(self.agent.take_parked(contact_id))

    def _do(self, work: Coroutine[Any, Any, object]) -> None:
        self._work.spawn(self._answered(work))

    async def _answered(self, work: Coroutine[Any, Any, object]) -> None:
        await answered_on(self.panel, work)
