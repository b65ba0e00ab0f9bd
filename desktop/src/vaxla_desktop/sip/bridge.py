"""The one bridge between the softphone (pjsua2) and Qt's event loop.

pjsua2 runs without threads of its own; a 10 ms QTimer pumps it on the GUI thread, so
every softphone callback arrives here already on that thread and leaves as the
``sig_event`` signal. A slower timer looks for sound devices that came or went.
Widgets never touch pjsua2: they emit signals that :func:`connect_panel` routes here.
"""

import logging
from collections.abc import Callable, Mapping

from PySide6.QtCore import QObject, QTimer, Signal

from vaxla_desktop.core.phone_events import SoftphoneEvent
from vaxla_desktop.sip.audio import AudioChoice, AudioDevice
from vaxla_desktop.sip.softphone import KeySource, Softphone, SoftphoneError, TlsFront
from vaxla_protocol.outbound import SipCredentials

log = logging.getLogger(__name__)

PUMP_MS = 10
DEVICE_CHECK_MS = 2000


class SoftphoneBridge(QObject):
    """Owns the :class:`Softphone` for one run; ``sig_error`` carries a failed action's
    message for the agent (a call that ended meanwhile, a DTMF digit refused)."""

    sig_event = Signal(object)  # SoftphoneEvent
    sig_error = Signal(str)

    def __init__(
        self,
        session_key: KeySource,
        *,
        bind: str = "0.0.0.0",
        port: int = 0,
        audio: bool = True,
        user: str = "vaxla",
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.softphone = Softphone(
            self._on_event, session_key, bind=bind, port=port, audio=audio, user=user
        )
        self._pump = QTimer(self)
        self._pump.setInterval(PUMP_MS)
        self._pump.timeout.connect(self._on_pump)
        self._pump.start()
        self._devices = QTimer(self)
        self._devices.setInterval(DEVICE_CHECK_MS)
        self._devices.timeout.connect(self.softphone.check_audio_devices)
        self._devices.start()

    @property
    def contact(self) -> str:
        """Where the server sends offers (``AgentLoginRequest.sip_contact``)."""
        return self.softphone.contact

    @property
    def over_tls(self) -> bool:
        """Whether the phone is registered (or registering) with the front over TLS."""
        return self.softphone.tls_front is not None

    def use_tls_front(self, front: TlsFront, credentials: SipCredentials) -> None:
        """Register over TLS with the server's front (again, with fresh credentials)."""
        self._do("SIP over TLS", lambda: self.softphone.use_tls_front(front, credentials))

    def _on_event(self, event: SoftphoneEvent) -> None:
        self.sig_event.emit(event)

    def _on_pump(self) -> None:
        if self.softphone.closed:
            # Closed without the bridge (a test's guard, a failed start): stop pumping
            # rather than raise from the event loop every 10 ms.
            self._pump.stop()
            self._devices.stop()
            return
        self.softphone.pump(0)

    def _do(self, what: str, action: Callable[[], object]) -> None:
        try:
            action()
        except SoftphoneError as error:
            message = str(error)  # the text only: the error object is not kept
            log.warning("%s: %s", what, message)
            self.sig_error.emit(message)

    # Slots the panel's signals connect to

    def answer(self, call: int) -> None:
        self._do("answer", lambda: self.softphone.answer(call))

    def decline(self, call: int) -> None:
        self._do("decline", lambda: self.softphone.decline(call))

    def hang_up(self, call: int) -> None:
        self._do("hang up", lambda: self.softphone.hangup(call))

    def set_held(self, call: int, held: bool) -> None:
        if held:
            self._do("hold", lambda: self.softphone.hold(call))
        else:
            self._do("resume", lambda: self.softphone.resume(call))

    def set_muted(self, call: int, muted: bool) -> None:
        self._do("mute", lambda: self.softphone.set_muted(call, muted))

    def send_dtmf(self, call: int, digits: str) -> None:
        self._do("DTMF", lambda: self.softphone.send_dtmf(call, digits))

    def dial(
        self,
        uri: str,
        headers: Mapping[str, str] | None = None,
        credentials: SipCredentials | None = None,
    ) -> None:
        self._do("dial", lambda: self.softphone.dial(uri, headers, credentials))

    def set_ringing(self, ringing: bool) -> None:
        self.softphone.set_ringing(ringing)

    def play_answer_tone(self) -> None:
        self.softphone.play_answer_tone()

    def audio_devices(self) -> list[AudioDevice]:
        """For the sound settings: PortAudio looks again for devices plugged in."""
        return self.softphone.audio_devices(look_again=True)

    def use_audio(self, choice: AudioChoice) -> None:
        self.softphone.use_audio(choice)

    def close(self) -> None:
        """Stop pumping, hang up and destroy pjsua2 (once; before the app exits)."""
        self._pump.stop()
        self._devices.stop()
        self.softphone.close()
