"""The admin mode's configuration wired (R31): a ``ConfigDesk`` per editor of the
``AdminView``, and the names each kind has kept in the view's ``NameBook`` as they load,
so a queue's schedule or a key's menu is chosen from what the server has."""

import asyncio
import logging
from functools import partial

from PySide6.QtCore import QObject

from vaxla_desktop.api import ServerError
from vaxla_desktop.api.config import KindPath
from vaxla_desktop.api.prompts import PromptsApi
from vaxla_desktop.background import BackgroundWork
from vaxla_desktop.config_desk import ConfigDesk, ScheduleDesk
from vaxla_desktop.session import Session
from vaxla_desktop.ui.admin_view import AdminView
from vaxla_desktop.ui.messages import describe
from vaxla_protocol.config import Language

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
        ):
            self.desks[book_kind] = ConfigDesk(session, editor, kind, self)
        for book_kind, desk in self.desks.items():
            desk.listeners.append(partial(view.book.set, book_kind))

    def load(self) -> None:
        self._work.spawn(self._load_prompts())
        for desk in self.desks.values():
            desk.load()

    async def stop(self) -> None:
        await asyncio.gather(*self._work.cancel(), return_exceptions=True)
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
