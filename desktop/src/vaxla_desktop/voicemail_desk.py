"""The voicemail panel wired (R7): the boxes the user may read and their messages from
the server, a message's audio fetched and played on this computer, marking it handled,
and calling the number back through the app's dialling (the phone's ``tel:`` path). The
tab is shown only to a user who reads a box. A message left, handled (by anyone) or
purged comes over the event socket and the list follows at once; after a reconnect the
list is read again. A refusal or a missing sound device is said in words."""

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any, Protocol

from PySide6.QtCore import QCoreApplication, QObject

from vaxla_desktop.acting import act
from vaxla_desktop.api.voicemail import VoicemailApi
from vaxla_desktop.background import BackgroundWork
from vaxla_desktop.core.dial import DialRequest, InvalidDialLink, parse_dial_link
from vaxla_desktop.session import Session
from vaxla_desktop.sip.wav_player import PlaybackError, play_wav
from vaxla_desktop.ui.voicemail_panel import VoicemailPanel
from vaxla_protocol.events import ServerEvent, VoicemailChanged, Welcome

log = logging.getLogger(__name__)


class MessagePanel(Protocol):
    """What the message helpers below say their news on: a panel's status and error."""

    def show_status(self, text: str) -> None: ...

    def show_error(self, text: str) -> None: ...


async def play_message(api: VoicemailApi, panel: MessagePanel, message_id: int) -> None:
    """A message's audio fetched and played on the computer's output, how it went said
    on ``panel`` (the Voicemail tab's and the voicemail task's)."""
    data = await api.audio(message_id)
    panel.show_status(QCoreApplication.translate("VoicemailDesk", "Playing the message…"))
    try:
        seconds = await asyncio.to_thread(play_wav, data)
    except PlaybackError as error:
        panel.show_status("")
        panel.show_error(
            QCoreApplication.translate("VoicemailDesk", "Cannot play the message: {0}").format(
                error
            )
        )
        return
    panel.show_status(
        QCoreApplication.translate("VoicemailDesk", "Played the message ({0:.1f} s)").format(
            seconds
        )
    )


def call_back(number: str, panel: MessagePanel, dial: Callable[[DialRequest], None]) -> None:
    """Call a message's caller back through the app's dialling (the phone's ``tel:``
    path); a number that cannot be dialled is said on ``panel``."""
    try:
        request = parse_dial_link(f"tel:{number}")
    except InvalidDialLink as error:
        panel.show_error(str(error))
        return
    panel.show_error("")
    dial(request)
    panel.show_status(
        QCoreApplication.translate("VoicemailDesk", "Calling {0} from your phone").format(number)
    )


class VoicemailDesk(QObject):
    def __init__(
        self,
        session: Session,
        panel: VoicemailPanel,
        dial: Callable[[DialRequest], None],
        show_tab: Callable[[bool], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.panel = panel
        self.api = VoicemailApi(session.client)
        self._dial = dial
        self._show_tab = show_tab
        self._work = BackgroundWork(log, "voicemail work")
        self.loaded = asyncio.Event()
        panel.sig_box_chosen.connect(lambda _box: self._act(self._messages()))
        panel.sig_refresh_requested.connect(self.load)
        panel.sig_play_requested.connect(self._on_play)
        panel.sig_handled_requested.connect(self._on_handled)
        panel.sig_call_back_requested.connect(self._on_call_back)

    def load(self) -> None:
        self._act(self._load())

    def on_event(self, event: ServerEvent) -> None:
        """The event socket's news: a (re)connect reads everything again; a change in
        the box shown reads its messages again, and a new message is said."""
        if isinstance(event, Welcome):
            self.load()
        elif isinstance(event, VoicemailChanged):
            message = event.message
            if event.change == "left":
                self.panel.show_status(
                    self.tr("New message in {0} from {1}").format(message.box, message.caller)
                )
            if message.box == self.panel.box:
                self._act(self._messages())

    async def stop(self) -> None:
        await asyncio.gather(*self._work.cancel(), return_exceptions=True)

    async def _load(self) -> None:
        boxes = await self.api.boxes()
        self._show_tab(bool(boxes))
        self.panel.show_boxes(boxes)
        await self._messages()
        self.loaded.set()

    async def _messages(self) -> None:
        box = self.panel.box
        messages = await self.api.messages(box) if box else []
        if self.panel.box == box:
            self.panel.show_messages(messages)

    def _on_play(self, message_id: int) -> None:
        self._act(play_message(self.api, self.panel, message_id))

    def _on_handled(self, message_id: int) -> None:
        async def handle() -> None:
            await self.api.handled(message_id)
            self.panel.show_status(self.tr("Marked handled"))
            await self._load()

        self._act(handle())

    def _on_call_back(self, number: str) -> None:
        call_back(number, self.panel, self._dial)

    def _act(self, work: Coroutine[Any, Any, None]) -> None:
        act(self._work, self.panel, work)
