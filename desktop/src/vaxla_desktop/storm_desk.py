"""The storm panel wired (R6): the storms on from the server and the event socket, a
supervisor's switches out as background work; a refusal shows the server's reason.
Only supervisors and administrators ask for the entry points (they may read the
configuration); every role reads the storms on."""

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from PySide6.QtCore import QObject

from vaxla_desktop.api import ServerError
from vaxla_desktop.api.storm import StormApi
from vaxla_desktop.background import BackgroundWork
from vaxla_desktop.session import Session
from vaxla_desktop.ui.messages import answered_on, describe
from vaxla_desktop.ui.storm_panel import StormPanel
from vaxla_protocol.events import ServerEvent, Welcome
from vaxla_protocol.storm import StormChanged

log = logging.getLogger(__name__)


class StormDesk(QObject):
    def __init__(self, session: Session, panel: StormPanel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.panel = panel
        self.api = StormApi(session.client)
        self._work = BackgroundWork(log, "storm message work")
        panel.sig_on_requested.connect(self._on_on)
        panel.sig_off_requested.connect(self._on_off)

    async def stop(self) -> None:
        await asyncio.gather(*self._work.cancel(), return_exceptions=True)

    def on_event(self, event: ServerEvent) -> None:
        """Every event of the socket: its welcome (connected again: read the storms on)
        and each storm switched."""
        if isinstance(event, Welcome):
            self._work.spawn(self._load())
        elif isinstance(event, StormChanged):
            storms = dict(self.panel.storms)
            if event.storm is None:
                storms.pop(event.entry_point, None)
            else:
                storms[event.entry_point] = event.storm
            self.panel.show_storms(sorted(storms.values(), key=lambda s: s.entry_point))

    async def _load(self) -> None:
        try:
            self.panel.show_storms(await self.api.storms())
            if self.panel.may_switch:
                self.panel.set_entry_points(await self.api.entry_points())
        except ServerError as error:
            self.panel.show_error(describe(error))

    def _on_on(self, entry_point: str, text: str) -> None:
        self._work.spawn(self._switch(self.api.switch_on(entry_point, text)))

    def _on_off(self, entry_point: str) -> None:
        self._work.spawn(self._switch(self.api.switch_off(entry_point)))

    async def _switch(self, work: Coroutine[Any, Any, object]) -> None:
        await answered_on(self.panel, work)
