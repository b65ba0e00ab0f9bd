"""An admin-mode editor wired to its kind on the server (R31): the items loaded, a save or
delete sent as background work, the server's answer shown: the saved item chosen, or the
refusal on the field it is about."""

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtCore import QObject

from vaxla_desktop.api import ActionRefused, ServerError
from vaxla_desktop.api.config import (
    ConfigApi,
    KindPath,
    holidays,
    send_test_mail,
    trunk_registrations,
)
from vaxla_desktop.background import BackgroundWork
from vaxla_desktop.session import Session
from vaxla_desktop.ui.config_form import ItemEditor
from vaxla_desktop.ui.messages import describe
from vaxla_desktop.ui.schedule_editor import ScheduleEditor
from vaxla_desktop.ui.service_editors import MailServerEditor, TrunkEditor
from vaxla_protocol.config import MailServerItem, MailTestResult, TrunkItem

log = logging.getLogger(__name__)


class ConfigDesk(QObject):
    """``editor`` for the kind at ``kind``; ``loaded`` is set each time the items came.
    ``on_items`` hears every list loaded (an editor whose choices come from another kind
    listens to that kind's desk)."""

    def __init__(
        self, session: Session, editor: ItemEditor, kind: KindPath, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self.editor = editor
        self.api = ConfigApi(session.client, kind)
        self._work = BackgroundWork(log, f"{kind.path} work")
        self.loaded = asyncio.Event()
        self.listeners: list[Callable[[list[dict[str, Any]]], None]] = []
        editor.sig_save.connect(self._on_save)
        editor.sig_delete.connect(self._on_delete)
        editor.sig_reload.connect(self.load)

    def load(self, choose: str | None = None) -> None:
        self._work.spawn(self._load(choose))

    async def stop(self) -> None:
        await asyncio.gather(*self._work.cancel(), return_exceptions=True)

    async def _load(self, choose: str | None = None) -> None:
        try:
            items = await self.api.items()
        except ServerError as error:
            self.editor.show_error(describe(error))
            return
        self.editor.show_items(items, choose=choose)
        for listener in self.listeners:
            listener(items)
        self.loaded.set()

    def _on_save(self, loaded_key: str, item: dict[str, Any]) -> None:
        async def save() -> None:
            saved = await self.api.save(loaded_key, item)
            key = str(saved.get(self.api.kind.key, item.get(self.api.kind.key, "")))
            self.editor.saved(key)
            await self._load(choose=key)
            self.editor.show_note(self.tr("Saved."))  # the item as the server has it now

        self._act(save())

    def _on_delete(self, key: str) -> None:
        async def delete() -> None:
            await self.api.delete(key)
            self.editor.loaded_key = None
            await self._load()

        self._act(delete())

    def _act(self, work: Coroutine[Any, Any, None]) -> None:
        async def run() -> None:
            try:
                await work
            except ActionRefused as error:
                self.editor.show_note("")
                self.editor.show_refusal(error.detail, error.problems)
            except ServerError as error:
                self.editor.show_note("")
                self.editor.show_error(describe(error))

        self._work.spawn(run())


class ScheduleDesk(ConfigDesk):
    """The schedules, with the holidays of the year the calendar shows."""

    def __init__(self, session: Session, editor: ScheduleEditor, parent: QObject | None = None):
        super().__init__(session, editor, KindPath("/config/schedules"), parent)
        self._client = session.client
        self._calendar = editor.exceptions
        editor.exceptions.sig_year_shown.connect(
            lambda year: self._work.spawn(self._holidays(year))
        )

    def load(self, choose: str | None = None) -> None:
        super().load(choose)
        self._work.spawn(self._holidays(self._calendar.year_shown()))

    async def _holidays(self, year: int) -> None:
        try:
            self._calendar.show_holidays(await holidays(self._client, year))
        except ServerError as error:
            self.editor.show_error(describe(error))


TRUNK_FIELDS = tuple(TrunkItem.model_fields)
"""What a trunk's write holds: not ``password_set``, which only answers carry."""


class TrunkDesk(ConfigDesk):
    """The trunks, with where each registration stands (read again with the list)."""

    def __init__(self, session: Session, editor: TrunkEditor, parent: QObject | None = None):
        kind = KindPath("/config/trunks", add_fields=TRUNK_FIELDS, replace_fields=TRUNK_FIELDS)
        super().__init__(session, editor, kind, parent)
        self._client = session.client
        self._trunks = editor
        self.states_loaded = asyncio.Event()

    async def _load(self, choose: str | None = None) -> None:
        self.states_loaded.clear()
        await super()._load(choose)
        try:
            self._trunks.show_registrations(await trunk_registrations(self._client))
        except ServerError as error:
            self.editor.show_error(describe(error))
        self.states_loaded.set()


MAIL_SERVER = KindPath(
    "/config/mail-server",
    key="host",
    single=True,
    replace_fields=tuple(MailServerItem.model_fields),
)


class MailServerDesk(ConfigDesk):
    """The mail server, and a test mail sent through it: where it went, or why not."""

    def __init__(
        self, session: Session, editor: MailServerEditor, parent: QObject | None = None
    ) -> None:
        super().__init__(session, editor, MAIL_SERVER, parent)
        self._client = session.client
        self.tested = asyncio.Event()
        editor.sig_test.connect(lambda to: self._work.spawn(self._test(to)))

    async def _test(self, to: str) -> None:
        self.tested.clear()
        try:
            sent: MailTestResult = await send_test_mail(self._client, to)
        except ActionRefused as refusal:
            self.editor.show_note("")
            self.editor.show_error(self.tr("No test mail: {0}").format(refusal.detail))
        except ServerError as error:
            self.editor.show_note("")
            self.editor.show_error(describe(error))
        else:
            self.editor.show_note(
                self.tr("The mail server {0} took a test mail to {1}.").format(sent.server, sent.to)
            )
        self.tested.set()
