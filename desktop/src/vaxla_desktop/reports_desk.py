"""The reports panel wired (R33): the queues to choose from, a report's rows and its
file fetched as background work; the file is written where the user chose; a refusal
or a failed write is said in words."""

import asyncio
import logging
from pathlib import Path

from PySide6.QtCore import QObject

from vaxla_desktop.api import ServerError
from vaxla_desktop.api.config import KindPath
from vaxla_desktop.api.reports import ReportsApi
from vaxla_desktop.background import BackgroundWork
from vaxla_desktop.config_desk import ConfigDesk
from vaxla_desktop.session import Session
from vaxla_desktop.ui.messages import describe
from vaxla_desktop.ui.reports_panel import ReportsPanel

log = logging.getLogger(__name__)

SCHEDULES = KindPath("/reports/schedules", add=False)
"""The scheduled reports: a new one is written (``PUT``) under its name, as a change is."""


class ReportsDesk(QObject):
    def __init__(
        self, session: Session, panel: ReportsPanel, language: str, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.panel = panel
        self.language = language
        self.api = ReportsApi(session.client)
        self._work = BackgroundWork(log, "report work")
        self.shown = asyncio.Event()
        self.saved = asyncio.Event()
        self.schedules = ConfigDesk(session, panel.schedules, SCHEDULES, self)
        panel.sig_show_requested.connect(lambda query: self._work.spawn(self._show(query)))
        panel.sig_export_requested.connect(
            lambda query, kind, path: self._work.spawn(self._save(query, kind, path))
        )

    def load(self) -> None:
        self._work.spawn(self._load())
        self.schedules.load()

    async def stop(self) -> None:
        await asyncio.gather(*self._work.cancel(), return_exceptions=True)
        await self.schedules.stop()

    async def _load(self) -> None:
        try:
            self.panel.set_queues(await self.api.queues())
        except ServerError as error:
            self.panel.show_error(describe(error))

    async def _show(self, query: dict[str, object]) -> None:
        try:
            rows = await self.api.rows(query)
        except ServerError as error:
            self.panel.show_error(describe(error))
        else:
            self.panel.show_report(str(query["report"]), rows)
        self.shown.set()

    async def _save(self, query: dict[str, object], kind: str, path: str) -> None:
        try:
            data = await self.api.file(query, kind, self.language)
            await asyncio.to_thread(Path(path).write_bytes, data)
        except ServerError as error:
            self.panel.show_error(describe(error))
        except OSError as error:
            self.panel.show_error(self.tr("Could not save {0}: {1}").format(path, error.strerror))
        else:
            self.panel.show_saved(path)
        self.saved.set()
