"""A media worker: one pjsua2 endpoint that answers callers, plays prompts, collects DTMF,
calls agents and bridges the two legs; the server steers it over :mod:`.messages`.

Run as ``python -m vaxla_server.media.worker --sip-port P --control HOST:PORT
--worker-id w1 --allow 127.0.0.0/8``. The worker connects to the control address, says
``ready`` and then follows the server's commands until ``shutdown``, SIGTERM or the loss
of the control connection (a worker without its server must not keep calls up).

pjsua2 runs with no threads of its own (``threadCnt = 0``, ``mainThreadOnly``): one loop
on the main thread calls ``libHandleEvents`` and reads the control socket, so every
pjsua2 callback and every command runs on that thread. A prompt counts as played when its
length (from the WAV headers) has passed since it was connected to the caller: pjsua2's
own end-of-file callback runs on its media thread and fires while the read-ahead buffer
still holds a quarter of a second of sound. ``Call`` objects are dropped once DISCONNECTED
and everything is hung up before ``libDestroy()`` (a ``Call`` alive after it aborts the
process).

pjsua2 is asked for 32 calls (``maxCalls``), but the ``pjsua2-python`` 2.15.1 wheel is
built with pjproject's default ``PJSUA_MAX_CALLS = 4`` (the default since pjproject 2.11):
pjsua silently caps ``maxCalls`` at it and answers further INVITEs 486 "too many calls".
So one worker holds 4 call legs, and a caller connected to an agent uses two of them;
``ready.max_calls`` reports the legs a worker really holds, and a test pins the figure.

The same build gives pjlib's I/O queue 64 sockets. pjsua opens RTP and RTCP sockets for
every INVITE it takes in (before our account sees it, so refusing does not help) and
frees them half a second after the call ends: one worker took 50 new calls a second with
no failure, and at 60 it ran the queue dry and pjlib aborted the process (the pool then
replaces it). Limit the rate of INVITEs per worker in front of it (Kamailio's pike).
"""

import argparse
import contextlib
import ipaddress
import itertools
import logging
import os
import queue
import re
import signal
import socket
import sys
import threading
import time
import wave
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any, Literal

import pjsua2 as pj

from vaxla_protocol.offers import OFFER_HEADER
from vaxla_protocol.outbound import SRTP_MODES, SrtpMode
from vaxla_server.audio import complete_wav_header, wav_header_written
from vaxla_server.media.messages import (
    MAX_LINE_BYTES,
    SRTP_HEADER,
    AgentLegState,
    AgentLegStateName,
    Answer,
    Bridge,
    CallEnded,
    CancelAgentLeg,
    CancelConsult,
    CommandFailed,
    CompleteConsult,
    Consult,
    ConsultState,
    ConsultStateName,
    Dtmf,
    Hangup,
    IncomingCall,
    LegEndCause,
    Originate,
    OriginateAgentLeg,
    OriginatedState,
    OriginatedStateName,
    Play,
    PlaybackFinished,
    ProtocolError,
    Ready,
    Record,
    RecordingEnd,
    RecordingFinished,
    Reject,
    Ringback,
    Shutdown,
    Side,
    Stats,
    StopPlayback,
    StopRecording,
    ToWorker,
    decode_to_worker,
    encode,
)

log = logging.getLogger(__name__)

MAX_CALLS = 32  # what pjsua2 is asked for (uaConfig.maxCalls); PJSUA_MAX_CALLS at most
WHEEL_CALL_LIMIT = 4  # measured: the wheel's compile-time PJSUA_MAX_CALLS caps maxCalls
LEGS_PER_CONTACT = 3
"""The legs one caller may need in its worker: its own, its agent's, and the consultation
leg of an attended transfer. A worker takes a new caller only while it has room for all
three, so no caller can be stuck waiting for an agent leg its worker cannot make: with
the wheel's 4 legs, one caller per worker."""
TOKEN_VARIABLE = "VAXLA_WORKER_TOKEN"
"""The environment variable the zygote puts the pool's token for this worker in."""
WORKER_HEADER = "X-Vaxla-Worker"
"""On a worker's own refusal of a caller (``full``, ``stopping``): try the next worker."""
SOURCE_HEADER = "x-vaxla-source"
"""Set by the SIP front: the address the caller's INVITE really came from."""
MEDIA_CHECK_S = 1.0
IDLE_WAIT_S = 10.0
"""How long a worker with no call and nothing due parks in ``libHandleEvents``: a SIP
message, a command (the control reader's wake-up) or a signal ends the wait sooner. Woken
once a second instead, 410 idle workers took 8.6 % of a core."""
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
_REQUEST_USER = re.compile(r"^INVITE\s+sips?:([^@;>\s]+)@", re.I)
_DIGITS = set("0123456789*#ABCD")
_SESSION_HEADER = "x-vaxla-session"
CLOCK_RATE = 8000  # the conference bridge's (medConfig.clockRate)
CLOSE_WAIT_S = 2.0
"""How long a stopped recording's file may take to be closed by pjmedia before the worker
writes its header itself."""
CLOSE_POLL_S = 0.02
RINGING_TONE = (425, 1000, 4000)
"""Hz, ms on, ms off: Swedish ringing, as the desktop rings."""
_SRTP_USE = {
    "off": pj.PJMEDIA_SRTP_DISABLED,
    "optional": pj.PJMEDIA_SRTP_OPTIONAL,
    "mandatory": pj.PJMEDIA_SRTP_MANDATORY,
}


class WorkerError(Exception):
    """The worker could not start (SIP port taken, control address unreachable, ...)."""


class CommandError(Exception):
    """A server command cannot be carried out; reported as ``command_failed``."""


@dataclass(frozen=True, slots=True)
class WorkerConfig:
    worker_id: str
    sip_port: int
    control: tuple[str, int]
    allowed: tuple[Network, ...]
    bind: str = "127.0.0.1"
    max_calls: int = MAX_CALLS
    log_level: str = "WARNING"
    pjsip_log_level: int = 1
    rtp_port: int = 0
    """The first of this worker's own RTP ports (0: pjsua's default, 4000, shared by
    every pjsua process on the host: workers then collide beyond about fifty)."""
    rtp_ports: int = 0
    """How many RTP ports from ``rtp_port`` this worker may take (0: pjsua's 100)."""
    media_address: str | None = None
    """The address RTP binds to and the SDP offers (``None``: ``bind``); pjsua would
    otherwise bind RTP to every address whatever SIP is bound to."""
    proxy: str | None = None
    """The SIP front's URI (``sip:127.0.0.1:5070;lr``): every call this worker makes goes
    through it, and the caller's real address comes in its ``X-Vaxla-Source`` header."""
    legs_per_contact: int = LEGS_PER_CONTACT
    rtp_timeout: float = 0.0
    """Seconds without RTP from a far end that should be sending before its call is
    ended (``media_timeout``); 0 never."""
    session_expires: int = 0
    """RFC 4028 session interval in seconds (0: pjsua's default, 1800); at least 90."""
    srtp: SrtpMode = "off"
    """SRTP (SDES) on calls to agents' phones (those with an offer token): ``optional``
    offers it and takes plain RTP, ``mandatory`` offers only it. Unless ``off``, a
    caller's offer of SRTP is taken too (a trunk that offers it), and plain RTP still
    is; calls to outside numbers offer plain RTP."""


def source_host(address: str) -> str:
    """The host of pjsua2's ``srcAddress`` (``1.2.3.4:5060`` or ``[::1]:5060``)."""
    host = address.rsplit(":", 1)[0] if address.count(":") == 1 or "]" in address else address
    return host.strip("[]")


def source_allowed(address: str, allowed: Sequence[Network]) -> bool:
    """Whether a SIP source address lies in one of the allowed trunk networks."""
    try:
        ip = ipaddress.ip_address(source_host(address))
    except ValueError:
        return False
    return any(ip in network for network in allowed)


class _Leg(pj.Call):  # type: ignore[misc]
    """One pjsua2 call: the caller's leg or the agent's leg of a contact."""

    def __init__(
        self,
        worker: "MediaWorker",
        contact: "_Contact | None",
        role: Literal["caller", "agent", "target", "refused"],
        account: Any,
        call_id: int,
    ) -> None:
        super().__init__(account, call_id)
        self.worker = worker
        self.contact = contact
        self.role = role
        self.media: Any = None
        self.media_index = 0
        self.remote_hold = False
        self.rx_packets = -1
        self.rx_since: float | None = None
        self.confirmed = False
        self.gone = False

    def onCallState(self, prm: Any) -> None:
        info = self.getInfo()
        self.worker._on_leg_state(self, info)

    def onCallMediaState(self, prm: Any) -> None:
        info = self.getInfo()
        for index, media in enumerate(info.media):
            if media.type != pj.PJMEDIA_TYPE_AUDIO:
                continue
            if media.status == pj.PJSUA_CALL_MEDIA_ACTIVE:
                self.media = self.getAudioMedia(index)
                self.media_index = index
                self.remote_hold = False
                self.rx_since = None  # the RTP silence is counted anew
                self.worker._on_leg_held(self, held=False)
                self.worker._on_leg_media(self)
                return
            if media.status == pj.PJSUA_CALL_MEDIA_REMOTE_HOLD:
                # The far end sent sendonly or inactive: a softphone's hold.
                self.remote_hold = True
                self.worker._on_leg_held(self, held=True)
                return

    def onDtmfDigit(self, prm: Any) -> None:
        self.worker._on_dtmf(self, str(prm.digit))


class _Player(pj.AudioMediaPlayer):  # type: ignore[misc]
    def __init__(self, play_id: str, loop: bool, seconds: float) -> None:
        super().__init__()
        self.play_id = play_id
        self.loop = loop
        self.seconds = seconds
        self.done_at: float | None = None  # monotonic time the last file has been heard
        self.connected = False

    def connect(self, media: Any) -> None:
        self.startTransmit(media)
        self.connected = True
        if not self.loop:
            self.done_at = time.monotonic() + self.seconds


class _Recorder(pj.AudioMediaRecorder):  # type: ignore[misc]
    """A ``record`` command's file and what feeds it."""

    def __init__(self, command: Record, contact: "_Contact") -> None:
        super().__init__()
        self.command = command
        self.contact: _Contact | None = contact
        self.connected: list[Any] = []  # the legs' AudioMedia transmitting into it
        self.ends_at = time.monotonic() + command.max_seconds

    def sources(self) -> list[_Leg]:
        """The legs recorded now: the caller and, when ``agent`` is named, whichever
        agent leg the call has at the moment (one that answers later, or the target
        who took the agent's place, joins the recording as its audio comes up)."""
        contact = self.contact
        if contact is None:
            return []
        legs = (contact.caller if name == "caller" else contact.agent for name in self.command.legs)
        return [leg for leg in legs if leg is not None]

    def feed(self) -> None:
        """Connect the legs whose audio is up and not yet connected."""
        for leg in self.sources():
            if leg.media is not None and not leg.gone and leg.media not in self.connected:
                leg.media.startTransmit(self)
                self.connected.append(leg.media)


@dataclass(frozen=True, slots=True)
class _Closing:
    """A recording stopped whose file pjmedia has yet to close."""

    call_id: str
    command: Record
    end: RecordingEnd
    deadline: float


def wav_seconds(path: Path) -> float:
    """The length of a WAV file; raises :class:`CommandError` when it is not one pjsua2
    plays (16-bit PCM mono)."""
    try:
        with wave.open(str(path)) as audio:
            if audio.getnchannels() != 1 or audio.getsampwidth() != 2:
                raise CommandError(f"{path} is not 16-bit mono PCM")
            frames: int = audio.getnframes()
            rate: int = audio.getframerate()
            return frames / rate
    except (OSError, EOFError, wave.Error) as error:
        raise CommandError(f"{path} is not a readable WAV file: {error}") from None


class _Endpoint(pj.Endpoint):  # type: ignore[misc]
    def __init__(self, worker: "MediaWorker") -> None:
        super().__init__()
        self.worker = worker

    def onRejectedIncomingCall(self, prm: Any) -> None:
        self.worker._on_rejected_by_pjsua(int(prm.statusCode), str(prm.reason))


class _Account(pj.Account):  # type: ignore[misc]
    def __init__(self, worker: "MediaWorker") -> None:
        super().__init__()
        self.worker = worker

    def onIncomingCall(self, prm: Any) -> None:
        self.worker._on_incoming(self, prm)


@dataclass(eq=False)
class _Contact:
    """A caller's leg and, once originated, the agent's leg: one ``call_id``."""

    call_id: str
    caller: _Leg | None = None
    agent: _Leg | None = None
    answered: bool = False
    bridged: bool = False
    agent_answered: bool = False
    agent_dropped_by_server: bool = False
    agent_bridged_once: bool = False
    """The current agent leg has been bridged at least once."""
    ended: bool = False
    end: tuple[LegEndCause, Side] | None = None
    player: _Player | None = None
    ringing: bool = False
    """The unanswered caller hears the agent leg ring (``ringback``) until it answers:
    the number's own early media when it sends some, else ``ringback``'s tone."""
    ringback: Any = None
    """The ringing tone (a ``ToneGenerator``) the unanswered caller hears as early media."""
    ringback_connected: bool = False
    early_passed: bool = False
    """The agent leg's early media goes to the caller (in place of the tone)."""
    music_on_hold: list[str] = field(default_factory=list)
    held: bool = False
    """The agent's softphone holds the bridged leg: the caller hears music on hold."""
    target: _Leg | None = None
    """The consultation leg of an attended transfer."""
    target_answered: bool = False
    extra_legs: list[_Leg] = field(default_factory=list)  # agent legs still hanging up
    recorder: _Recorder | None = None
    originated: bool = False
    """The server started the call (``originate``): its caller leg is one the worker
    called, answered when the far end answered."""

    def live_legs(self) -> int:
        """The pjsua2 calls of this contact not yet gone (each holds one of the legs)."""
        legs = (self.caller, self.agent, self.target, *self.extra_legs)
        return sum(1 for leg in legs if leg is not None and not leg.gone)


class Control:
    """The JSON-lines connection to the server.

    A reader thread waits on the socket, so the pjsua2 loop need not poll it: it parks in
    ``libHandleEvents`` for as long as nothing is due, and the reader wakes it when a
    command arrives by sending a CRLF keep-alive (RFC 5626), which pjsip reads and drops,
    to the worker's own SIP port (:meth:`wake_by`). An idle worker thus costs almost no
    CPU, and a command is carried out at once. The reader only decodes and queues; every
    pjsua2 call stays on the main thread."""

    def __init__(self, address: tuple[str, int]) -> None:
        try:
            self._socket = socket.create_connection(address, timeout=5)
        except OSError as error:
            raise WorkerError(f"cannot reach the control address {address}: {error}") from None
        self._socket.settimeout(None)
        self._inbox: queue.SimpleQueue[ToWorker | CommandFailed] = queue.SimpleQueue()
        self._send_lock = threading.Lock()
        self._waker: socket.socket | None = None
        self.closed = False

    def wake_by(self, host: str, port: int) -> None:
        """Start reading; each arrival wakes the SIP loop through ``host:port``."""
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._waker = socket.socket(family, socket.SOCK_DGRAM)
        self._waker.bind((host, 0))  # the worker listens on no wildcard address
        self._waker.connect((host, port))
        threading.Thread(target=self._read, name="control", daemon=True).start()

    def _wake(self) -> None:
        if self._waker is not None:
            with contextlib.suppress(OSError):
                self._waker.send(b"\r\n\r\n")

    def _read(self) -> None:
        buffer = b""
        while True:
            try:
                chunk = self._socket.recv(65536)
            except OSError as error:
                if not self.closed:
                    log.warning("control connection lost: %s", error)
                chunk = b""
            if not chunk:
                self.closed = True
                self._wake()
                return
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            if len(buffer) > MAX_LINE_BYTES:
                log.error("control line longer than %d bytes; dropping it", MAX_LINE_BYTES)
                buffer = b""
            for line in lines:
                if not line.strip():
                    continue
                try:
                    self._inbox.put(decode_to_worker(line))
                except ProtocolError as error:
                    log.error("%s", error)
                    self._inbox.put(CommandFailed(call_id=None, command="?", reason=str(error)))
            self._wake()

    def send(self, message: Any) -> None:
        if self.closed:
            return
        try:
            with self._send_lock:
                self._socket.sendall(encode(message))
        except OSError as error:
            log.warning("control connection lost while sending: %s", error)
            self.closed = True

    def receive(self) -> list[ToWorker]:
        """The commands that have arrived (never blocks)."""
        commands: list[ToWorker] = []
        while True:
            try:
                item = self._inbox.get_nowait()
            except queue.Empty:
                return commands
            if isinstance(item, CommandFailed):
                self.send(item)
            else:
                commands.append(item)

    def close(self) -> None:
        self.closed = True
        with contextlib.suppress(OSError):
            self._socket.shutdown(socket.SHUT_RDWR)
        self._socket.close()
        if self._waker is not None:
            self._waker.close()


class MediaWorker:
    """The pjsua2 endpoint and the contacts it holds."""

    def __init__(self, config: WorkerConfig, control: Control) -> None:
        if not 1 <= config.max_calls <= MAX_CALLS:
            raise WorkerError(f"max calls must be 1-{MAX_CALLS}, not {config.max_calls}")
        if config.session_expires and config.session_expires < 90:
            raise WorkerError(f"session expires must be 90 s or more, not {config.session_expires}")
        self.config = config
        self.control = control
        self._contacts: dict[str, _Contact] = {}
        self._refused: list[_Leg] = []
        self._numbers = itertools.count(1)
        self._calls_total = 0
        self._refused_sources = 0
        self._refused_busy = 0
        self._room_sent: bool | None = None
        self._stopping = False
        self._closing: list[_Closing] = []
        self._endpoint = _Endpoint(self)
        self._endpoint.libCreate()
        try:
            ep_config = pj.EpConfig()
            ep_config.uaConfig.threadCnt = 0
            ep_config.uaConfig.mainThreadOnly = True
            ep_config.uaConfig.maxCalls = config.max_calls
            ep_config.uaConfig.userAgent = f"Vaxla media worker {config.worker_id}"
            ep_config.logConfig.level = config.pjsip_log_level
            ep_config.logConfig.consoleLevel = config.pjsip_log_level
            ep_config.medConfig.noVad = True
            # RTP on the SIP loop's own I/O queue, polled by libHandleEvents on the main
            # thread: no media I/O thread per worker, so an idle worker sleeps instead of
            # polling every 10 ms (hundreds of idle workers took ~40 % of a core).
            ep_config.medConfig.hasIoqueue = False
            ep_config.medConfig.threadCnt = 0
            ep_config.medConfig.clockRate = CLOCK_RATE
            ep_config.medConfig.sndClockRate = CLOCK_RATE
            self._endpoint.libInit(ep_config)
            transport = pj.TransportConfig()
            transport.boundAddress = config.bind
            transport.port = config.sip_port
            self._transport = self._endpoint.transportCreate(pj.PJSIP_TRANSPORT_UDP, transport)
            self._endpoint.audDevManager().setNullDev()
            self._endpoint.libStart()
            self.sip_address: str = self._endpoint.transportGetInfo(self._transport).localName
            account = pj.AccountConfig()
            account.idUri = f"sip:vaxla@{self.sip_address}"
            account.regConfig.registrarUri = ""
            if config.proxy is not None:
                account.sipConfig.proxies.append(config.proxy)
            rtp = account.mediaConfig.transportConfig
            rtp.boundAddress = config.media_address or config.bind
            if config.rtp_port:
                rtp.port = config.rtp_port
                rtp.portRange = config.rtp_ports
            if config.session_expires:
                account.callConfig.timerSessExpiresSec = config.session_expires
                account.callConfig.timerMinSESec = 90
            # The front's loopback UDP is this worker's only next hop: SDES keys go in
            # the SDP over it, so pjsua must not ask for TLS (srtpSecureSignaling 0); the
            # front takes them to phones over TLS only.
            account.mediaConfig.srtpSecureSignaling = 0
            srtp = config.srtp != "off"
            # Callers' offers: SRTP taken when offered (a trunk that encrypts), unless off.
            account.mediaConfig.srtpUse = _SRTP_USE["optional" if srtp else "off"]
            self._account = _Account(self)
            self._account.create(account, True)
            # Calls to agents' phones (those carrying an offer token) offer SRTP as the
            # policy says; other calls the worker makes (outside numbers through a trunk)
            # offer plain RTP: no keys in SDP that travels unencrypted.
            self._agent_account = self._outside_account = self._account
            if srtp:
                account.idUri = f"sip:vaxla-agents@{self.sip_address}"
                account.mediaConfig.srtpUse = _SRTP_USE[config.srtp]
                self._agent_account = _Account(self)
                self._agent_account.create(account, False)
                account.idUri = f"sip:vaxla-outside@{self.sip_address}"
                account.mediaConfig.srtpUse = _SRTP_USE["off"]
                self._outside_account = _Account(self)
                self._outside_account.create(account, False)
            # Outside numbers through a trunk with SRTP on (its transport is TLS, which the
            # front speaks to it): the leg offers SRTP as the trunk says (SRTP_HEADER).
            self._trunk_srtp_accounts: dict[str, _Account] = {}
            for mode in ("optional", "mandatory"):
                account.idUri = f"sip:vaxla-trunk-srtp-{mode}@{self.sip_address}"
                account.mediaConfig.srtpUse = _SRTP_USE[mode]
                self._trunk_srtp_accounts[mode] = _Account(self)
                self._trunk_srtp_accounts[mode].create(account, False)
        except pj.Error as error:
            self._endpoint.libDestroy()
            raise WorkerError(f"the SIP endpoint could not start: {error.info()}") from None

    @property
    def capacity(self) -> int:
        """The call legs this worker really holds (see the module's docstring)."""
        return min(self.config.max_calls, WHEEL_CALL_LIMIT)

    def _reserved(self) -> int:
        """Legs in use or held back: a caller's contact keeps ``legs_per_contact``."""
        legs = len(self._refused)
        for contact in self._contacts.values():
            live = contact.live_legs()
            legs += live if contact.ended else max(live, self.config.legs_per_contact)
        return legs

    @property
    def room(self) -> bool:
        """Whether a new caller would have every leg it may need."""
        return self.capacity - self._reserved() >= self.config.legs_per_contact

    # The loop

    def run(self) -> None:
        self.control.send(
            Ready(
                worker_id=self.config.worker_id,
                sip_address=self.sip_address,
                max_calls=self.capacity,
                pid=os.getpid(),
                token=os.environ.get(TOKEN_VARIABLE, ""),
            )
        )
        self._send_stats()
        host, port = source_host(self.sip_address), self.sip_address.rsplit(":", 1)[1]
        if host in ("0.0.0.0", "::"):
            host = "127.0.0.1" if host == "0.0.0.0" else "::1"
        self.control.wake_by(host, int(port))
        next_check = time.monotonic() + MEDIA_CHECK_S
        while not self._stopping:
            now = time.monotonic()
            idle = not (self._contacts or self._refused or self._closing)
            due = [now + IDLE_WAIT_S if idle else next_check]
            due += [p.done_at for p in self._players() if p.done_at is not None]
            due += [r.ends_at for r in self._recorders()]
            due += [now + CLOSE_POLL_S for _ in self._closing[:1]]
            longest = IDLE_WAIT_S if idle else 1.0
            wait_ms = max(0, min(int(longest * 1000), int((min(due) - now) * 1000) + 1))
            self._endpoint.libHandleEvents(wait_ms)
            self._finish_plays()
            self._finish_recordings()
            self._report_closed()
            for command in self.control.receive():
                self.handle(command)
            now = time.monotonic()
            if now >= next_check:
                next_check = now + MEDIA_CHECK_S
                if self.config.rtp_timeout > 0:
                    self._check_media(now)
            if self.room != self._room_sent:
                self._send_stats()
            if self.control.closed and not self._stopping:
                log.warning("control connection closed: hanging up and exiting")
                self._stopping = True
        self._shutdown()

    def _players(self) -> list["_Player"]:
        return [c.player for c in self._contacts.values() if c.player is not None]

    def _recorders(self) -> list[_Recorder]:
        return [c.recorder for c in self._contacts.values() if c.recorder is not None]

    def _check_media(self, now: float) -> None:
        """End the calls whose far end stopped sending RTP (``rtp_timeout``)."""
        for contact in list(self._contacts.values()):
            if contact.ended:
                continue
            for leg in (contact.caller, contact.agent, contact.target):
                if leg is None or leg.gone or leg.media is None or leg.remote_hold:
                    continue
                try:
                    received = int(leg.getStreamStat(leg.media_index).rtcp.rxStat.pkt)
                except pj.Error:
                    continue
                if received != leg.rx_packets or leg.rx_since is None:
                    leg.rx_packets, leg.rx_since = received, now
                    continue
                if now - leg.rx_since < self.config.rtp_timeout:
                    continue
                log.warning("call %s: no RTP from the %s for %.1f s; ending it", contact.call_id,
                            leg.role, now - leg.rx_since)  # fmt: skip
                if leg is contact.target:
                    with contextlib.suppress(pj.Error):
                        leg.hangup(_param(0))
                    break
                if contact.end is None:
                    contact.end = ("media_timeout", "caller" if leg.role == "caller" else "agent")
                self._end_contact(contact)
                break

    def stop(self) -> None:
        """Ask the loop to end (signal handler, shutdown command)."""
        self._stopping = True

    def handle(self, command: ToWorker) -> None:
        """Carry out one command; what cannot be done is reported as ``command_failed``."""
        try:
            match command:
                case Answer():
                    self._answer(command)
                case Reject():
                    self._reject(command)
                case Play():
                    self._play(command)
                case StopPlayback():
                    self._stop_playback(self._contact(command.call_id))
                case Record():
                    self._record(command)
                case StopRecording():
                    contact = self._contact(command.call_id)
                    if contact.recorder is None:
                        raise CommandError(f"call {contact.call_id} is not being recorded")
                    self._stop_recording(contact, "stopped")
                case Ringback():
                    self._ringback(command)
                case Originate():
                    self._originate_call(command)
                case OriginateAgentLeg():
                    self._originate(command)
                case CancelAgentLeg():
                    self._drop_agent(self._contact(command.call_id))
                case Bridge():
                    self._bridge(command)
                case Consult():
                    self._consult(command)
                case CompleteConsult():
                    self._complete_consult(command)
                case CancelConsult():
                    self._cancel_consult(command)
                case Hangup():
                    self._hangup(command)
                case Shutdown():
                    self.stop()
        except CommandError as error:
            call_id = getattr(command, "call_id", None)
            log.info("%s %s failed: %s", command.type, call_id, error)
            self.control.send(
                CommandFailed(call_id=call_id, command=command.type, reason=str(error))
            )
        except pj.Error as error:
            call_id = getattr(command, "call_id", None)
            self.control.send(
                CommandFailed(call_id=call_id, command=command.type, reason=error.info())
            )

    # Commands

    def _contact(self, call_id: str) -> _Contact:
        contact = self._contacts.get(call_id)
        if contact is None or contact.ended:
            raise CommandError(f"no call {call_id} (it may have ended)")
        return contact

    def _caller(self, contact: _Contact) -> _Leg:
        if contact.caller is None or contact.caller.gone:
            raise CommandError(f"call {contact.call_id} has no caller any more")
        return contact.caller

    def _answer(self, command: Answer) -> None:
        contact = self._contact(command.call_id)
        if contact.answered:
            raise CommandError(f"call {contact.call_id} is answered already")
        caller = self._caller(contact)
        self._stop_ringback(contact)
        caller.answer(_param(200))
        contact.answered = True

    def _reject(self, command: Reject) -> None:
        contact = self._contact(command.call_id)
        if contact.answered:
            raise CommandError(f"call {contact.call_id} is answered: hang it up instead")
        contact.end = ("rejected", "server")
        param = _param(command.code)
        if command.reason is not None:
            param.reason = command.reason
        self._caller(contact).hangup(param)

    def _play(self, command: Play) -> None:
        contact = self._contact(command.call_id)
        caller = self._caller(contact)
        if not contact.answered:
            raise CommandError(f"call {contact.call_id} is not answered yet")
        if contact.bridged:
            raise CommandError(f"call {contact.call_id} is bridged to its agent")
        self._start_player(contact, caller, command.files, command.play_id, loop=command.loop)

    def _start_player(
        self, contact: _Contact, caller: _Leg, files: Sequence[str], play_id: str, *, loop: bool
    ) -> None:
        seconds = 0.0
        for name in files:
            path = Path(name)
            if not path.is_absolute() or not path.is_file():
                raise CommandError(f"not an existing file given by absolute path: {name}")
            seconds += wav_seconds(path)
        player = _Player(play_id, loop, seconds)
        options = 0 if loop else pj.PJMEDIA_FILE_NO_LOOP
        try:
            player.createPlaylist(pj.StringVector(list(files)), play_id, options)
        except pj.Error as error:
            raise CommandError(f"cannot play {list(files)}: {error.info()}") from None
        self._stop_playback(contact)
        contact.player = player
        if caller.media is not None:
            player.connect(caller.media)

    def _record(self, command: Record) -> None:
        contact = self._contact(command.call_id)
        caller = self._caller(contact)
        if not contact.answered:
            raise CommandError(f"call {contact.call_id} is not answered yet")
        if contact.recorder is not None:
            raise CommandError(f"call {contact.call_id} is being recorded already")
        path = Path(command.path)
        if not path.is_absolute() or path.suffix.lower() != ".wav":
            raise CommandError(f"not an absolute path to a .wav file: {command.path}")
        if not path.parent.is_dir():
            raise CommandError(f"no folder {path.parent} to record into")
        if command.legs == ["agent"] and (contact.agent is None or contact.agent.gone):
            raise CommandError(f"call {contact.call_id} has no agent leg to record")
        del caller  # checked above; the recorder follows the call's legs as they change
        recorder = _Recorder(command, contact)
        try:
            recorder.createRecorder(str(path))
            recorder.feed()
        except pj.Error as error:
            raise CommandError(f"cannot record into {path}: {error.info()}") from None
        contact.recorder = recorder

    def _stop_recording(self, contact: _Contact, end: RecordingEnd) -> None:
        """Close the call's recording. pjmedia's conference bridge removes the port on its
        next clock tick and only then writes the WAV header: ``recording_finished`` goes
        once it has (:meth:`_report_closed`), even after the call's ``call_ended``."""
        recorder, contact.recorder = contact.recorder, None
        if recorder is None:
            return
        for media in recorder.connected:
            try:
                media.stopTransmit(recorder)
            except pj.Error:
                log.debug("stopTransmit into a recorder failed", exc_info=True)
        command = recorder.command
        recorder.connected.clear()
        recorder.contact = None
        del recorder  # the last reference: pjsua2 destroys the port, which closes the file
        closing = _Closing(contact.call_id, command, end, time.monotonic() + CLOSE_WAIT_S)
        self._closing.append(closing)

    def _report_closed(self, *, wait: bool = True) -> None:
        """Report the recordings whose files are closed (``wait=False``: all of them)."""
        now = time.monotonic()
        for closing in list(self._closing):
            path = Path(closing.command.path)
            if wait and not wav_header_written(path) and now < closing.deadline:
                continue
            self._closing.remove(closing)
            if not wav_header_written(path):
                try:
                    complete_wav_header(path, CLOCK_RATE)  # pjmedia never closed it
                except OSError as error:
                    log.warning("cannot complete the WAV header of %s: %s", path, error)
            try:
                seconds = min(wav_seconds(path), closing.command.max_seconds)
            except CommandError as error:
                log.warning("recording %s of %s: %s", closing.command.record_id,
                            closing.call_id, error)  # fmt: skip
                seconds = 0.0
            self.control.send(
                RecordingFinished(
                    call_id=closing.call_id,
                    record_id=closing.command.record_id,
                    path=closing.command.path,
                    seconds=round(seconds, 3),
                    end=closing.end,
                )
            )

    def _finish_recordings(self) -> None:
        now = time.monotonic()
        for contact in list(self._contacts.values()):
            recorder = contact.recorder
            if recorder is not None and recorder.ends_at <= now:
                self._stop_recording(contact, "max_length")

    def _ringback(self, command: Ringback) -> None:
        contact = self._contact(command.call_id)
        caller = self._caller(contact)
        if contact.answered and not contact.originated:
            raise CommandError(f"call {contact.call_id} is answered: no ringing tone")
        if contact.ringing or contact.agent_answered:
            return  # ringing already, or the number answered before this came
        tones = pj.ToneDescVector()
        tone = pj.ToneDesc()
        tone.freq1, tone.freq2 = RINGING_TONE[0], 0
        tone.on_msec, tone.off_msec = RINGING_TONE[1], RINGING_TONE[2]
        tones.append(tone)
        generator = pj.ToneGenerator()
        try:
            generator.createToneGenerator(CLOCK_RATE, 1)
            generator.play(tones, True)
        except pj.Error as error:
            raise CommandError(f"cannot make the ringing tone: {error.info()}") from None
        if not contact.originated:
            # 183 with SDP: the caller's audio comes up before the answer (early media).
            caller.answer(_param(183))
        contact.ringing = True
        contact.ringback = generator
        contact.ringback_connected = False
        self._early_audio(contact)

    def _early_audio(self, contact: _Contact) -> None:
        """What the ringing caller hears once its audio is up: the agent leg's early
        media (183 with SDP from the number's network: its own tone or an announcement)
        when there is some, else the ringing tone."""
        caller, outside = contact.caller, contact.agent
        if not contact.ringing or caller is None or caller.media is None:
            return  # not ringing, or connected once the caller's early media is up
        if outside is not None and outside.media is not None and not contact.agent_answered:
            self._drop_tone(contact)
            if not contact.early_passed:
                outside.media.startTransmit(caller.media)
                contact.early_passed = True
        elif contact.ringback is not None and not contact.ringback_connected:
            contact.ringback.startTransmit(caller.media)
            contact.ringback_connected = True

    def _drop_tone(self, contact: _Contact) -> None:
        generator, contact.ringback = contact.ringback, None
        connected, contact.ringback_connected = contact.ringback_connected, False
        if generator is None:
            return
        try:
            caller = contact.caller
            if connected and caller is not None and caller.media is not None:
                generator.stopTransmit(caller.media)
            generator.stop()
        except pj.Error:
            log.debug("stopping the ringing tone failed", exc_info=True)

    def _stop_ringback(self, contact: _Contact) -> None:
        """The caller hears the ringing no more (answered, bridged or gone)."""
        contact.ringing = False
        self._drop_tone(contact)
        passed, contact.early_passed = contact.early_passed, False
        caller, outside = contact.caller, contact.agent
        if not passed or contact.bridged or caller is None or outside is None:
            return
        if caller.media is not None and outside.media is not None:
            try:
                outside.media.stopTransmit(caller.media)
            except pj.Error:
                log.debug("stopping the early media failed", exc_info=True)

    def _stop_playback(self, contact: _Contact) -> None:
        player, contact.player = contact.player, None
        if player is None:
            return
        if player.connected and contact.caller is not None and contact.caller.media is not None:
            try:
                player.stopTransmit(contact.caller.media)
            except pj.Error:
                log.debug("stopTransmit of a player failed", exc_info=True)

    def _originate(self, command: OriginateAgentLeg) -> None:
        contact = self._contact(command.call_id)
        self._caller(contact)
        if contact.agent is not None:
            raise CommandError(f"call {contact.call_id} has an agent leg already")
        leg = self._call_out(contact, "agent", command.sip_uri, command.headers)
        contact.agent = leg
        contact.agent_answered = False
        contact.agent_dropped_by_server = False
        contact.agent_bridged_once = False
        self._agent_state(contact, "calling")
        self._send_stats()

    def _originate_call(self, command: Originate) -> None:
        if command.call_id in self._contacts:
            raise CommandError(f"call {command.call_id} exists already")
        if self._stopping or not self.room:
            raise CommandError(f"no room for the {self.config.legs_per_contact} legs of a call")
        contact = _Contact(command.call_id)
        contact.originated = True
        self._contacts[command.call_id] = contact
        try:
            contact.caller = self._call_out(contact, "caller", command.sip_uri, command.headers)
        except CommandError:
            del self._contacts[command.call_id]
            raise
        self._calls_total += 1
        self._send_stats()

    def _maybe_originated_answered(self, contact: _Contact, leg: _Leg) -> None:
        ready = contact.caller is leg and leg.confirmed and leg.media is not None
        if ready and contact.originated and not contact.answered:
            contact.answered = True
            self._originated_state(contact, "answered")

    def _originated_state(
        self, contact: _Contact, state: OriginatedStateName, code: int | None = None
    ) -> None:
        if not contact.ended:
            self.control.send(OriginatedState(call_id=contact.call_id, state=state, code=code))

    def _drop_agent(self, contact: _Contact) -> None:
        leg = contact.agent
        if leg is None:
            raise CommandError(f"call {contact.call_id} has no agent leg")
        contact.agent_dropped_by_server = True
        self._unbridge(contact)
        leg.hangup(_param(0))

    def _bridge(self, command: Bridge) -> None:
        contact = self._contact(command.call_id)
        caller = self._caller(contact)
        agent = contact.agent
        if agent is None or not contact.agent_answered or agent.media is None:
            raise CommandError(f"call {contact.call_id} has no answered agent leg to bridge")
        if caller.media is None and not contact.answered:
            # An answered caller whose audio is not up yet is connected when it is.
            raise CommandError(f"call {contact.call_id}: the caller's audio is not active")
        for name in command.music_on_hold:
            if not Path(name).is_absolute() or not Path(name).is_file():
                raise CommandError(f"not an existing file given by absolute path: {name}")
        if contact.target is not None:
            raise CommandError(f"call {contact.call_id} is in an attended transfer")
        contact.music_on_hold = list(command.music_on_hold)
        if contact.bridged:
            return
        self._stop_playback(contact)
        self._stop_ringback(contact)
        _connect(caller, agent)
        contact.bridged = contact.agent_bridged_once = True
        self._agent_state(contact, "bridged")

    def _unbridge(self, contact: _Contact) -> None:
        if not contact.bridged:
            return
        contact.bridged = False
        if contact.held:
            contact.held = False  # nothing flows between the legs while held
            self._stop_playback(contact)
            return
        _disconnect(contact.caller, contact.agent)

    def _call_out(
        self,
        contact: "_Contact",
        role: Literal["caller", "agent", "target"],
        sip_uri: str,
        headers: Mapping[str, str],
    ) -> _Leg:
        """A new leg of the contact's, calling ``sip_uri`` with the extra headers."""
        param = pj.CallOpParam(True)
        trunk_srtp: str | None = None
        for name, value in headers.items():
            if name.lower() == SRTP_HEADER.lower():
                trunk_srtp = value  # for this worker alone: never sent
                continue
            header = pj.SipHeader()
            header.hName = name
            header.hValue = value
            param.txOption.headers.append(header)
        to_phone = any(name.lower() == OFFER_HEADER.lower() for name in headers)
        if to_phone:
            account = self._agent_account
        elif trunk_srtp is not None:
            if trunk_srtp not in self._trunk_srtp_accounts:
                raise CommandError(f"{SRTP_HEADER} {trunk_srtp!r} is not optional or mandatory")
            account = self._trunk_srtp_accounts[trunk_srtp]
        else:
            account = self._outside_account
        leg = _Leg(self, contact, role, account, pj.PJSUA_INVALID_ID)
        try:
            leg.makeCall(sip_uri, param)
        except pj.Error as error:
            raise CommandError(f"cannot call {sip_uri}: {error.info()}") from None
        return leg

    def _consult(self, command: Consult) -> None:
        contact = self._contact(command.call_id)
        self._caller(contact)
        if contact.target is not None:
            raise CommandError(f"call {contact.call_id} is in an attended transfer already")
        if contact.agent is None or not contact.bridged:
            raise CommandError(f"call {contact.call_id} has no agent bridged to consult from")
        leg = self._call_out(contact, "target", command.sip_uri, command.headers)
        self._unbridge(contact)
        contact.target = leg
        contact.target_answered = False
        self._consult_state(contact, "calling")
        self._send_stats()

    def _complete_consult(self, command: CompleteConsult) -> None:
        contact = self._contact(command.call_id)
        caller = self._caller(contact)
        target = contact.target
        if target is None or not contact.target_answered or target.media is None:
            raise CommandError(f"call {contact.call_id} has no answered consultation to complete")
        if caller.media is None:
            raise CommandError(f"call {contact.call_id}: the caller's audio is not active")
        old = contact.agent
        _disconnect(old, target)
        contact.target, contact.target_answered = None, False
        target.role = "agent"
        contact.agent, contact.agent_answered = target, True
        contact.agent_dropped_by_server = False
        if old is not None and not old.gone:
            contact.extra_legs.append(old)
            try:
                old.hangup(_param(0))
            except pj.Error:
                log.debug("hangup of the transferring agent's leg failed", exc_info=True)
        self._stop_playback(contact)
        _connect(caller, target)
        contact.bridged = contact.agent_bridged_once = True
        self._consult_state(contact, "completed")

    def _cancel_consult(self, command: CancelConsult) -> None:
        contact = self._contact(command.call_id)
        target = contact.target
        if target is None:
            raise CommandError(f"call {contact.call_id} is in no attended transfer")
        target.hangup(_param(0))  # the caller is bridged back once the leg is gone

    def _back_to_agent(self, contact: _Contact) -> None:
        """After a consultation: the caller and the agent hear each other again."""
        caller, agent = contact.caller, contact.agent
        if caller is None or caller.media is None or agent is None or agent.media is None:
            return
        if not contact.agent_answered or contact.bridged:
            return
        self._stop_playback(contact)
        _connect(caller, agent)
        contact.bridged = contact.agent_bridged_once = True
        self._agent_state(contact, "bridged")

    def _on_leg_held(self, leg: _Leg, *, held: bool) -> None:
        """The agent's softphone held or resumed the bridged call: music on hold to the
        caller while held, the bridge again on resume."""
        contact = leg.contact
        if contact is None or contact.ended or leg is not contact.agent or not contact.bridged:
            return
        if held == contact.held:
            return
        caller = contact.caller
        if caller is None:
            return
        contact.held = held
        if held:
            _disconnect(caller, leg)
            if contact.music_on_hold:
                try:
                    self._start_player(contact, caller, contact.music_on_hold, "hold", loop=True)
                except CommandError as error:
                    log.warning("music on hold for %s: %s", contact.call_id, error)
            self._agent_state(contact, "held")
        else:
            self._stop_playback(contact)
            if leg.media is not None and caller.media is not None:
                _connect(caller, leg)
            self._agent_state(contact, "resumed")

    def _hangup(self, command: Hangup) -> None:
        contact = self._contact(command.call_id)
        if command.side == "agent":
            self._drop_agent(contact)
            return
        if contact.end is None:
            contact.end = ("server_hangup", "server")
        self._end_contact(contact)

    def _end_contact(self, contact: _Contact) -> None:
        """Hang up both legs; ``call_ended`` follows when the caller's leg is gone."""
        self._stop_recording(contact, "hangup")
        self._stop_playback(contact)
        self._stop_ringback(contact)
        self._unbridge(contact)
        for leg in (contact.target, contact.agent, contact.caller):
            if leg is not None and not leg.gone:
                answered = contact.answered or contact.originated  # a call made is cancelled
                code = 0 if leg.role != "caller" or answered else 480
                try:
                    leg.hangup(_param(code))
                except pj.Error:
                    log.debug("hangup of a %s leg failed", leg.role, exc_info=True)

    # pjsua2 callbacks (main thread)

    def _on_incoming(self, account: Any, prm: Any) -> None:
        source = str(prm.rdata.srcAddress)
        whole = str(prm.rdata.wholeMsg)
        session = _header(whole, _SESSION_HEADER)
        front = self.config.proxy is not None
        if front:
            # Behind the SIP front only the front reaches us (it checked the trunk or the
            # session header); the caller's own address is the one it names.
            allowed = source_allowed(source, self.config.allowed)
            original = _header(whole, SOURCE_HEADER)
            if allowed and original is not None:
                source = original
        else:
            # An agent's outbound call may come from anywhere; the server verifies it.
            allowed = session is not None or source_allowed(source, self.config.allowed)
        full = allowed and not self.room
        if self._stopping or not allowed or full:
            leg = _Leg(self, None, "refused", account, prm.callId)
            self._refused.append(leg)
            if self._stopping:
                leg.answer(_refusal(503, "stopping"))
            elif full:
                self._refused_busy += 1
                log.info("refused a caller: no room for the %d legs it may need",
                         self.config.legs_per_contact)  # fmt: skip
                leg.answer(_refusal(486, "full"))
                self._send_stats()
            else:
                self._refused_sources += 1
                log.warning("refused a call from %s: not a trunk address", source)
                leg.answer(_param(403))
                self._send_stats()
            return
        call_id = f"{self.config.worker_id}-{next(self._numbers)}"
        contact = _Contact(call_id)
        leg = _Leg(self, contact, "caller", account, prm.callId)
        contact.caller = leg
        self._contacts[call_id] = contact
        self._calls_total += 1
        match = _REQUEST_USER.match(whole)
        to_user = match.group(1) if match else ""
        leg.answer(_param(180))
        info = leg.getInfo()
        self.control.send(
            IncomingCall(
                call_id=call_id,
                to_user=to_user,
                from_uri=str(info.remoteUri),
                source_address=source_host(source),
                session=session,
            )
        )
        self._send_stats()

    def _on_rejected_by_pjsua(self, code: int, reason: str) -> None:
        # pjsua refused an INVITE before our account saw it (486 when the worker is full).
        log.warning("pjsua rejected an incoming call: %d %s", code, reason)
        if code == 486:
            self._refused_busy += 1
            self._send_stats()

    def _on_leg_state(self, leg: _Leg, info: Any) -> None:
        state = info.state
        if leg.role == "refused":
            if state == pj.PJSIP_INV_STATE_DISCONNECTED:
                leg.gone = True
                self._refused.remove(leg)
            return
        contact = leg.contact
        assert contact is not None
        if state == pj.PJSIP_INV_STATE_CONFIRMED:
            leg.confirmed = True
            if leg.role == "agent":
                self._maybe_agent_answered(contact, leg)
            elif leg.role == "caller":
                self._maybe_originated_answered(contact, leg)
            elif leg.role == "target":
                self._maybe_target_answered(contact, leg)
        elif state == pj.PJSIP_INV_STATE_EARLY and leg.role == "agent":
            if contact.agent is leg and int(info.lastStatusCode) in (180, 183):
                self._agent_state(contact, "ringing")
        elif state == pj.PJSIP_INV_STATE_EARLY and leg.role == "caller":
            if contact.originated and int(info.lastStatusCode) in (180, 183):
                self._originated_state(contact, "ringing")
        elif state == pj.PJSIP_INV_STATE_EARLY and leg.role == "target":
            if contact.target is leg and int(info.lastStatusCode) in (180, 183):
                self._consult_state(contact, "ringing")
        elif state == pj.PJSIP_INV_STATE_DISCONNECTED:
            leg.gone = True
            leg.media = None
            code = int(info.lastStatusCode)
            if leg in contact.extra_legs:
                contact.extra_legs.remove(leg)
                self._forget_if_done(contact)
            elif leg.role == "caller":
                if contact.originated and not contact.answered:
                    self._originated_state(contact, "failed", code or 480)
                self._caller_gone(contact)
            elif leg.role == "target":
                self._target_gone(contact, leg, code)
            else:
                self._agent_gone(contact, leg, code)

    def _on_leg_media(self, leg: _Leg) -> None:
        contact = leg.contact
        if contact is None or contact.ended:
            return
        if contact.recorder is not None:
            try:
                contact.recorder.feed()  # a leg whose audio came up (again) is recorded
            except pj.Error:
                log.warning("call %s: a leg could not be recorded", contact.call_id)
        if leg.role == "caller":
            self._maybe_originated_answered(contact, leg)
            player = contact.player
            if player is not None and not player.connected:
                player.connect(leg.media)
            self._early_audio(contact)
            if contact.bridged and not contact.held:
                _connect(leg, contact.agent)
        elif leg is contact.agent:
            if contact.bridged and not contact.held:
                _connect(contact.caller, leg)
            if contact.target_answered:
                _connect(leg, contact.target)
            self._early_audio(contact)
            self._maybe_agent_answered(contact, leg)
        elif leg is contact.target:
            if contact.target_answered:
                _connect(contact.agent, leg)
            self._maybe_target_answered(contact, leg)

    def _on_dtmf(self, leg: _Leg, digit: str) -> None:
        contact = leg.contact
        if leg.role != "caller" or contact is None or contact.ended:
            return
        digit = digit.upper()
        if digit not in _DIGITS:
            log.info("ignored a DTMF event %r on %s", digit, contact.call_id)
            return
        self.control.send(Dtmf(call_id=contact.call_id, digit=digit))
        recorder = contact.recorder
        if recorder is not None and recorder.command.stop_key == digit:
            self._stop_recording(contact, "key")

    # State changes

    def _maybe_agent_answered(self, contact: _Contact, leg: _Leg) -> None:
        ready = contact.agent is leg and leg.confirmed and leg.media is not None
        if ready and not contact.agent_answered:
            contact.agent_answered = True
            self._stop_ringback(contact)  # the number answered: it rings no more
            self._agent_state(contact, "answered")

    def _agent_state(
        self, contact: _Contact, state: AgentLegStateName, code: int | None = None
    ) -> None:
        if not contact.ended:
            self.control.send(AgentLegState(call_id=contact.call_id, state=state, code=code))

    def _maybe_target_answered(self, contact: _Contact, leg: _Leg) -> None:
        ready = contact.target is leg and leg.confirmed and leg.media is not None
        if ready and not contact.target_answered:
            contact.target_answered = True
            _connect(contact.agent, leg)
            self._consult_state(contact, "answered")

    def _consult_state(
        self, contact: _Contact, state: ConsultStateName, code: int | None = None
    ) -> None:
        if not contact.ended:
            self.control.send(ConsultState(call_id=contact.call_id, state=state, code=code))

    def _target_gone(self, contact: _Contact, leg: _Leg, code: int) -> None:
        if contact.target is not leg:
            self._forget_if_done(contact)
            return
        contact.target = None
        answered, contact.target_answered = contact.target_answered, False
        if contact.ended:
            self._forget_if_done(contact)
            return
        self._back_to_agent(contact)
        self._consult_state(contact, "ended" if answered else "failed", code)
        self._send_stats()

    def _agent_gone(self, contact: _Contact, leg: _Leg, code: int) -> None:
        if contact.agent is not leg:
            self._forget_if_done(contact)
            return
        contact.agent = None
        was_answered = contact.agent_answered
        was_bridged = contact.bridged
        contact.agent_answered = False
        contact.bridged = False
        if contact.ended:
            self._forget_if_done(contact)
            return
        # An agent who answered and hung up before the server's bridge came is gone as
        # if bridged: else the caller would wait in silence for a bridge that cannot be.
        before_bridge = was_answered and not contact.agent_bridged_once and contact.target is None
        if (was_bridged or before_bridge) and not contact.agent_dropped_by_server:
            # Hang-up on either side ends the call.
            if contact.end is None:
                contact.end = ("agent_hangup", "agent")
            self._end_contact(contact)
            return
        if was_answered:
            self._agent_state(contact, "ended", code)
        else:
            self._agent_state(contact, "failed", code)

    def _caller_gone(self, contact: _Contact) -> None:
        self._stop_recording(contact, "hangup")
        self._stop_playback(contact)
        self._stop_ringback(contact)
        self._unbridge(contact)
        for other in (contact.agent, contact.target):
            if other is not None and not other.gone:
                try:
                    other.hangup(_param(0))
                except pj.Error:
                    log.debug("hangup of the %s leg failed", other.role, exc_info=True)
        if not contact.ended:
            contact.ended = True
            cause, side = contact.end or ("caller_hangup", "caller")
            self.control.send(CallEnded(call_id=contact.call_id, cause=cause, side=side))
        self._forget_if_done(contact)
        self._send_stats()

    def _forget_if_done(self, contact: _Contact) -> None:
        others = [contact.agent, contact.target, *contact.extra_legs]
        if contact.ended and all(leg is None or leg.gone for leg in others):
            # Drop every reference to the Call objects: pjsua2 needs them gone.
            contact.caller = None
            contact.agent = None
            contact.target = None
            contact.extra_legs.clear()
            contact.player = None
            contact.ringback = None
            contact.recorder = None
            self._contacts.pop(contact.call_id, None)

    def _finish_plays(self) -> None:
        now = time.monotonic()
        for contact in list(self._contacts.values()):
            player = contact.player
            if contact.ended or player is None or player.done_at is None or player.done_at > now:
                continue
            self._stop_playback(contact)
            self.control.send(PlaybackFinished(call_id=contact.call_id, play_id=player.play_id))

    def _legs(self) -> int:
        return len(self._refused) + sum(c.live_legs() for c in self._contacts.values())

    def _send_stats(self) -> None:
        self._room_sent = room = self.room
        self.control.send(
            Stats(
                room=room,
                active_calls=sum(1 for c in self._contacts.values() if not c.ended),
                active_legs=self._legs(),
                max_calls=self.capacity,
                calls_total=self._calls_total,
                refused_sources=self._refused_sources,
                refused_busy=self._refused_busy,
            )
        )

    # Shutting down

    def _shutdown(self, max_wait_s: float = 3.0) -> None:
        for contact in list(self._contacts.values()):
            if not contact.ended and contact.end is None:
                contact.end = ("shutdown", "server")
            self._end_contact(contact)
        deadline = time.monotonic() + max_wait_s
        while (self._contacts or self._refused) and time.monotonic() < deadline:
            self._endpoint.libHandleEvents(10)
        for contact in list(self._contacts.values()):
            # Did not end in time: report and drop them all the same, or libDestroy aborts.
            if not contact.ended:
                contact.ended = True
                cause, side = contact.end or ("shutdown", "server")
                self.control.send(CallEnded(call_id=contact.call_id, cause=cause, side=side))
            contact.agent = None
            contact.target = None
            contact.extra_legs.clear()
            self._forget_if_done(contact)
        self._refused.clear()
        accounts = (
            self._agent_account, self._outside_account, *self._trunk_srtp_accounts.values(),
            self._account,
        )  # fmt: skip
        for account in {id(a): a for a in accounts}.values():
            try:
                account.shutdown()
            except pj.Error:
                log.debug("account shutdown failed", exc_info=True)
        self._trunk_srtp_accounts.clear()
        del self._account, self._agent_account, self._outside_account, accounts, account
        self._endpoint.libDestroy()
        self._report_closed(wait=False)
        self.control.close()


def _connect(one: _Leg | None, other: _Leg | None) -> None:
    """Both legs hear each other (when both have active audio)."""
    if one is None or other is None or one.media is None or other.media is None:
        return
    one.media.startTransmit(other.media)
    other.media.startTransmit(one.media)


def _disconnect(one: _Leg | None, other: _Leg | None) -> None:
    if one is None or other is None or one.media is None or other.media is None:
        return
    try:
        one.media.stopTransmit(other.media)
        other.media.stopTransmit(one.media)
    except pj.Error:
        log.debug("stopTransmit between legs failed", exc_info=True)


def _header(message: str, wanted: str) -> str | None:
    """A header's value in an INVITE (``wanted`` in lower case): ``X-Vaxla-Session`` of an
    agent's outbound call, ``X-Vaxla-Source`` from the SIP front."""
    head = message.split("\r\n\r\n", 1)[0]
    for line in head.split("\r\n")[1:]:
        name, colon, value = line.partition(":")
        if colon and name.strip().lower() == wanted:
            return value.strip()[:200] or None
    return None


def _refusal(code: int, why: Literal["full", "stopping"]) -> Any:
    """A refusal of the worker's own (not the call flow's): the SIP front, seeing
    ``X-Vaxla-Worker``, offers the caller to the next worker instead of passing it on."""
    param = _param(code)
    param.reason = "No room in this media worker" if why == "full" else "Media worker stopping"
    header = pj.SipHeader()
    header.hName = WORKER_HEADER
    header.hValue = why
    param.txOption.headers.append(header)
    return param


def _param(code: int) -> Any:
    param = pj.CallOpParam(True)
    param.statusCode = code
    return param


def _address(text: str) -> tuple[str, int]:
    host, separator, port = text.rpartition(":")
    if not separator or not host or not port.isdigit():
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {text!r}")
    return host.strip("[]"), int(port)


def _network(text: str) -> Network:
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def parse_args(argv: Sequence[str] | None = None) -> WorkerConfig:
    parser = argparse.ArgumentParser(
        prog="python -m vaxla_server.media.worker", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--sip-port", type=int, required=True, help="UDP port for SIP")
    parser.add_argument("--bind", default="127.0.0.1", help="address for SIP and RTP")
    parser.add_argument("--control", type=_address, required=True, help="server HOST:PORT")
    parser.add_argument("--worker-id", required=True, help="prefix of this worker's call ids")
    parser.add_argument(
        "--allow",
        type=_network,
        action="append",
        default=[],
        help="trunk network callers may come from (repeat); others get 403",
    )
    parser.add_argument("--max-calls", type=int, default=MAX_CALLS, help="call legs (1-32)")
    parser.add_argument(
        "--legs-per-contact",
        type=int,
        default=LEGS_PER_CONTACT,
        help="legs held back for each caller (caller, agent, consultation)",
    )
    parser.add_argument("--rtp-port", type=int, default=0, help="first RTP port (0: pjsua's)")
    parser.add_argument("--rtp-ports", type=int, default=0, help="RTP ports from --rtp-port")
    parser.add_argument("--media-address", help="address for RTP (default: --bind)")
    parser.add_argument("--proxy", help="the SIP front's URI every outgoing call goes through")
    parser.add_argument(
        "--rtp-timeout", type=float, default=0.0, help="end a call after S s without RTP (0: never)"
    )
    parser.add_argument(
        "--session-expires", type=int, default=0, help="RFC 4028 interval in s (0: pjsua's)"
    )
    parser.add_argument(
        "--srtp", default="off", choices=SRTP_MODES, help="SRTP on agent legs (default: off)"
    )
    parser.add_argument(
        "--log-level", default="WARNING", choices=["DEBUG", "INFO", "WARNING", "ERROR"]
    )
    parser.add_argument(
        "--pjsip-log-level", type=int, default=1, choices=range(7), help="pjsip's own (0-6)"
    )
    args = parser.parse_args(argv)
    if not re.fullmatch(r"[A-Za-z0-9_]{1,32}", args.worker_id):
        parser.error(f"worker id must be 1-32 letters, digits or _: {args.worker_id!r}")
    if not 0 <= args.sip_port <= 65535:
        parser.error(f"SIP port must be 0-65535: {args.sip_port}")
    if not 1 <= args.max_calls <= MAX_CALLS:
        parser.error(f"max calls must be 1-{MAX_CALLS}: {args.max_calls}")
    if not 1 <= args.legs_per_contact <= MAX_CALLS:
        parser.error(f"legs per contact must be 1-{MAX_CALLS}: {args.legs_per_contact}")
    if not 0 <= args.rtp_port <= 65535 or args.rtp_ports < 0:
        parser.error(f"RTP ports must lie within 0-65535: {args.rtp_port}+{args.rtp_ports}")
    if args.rtp_timeout < 0:
        parser.error(f"RTP timeout must be 0 or more seconds: {args.rtp_timeout}")
    return WorkerConfig(
        worker_id=args.worker_id,
        sip_port=args.sip_port,
        control=args.control,
        allowed=tuple(args.allow),
        bind=args.bind,
        max_calls=args.max_calls,
        log_level=args.log_level,
        pjsip_log_level=args.pjsip_log_level,
        rtp_port=args.rtp_port,
        rtp_ports=args.rtp_ports,
        media_address=args.media_address,
        proxy=args.proxy,
        legs_per_contact=args.legs_per_contact,
        rtp_timeout=args.rtp_timeout,
        session_expires=args.session_expires,
        srtp=args.srtp,
    )


def main(argv: Sequence[str] | None = None) -> int:
    config = parse_args(argv)
    logging.basicConfig(
        level=config.log_level,
        format=f"%(asctime)s {config.worker_id} %(levelname)s %(message)s",
    )
    try:
        control = Control(config.control)
        worker = MediaWorker(config, control)
    except WorkerError as error:
        print(f"media worker {config.worker_id}: {error}", file=sys.stderr)
        return 2

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        worker.stop()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    worker.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
