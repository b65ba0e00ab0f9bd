"""The admin mode's configuration wired (R31): a ``ConfigDesk`` per editor of the
``AdminView``, and the names each kind has kept in the view's ``NameBook`` as they load,
so a queue's schedule or a key's menu is chosen from what the server has."""

import asyncio
import json
import logging
from collections.abc import Callable, Coroutine
from functools import partial
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject

from vaxla_desktop.api import ServerError
from vaxla_desktop.api.config import (
    KindPath,
    check_document,
    export_document,
    licence_use,
    load_document,
    set_licence,
)
from vaxla_desktop.api.prompts import PromptsApi
from vaxla_desktop.background import BackgroundWork
from vaxla_desktop.config_desk import ConfigDesk, MailServerDesk, ScheduleDesk, TrunkDesk
from vaxla_desktop.session import Session
from vaxla_desktop.ui.admin_view import AdminView
from vaxla_desktop.ui.document_panel import DocumentPanel
from vaxla_desktop.ui.licence_panel import LicencePanel
from vaxla_desktop.ui.messages import describe
from vaxla_protocol.config import Language
from vaxla_protocol.events import TrunkRegistrationChanged
from vaxla_protocol.sms import SmsGatewayItem

log = logging.getLogger(__name__)


USERS = KindPath(
    "/users",
    key="username",
    replace_method="PATCH",
    add_fields=("username", "password", "role", "display_name"),
    replace_fields=("display_name", "role", "active"),
)
AGENTS = KindPath(
    "/config/agents",
    key="username",
    add=False,
    replace_fields=("skills", "memberships", "capacity", "personal_weight", "standby"),
)

SMS_GATEWAY = KindPath(
    "/config/sms-gateway",
    key="host",
    single=True,
    replace_fields=tuple(SmsGatewayItem.model_fields),
)


def _codes(path: str) -> KindPath:
    """Pause reasons and classification codes: added whole, then only (not) offered."""
    return KindPath(path, key="code", replace_suffix="/active", replace_fields=("active",))


class AdminDesk(QObject):
    def __init__(self, session: Session, view: AdminView, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self._prompts = PromptsApi(session.client)
        self._work = BackgroundWork(log, "admin work")
        self.prompts_loaded = asyncio.Event()
        self.schedules = ScheduleDesk(session, view.schedules, self)
        self.desks: dict[str, ConfigDesk] = {"schedules": self.schedules}
        for book_kind, editor, kind in (
            ("queues", view.queues, KindPath("/config/queues")),
            ("entry_points", view.entry_points, KindPath("/config/entry-points", key="address")),
            ("menus", view.menus, KindPath("/config/menus")),
            ("announcement_sets", view.announcement_sets, KindPath("/config/announcement-sets")),
            ("digit_collections", view.digit_collections, KindPath("/config/digit-collections")),
            ("users", view.users, USERS),
            ("agents", view.agents, AGENTS),
            ("skills", view.skills, KindPath("/config/skills")),
            ("pause_reasons", view.pause_reasons, _codes("/config/pause-reasons")),
            (
                "classification_codes",
                view.classification_codes,
                _codes("/config/classification-codes"),
            ),
            ("alarm_rules", view.alarm_rules, KindPath("/config/alarm-rules")),
            ("sms_gateway", view.sms_gateway, SMS_GATEWAY),
        ):
            self.desks[book_kind] = ConfigDesk(session, editor, kind, self)
        self.desks["trunks"] = TrunkDesk(session, view.trunks, self)
        self.desks["mail_server"] = MailServerDesk(session, view.mail_server, self)
        for book_kind, desk in self.desks.items():
            desk.listeners.append(partial(view.book.set, book_kind))

        self.document = DocumentDesk(session, view.document, self._reload, self)
        self.licence = LicenceDesk(session, view.licence, self)

    def on_event(self, event: object) -> None:
        """The administrator's event socket: a trunk's registration changing is shown in
        the trunks' editor at once (R1, R31)."""
        if isinstance(event, TrunkRegistrationChanged):
            self.view.trunks.show_registration(event.registration)

    def _reload(self) -> None:
        for desk in self.desks.values():
            desk.load()

    def load(self) -> None:
        self._work.spawn(self._load_prompts())
        self.licence.load()
        for desk in self.desks.values():
            desk.load()

    async def stop(self) -> None:
        await asyncio.gather(*self._work.cancel(), return_exceptions=True)
        await self.document.stop()
        await self.licence.stop()
        for desk in self.desks.values():
            await desk.stop()

    async def _load_prompts(self) -> None:
        """Every prompt name of either language, for the fields that play one."""
        try:
            names = {name for language in Language for name in await self._prompts.names(language)}
        except ServerError as error:
            self.view.schedules.show_error(describe(error))
            return
        self.view.book.set("prompts", [{"name": name} for name in sorted(names)])
        self.prompts_loaded.set()


class DocumentDesk(QObject):
    """The document panel wired: export to a file, a file checked by the server before
    it may be loaded, loaded, and then every editor read again."""

    def __init__(
        self,
        session: Session,
        panel: DocumentPanel,
        reload: Callable[[], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.panel = panel
        self._client = session.client
        self._reload = reload
        self._work = BackgroundWork(log, "document work")
        self.checked: object = None
        self.done = asyncio.Event()
        panel.sig_export.connect(lambda path: self._act(self._export(Path(path))))
        panel.sig_check.connect(lambda path: self._act(self._check(Path(path))))
        panel.sig_load.connect(lambda: self._act(self._load()))

    async def stop(self) -> None:
        await asyncio.gather(*self._work.cancel(), return_exceptions=True)

    async def _export(self, path: Path) -> None:
        document = await export_document(self._client)
        text = json.dumps(document, ensure_ascii=False, indent=2)
        try:
            path.write_text(text + "\n", "utf-8")  # one small file: no thread for it
        except OSError as error:
            self.panel.show_error(self.tr("Cannot write {0}: {1}").format(path, error.strerror))
            return
        self.panel.show_note(self.tr("Exported to {0}.").format(path))

    async def _check(self, path: Path) -> None:
        self.checked = None
        try:
            document = json.loads(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as error:
            self.panel.show_error(
                self.tr("{0} is not a configuration document: {1}").format(path.name, error)
            )
            return
        self.panel.show_check(await check_document(self._client, document))
        self.checked = document

    async def _load(self) -> None:
        if self.checked is None:
            return
        await load_document(self._client, self.checked)
        self.checked = None
        self.panel.show_check(None)
        self.panel.show_note(self.tr("Loaded: the configuration is the file's now."))
        self._reload()

    def _act(self, work: Coroutine[Any, Any, None]) -> None:
        async def run() -> None:
            self.done.clear()
            self.panel.show_error("")
            try:
                await work
            except ServerError as error:
                self.panel.show_error(describe(error))
            finally:
                self.done.set()

        self._work.spawn(run())


class LicenceDesk(QObject):
    """The licence panel wired: its use read, a new limit sent and the use read again."""

    def __init__(self, session: Session, panel: LicencePanel, parent: QObject | None = None):
        super().__init__(parent)
        self.panel = panel
        self._client = session.client
        self._work = BackgroundWork(log, "licence work")
        self.loaded = asyncio.Event()
        panel.sig_reload.connect(self.load)
        panel.sig_set_limit.connect(lambda limit: self._work.spawn(self._set(limit)))

    def load(self) -> None:
        self._work.spawn(self._load())

    async def stop(self) -> None:
        await asyncio.gather(*self._work.cancel(), return_exceptions=True)

    async def _load(self) -> None:
        self.loaded.clear()
        try:
            self.panel.show_use(await licence_use(self._client))
        except ServerError as error:
            self.panel.show_error(describe(error))
        self.loaded.set()

    async def _set(self, limit: int) -> None:
        self.panel.show_error("")
        try:
            await set_licence(self._client, limit)
        except ServerError as error:
            self.panel.show_error(describe(error))
            return
        self.panel.show_note(self.tr("The licence allows {0} now.").format(limit))
        await self._load()
