"""The directory panel wired (R29): the people found for the search as typed, each
line and hänvisning kept up to date from the event socket, presences set and ended as
background work; a refusal shows the server's reason. Lines are read only by the roles
that may (operators, supervisors, administrators: the panel is in their mode only)."""

import asyncio
import logging
from collections.abc import Coroutine
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject

from vaxla_desktop.api import ServerError
from vaxla_desktop.api.directory import DirectoryApi
from vaxla_desktop.background import BackgroundWork
from vaxla_desktop.session import Session
from vaxla_desktop.ui.directory_panel import DirectoryPanel
from vaxla_desktop.ui.messages import answered_on, describe
from vaxla_protocol.directory import LineStatusChanged, PresenceChanged, PresenceReason
from vaxla_protocol.events import ServerEvent, Welcome

log = logging.getLogger(__name__)


class DirectoryDesk(QObject):
    def __init__(
        self, session: Session, panel: DirectoryPanel, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.panel = panel
        self.api = DirectoryApi(session.client)
        self._work = BackgroundWork(log, "directory work")
        self._asked = 0
        """The latest search asked: an older answer arriving late is dropped."""
        panel.sig_search.connect(self._on_search)
        panel.sig_set_requested.connect(self._on_set)
        panel.sig_end_requested.connect(self._on_end)

    async def stop(self) -> None:
        await asyncio.gather(*self._work.cancel(), return_exceptions=True)

    def on_event(self, event: ServerEvent) -> None:
        if isinstance(event, Welcome):
            self._on_search(self.panel.search.text())
        elif isinstance(event, PresenceChanged):
            self.panel.model.set_presence(event.username, event.presence)
        elif isinstance(event, LineStatusChanged):
            self.panel.model.set_line(event.line.extension, event.line.state)

    def _on_search(self, query: str) -> None:
        self._asked += 1
        self._work.spawn(self._search(query, self._asked))

    async def _search(self, query: str, asked: int) -> None:
        try:
            people = await self.api.people(query)
        except ServerError as error:
            self.panel.show_error(describe(error))
            return
        if asked == self._asked:
            self.panel.show_people(people)

    def _on_set(
        self, username: str | None, reason: PresenceReason, until: datetime | None, note: str
    ) -> None:
        self._work.spawn(self._do(self.api.set_presence(username, reason, until, note)))

    def _on_end(self, username: str | None) -> None:
        self._work.spawn(self._do(self.api.end_presence(username)))

    async def _do(self, work: Coroutine[Any, Any, object]) -> None:
        await answered_on(self.panel, work)
