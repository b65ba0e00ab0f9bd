"""Recording a prompt from the computer's microphone (R31): 16-bit mono sound taken from
an input source in blocks, its level as it comes (for a meter), and the take as a WAV
file the server converts to its 8 kHz prompts.

The source is injectable: ``MicrophoneInput`` is the default input device through
PortAudio (``sounddevice``, as the softphone and prompt playback use); anything with its
``open`` may stand in (a test feeds a WAV file). The source calls back on its own thread,
so what it gives is kept under a lock and read by the UI's thread.
"""

import array
import importlib
import io
import threading
import wave
from collections.abc import Callable
from typing import Protocol

RATE = 16_000
"""Samples a second taken from the microphone (the server makes them 8 kHz)."""
MAX_SECONDS = 300.0
"""The longest take kept; sound after it is dropped (``Recorder.full`` says so)."""

Block = Callable[[bytes], None]


class RecordingError(Exception):
    """The microphone could not be opened; the message says why."""


class InputHandle(Protocol):
    def close(self) -> None: ...


class InputSource(Protocol):
    def open(self, rate: int, on_block: Block) -> InputHandle:
        """Start giving ``on_block`` 16-bit mono blocks at ``rate`` until closed."""
        ...


class MicrophoneInput:
    """The default input device through PortAudio."""

    def open(self, rate: int, on_block: Block) -> InputHandle:
        try:
            sounddevice = importlib.import_module("sounddevice")
        except OSError as error:  # PortAudio's library is missing
            raise RecordingError(f"no microphone: {error}") from None

        def callback(data: object, _frames: int, _time: object, _status: object) -> None:
            on_block(bytes(data))  # type: ignore[call-overload]

        try:
            stream = sounddevice.RawInputStream(
                samplerate=rate, channels=1, dtype="int16", callback=callback
            )
            stream.start()
        except sounddevice.PortAudioError as error:
            raise RecordingError(f"no microphone: {error}") from None
        return _Stream(stream)


class _Stream:
    def __init__(self, stream: object) -> None:
        self._stream = stream

    def close(self) -> None:
        self._stream.stop()  # type: ignore[attr-defined]
        self._stream.close()  # type: ignore[attr-defined]


def peak(block: bytes) -> float:
    """The loudest sample of a 16-bit block, from 0 (silence) to 1 (full scale)."""
    samples = array.array("h", block[: len(block) - len(block) % 2])
    if not samples:
        return 0.0
    return min(1.0, max(abs(min(samples)), max(samples)) / 32768)


class Recorder:
    """One take at a time: ``start``, then ``stop`` gives it as a WAV file. ``level`` is
    the peak of the latest block (for a meter); ``seconds`` how long the take is."""

    def __init__(self, source: InputSource, rate: int = RATE) -> None:
        self.source = source
        self.rate = rate
        self._lock = threading.Lock()
        self._blocks: list[bytes] = []
        self._bytes = 0
        self._level = 0.0
        self._handle: InputHandle | None = None
        self.full = False

    @property
    def recording(self) -> bool:
        return self._handle is not None

    @property
    def level(self) -> float:
        with self._lock:
            return self._level

    @property
    def seconds(self) -> float:
        with self._lock:
            return self._bytes / (2 * self.rate)

    def start(self) -> None:
        with self._lock:
            self._blocks, self._bytes, self._level, self.full = [], 0, 0.0, False
        self._handle = self.source.open(self.rate, self._take)

    def stop(self) -> bytes:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
        with self._lock:
            self._level = 0.0
            return wav(b"".join(self._blocks), self.rate)

    def _take(self, block: bytes) -> None:
        with self._lock:
            if self._bytes + len(block) > MAX_SECONDS * 2 * self.rate:
                self.full = True
                return
            self._blocks.append(block)
            self._bytes += len(block)
            self._level = peak(block)


def wav(frames: bytes, rate: int) -> bytes:
    """16-bit mono ``frames`` as a WAV file."""
    out = io.BytesIO()
    with wave.open(out, "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(2)
        file.setframerate(rate)
        file.writeframes(frames)
    return out.getvalue()
