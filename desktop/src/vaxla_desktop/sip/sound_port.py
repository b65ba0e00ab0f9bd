"""Call audio through a sound library when pjsua2 itself has no sound devices.

The ``pjsua2-python`` wheel is built without any sound backend (``PJMEDIA_HAS_SOUND 0``):
its device manager lists no devices anywhere, so the conference bridge runs on the null
device and the agent would hear nothing. :class:`CallSoundPort` is a conference port
(pjsua2's ``AudioMediaPort``) that hands each 20 ms frame the call sends to a
:class:`SoundStream` and takes the frames the call should hear from it. The bridge's
clock is the null device's own thread, so the port's callbacks run on that thread (with
the GIL, checked against SIPp); :class:`RingBuffer` carries PCM between that thread and
the sound library's.

The real stream is :class:`~vaxla_desktop.sip.portaudio.PortAudioSound`: PortAudio
through the ``sounddevice`` package, on the devices the agent chose.

PCM everywhere is mono signed 16-bit little-endian at the bridge's clock rate.
"""

import logging
import threading
from collections.abc import Callable
from typing import Any, Protocol

import pjsua2 as pj

log = logging.getLogger(__name__)

SAMPLE_BYTES = 2  # signed 16-bit mono
FRAME_MS = 20  # pjsua2's default audio frame


class SoundStream(Protocol):
    """Where the call's sound goes and where the agent's voice comes from."""

    def write(self, pcm: bytes) -> None:
        """Play ``pcm`` (what the call sends: the caller's voice)."""

    def read(self, n: int) -> bytes:
        """Up to ``n`` bytes of the agent's voice; fewer (or none) when there is no more."""

    def close(self) -> None:
        """Stop playing and recording."""


SoundFactory = Callable[[int], SoundStream | None]
"""Opens a stream at the given clock rate, or ``None`` when there is no sound to open."""


class RingBuffer:
    """A bounded byte FIFO shared by two threads.

    A writer that gets ahead (the reader stalled) overwrites the oldest bytes rather
    than growing: late sound is worse than lost sound. ``dropped`` counts the bytes lost
    that way, so a caller can see it happen.
    """

    def __init__(self, capacity: int) -> None:
        if capacity <= 0:
            raise ValueError(f"a ring buffer needs a positive capacity, not {capacity}")
        self.capacity = capacity
        self.dropped = 0
        self._data = bytearray()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._data)

    def write(self, data: bytes) -> None:
        with self._lock:
            self._data += data
            excess = len(self._data) - self.capacity
            if excess > 0:
                del self._data[:excess]
                self.dropped += excess

    def trim(self, keep: int) -> int:
        """Drop the oldest bytes so that at most ``keep`` are left; how many went."""
        with self._lock:
            excess = len(self._data) - keep
            if excess <= 0:
                return 0
            del self._data[:excess]
            self.dropped += excess
            return excess

    def clear(self) -> None:
        """Forget what is buffered (it was meant for another device)."""
        with self._lock:
            self._data.clear()

    def read(self, n: int) -> bytes:
        """Up to ``n`` of the oldest bytes (removed from the buffer)."""
        with self._lock:
            out = bytes(self._data[:n])
            del self._data[:n]
            return out


class CallSoundPort(pj.AudioMediaPort):  # type: ignore[misc]
    """A conference port between the calls and ``stream`` (see the module docstring).

    Connect it like a sound device: ``call_media.startTransmit(port)`` to hear the call,
    ``port.startTransmit(call_media)`` to speak into it.
    """

    def __init__(self, stream: SoundStream, clock_rate: int) -> None:
        super().__init__()
        self.stream = stream
        self.frame_bytes = clock_rate * FRAME_MS // 1000 * SAMPLE_BYTES
        self._silence = bytes(self.frame_bytes)
        self._failed = False
        self._detached = False
        audio = pj.MediaFormatAudio()
        audio.init(pj.PJMEDIA_FORMAT_L16, clock_rate, 1, FRAME_MS * 1000, 8 * SAMPLE_BYTES)
        self.createPort("vaxla-sound", audio)

    def detach(self) -> None:
        """Close the stream; from now on the port hears nothing and says silence."""
        if self._detached:
            return
        self._detached = True
        try:
            self.stream.close()
        except Exception:
            log.warning("closing the sound stream failed", exc_info=True)

    def onFrameReceived(self, frame: Any) -> None:
        if self._detached or frame.type != pj.PJMEDIA_FRAME_TYPE_AUDIO or not frame.size:
            return
        try:
            self.stream.write(bytes(frame.buf)[: frame.size])
        except Exception:
            self._report()

    def onFrameRequested(self, frame: Any) -> None:
        pcm = b""
        if not self._detached:
            try:
                pcm = self.stream.read(self.frame_bytes)
            except Exception:
                self._report()
        if len(pcm) < self.frame_bytes:
            pcm += self._silence[len(pcm) :]
        frame.type = pj.PJMEDIA_FRAME_TYPE_AUDIO
        frame.buf = pj.ByteVector(pcm)
        frame.size = self.frame_bytes

    def _report(self) -> None:
        # Once: this runs fifty times a second, and nothing may unwind into pjmedia.
        if not self._failed:
            self._failed = True
            log.exception("the sound stream failed; the call goes on without it")


_RETIRED: list[CallSoundPort] = []


def retire(port: CallSoundPort) -> None:
    """Keep ``port`` (detached, its library destroyed) alive for the rest of the process.

    pjsua2's ``~AudioMediaPort`` asks the conference bridge to remove the port, which
    since pjmedia 2.14 happens at the bridge's next clock tick, and then frees the port at
    once: a tick already running on the clock thread (waiting for the GIL inside one of
    the callbacks) then calls into freed memory. That crashed the test process about one
    run in four. After ``libDestroy()`` the destructor is no better (the pool it releases
    belongs to the destroyed library), so the port is never destroyed: one small object
    per softphone, which a process makes once per login.
    """
    port.thisown = False
    _RETIRED.append(port)
