"""The voice side of a running server: the SIP front, the media worker pool, the call
router and the call flow, composed over the contact centre.

``Telephony.start()`` starts Kamailio as the SIP front on the configured port (the only
address trunks and phones see), then the pool of media workers behind it (forked from one
zygote, on loopback, each with its own RTP ports), makes the call flow the centre's
delivery, and keeps the flow's view of the configuration current: every committed
configuration change replaces it, so a call in progress finishes on the version it
started with only where that version still holds (a menu or queue deleted meanwhile ends
the call with a clear log line).
"""

import asyncio
import ipaddress
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from vaxla_protocol.outbound import SipCredentials, SrtpMode
from vaxla_server.callflow.flow import CallFlow, FlowPlan
from vaxla_server.callflow.legs import CallRouter
from vaxla_server.centre import PhonesOnly, follow_offers
from vaxla_server.centre.contact_centre import ContactCentre
from vaxla_server.clock import Clock, SystemClock
from vaxla_server.config import CONFIG_CHANGED, ConfigChange, Configuration
from vaxla_server.media.credentials import agent_credentials
from vaxla_server.media.hosts import MediaHostListener, make_key, read_key
from vaxla_server.media.kamailio import FrontSettings, FrontTls, KamailioFront
from vaxla_server.media.pool import DEFAULT_RTP_BASE, MediaPool, Network
from vaxla_server.media.trunks import RETRY_S, OutsideLine, TrunkLines
from vaxla_server.offload import CentreThread
from vaxla_server.recording.store import Recordings
from vaxla_server.voicemail.messages import VoicemailMessages

log = logging.getLogger(__name__)

LOOPBACK: tuple[Network, ...] = (
    ipaddress.ip_network("127.0.0.0/8"),
    ipaddress.ip_network("::1/128"),
)
DEFAULT_WORKERS = (2, 200)
"""Media workers at least and at most: each takes one caller (see
:data:`vaxla_server.media.worker.LEGS_PER_CONTACT`) and costs about 8 MB."""
DEFAULT_RTP_TIMEOUT = 60.0


@dataclass(frozen=True)
class TelephonySettings:
    """Where callers reach the server and from where they may."""

    sip_port: int
    """The SIP front's UDP port: trunks and phones send here, and only here."""
    data_dir: Path
    """Where the front's configuration and run files go (``kamailio/``)."""
    bind: str = "127.0.0.1"
    """The address SIP and RTP are on."""
    trunks: tuple[Network, ...] = LOOPBACK
    """Networks calls are accepted from (``--trunk``), besides the stored trunks'
    addresses; an INVITE from anywhere else is challenged (407) by the front and reaches
    a worker only as an agent's outbound call, with the agent's credentials and session
    header."""
    outside_gateway: str | None = None
    """SIP URI (``sip:host[:port]``) outside numbers are called through when no stored
    trunk carries outside calls; ``None``: none."""
    registration_retry_s: tuple[float, ...] = RETRY_S
    """The back-off of a refused registration: the n-th failure in a row waits the n-th
    figure before the next try (the last one from then on)."""
    workers: tuple[int, int] = DEFAULT_WORKERS
    """The pool's size: at least, at most."""
    spare: int = 2
    """Workers with room kept ahead of demand."""
    rtp_base: int = DEFAULT_RTP_BASE
    """The first RTP port; worker slot ``n`` has 20 ports from ``rtp_base + 20 n``."""
    rtp_timeout: float = DEFAULT_RTP_TIMEOUT
    """Seconds without RTP from a far end before its call ends (0: never)."""
    call_rate: int = 200
    """New calls per second the front admits; the rest are answered 503."""
    media_hosts: tuple[str, int] | None = None
    """Where media hosts join the pool (:mod:`.media.hosts`); None: no media hosts."""
    tls: FrontTls | None = None
    """SIP over TLS for agents' phones (port and the server's certificate); ``None``:
    UDP and TCP only."""
    srtp: SrtpMode = "off"
    """SRTP between the workers and agents' phones over TLS (and towards trunks that
    offer it, unless off); needs ``tls``."""

    def __post_init__(self) -> None:
        if self.srtp != "off" and self.tls is None:
            raise ValueError(
                f"SRTP {self.srtp} needs SIP over TLS: its keys travel in the SDP (SDES)"
            )


class Telephony:
    def __init__(
        self,
        settings: TelephonySettings,
        *,
        centre: ContactCentre,
        configuration: Configuration,
        clock: Clock | None = None,
        session_keys: Callable[[int], list[str]] | None = None,
        voicemail: VoicemailMessages | None = None,
        recordings: Recordings | None = None,
    ) -> None:
        self.settings = settings
        self._configuration = configuration
        self._plan = FlowPlan.of(configuration.export_document())
        self._centre_thread = CentreThread()
        clock = clock or SystemClock()
        self.clock = clock
        """Where the call flow changes and reads the centre (and so writes the event
        log): off the event loop, in the order the flow asks."""
        self.flow = CallFlow(
            centre=centre,
            offload=self._centre_thread,
            plan=lambda: self._plan,
            clock=clock,
            outside_line=self._outside_line,
            session_keys=session_keys,  # an outbound call's header is made with one of these
            voicemail=voicemail,
            recordings=recordings,
        )
        self.front = KamailioFront(
            FrontSettings(
                data_dir=settings.data_dir,
                listen=settings.bind,
                sip_port=settings.sip_port,
                trunks=settings.trunks,
                call_rate=settings.call_rate,
                tls=settings.tls,
            )
        )
        self.trunks = TrunkLines(
            configuration,
            self.front,
            clock=clock,
            networks=settings.trunks,
            outside_gateway=settings.outside_gateway,
            retry_s=settings.registration_retry_s,
            sip_tls=settings.tls is not None,
        )
        least, most = settings.workers
        self.pool = MediaPool(
            self._route,
            size=least,
            max_size=most,
            spare=settings.spare,
            bind=settings.bind,
            rtp_base=settings.rtp_base,
            rtp_timeout=settings.rtp_timeout,
            srtp=settings.srtp,
            front=self.front,
        )
        self.router = CallRouter(self.pool, self.flow, clock, new_call=self.pool.new_call)
        self.media_hosts: MediaHostListener | None = None
        if settings.media_hosts is not None:
            listen, port = settings.media_hosts
            self.media_hosts = MediaHostListener(
                self.pool, listen=listen, port=port, front=self.front.address,
                key=read_key(make_key(settings.data_dir)),
            )  # fmt: skip
        self._centre = centre
        follow_offers(centre.notifier, PhonesOnly(self.flow))  # the flow rings the agents
        configuration.notifier.subscribe(CONFIG_CHANGED, self._configuration_changed)

    def _outside_line(self) -> OutsideLine | None:
        return self.trunks.outside_line()

    def _route(self, message: object) -> None:
        self.router(message)  # type: ignore[arg-type]

    def _configuration_changed(self, change: ConfigChange) -> None:
        try:
            self._plan = FlowPlan.of(self._configuration.export_document())
        except Exception:
            log.exception("the call flow keeps the previous configuration after %s", change)
            return
        self.flow.notify_changed()

    def agent_credentials(self, agent_id: int, now: datetime) -> SipCredentials:
        """Credentials the front takes from ``agent_id``'s phone for the next hour."""
        return agent_credentials(self.front.settings.agent_secret, agent_id, now)

    @property
    def front_address(self) -> str:
        """``HOST:PORT`` trunks and phones send SIP to."""
        return self.front.address

    @property
    def tls_address(self) -> str | None:
        """``HOST:PORT`` of SIP over TLS, where agents' phones register; ``None``: none."""
        return self.front.tls_address

    async def start(self) -> None:
        await self.front.start()
        try:
            await self.trunks.start()
            await self.pool.start()
            if self.media_hosts is not None:
                await self.media_hosts.start()
        except BaseException:
            await self.pool.stop()
            await self.trunks.stop()
            await self.front.stop()
            raise
        self.flow.calls_out_by(self.router)  # callbacks are called from the pool's workers
        least, most = self.settings.workers
        log.info("calls are taken at sip:%s (Kamailio), by %d-%d media workers behind it",
                 self.front.address, least, most)  # fmt: skip
        trunks = ", ".join(str(network) for network in self.settings.trunks) or "no network"
        log.info("calls are accepted from %s and the stored trunks' addresses only", trunks)
        if self.front.tls_address is not None:
            log.info("agents' phones register over TLS at sip:%s (SRTP %s)",
                     self.front.tls_address, self.settings.srtp)  # fmt: skip
        line = self.trunks.outside_line()
        if line is not None:
            log.info("outside numbers are called through %s", line.uri("NUMBER"))

    async def stop(self) -> None:
        try:
            await self.trunks.stop()
            await self.pool.stop()
            if self.media_hosts is not None:
                await self.media_hosts.stop()
            await self.router.drain()
        finally:
            await self.front.stop()
            await asyncio.to_thread(self._centre_thread.close)
