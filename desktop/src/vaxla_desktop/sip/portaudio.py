"""The agent's own microphone, speaker and ringer through PortAudio (``sounddevice``).

pjsua2's wheel has no sound backend (see :mod:`~vaxla_desktop.sip.sound_port`), so
calls reach the sound card through a conference port and :class:`PortAudioSound`. It is
two things at once:

- the port's :class:`~vaxla_desktop.sip.sound_port.SoundStream`: what the call says goes
  to a ring buffer that the output stream plays, and what the microphone hears comes
  from one that the input stream fills;
- a device manager with the methods of pjsua2's ``AudDevManager`` that
  :class:`~vaxla_desktop.sip.audio.AudioSwitch` uses, so choosing devices, ringing on a
  separate ringer and falling back to the default work as they would on pjsua2's own
  devices.

The microphone and the speaker are separate PortAudio streams, so they may be different
devices (a headset's microphone with a desk speaker) and one may fail alone. The ring is
a third stream on the ringer device, open and silent beside them, which makes its own
Swedish ring tone while :meth:`ring` says so: the speaker's stream stays as it is, so
the caller's first words are not lost to a device switch at answer (opening a stream
takes up to two seconds on some hosts, ALSA's PulseAudio plugin among them).

**A device that disappears.** An unplugged USB headset, a sound server that dies: the
stream stops by itself (PortAudio reports its host's error by ending the stream).
:meth:`PortAudioSound.refreshDevs`, which the switch calls every few seconds, finds a
stream that is no longer active without being told to stop, counts its device as *lost*
and lists it with no channels, so the switch routes to the system default (and says
which device went). A lost device stays lost until the agent chooses devices again: a
device that failed once is not tried again behind the agent's back every two seconds.
Closing a dead stream can block inside some hosts (PortAudio's JACK host waits for a
server that is gone), so streams are closed on a helper thread that is given
``close_timeout_s``; one that does not finish is left behind, logged, and PortAudio is
not re-initialised again in this process (that would wait for it too).

**Two clocks.** The sound card's clock and the conference bridge's (the computer's) are
never quite the same, so one side slowly gets ahead. A ring buffer that holds more than
``LATE_MS`` (the other side ran ahead, or stalled for a moment) is cut back to
``KEEP_MS`` of the newest sound: a tiny skip now and then instead of a delay that grows
through an eight-hour day. A side that runs short plays silence until sound comes.

**Asleep while idle.** With no call and no ring the app needs no sound, and holding the
devices open costs: a Bluetooth headset with an open microphone stays in its low-quality
headset mode for everything else the agent hears, and PortAudio's device probe keeps
libraries loaded (about 12 MB here, with ALSA's plugins). :meth:`sleep` closes the
streams and shuts PortAudio down, remembering the devices; :meth:`wake` starts it again,
looks at the devices afresh and opens the streams on the same ones (the default for one
that is gone). The softphone wakes it for an offer, an outbound call or the sound
settings, and lets it sleep after a quiet spell. Asleep, choosing devices only remembers
them.

**New devices.** PortAudio lists devices once, when it is initialised. :meth:`rescan`
closes the streams, re-initialises it and opens them again on the same devices (by name):
the app does that when the agent opens the sound settings with no call up.
"""

import array
import atexit
import importlib
import logging
import math
import sys
import threading
from dataclasses import dataclass
from typing import Any

from vaxla_desktop.sip.sound_port import FRAME_MS, SAMPLE_BYTES, RingBuffer

log = logging.getLogger(__name__)

# pjmedia's "the system default" indices, which AudioSwitch passes for "no choice".
DEFAULT_CAPTURE = -1
DEFAULT_PLAYBACK = -2

# Where PortAudio lists one device once per host API, list only the one agents should
# use. Windows: MME, DirectSound, WASAPI and WDM-KS all list every device.
PREFERRED_HOST_API = {"win32": "Windows WASAPI"}

# ALSA lists its configuration's aliases beside the cards: other names for the default
# (the dialog's "System default" is that), speaker layouts, digital outputs and format
# converters. Agents choose among the cards and the sound servers ("pulse", "pipewire").
ALSA_ALIASES = frozenset(
    {
        "a52",
        "center_lfe",
        "default",
        "dmix",
        "dsnoop",
        "front",
        "hdmi",
        "iec958",
        "jack",
        "lavrate",
        "modem",
        "oss",
        "phoneline",
        "rear",
        "samplerate",
        "side",
        "spdif",
        "speex",
        "speexrate",
        "surround21",
        "surround40",
        "surround41",
        "surround50",
        "surround51",
        "surround71",
        "sysdefault",
        "upmix",
        "usbstream",
        "vdownmix",
    }
)

# The most sound a ring buffer may hold before it is cut back, and what is kept then.
LATE_MS = 120
KEEP_MS = 40

# The ring: 425 Hz, one second in five (Swedish ringing), at a quarter of full scale.
RING_HZ = 425
RING_ON_S = 1
RING_PERIOD_S = 5
RING_AMPLITUDE = 8192


class SoundDeviceError(Exception):
    """A sound device could not be opened; the text says which and why."""


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    """A device as pjsua2's ``AudioDevInfo`` names its fields (what AudioSwitch reads)."""

    name: str
    driver: str
    inputCount: int  # pjsua2's names
    outputCount: int

    @property
    def key(self) -> str:
        return f"{self.driver}/{self.name}"


@dataclass(slots=True)
class _Side:
    """One stream: the device it is on (``None``: the default; ``""``: none) and itself."""

    kind: str  # "microphone", "speaker" or "ringer"
    key: str | None = ""
    stream: Any = None


class PortAudioSound:
    """PortAudio streams for the calls' sound, switchable between devices.

    ``sounddevice`` is the module (a scripted one in unit tests). Nothing is opened until
    the switch sets the devices; ``setNullDev`` closes both streams.
    """

    def __init__(
        self,
        sounddevice: Any,
        clock_rate: int,
        *,
        buffer_ms: int = 200,
        close_timeout_s: float = 1.0,
        platform: str = sys.platform,
    ) -> None:
        self._sd = sounddevice
        self.clock_rate = clock_rate
        self._blocksize = clock_rate * FRAME_MS // 1000
        capacity = clock_rate * buffer_ms // 1000 * SAMPLE_BYTES
        self.to_speaker = RingBuffer(capacity)
        self.from_microphone = RingBuffer(capacity)
        self._late = clock_rate * LATE_MS // 1000 * SAMPLE_BYTES
        self._keep = clock_rate * KEEP_MS // 1000 * SAMPLE_BYTES
        self._close_timeout_s = close_timeout_s
        self._platform = platform
        self._input = _Side("microphone")
        self._output = _Side("speaker")
        self._ringer = _Side("ringer")
        self._ring_sample = 0
        self._ring_on = False
        self._lost: set[str] = set()
        self._stuck = 0  # streams that did not close (see the module docstring)
        self.awake = True  # importing sounddevice started PortAudio
        self.generation = 0  # grows when the device indices may have changed
        self._devices: list[DeviceInfo] = []
        self._ids: list[int] = []  # PortAudio's index of each listed device
        self._defaults: tuple[int, int] = (-1, -1)
        self._scan()

    # The device list

    def _scan(self) -> None:
        devices = list(self._sd.query_devices())
        host_apis = list(self._sd.query_hostapis())
        names = [api["name"] for api in host_apis]
        preferred = PREFERRED_HOST_API.get(self._platform)
        only = names.index(preferred) if preferred in names else None
        listed: list[DeviceInfo] = []
        ids: list[int] = []
        for index, device in enumerate(devices):
            if only is not None and device["hostapi"] != only:
                continue
            if names[device["hostapi"]] == "ALSA" and device["name"] in ALSA_ALIASES:
                continue
            listed.append(
                DeviceInfo(
                    name=device["name"],
                    driver=names[device["hostapi"]],
                    inputCount=int(device["max_input_channels"]),
                    outputCount=int(device["max_output_channels"]),
                )
            )
            ids.append(index)
        if only is not None:
            api = host_apis[only]
            self._defaults = (api["default_input_device"], api["default_output_device"])
        else:
            default_in, default_out = self._sd.default.device
            self._defaults = (int(default_in), int(default_out))
        self._devices, self._ids = listed, ids
        self.generation += 1

    def rescan(self, *, forget_lost: bool = True) -> bool:
        """Look for devices plugged in (or made the default) since the last look;
        ``False`` when PortAudio cannot be re-initialised now (a stream that would not
        close). The streams open again on the same devices, or the default for a device
        that is gone."""
        if not self.sleep():
            log.info("not looking for sound devices again: a lost device's stream is open")
            return False
        return self.wake(forget_lost=forget_lost)

    def sleep(self) -> bool:
        """Close the streams and shut PortAudio down until :meth:`wake`; ``False`` when it
        cannot be shut down (a stream that would not close)."""
        if not self.awake:
            return True
        if self._stuck:
            return False
        sides = (self._input, self._output, self._ringer)
        keys = [side.key for side in sides]
        for side in sides:
            self._close(side)
        if self._stuck:
            return False
        for side, key in zip(sides, keys, strict=True):
            side.key = key  # opened again on wake
        try:
            self._sd._terminate()
        except Exception as error:  # PortAudioError: stay awake, nothing is lost
            log.warning("cannot release the sound devices: %s", error)
            self._reopen()
            return False
        self.awake = False
        return True

    def wake(self, *, forget_lost: bool = False) -> bool:
        """Start PortAudio again, look at the devices and open the streams; ``False``
        (logged) when PortAudio will not start: calls then connect without sound."""
        if self.awake:
            return True
        try:
            self._sd._initialize()
        except Exception as error:  # PortAudioError
            log.warning("cannot open the sound devices: %s", error)
            return False
        self.awake = True
        self._scan()
        if forget_lost:
            self._lost.clear()
        self._reopen()
        return True

    def _reopen(self) -> None:
        for side in (self._input, self._output, self._ringer):
            if side.stream is not None or side.key == "":
                continue
            try:
                self._open(side, self._index_of(side.key, side))
            except SoundDeviceError as error:
                if side.key is None:
                    log.warning("%s; the %s is silent", error, side.kind)
                    continue
                log.warning("%s; using the system default", error)
                try:
                    self._open(side, self._index_of(None, side))
                except SoundDeviceError as default_error:
                    log.warning("%s; the %s is silent", default_error, side.kind)

    def _index_of(self, key: str | None, side: _Side) -> int:
        if key is None or key in self._lost:
            return DEFAULT_CAPTURE if side is self._input else DEFAULT_PLAYBACK
        for index, device in enumerate(self._devices):
            if device.key == key:
                return index
        return DEFAULT_CAPTURE if side is self._input else DEFAULT_PLAYBACK

    # What AudioSwitch calls (pjsua2's AudDevManager's names)

    def refreshDevs(self) -> None:
        """Find streams that stopped by themselves: their devices are lost from now on,
        and PortAudio looks again, since the system's default may have changed with them
        (a headset that was the default, unplugged)."""
        sides = (self._input, self._output, self._ringer)
        died = [side for side in sides if side.stream is not None and not side.stream.active]
        for side in died:
            log.warning("the %s (%s) stopped working", side.kind, side.key or "the system default")
            if side.key is not None:
                self._lost.add(side.key)
            self._close(side)
        if died:
            self.rescan(forget_lost=False)

    def enumDev2(self) -> list[DeviceInfo]:
        """The devices, lost ones with no channels (so the indices stay as they were)."""
        return [
            DeviceInfo(device.name, device.driver, 0, 0) if device.key in self._lost else device
            for device in self._devices
        ]

    def setCaptureDev(self, index: int) -> None:
        self._open(self._input, index)

    def setPlaybackDev(self, index: int) -> None:
        self._open(self._output, index)

    def setNullDev(self) -> None:
        for side in (self._input, self._output, self._ringer):
            self._close(side)
            side.key = ""

    def setRingerDev(self, index: int) -> None:
        """Keep a stream open on the ringer device (silent until :meth:`ring`), so a ring
        is heard at once: opening a stream takes up to two seconds on some hosts."""
        self._open(self._ringer, index)

    def ring(self, on: bool) -> None:
        """Start (from the beginning of a burst) or stop the ring."""
        if on and not self._ring_on:
            self._ring_sample = 0
        self._ring_on = on

    @property
    def ringing_on(self) -> str | None:
        """The ringer's device while it rings (``None``: the default; ``""``: silent)."""
        return self._ringer.key if self._ring_on and self._ringer.stream is not None else ""

    def forget_lost(self) -> None:
        """The agent chose devices again: a lost device may be tried once more."""
        self._lost.clear()

    @property
    def lost(self) -> frozenset[str]:
        return frozenset(self._lost)

    @property
    def open_devices(self) -> tuple[str | None, str | None]:
        """The keys of the microphone's and the speaker's open streams (``None``: the
        default; ``""``: closed)."""

        def key(side: _Side) -> str | None:
            return side.key if side.stream is not None else ""

        return key(self._input), key(self._output)

    # The SoundStream side (the conference port's thread)

    def write(self, pcm: bytes) -> None:
        self.to_speaker.write(pcm)

    def read(self, n: int) -> bytes:
        if len(self.from_microphone) > self._late:
            self.from_microphone.trim(self._keep)
        return self.from_microphone.read(n)

    def close(self) -> None:
        self.ring(False)
        self.setNullDev()
        if self._stuck:
            # sounddevice's exit handler terminates PortAudio, which would wait for the
            # stream that did not close: the process would never end.
            atexit.unregister(self._sd._exit_handler)

    # Streams

    def _open(self, side: _Side, index: int) -> None:
        default = DEFAULT_CAPTURE if side is self._input else DEFAULT_PLAYBACK
        if index == default:
            key, device_id = None, self._defaults[0 if side is self._input else 1]
            if not self.awake:
                side.key = key  # opened on wake
                return
            if device_id < 0:
                self._close(side)
                side.key = None
                raise SoundDeviceError(f"there is no default {side.kind}")
        else:
            if not 0 <= index < len(self._devices):
                raise SoundDeviceError(f"there is no sound device {index}")
            key, device_id = self._devices[index].key, self._ids[index]
            if not self.awake:
                side.key = key  # opened on wake
                return
        if side.stream is not None and side.key == key and side.stream.active:
            return
        self._close(side)
        side.key = key
        if side is self._input:
            self.from_microphone.clear()  # heard on the other device, before the switch
        try:
            if side is self._input:
                stream = self._sd.RawInputStream(
                    device=device_id, callback=self._heard, **self._format()
                )
            else:
                callback = self._play if side is self._output else self._ring
                stream = self._sd.RawOutputStream(
                    device=device_id, callback=callback, **self._format()
                )
            stream.start()
        except Exception as error:  # PortAudioError, ValueError (bad device or rate)
            name = key or "the system default"
            raise SoundDeviceError(f"cannot open {name} as the {side.kind}: {error}") from None
        side.stream = stream
        log.info("the %s is %s", side.kind, key or "the system default")

    def _format(self) -> dict[str, Any]:
        return {
            "samplerate": self.clock_rate,
            "channels": 1,
            "dtype": "int16",
            "blocksize": self._blocksize,
            # A phone call wants little delay; PortAudio's "high" also ran short of real
            # time on ALSA's PulseAudio plugin (about 10,000 of 16,000 frames a second).
            "latency": "low",
        }

    def _close(self, side: _Side) -> None:
        stream, side.stream = side.stream, None
        if stream is None:
            return

        def close() -> None:
            try:
                stream.abort()
                stream.close()
            except Exception:
                log.debug("closing a sound stream failed", exc_info=True)

        closer = threading.Thread(target=close, name="vaxla-sound-close", daemon=True)
        closer.start()
        closer.join(self._close_timeout_s)
        if closer.is_alive():
            self._stuck += 1
            _LEFT_OPEN.append(stream)
            log.warning(
                "the %s's stream did not close within %.1f s; it is left as it is",
                side.kind,
                self._close_timeout_s,
            )

    # PortAudio's callback threads

    def _heard(self, indata: Any, frames: int, time: Any, status: Any) -> None:
        self.from_microphone.write(bytes(indata))

    def _play(self, outdata: Any, frames: int, time: Any, status: Any) -> None:
        if len(self.to_speaker) > self._late:
            self.to_speaker.trim(self._keep)
        pcm = self.to_speaker.read(len(outdata))
        outdata[:] = pcm + bytes(len(outdata) - len(pcm))

    def _ring(self, outdata: Any, frames: int, time: Any, status: Any) -> None:
        if not self._ring_on:
            outdata[:] = bytes(len(outdata))
            return
        outdata[:] = ring_tone(self._ring_sample, frames, self.clock_rate)
        self._ring_sample += frames


def ring_tone(start: int, frames: int, clock_rate: int) -> bytes:
    """``frames`` samples of the ring from sample ``start``: 425 Hz for one second in five."""
    period = RING_PERIOD_S * clock_rate
    on = RING_ON_S * clock_rate
    step = 2 * math.pi * RING_HZ / clock_rate
    samples = array.array(
        "h",
        (
            int(RING_AMPLITUDE * math.sin(step * n)) if n % period < on else 0
            for n in range(start, start + frames)
        ),
    )
    return samples.tobytes()


# Streams whose close never returned: kept so that nothing frees them under PortAudio.
_LEFT_OPEN: list[Any] = []


def open_portaudio(clock_rate: int) -> PortAudioSound | None:
    """PortAudio's devices, or ``None`` (logged) when PortAudio is not there at all."""
    try:
        sounddevice = importlib.import_module("sounddevice")
    except ImportError:
        log.warning("no sound: the sounddevice package is not installed")
        return None
    except OSError as error:  # the package is there, the PortAudio library is not
        log.warning("no sound: PortAudio cannot be loaded (%s)", error)
        return None
    try:
        if not sounddevice._initialized:  # a softphone before this one let it go
            sounddevice._initialize()
        sound = PortAudioSound(sounddevice, clock_rate)
    except Exception as error:  # PortAudioError while listing
        log.warning("no sound: PortAudio cannot list the sound devices (%s)", error)
        return None
    if not sound.enumDev2():
        log.warning("no sound: PortAudio finds no sound devices")
        sound.sleep()  # nothing to hold PortAudio's libraries for
        return None
    return sound
