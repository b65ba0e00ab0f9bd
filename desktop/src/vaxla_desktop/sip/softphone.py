"""The agent's softphone: one pjsua2 endpoint that rings only for the server's offers.

pjsua2 runs with no threads of its own (``threadCnt = 0``, ``mainThreadOnly``); whoever
owns the softphone calls :meth:`Softphone.pump` often (a 10 ms QTimer in the app), and
every pjsua2 callback runs inside that call and comes out as one typed event through
the ``on_event`` callback. Nothing here knows about Qt, so the tests drive it directly.

With :meth:`Softphone.use_tls_front` the phone registers with the server's SIP front
over TLS (the front's certificate must have the pinned fingerprint, the API's: a
connection that presents another is shut down in its handshake callback, before
anything is sent over it) and is rung over that connection; SRTP follows the server's
policy, and pjsua offers SRTP only over TLS (``srtpSecureSignaling`` 1).

An incoming INVITE rings only when it carries an ``X-Vaxla-Offer`` header made with the
key of the agent's current session (:mod:`vaxla_protocol.offers`); anything else is
answered 403 and reported as :class:`Refused`. ``Call`` objects are dropped as soon as
pjsua2 reports them disconnected, and :meth:`Softphone.close` hangs up what is left and
waits for it before destroying the library: a ``Call`` alive after ``libDestroy()``
aborts the process.
"""

import hashlib
import itertools
import logging
import re
import ssl
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import pjsua2 as pj

from vaxla_desktop.core.phone_events import (
    AudioRouteChanged,
    Connected,
    Dialling,
    DtmfReceived,
    Ended,
    FrontChanged,
    HoldChanged,
    Refused,
    Ringing,
    SoftphoneEvent,
)
from vaxla_desktop.sip.audio import AudioChoice, AudioDevice, AudioRoute, AudioSwitch
from vaxla_desktop.sip.portaudio import (
    DEFAULT_PLAYBACK,
    PortAudioSound,
    SoundDeviceError,
    open_portaudio,
)
from vaxla_desktop.sip.sound_port import CallSoundPort, SoundFactory, retire
from vaxla_protocol.offers import OFFER_HEADER, InvalidOfferToken, verify_offer_header
from vaxla_protocol.outbound import SipCredentials, SrtpMode

__all__ = [
    "AudioRouteChanged",
    "Connected",
    "Dialling",
    "DtmfReceived",
    "Ended",
    "FrontChanged",
    "HoldChanged",
    "Refused",
    "Ringing",
    "Softphone",
    "SoftphoneError",
    "SoftphoneEvent",
    "TlsFront",
]

log = logging.getLogger(__name__)

_HEADER_LINE = re.compile(rf"^{re.escape(OFFER_HEADER)}[ \t]*:[ \t]*(.*?)\r?$", re.I | re.M)
MAX_CALLS = 32  # the wheel's compile-time PJSUA_MAX_CALLS
# PortAudio's devices are released after this long with no call and no ring.
SOUND_IDLE_S = 30.0


_SRTP_USE = {
    "off": pj.PJMEDIA_SRTP_DISABLED,
    "optional": pj.PJMEDIA_SRTP_OPTIONAL,
    "mandatory": pj.PJMEDIA_SRTP_MANDATORY,
}
REGISTRATION_S = 300
"""How long a registration with the front lasts; pjsua refreshes it before."""


class SoftphoneError(Exception):
    """The softphone could not start or could not do what was asked."""


@dataclass(frozen=True, slots=True)
class TlsFront:
    """The server's SIP front over TLS (``AgentPhone.tls_uri``), the SHA-256
    fingerprint its certificate must have (the API's pin) and the SRTP policy."""

    uri: str
    fingerprint: str
    srtp: SrtpMode = "off"

    @property
    def host_port(self) -> str:
        return self.uri.removeprefix("sip:").split(";", 1)[0]


def certificate_fingerprint(pem: str) -> str | None:
    """The SHA-256 fingerprint (``AB:CD:…``) of a PEM certificate; ``None`` if none."""
    try:
        der = ssl.PEM_cert_to_DER_cert(pem.strip())
    except ValueError:
        return None
    return ":".join(f"{byte:02X}" for byte in hashlib.sha256(der).digest())


EventSink = Callable[[SoftphoneEvent], None]
KeySource = Callable[[], str | None]


def _offer_header(whole_message: str) -> str | None:
    head = whole_message.split("\r\n\r\n", 1)[0]
    match = _HEADER_LINE.search(head)
    return match.group(1) if match else None


def _tones(parts: list[tuple[int, int, int]]) -> Any:
    """(Hz, on ms, off ms) parts as pjsua2's ``ToneDescVector``."""
    tones = pj.ToneDescVector()
    for frequency, on_ms, off_ms in parts:
        tone = pj.ToneDesc()
        tone.freq1 = frequency
        tone.freq2 = 0
        tone.on_msec = on_ms
        tone.off_msec = off_ms
        tones.append(tone)
    return tones


class _Call(pj.Call):  # type: ignore[misc]
    """pjsua2 calls back by its own (camelCase) method names."""

    def __init__(self, phone: "Softphone", number: int, account: Any, call_id: int) -> None:
        super().__init__(account, call_id)
        self.phone = phone
        self.number = number
        self.connected = False
        self.hung_up_locally = False
        self.on_hold = False
        self.muted = False
        self.media: Any = None

    def onCallState(self, prm: Any) -> None:
        info = self.getInfo()
        if info.state == pj.PJSIP_INV_STATE_CONFIRMED and not self.connected:
            # Connected once the ACK is through, not at the 200: hold (a re-INVITE)
            # is refused by pjsip until then, and the agent may press it at once.
            self.connected = True
            self.phone._emit(Connected(self.number))
        elif info.state == pj.PJSIP_INV_STATE_DISCONNECTED:
            self.phone._ended(self, int(info.lastStatusCode), info.lastReason)

    def onCallMediaState(self, prm: Any) -> None:
        info = self.getInfo()
        for index, media in enumerate(info.media):
            if media.type != pj.PJMEDIA_TYPE_AUDIO:
                continue
            if media.status == pj.PJSUA_CALL_MEDIA_ACTIVE:
                self.media = self.getAudioMedia(index)
                self.phone._connect_audio(self)
                if self.on_hold:
                    self.on_hold = False
                    self.phone._emit(HoldChanged(self.number, False))
            elif (
                media.status in (pj.PJSUA_CALL_MEDIA_LOCAL_HOLD, pj.PJSUA_CALL_MEDIA_NONE)
                and self.connected
                and not self.on_hold
            ):
                self.on_hold = True
                self.phone._emit(HoldChanged(self.number, True))

    def onDtmfDigit(self, prm: Any) -> None:
        self.phone._emit(DtmfReceived(self.number, prm.digit))


class _Account(pj.Account):  # type: ignore[misc]
    def __init__(self, phone: "Softphone") -> None:
        super().__init__()
        self.phone = phone

    def onIncomingCall(self, prm: Any) -> None:
        self.phone._incoming(self, prm)

    def onRegState(self, prm: Any) -> None:
        self.phone._registration(int(prm.code), str(prm.reason), int(prm.expiration))


class _Endpoint(pj.Endpoint):  # type: ignore[misc]
    def __init__(self, phone: "Softphone") -> None:
        super().__init__()
        self.phone = phone

    def onTransportState(self, prm: Any) -> None:
        self.phone._transport_state(prm)


class Softphone:
    """A pjsua2 user agent bound to ``bind``:``port`` (0 picks a free port).

    ``session_key`` gives the key of the agent's current session (``None`` when logged
    out: every INVITE is refused then). ``audio=False`` uses pjsua2's null device, as on
    servers and in tests.

    When pjsua2 lists no sound devices (its wheel has no sound backend), calls' audio goes
    through a :class:`~vaxla_desktop.sip.sound_port.CallSoundPort` to the stream that
    ``sound`` opens: PortAudio unless given (and none with ``audio=False`` unless given).
    With PortAudio, its devices are the ones the agent chooses among (and fall back
    from); they are opened for an offer, an outbound call or the sound settings, and
    released after ``sound_idle_s`` (on ``clock``) with no call and no ring. No stream at
    all leaves calls without sound.
    """

    _open: ClassVar["Softphone | None"] = None
    """The softphone open in this process (pjsua2 allows one Endpoint)."""

    def __init__(
        self,
        on_event: EventSink,
        session_key: KeySource,
        *,
        bind: str = "127.0.0.1",
        port: int = 0,
        audio: bool = True,
        user: str = "vaxla",
        sound: SoundFactory | None = None,
        clock: Callable[[], float] = time.monotonic,
        sound_idle_s: float = SOUND_IDLE_S,
    ) -> None:
        if Softphone._open is not None:
            # pjsua2 has one Endpoint per process: a second one aborts the process.
            raise SoftphoneError(
                "a softphone is open in this program already (at "
                f"{Softphone._open.address}); close it before starting another"
            )
        self._on_event = on_event
        self._clock = clock
        self._sound_idle_s = sound_idle_s
        self._quiet_since: float | None = None
        self._session_key = session_key
        self._calls: dict[int, _Call] = {}
        self._numbers = itertools.count(1)
        self._sound_port: CallSoundPort | None = None
        self._portaudio: PortAudioSound | None = None
        self._endpoint = _Endpoint(self)
        self._endpoint.libCreate()
        self._tls: TlsFront | None = None
        self._tls_transport: int | None = None
        self._agent_id: str | None = None
        self._refused_certificate: str | None = None
        try:
            config = pj.EpConfig()
            config.uaConfig.threadCnt = 0
            config.uaConfig.mainThreadOnly = True
            config.uaConfig.maxCalls = MAX_CALLS
            config.uaConfig.userAgent = "Vaxla desktop"
            config.logConfig.level = 1
            config.logConfig.consoleLevel = 1
            config.medConfig.noVad = True
            self._endpoint.libInit(config)
            transport = pj.TransportConfig()
            transport.boundAddress = bind
            transport.port = port
            self._transport = self._endpoint.transportCreate(pj.PJSIP_TRANSPORT_UDP, transport)
            self._audio = AudioSwitch(self._endpoint.audDevManager(), enabled=audio)
            if not audio:
                self._endpoint.audDevManager().setNullDev()
            self._endpoint.libStart()
            # No sound devices at all (a server, a VM) falls to the null device here.
            self._audio.use(AudioChoice())
            self._sound_port = self._open_sound(
                sound or (open_portaudio if audio else None), config.medConfig.clockRate
            )
            if self._sound_port is not None and isinstance(self._sound_port.stream, PortAudioSound):
                # The agent's devices are PortAudio's: choose, ring and fall back there.
                self._portaudio = self._sound_port.stream
                self._portaudio.sleep()  # until a call needs it (see PortAudioSound)
                self._audio = AudioSwitch(self._portaudio)
                self._audio.use(AudioChoice())
            self._ring_tone: Any = None
            self._ring_on = False
            info = self._endpoint.transportGetInfo(self._transport)
            self.address: str = info.localName  # "HOST:PORT"
            self._user = user
            self._credentials: SipCredentials | None = None
            self._account = _Account(self)
            self._account.create(self._account_config(), True)
        except pj.Error as error:
            self._close_sound()
            self._endpoint.libDestroy()
            self._retire_sound()
            raise SoftphoneError(f"the softphone could not start: {error.info()}") from None
        self.contact = f"sip:{user}@{self.address}"
        Softphone._open = self
        log.info("softphone listening at %s", self.contact)

    @classmethod
    def open_one(cls) -> "Softphone | None":
        """The softphone open in this process, if any (there can be one: pjsua2's
        Endpoint is a singleton)."""
        return cls._open

    def _account_config(self) -> Any:
        """The account: no registration (UDP: the server rings the contact), or one
        with the front over TLS; digest credentials once the server gave some."""
        account = pj.AccountConfig()
        account.idUri = f"sip:{self._user}@{self.address}"
        account.regConfig.registrarUri = ""
        tls = self._tls
        if tls is not None and self._tls_transport is not None:
            account.idUri = f"sip:{self._agent_id}@{tls.host_port}"
            account.regConfig.registrarUri = f"sip:{tls.host_port};transport=tls"
            account.regConfig.timeoutSec = REGISTRATION_S
            account.regConfig.retryIntervalSec = 30
            account.sipConfig.transportId = self._tls_transport
            account.mediaConfig.srtpUse = _SRTP_USE[tls.srtp]
            account.mediaConfig.srtpSecureSignaling = 1  # SDES keys only over TLS
        if self._credentials is not None:
            given = self._credentials
            account.sipConfig.authCreds.append(
                pj.AuthCredInfo("digest", given.realm, given.username, 0, given.password)
            )
        return account

    def _use_credentials(self, credentials: SipCredentials) -> None:
        if credentials == self._credentials:
            return
        self._credentials = credentials
        try:
            self._account.modify(self._account_config())
        except pj.Error as error:
            raise SoftphoneError(f"the SIP credentials were not taken: {error.info()}") from None

    def use_tls_front(self, front: TlsFront, credentials: SipCredentials) -> str:
        """Register with the server's SIP front over TLS (its certificate pinned to
        ``front.fingerprint``) with the agent's ``credentials``, take offers over that
        connection, and return the contact to give at queue log-in
        (``sip:AGENT_ID@HOST:PORT;transport=tls``). Call it again with new credentials
        before they expire (the registration is refreshed with them)."""
        agent_id = credentials.username.rpartition(":")[2]
        if not agent_id.isdigit():
            raise SoftphoneError(f"not an agent's SIP credentials: {credentials.username!r}")
        if self._tls_transport is None:
            config = pj.TransportConfig()
            config.port = 0
            config.boundAddress = self.address.rsplit(":", 1)[0].strip("[]")
            # The pin is checked in the handshake callback (_transport_state): a
            # self-signed certificate is no CA, and pjsua knows no fingerprints.
            config.tlsConfig.verifyServer = False
            config.tlsConfig.method = pj.PJSIP_TLSV1_2_METHOD
            try:
                self._tls_transport = self._endpoint.transportCreate(pj.PJSIP_TRANSPORT_TLS, config)
            except pj.Error as error:
                raise SoftphoneError(f"no SIP over TLS: {error.info()}") from None
        changed = (front, agent_id) != (self._tls, self._agent_id)
        self._tls, self._agent_id = front, agent_id
        self._refused_certificate = None
        if changed or credentials != self._credentials:
            self._credentials = credentials
            try:
                self._account.modify(self._account_config())
            except pj.Error as error:
                raise SoftphoneError(f"cannot register over TLS: {error.info()}") from None
        self.contact = f"sip:{agent_id}@{front.host_port};transport=tls"
        return self.contact

    @property
    def tls_front(self) -> TlsFront | None:
        return self._tls

    # Driving

    @property
    def closed(self) -> bool:
        """Whether ``close`` has destroyed the library (nothing may be pumped then)."""
        return not hasattr(self, "_endpoint")

    def pump(self, max_ms: int = 0) -> None:
        """Let pjsua2 handle what has arrived; callbacks become events during this call."""
        self._endpoint.libHandleEvents(max_ms)

    @property
    def calls(self) -> list[int]:
        return sorted(self._calls)

    # Call control

    def answer(self, call: int) -> None:
        self._op(call, lambda c: c.answer(self._param(200)))

    def decline(self, call: int) -> None:
        """Refuse a ringing offer (486 Busy Here: the server offers it to someone else)."""
        self._hangup(call, 486)

    def hangup(self, call: int) -> None:
        self._hangup(call, 0)

    def hold(self, call: int) -> None:
        self._op(call, lambda c: c.setHold(pj.CallOpParam(True)))

    def resume(self, call: int) -> None:
        param = pj.CallOpParam(True)
        param.opt.flag = pj.PJSUA_CALL_UNHOLD
        self._op(call, lambda c: c.reinvite(param))

    def set_muted(self, call: int, muted: bool) -> None:
        """Stop (or start again) sending the microphone to the call."""
        target = self._existing(call)
        target.muted = muted
        self._connect_audio(target)

    def send_dtmf(self, call: int, digits: str) -> None:
        if not digits or any(d not in "0123456789*#ABCD" for d in digits):
            raise SoftphoneError(f"not DTMF digits: {digits!r} (use 0-9, *, #, A-D)")
        self._op(call, lambda c: c.dialDtmf(digits))

    def transfer(self, call: int, target_uri: str) -> None:
        """Blind transfer (REFER) of the call to ``target_uri``."""
        self._op(call, lambda c: c.xfer(target_uri, pj.CallOpParam(True)))

    def attended_transfer(self, call: int, consultation: int) -> None:
        """Join the caller on ``call`` with the party on ``consultation`` (REFER/Replaces)."""
        other = self._existing(consultation)
        self._op(call, lambda c: c.xferReplaces(other, pj.CallOpParam(True)))

    def dial(
        self,
        uri: str,
        headers: Mapping[str, str] | None = None,
        credentials: SipCredentials | None = None,
    ) -> int:
        """Call ``uri`` (a ``sip:`` URI) with extra SIP ``headers`` (an outbound call's
        ``X-Vaxla-Session``), answering a challenge with ``credentials`` (the server's
        for this call: they replace any given before); the number of the new call."""
        if credentials is not None:
            self._use_credentials(credentials)
        number = next(self._numbers)
        call = _Call(self, number, self._account, pj.PJSUA_INVALID_ID)
        param = pj.CallOpParam(True)
        for name, value in (headers or {}).items():
            header = pj.SipHeader()
            header.hName = name
            header.hValue = value
            param.txOption.headers.append(header)
        self._wake_sound()
        try:
            call.makeCall(uri, param)
        except pj.Error as error:
            message = f"could not call {uri}: {error.info()}"
        else:
            self._calls[number] = call
            self._emit(Dialling(number, uri))
            return number
        del call
        raise SoftphoneError(message)

    # Sound: devices, the ring and the auto-answer tone

    def audio_devices(self, *, look_again: bool = False) -> list[AudioDevice]:
        """The sound devices there are now (none with ``audio=False``).

        ``look_again`` (the agent opened the sound settings) has PortAudio look for
        devices plugged in since it started, when no call is up and nothing rings: that
        closes and reopens the streams."""
        if look_again and self._portaudio is not None and not self._calls and not self._ring_on:
            self._quiet_since = None
            self._portaudio.rescan()  # wakes it, if asleep: it sleeps again when quiet
        return self._audio.devices()

    def use_audio(self, choice: AudioChoice) -> None:
        """Use the agent's chosen devices (the default for any that is not there)."""
        self._emit_route(self._audio.use(choice))

    def check_audio_devices(self) -> None:
        """Look for devices that came or went (call it every few seconds); a device that
        disappeared mid-call gives way to the system default, reported as an event."""
        route = self._audio.check()
        if route is not None:
            self._emit_route(route)
        self._rest_sound()

    def _rest_sound(self) -> None:
        """Let PortAudio sleep once nothing has needed sound for ``sound_idle_s``."""
        if self._portaudio is None or not self._portaudio.awake:
            return
        if self._calls or self._ring_on:
            self._quiet_since = None
            return
        now = self._clock()
        if self._quiet_since is None:
            self._quiet_since = now
        elif now - self._quiet_since >= self._sound_idle_s:
            if self._portaudio.sleep():
                log.info("sound devices let go: no call for %.0f s", self._sound_idle_s)
            self._quiet_since = None

    def _wake_sound(self) -> None:
        """A call is coming or going out: open the devices (if they were released)."""
        self._quiet_since = None
        if self._portaudio is not None and not self._portaudio.awake:
            self._portaudio.wake()
            self._emit_route(self._audio.reroute())  # the devices there are now

    @property
    def ringing(self) -> bool:
        return self._ring_on

    def set_ringing(self, ringing: bool) -> None:
        """Play the ring (425 Hz, 1 s in 5, as Swedish ringing) on the ringer device."""
        if ringing == self._ring_on:
            return
        self._ring_on = ringing
        if self._portaudio is not None:  # its ringer stream makes the ring
            if ringing:
                self._wake_sound()
            self._portaudio.ring(ringing)
            return
        connected = any(call.connected for call in self._calls.values())
        self._audio.set_ringing(ringing and not connected)
        if ringing:
            self._play_tone(_tones([(425, 1000, 4000)]), loop=True)
        else:
            self._stop_tone()

    def play_answer_tone(self) -> None:
        """Two short beeps: the call was answered automatically."""
        self._ring_on = False
        if self._portaudio is not None:
            self._portaudio.ring(False)
        self._audio.set_ringing(False)
        self._play_tone(_tones([(880, 120, 80), (880, 120, 80)]), loop=False)

    def _play_tone(self, tones: Any, *, loop: bool) -> None:
        self._stop_tone()
        try:
            tone = pj.ToneGenerator()
            tone.createToneGenerator()
            tone.play(tones, loop)
            tone.startTransmit(self._speaker())
        except pj.Error as error:
            # No sound to play it on is no reason to miss the call.
            log.warning("cannot play a tone: %s", error.info())
            return
        self._ring_tone = tone

    def _stop_tone(self) -> None:
        tone, self._ring_tone = self._ring_tone, None
        if tone is None:
            return
        try:
            tone.stop()
        except pj.Error:
            log.debug("stopping the tone failed", exc_info=True)

    def _emit_route(self, route: AudioRoute) -> None:
        if self._portaudio is not None:
            self._use_ringer(self._portaudio, route)
        self._emit(
            AudioRouteChanged(
                capture=self._audio.name_of(route.capture),
                playback=self._audio.name_of(route.playback),
                ringer=self._audio.name_of(route.ringer),
                missing=route.missing,
                no_devices=route.no_devices,
            )
        )

    @staticmethod
    def _use_ringer(portaudio: PortAudioSound, route: AudioRoute) -> None:
        """PortAudio rings on a stream of its own, on the route's ringer (or the default)."""
        ringer = DEFAULT_PLAYBACK if route.no_devices else route.ringer
        for index in dict.fromkeys((ringer, DEFAULT_PLAYBACK)):
            try:
                portaudio.setRingerDev(index)
            except SoundDeviceError as error:
                log.warning("%s", error)
            else:
                return
        # No sound to ring on is no reason to miss the call: offers show on screen.

    def close(self, *, max_wait_ms: int = 2000) -> None:
        """Hang up every call, wait for them to end, and destroy the library."""
        self._stop_tone()
        for number in list(self._calls):
            self._hangup(number, 0, quiet=True)
        waited = 0
        while self._calls and waited < max_wait_ms:
            self.pump(10)
            waited += 10
        if self._calls:
            # Still alive after the wait: drop them all the same, or libDestroy aborts.
            log.warning("%d call(s) did not end in time; dropping them", len(self._calls))
            self._calls.clear()
        try:
            self._account.shutdown()
        except pj.Error:
            log.debug("account shutdown failed", exc_info=True)
        del self._account
        self._close_sound()
        self._endpoint.libDestroy()
        self._retire_sound()
        # pjsua2's Endpoint is a singleton: the destroyed one must go before another
        # softphone in this process (a later login, the next test) makes a new one.
        del self._endpoint
        self._audio.detach()
        if Softphone._open is self:
            Softphone._open = None

    # Internals called from pjsua2 callbacks

    def _emit(self, event: SoftphoneEvent) -> None:
        try:
            self._on_event(event)
        except Exception:
            # An exception must not unwind into pjsua2's C++ frames.
            log.exception("softphone event handler failed on %r", event)

    def _transport_state(self, prm: Any) -> None:
        """A TLS connection came up: shut it down unless its certificate is the pinned
        one (pjsip sends nothing over it before this returns)."""
        tls = self._tls
        if tls is None or prm.state != pj.PJSIP_TP_STATE_CONNECTED:
            return
        if "TLS" not in str(prm.type).upper():
            return
        info = prm.tlsInfo
        presented = certificate_fingerprint(str(info.remoteCertInfo.raw)) if info else None
        if presented == tls.fingerprint:
            return
        self._refused_certificate = presented or "(none)"
        log.error(
            "the SIP front %s presented a certificate with fingerprint %s, not the pinned %s: "
            "connection refused", tls.host_port, presented, tls.fingerprint,
        )  # fmt: skip
        try:
            self._endpoint.transportShutdown(prm.hnd)
        except pj.Error:
            log.debug("shutting the TLS connection down failed", exc_info=True)
        self._emit(
            FrontChanged(
                False,
                f"the server's SIP front presented another certificate ({presented})",
                certificate=True,
            )
        )

    def _registration(self, code: int, reason: str, expiration: int) -> None:
        if self._tls is None:
            return
        registered = 200 <= code < 300 and expiration > 0
        if registered:
            log.info("registered over TLS at %s", self._tls.host_port)
        elif self._refused_certificate is None:
            log.warning("registration over TLS at %s: %d %s", self._tls.host_port, code, reason)
        if self._refused_certificate is not None and not registered:
            return  # said already, with the reason that matters
        self._emit(FrontChanged(registered, f"{code} {reason}"))

    def _incoming(self, account: Any, prm: Any) -> None:
        number = next(self._numbers)
        call = _Call(self, number, account, prm.callId)
        source = prm.rdata.srcAddress
        key = self._session_key()
        refusal: str | None = None
        try:
            if key is None:
                raise InvalidOfferToken("not logged in: no offer can be valid")
            offer_id = verify_offer_header(key, _offer_header(prm.rdata.wholeMsg))
        except InvalidOfferToken as error:
            # Only the words leave the handler: the error's traceback holds this frame
            # and so the Call, which must not outlive the library (see _op).
            refusal = str(error)
        if refusal is not None:
            log.warning("refused a call from %s: %s", source, refusal)
            call.hung_up_locally = True
            self._calls[number] = call
            call.answer(self._param(403))
            self._emit(Refused(source, refusal))
            return
        self._calls[number] = call
        self._wake_sound()  # before the ring and the answer
        call.answer(self._param(180))
        remote = call.getInfo().remoteUri
        self._emit(Ringing(number, offer_id, remote))

    def _ended(self, call: _Call, code: int, reason: str) -> None:
        if self._calls.pop(call.number, None) is None:
            return
        call.media = None
        refused = code == 403 and call.hung_up_locally and not call.connected
        if not refused:
            self._emit(
                Ended(call.number, "local" if call.hung_up_locally else "remote", code, reason)
            )

    def _connect_audio(self, call: _Call) -> None:
        if call.media is None:
            return
        self._audio.set_ringing(False)  # talking happens on the speaker
        capture = self._microphone()
        playback = self._speaker()
        call.media.startTransmit(playback)
        if call.muted:
            capture.stopTransmit(call.media)
        else:
            capture.startTransmit(call.media)

    # Sound through a CallSoundPort when pjsua2 has no devices of its own

    def _open_sound(self, factory: SoundFactory | None, clock_rate: int) -> CallSoundPort | None:
        if factory is None or self._audio.devices():
            return None
        stream = factory(clock_rate)
        if stream is None:
            log.warning("no sound devices: calls connect without sound")
            return None
        try:
            port = CallSoundPort(stream, clock_rate)
        except pj.Error as error:
            stream.close()
            log.warning("no sound: cannot add the sound port (%s)", error.info())
            return None
        log.info("pjsua2 has no sound devices; call audio goes through %s", type(stream).__name__)
        return port

    def _close_sound(self) -> None:
        """Before ``libDestroy()``: the stream closes, the port falls silent."""
        if self._sound_port is not None:
            self._sound_port.detach()

    def _retire_sound(self) -> None:
        """After ``libDestroy()``: the port is never freed (see ``sound_port.retire``)."""
        if self._sound_port is not None:
            retire(self._sound_port)
            self._sound_port = None

    def _speaker(self) -> Any:
        if self._sound_port is not None:
            return self._sound_port
        return self._endpoint.audDevManager().getPlaybackDevMedia()

    def _microphone(self) -> Any:
        if self._sound_port is not None:
            return self._sound_port
        return self._endpoint.audDevManager().getCaptureDevMedia()

    @staticmethod
    def _param(code: int) -> Any:
        param = pj.CallOpParam(True)
        param.statusCode = code
        return param

    def _existing(self, number: int) -> _Call:
        try:
            return self._calls[number]
        except KeyError:
            raise SoftphoneError(f"no call {number} (it may have ended)") from None

    # A SoftphoneError must not hold a pjsua2 Call: it is raised outside the ``except``
    # (no chained pj.Error whose traceback keeps the call's frame) and after ``del``,
    # because a Call that outlives libDestroy (kept by a log record, say) aborts.

    def _op(self, number: int, action: Callable[[_Call], None]) -> None:
        call = self._existing(number)
        try:
            action(call)
        except pj.Error as error:
            message = f"call {number}: {error.info()}"
        else:
            return
        del call
        raise SoftphoneError(message)

    def _hangup(self, number: int, code: int, *, quiet: bool = False) -> None:
        call = self._existing(number)
        call.hung_up_locally = True
        try:
            call.hangup(self._param(code))
        except pj.Error as error:
            message = f"call {number}: {error.info()}"
        else:
            return
        del call
        if not quiet:
            raise SoftphoneError(message)
