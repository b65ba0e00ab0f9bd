"""The softphone put together: the panel's signals to the softphone and the server,
the softphone's and the server's events to the panel.

:class:`PhoneDesk` is all the app needs to hold: it owns nothing but the wiring, so the
app keeps owning the session, the event socket and the main window. Transfers go to
the server through ``TransferApi`` as background tasks (``spawn``); their answers and
refusals come back to the panel.
"""

import asyncio
import logging
import re
import socket
from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import urlsplit

from PySide6.QtCore import QObject

from vaxla_desktop.api.client import ServerClient
from vaxla_desktop.api.directory import DirectoryApi
from vaxla_desktop.api.errors import ServerError, SessionEnded
from vaxla_desktop.api.outbound import OutboundApi, placement
from vaxla_desktop.api.sms import SmsApi
from vaxla_desktop.api.transfer import TransferApi
from vaxla_desktop.core.dial import DialRequest, DialScheme, InvalidDialLink, parse_dial_link
from vaxla_desktop.phone_settings import PhoneSettings
from vaxla_desktop.policies import AUTO_ANSWER, Policies
from vaxla_desktop.sip.bridge import SoftphoneBridge
from vaxla_desktop.sip.softphone import TlsFront
from vaxla_desktop.ui.audio_settings import AudioSettingsDialog
from vaxla_desktop.ui.messages import describe
from vaxla_desktop.ui.phone_panel import PhonePanel
from vaxla_protocol.control import TransferChanged, TransferRequest, TransferState
from vaxla_protocol.events import AgentStateChanged, OfferMade, QueueSnapshot
from vaxla_protocol.offers import session_key
from vaxla_protocol.sms import AgentSmsRequest

log = logging.getLogger(__name__)

Spawn = Callable[[Coroutine[Any, Any, None]], None]
Notify = Callable[[str, str], None]


OUTSIDE_NUMBER = re.compile(r"\+?[0-9]{2,20}")
"""What the server calls through its outside gateway: digits, optionally + first."""
FRONT_REFRESH_S = 1800.0
"""How often the phone over TLS takes fresh SIP credentials (they last an hour)."""
FRONT_RETRY_S = 60.0


def address_towards(server_url: str) -> str:
    """This machine's address on the way to the server: where the server can send
    offers. (A UDP socket "connected" to the server sends nothing; it only picks the
    route.) Loopback for a server on this machine, and when there is no IPv4 route."""
    host = urlsplit(server_url).hostname or "127.0.0.1"
    try:
        # IPv4: the softphone's SIP transport is UDP over IPv4.
        socket.getaddrinfo(host, None, socket.AF_INET)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect((host, 9))
            address: str = probe.getsockname()[0]
            return address
    except OSError:
        return "127.0.0.1"


def session_key_of(client: ServerClient) -> Callable[[], str | None]:
    """The offer key of the client's session now, ``None`` once it has ended (the
    softphone refuses every offer then)."""

    def key() -> str | None:
        try:
            return session_key(client.token)
        except SessionEnded:
            return None

    return key


class PhoneDesk(QObject):
    """Connects ``panel`` and ``bridge``; ``transfers`` is ``None`` until logged in."""

    def __init__(
        self,
        panel: PhonePanel,
        bridge: SoftphoneBridge,
        settings: PhoneSettings,
        *,
        username: str,
        spawn: Spawn,
        transfers: TransferApi | None = None,
        outbound: OutboundApi | None = None,
        sms: SmsApi | None = None,
        directory: DirectoryApi | None = None,
        server_url: str | None = None,
        force_auto_answer: bool = False,
        policies: Policies | None = None,
        notify: Notify | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.panel = panel
        self.bridge = bridge
        self.settings = settings
        self.username = username
        self.transfers = transfers
        self.outbound = outbound
        self.sms = sms
        self.directory = directory
        self.server_url = server_url
        self._spawn = spawn
        self._force_auto_answer = force_auto_answer
        self._policies = policies or Policies()
        self._colleagues: set[str] = set()
        self._queues: list[str] = []
        self._me: int | None = None
        """This user's agent id, from its own state on the socket: a supervisor taking
        calls hears every agent's offers and transfers, and takes only its own."""
        panel.set_auto_answer(self._auto_answer(settings.chosen_auto_answer(username)))

        bridge.sig_event.connect(panel.handle)
        bridge.sig_error.connect(self._on_phone_error)
        panel.sig_answer.connect(bridge.answer)
        panel.sig_decline.connect(bridge.decline)
        panel.sig_hang_up.connect(bridge.hang_up)
        panel.sig_hold.connect(bridge.set_held)
        panel.sig_mute.connect(bridge.set_muted)
        panel.sig_dtmf.connect(bridge.send_dtmf)
        panel.sig_ringing.connect(bridge.set_ringing)
        panel.sig_answer_tone.connect(bridge.play_answer_tone)
        panel.sig_dial.connect(self._on_dial_number)
        panel.sig_transfer.connect(self._on_transfer)
        panel.sig_transfer_opened.connect(self._on_transfer_opened)
        panel.sig_transfer_complete.connect(self._on_transfer_complete)
        panel.sig_transfer_cancel.connect(self._on_transfer_cancel)
        panel.sig_park.connect(self._on_park)
        panel.sig_audio_settings.connect(self.edit_audio_settings)
        panel.sig_sms.connect(self._on_sms)
        if notify is not None:
            panel.sig_notify.connect(notify)
        # After the wiring: the panel hears which devices are in use (or that none are).
        bridge.use_audio(settings.audio)

    def _on_phone_error(self, detail: str) -> None:
        # pjsua2's words are English and technical; the sentence around them is not.
        self.panel.show_error(self.tr("The phone could not do that: {0}").format(detail))

    # From the server's event socket

    def server_event(self, event: object) -> None:
        """Give every server event here; the phone takes offers and transfers, and the
        colleagues and queues it may transfer to."""
        if isinstance(event, OfferMade):
            if self._mine(event.agent_id):
                self.panel.show_offer(event)
        elif isinstance(event, TransferChanged):
            if self._mine(event.agent_id):
                self.panel.show_transfer(event.transfer)
        elif isinstance(event, AgentStateChanged):
            if event.agent.username == self.username:
                self._me = event.agent.agent_id
            else:
                self._colleagues.add(event.agent.username)
                self._offer_targets()
        elif isinstance(event, QueueSnapshot):
            self._queues = sorted({queue.name for queue in event.queues})
            self._offer_targets()

    def _mine(self, agent_id: int) -> bool:
        # An agent's socket carries its own offers only, even before its own state.
        return self._me is None or agent_id == self._me

    def _offer_targets(self) -> None:
        self.panel.set_transfer_targets(agents=sorted(self._colleagues), queues=self._queues)

    # Dialling (the tel:/sip: handler and "call back")

    def dial(self, request: DialRequest) -> None:
        """A SIP address is called as given; a number through the server's media worker
        and outside gateway, with the session's ``X-Vaxla-Session`` header (R1)."""
        if request.scheme is not DialScheme.TEL:
            self.bridge.dial(request.uri)
            return
        if not OUTSIDE_NUMBER.fullmatch(request.target):
            self.panel.show_error(
                self.tr("{0} cannot be called: a number is digits, with + before a country code.")
                .format(request.target)
            )  # fmt: skip
            return
        if self.outbound is None:
            self.panel.show_error(self.tr("Numbers are called through the server: log in first."))
            return
        self._spawn(self._dial_number(self.outbound, request.target))

    async def _dial_number(self, outbound: OutboundApi, number: str) -> None:
        try:
            phone = await outbound.phone()
            agent = await outbound.agent()
            key = outbound.key()
        except ServerError as error:
            self.panel.show_error(describe(error))
            return
        place = placement(phone, key, agent.agent_id, number, tls=self.bridge.over_tls)
        if place is None:
            self.panel.show_error(self.tr("This server takes no calls: numbers cannot be called."))
            return
        if not phone.outside_calls:
            self.panel.show_error(
                self.tr("The server has no outside line: numbers cannot be called.")
            )
            return
        self.bridge.dial(place.uri, place.headers, place.credentials)

    def _on_dial_number(self, number: str) -> None:
        try:
            request = parse_dial_link(number if ":" in number else f"tel:{number}")
        except InvalidDialLink as error:
            self.panel.show_error(str(error))
            return
        self.dial(request)

    # SIP over TLS

    async def use_server_front(self, fingerprint: str | None) -> bool:
        """Register the softphone with the server's SIP front over TLS when the server
        has it (``GET /agent/phone``), with the API's pinned certificate ``fingerprint``
        (the front presents the same one), and keep its credentials fresh from then on.
        Whether it does: otherwise the phone stays on UDP (a server without TLS, or an
        API over plain HTTP, where there is no pinned certificate to check it with)."""
        outbound = self.outbound
        if outbound is None:
            return False
        try:
            phone = await outbound.phone()
        except ServerError as error:
            log.warning("no SIP over TLS: %s", error)
            return False
        if phone.tls_uri is None or phone.credentials is None:
            return False
        if fingerprint is None:
            log.warning(
                "the server has SIP over TLS but its API is plain HTTP: no pinned certificate "
                "to check the SIP front with, so the phone stays on UDP"
            )
            return False
        self.bridge.use_tls_front(
            TlsFront(phone.tls_uri, fingerprint, phone.srtp), phone.credentials
        )
        self._spawn(self._refresh_front(outbound, fingerprint))
        return self.bridge.over_tls

    async def _refresh_front(self, outbound: OutboundApi, fingerprint: str) -> None:
        delay = FRONT_REFRESH_S
        while True:
            await asyncio.sleep(delay)
            try:
                phone = await outbound.phone()
            except ServerError as error:
                log.warning("could not renew the phone's SIP credentials: %s", error)
                delay = FRONT_RETRY_S
                continue
            if phone.tls_uri is None or phone.credentials is None:
                return
            front = TlsFront(phone.tls_uri, fingerprint, phone.srtp)
            self.bridge.use_tls_front(front, phone.credentials)
            delay = FRONT_REFRESH_S

    # Sound

    def edit_audio_settings(self) -> None:
        dialog = AudioSettingsDialog(
            self.bridge.audio_devices(),
            self.settings.audio,
            auto_answer=self.settings.auto_answer(self.username),
            parent=self.panel,
        )
        if dialog.exec() != AudioSettingsDialog.DialogCode.Accepted:
            return
        self.settings.set_audio(dialog.choice)
        self.settings.set_auto_answer(self.username, dialog.auto_answer)
        self.bridge.use_audio(dialog.choice)
        self.panel.set_auto_answer(self._auto_answer(dialog.auto_answer))

    def _auto_answer(self, users_choice: bool | None) -> bool:
        """--auto-answer counts as the user's choice for the run; a locked policy wins."""
        policies = self._policies
        chosen = True if self._force_auto_answer else users_choice
        return policies.decide(AUTO_ANSWER, policies.auto_answer, chosen, False)

    # Transfers

    def _on_transfer(self, request: TransferRequest) -> None:
        transfers = self.transfers
        if transfers is None:
            self.panel.show_error(self.tr("Not connected to the server."))
            return
        self._spawn(self._transfer_step(transfers.start(request)))

    def _on_transfer_opened(self) -> None:
        if self.directory is not None:
            self._spawn(self._offer_people(self.directory))

    async def _offer_people(self, directory: DirectoryApi) -> None:
        """The directory as it is now, for the transfer dialog's "Directory" choice; the
        dialog keeps the last list it had when the server cannot answer."""
        try:
            people = await directory.people()
        except ServerError as error:
            log.warning("the directory could not be read for a transfer: %s", describe(error))
            return
        self.panel.set_transfer_people(list(people))

    def _on_transfer_complete(self, transfer_id: str) -> None:
        if self.transfers is not None:
            self._spawn(self._transfer_step(self.transfers.complete(transfer_id)))

    def _on_transfer_cancel(self, transfer_id: str) -> None:
        if self.transfers is not None:
            self._spawn(self._transfer_step(self.transfers.cancel(transfer_id)))

    def _on_sms(self) -> None:
        """What may be sent (the caller of the current or last call, the templates
        filled in) from the server, then the dialog; its request back to the server."""
        sms = self.sms
        if sms is None:
            self.panel.show_error(self.tr("Not connected to the server."))
            return

        async def open_dialog() -> None:
            try:
                options = await sms.options()
            except ServerError as error:
                self.panel.show_error(describe(error))
                return
            dialog = self.panel.open_sms(options)

            def send(request: AgentSmsRequest) -> None:
                async def sending() -> None:
                    try:
                        dialog.show_sent(await sms.send(request))
                    except ServerError as error:
                        dialog.show_error(describe(error))

                self._spawn(sending())

            dialog.sig_send.connect(send)

        self._spawn(open_dialog())

    def _on_park(self, contact_id: int) -> None:
        transfers = self.transfers
        if transfers is None:
            self.panel.show_error(self.tr("Not connected to the server."))
            return

        async def park() -> None:
            try:
                await transfers.park(contact_id)
            except ServerError as error:
                self.panel.show_error(describe(error))

        self._spawn(park())

    async def _transfer_step(self, step: Coroutine[Any, Any, TransferState]) -> None:
        try:
            state = await step
        except ServerError as error:
            self.panel.show_error(describe(error))
            return
        self.panel.show_transfer(state)

    def close(self) -> None:
        self.bridge.close()


def start_phone(
    client: ServerClient,
    username: str,
    settings: PhoneSettings,
    *,
    spawn: Spawn,
    force_auto_answer: bool = False,
    policies: Policies | None = None,
    notify: Notify | None = None,
    audio: bool = True,
) -> PhoneDesk:
    """The softphone of a logged-in session: bound where the server can reach it, keyed
    to the session, wired to a new :class:`PhonePanel`. The caller places
    ``desk.panel``, gives ``desk.bridge.contact`` at queue login, feeds server events
    to ``desk.server_event`` and calls ``desk.close()`` at the end."""
    bridge = SoftphoneBridge(
        session_key_of(client),
        bind=address_towards(client.base_url),
        audio=audio,
        user=username if username.isalnum() else "vaxla",
    )
    return PhoneDesk(
        PhonePanel(),
        bridge,
        settings,
        username=username,
        spawn=spawn,
        transfers=TransferApi(client),
        outbound=OutboundApi(client),
        sms=SmsApi(client),
        directory=DirectoryApi(client),
        server_url=client.base_url,
        force_auto_answer=force_auto_answer,
        policies=policies,
        notify=notify,
    )
