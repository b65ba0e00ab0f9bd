"""The agent's devices over PortAudio (:mod:`vaxla_desktop.sip.portaudio`), driven by
:class:`~vaxla_desktop.sip.audio.AudioSwitch` as the softphone drives it.

A scripted ``sounddevice`` module stands in for PortAudio here: devices that stop
working, refuse to open, or never close. The same code on real PortAudio devices (sound
servers that really go away) is in ``test_sound_devices.py``.
"""

import array
import atexit
import itertools
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from vaxla_desktop.sip.audio import DEFAULT_PLAYBACK, AudioChoice, AudioSwitch
from vaxla_desktop.sip.portaudio import PortAudioSound, ring_tone

HEADSET = {"name": "Jabra Evolve", "hostapi": 0, "max_input_channels": 1, "max_output_channels": 2}
LAPTOP = {"name": "Built-in", "hostapi": 0, "max_input_channels": 2, "max_output_channels": 2}
HDMI = {"name": "HDMI", "hostapi": 0, "max_input_channels": 0, "max_output_channels": 2}
CHOICE = AudioChoice(
    microphone="ALSA/Jabra Evolve", speaker="ALSA/Jabra Evolve", ringer="ALSA/HDMI"
)


class ScriptedStream:
    def __init__(self, module: "ScriptedSoundDevice", kind: str, **options: Any) -> None:
        self.module = module
        self.kind = kind
        self.device: int = options["device"]
        self.options = options
        self.active = False
        self.closed = False
        if self.device in module.refuse:
            raise module.PortAudioError(f"Error opening {kind}: Device unavailable [-9985]")

    def start(self) -> None:
        self.active = True
        self.module.opened.append((self.kind, self.device))

    def abort(self) -> None:
        if self.device in self.module.hang_on_close:
            self.module.release.wait()
        self.active = False

    def close(self) -> None:
        self.closed = True


@dataclass
class ScriptedSoundDevice:
    """``sounddevice`` as PortAudioSound uses it."""

    devices: list[dict[str, Any]]
    defaults: tuple[int, int] = (1, 1)
    host_apis: list[str] = field(default_factory=lambda: ["ALSA"])
    refuse: set[int] = field(default_factory=set)
    hang_on_close: set[int] = field(default_factory=set)
    opened: list[tuple[str, int]] = field(default_factory=list)
    streams: list[ScriptedStream] = field(default_factory=list)
    initialised: int = 0
    plugged_in: list[dict[str, Any]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    class PortAudioError(Exception):
        pass

    @property
    def default(self) -> Any:
        return type("Default", (), {"device": self.defaults})()

    def query_devices(self) -> list[dict[str, Any]]:
        return list(self.devices)

    def query_hostapis(self) -> list[dict[str, Any]]:
        return [
            {"name": name, "default_input_device": self.defaults[0] if i == 0 else -1,
             "default_output_device": self.defaults[1] if i == 0 else -1}
            for i, name in enumerate(self.host_apis)
        ]  # fmt: skip

    def RawInputStream(self, **options: Any) -> ScriptedStream:
        self.streams.append(ScriptedStream(self, "input", **options))
        return self.streams[-1]

    def RawOutputStream(self, **options: Any) -> ScriptedStream:
        self.streams.append(ScriptedStream(self, "output", **options))
        return self.streams[-1]

    def _terminate(self) -> None:
        assert all(s.closed for s in self.streams), "PortAudio terminated under open streams"

    def _initialize(self) -> None:
        self.initialised += 1
        self.devices += self.plugged_in
        self.plugged_in = []

    def _exit_handler(self) -> None:
        pass

    def open_streams(self) -> dict[str, int]:
        return {s.kind: s.device for s in self.streams if s.active and not s.closed}

    def stream(self, kind: str) -> ScriptedStream:
        (found,) = [s for s in self.streams if s.kind == kind and s.active and not s.closed]
        return found


@pytest.fixture
def module() -> Iterator[ScriptedSoundDevice]:
    module = ScriptedSoundDevice([HEADSET, LAPTOP, HDMI])
    yield module
    module.release.set()


def switch_over(module: ScriptedSoundDevice, **options: Any) -> tuple[PortAudioSound, AudioSwitch]:
    sound = PortAudioSound(module, 16000, platform="linux", **options)
    return sound, AudioSwitch(sound)


def test_devices_are_listed_by_host_api_and_name(module: ScriptedSoundDevice) -> None:
    _sound, switch = switch_over(module)
    devices = switch.devices()
    assert [(d.key, d.inputs, d.outputs) for d in devices] == [
        ("ALSA/Jabra Evolve", 1, 2),
        ("ALSA/Built-in", 2, 2),
        ("ALSA/HDMI", 0, 2),
    ]
    assert module.open_streams() == {}  # nothing opens before a route is chosen


def test_windows_lists_each_device_once_from_wasapi() -> None:
    module = ScriptedSoundDevice(
        [
            {**HEADSET, "hostapi": 0},  # MME
            {**HEADSET, "hostapi": 1},  # WASAPI
            {**LAPTOP, "hostapi": 1},
        ],
        host_apis=["MME", "Windows WASAPI"],
    )
    sound = PortAudioSound(module, 16000, platform="win32")
    assert [d.key for d in sound.enumDev2()] == [
        "Windows WASAPI/Jabra Evolve",
        "Windows WASAPI/Built-in",
    ]


def test_the_chosen_microphone_speaker_and_ringer_are_opened(module: ScriptedSoundDevice) -> None:
    sound, switch = switch_over(module)
    switch.use(CHOICE)
    assert module.open_streams() == {"input": 0, "output": 0}
    switch.set_ringing(True)  # an offer rings on the HDMI screen's speaker
    assert module.open_streams() == {"input": 0, "output": 2}
    switch.set_ringing(False)  # answered: the talk is in the headset
    assert module.open_streams() == {"input": 0, "output": 0}
    assert sound.open_devices == ("ALSA/Jabra Evolve", "ALSA/Jabra Evolve")


def test_sound_moves_between_the_call_and_the_streams(module: ScriptedSoundDevice) -> None:
    sound, switch = switch_over(module)
    switch.use(CHOICE)
    sound.write(b"\x01\x02" * 100)  # the caller, from the conference port
    speaker = bytearray(640)
    module.stream("output").options["callback"](speaker, 320, None, None)
    assert bytes(speaker) == b"\x01\x02" * 100 + bytes(440)
    module.stream("input").options["callback"](b"\x05\x06" * 320, 320, None, None)
    assert sound.read(10_000) == b"\x05\x06" * 320
    assert module.stream("input").options["blocksize"] == 320  # 20 ms at 16 kHz


def test_a_headset_that_stops_mid_call_gives_way_to_the_default(
    module: ScriptedSoundDevice,
) -> None:
    sound, switch = switch_over(module)
    switch.use(CHOICE)
    headset_out, headset_in = module.stream("output"), module.stream("input")
    headset_out.active = headset_in.active = False  # unplugged: PortAudio ended both
    route = switch.check()
    assert route is not None and route.missing == ("ALSA/Jabra Evolve",)
    assert module.open_streams() == {"input": 1, "output": 1}  # the laptop, the default
    assert headset_out.closed and headset_in.closed
    assert module.initialised == 1  # PortAudio looked again: the default may have moved
    assert sound.lost == {"ALSA/Jabra Evolve"}
    assert [d.outputCount for d in sound.enumDev2()] == [0, 2, 2]  # indices kept
    sound.write(b"\x07\x08" * 320)  # the call goes on, on the laptop
    speaker = bytearray(640)
    module.stream("output").options["callback"](speaker, 320, None, None)
    assert bytes(speaker) == b"\x07\x08" * 320
    assert switch.check() is None  # no flapping: nothing changes on the next look
    assert module.open_streams() == {"input": 1, "output": 1}


def test_a_lost_device_is_tried_again_only_when_chosen_again(
    module: ScriptedSoundDevice,
) -> None:
    sound, switch = switch_over(module)
    switch.use(CHOICE)
    module.stream("output").active = False
    switch.check()
    assert module.open_streams()["output"] == 1
    switch.use(CHOICE)  # the agent picked the headset again (it is back)
    assert module.open_streams() == {"input": 0, "output": 0}
    assert sound.lost == frozenset()


def test_the_default_stopping_is_opened_again_after_portaudio_looks_again(
    module: ScriptedSoundDevice,
) -> None:
    sound, switch = switch_over(module)
    switch.use(AudioChoice())
    module.stream("output").active = False
    module.defaults = (0, 0)  # the system's default is now the headset
    switch.check()
    assert module.open_streams() == {"input": 0, "output": 0}
    assert sound.lost == frozenset()  # "the default" is never lost


def test_a_device_that_will_not_open_falls_back_to_the_default(
    module: ScriptedSoundDevice,
) -> None:
    module.refuse = {0}
    _sound, switch = switch_over(module)
    switch.use(CHOICE)
    assert module.open_streams() == {"input": 1, "output": 1}


def test_with_nothing_that_opens_the_streams_close_and_calls_go_on_silent(
    module: ScriptedSoundDevice,
) -> None:
    module.refuse = {0, 1}
    sound, switch = switch_over(module)
    switch.use(CHOICE)
    assert module.open_streams() == {}
    sound.write(b"\x01" * 640)  # the port keeps writing; nothing breaks
    assert sound.read(640) == b""


def test_a_stream_that_never_closes_is_left_and_portaudio_is_not_reset(
    module: ScriptedSoundDevice, monkeypatch: pytest.MonkeyPatch
) -> None:
    module.hang_on_close = {0}
    sound, switch = switch_over(module, close_timeout_s=0.05)
    switch.use(CHOICE)
    module.stream("output").active = False
    switch.check()  # closing the dead headset hangs: left behind, the laptop opens
    assert module.open_streams()["output"] == 1
    assert module.initialised == 0
    assert sound.rescan() is False
    unregistered: list[object] = []
    monkeypatch.setattr(atexit, "unregister", unregistered.append)
    sound.close()
    assert unregistered == [module._exit_handler]  # the exit would wait for it too


def test_looking_again_finds_a_device_plugged_in_and_keeps_the_streams(
    module: ScriptedSoundDevice,
) -> None:
    usb = {"name": "USB Speakerphone", "hostapi": 0, "max_input_channels": 1,
           "max_output_channels": 1}  # fmt: skip
    sound, switch = switch_over(module)
    switch.use(CHOICE)
    module.plugged_in = [usb]
    assert sound.rescan() is True
    assert [d.key for d in switch.devices()][-1] == "ALSA/USB Speakerphone"
    assert module.open_streams() == {"input": 0, "output": 0}
    switch.use(AudioChoice(microphone="ALSA/USB Speakerphone", speaker="ALSA/USB Speakerphone"))
    assert module.open_streams() == {"input": 3, "output": 3}


def test_the_ringer_has_its_own_stream_that_rings_only_when_told(
    module: ScriptedSoundDevice,
) -> None:
    sound, switch = switch_over(module)
    switch.use(CHOICE)
    sound.setRingerDev(2)  # the HDMI screen's speaker
    outputs = [s for s in module.streams if s.kind == "output" and s.active]
    assert sorted(s.device for s in outputs) == [0, 2]  # the headset stays open
    ringer = next(s for s in outputs if s.device == 2)
    block = bytearray(640)
    ringer.options["callback"](block, 320, None, None)
    assert bytes(block) == bytes(640) and sound.ringing_on == ""  # silent until an offer
    sound.ring(True)
    ringer.options["callback"](block, 320, None, None)
    assert bytes(block) == ring_tone(0, 320, 16000) and sound.ringing_on == "ALSA/HDMI"
    sound.ring(False)
    ringer.options["callback"](block, 320, None, None)
    assert bytes(block) == bytes(640)


def test_the_ring_is_425_hz_for_one_second_in_five() -> None:
    rate = 8000
    pcm = array.array("h", ring_tone(0, 5 * rate, rate))
    on, off = pcm[:rate], pcm[rate:]
    rises = sum(1 for a, b in itertools.pairwise(on) if a < 0 <= b)
    assert abs(rises - 425) <= 1
    assert max(on) > 8000 and not any(off)
    assert ring_tone(5 * rate, 10, rate) == ring_tone(0, 10, rate)  # and again


def test_a_ringer_that_stops_working_is_lost_like_the_others(
    module: ScriptedSoundDevice,
) -> None:
    sound, switch = switch_over(module)
    switch.use(CHOICE)
    sound.setRingerDev(2)
    next(s for s in module.streams if s.device == 2).active = False
    route = switch.check()
    assert route is not None and route.missing == ("ALSA/HDMI",)
    assert route.ringer == DEFAULT_PLAYBACK


def test_a_speaker_that_falls_behind_is_cut_back_to_a_short_delay(
    module: ScriptedSoundDevice,
) -> None:
    sound, switch = switch_over(module)
    switch.use(CHOICE)
    frame = 640  # 20 ms at 16 kHz
    for n in range(7):  # the bridge got 140 ms ahead of the sound card
        sound.write(bytes([n]) * frame)
    speaker = bytearray(frame)
    module.stream("output").options["callback"](speaker, 320, None, None)
    # More than 120 ms waiting: only the newest 40 ms are kept, and play now.
    assert bytes(speaker) == bytes([5]) * frame
    assert len(sound.to_speaker) == frame and sound.to_speaker.dropped == 5 * frame
    for n in range(5):  # 100 ms ahead is within bounds: nothing is dropped
        sound.write(bytes([n]) * frame)
    module.stream("output").options["callback"](speaker, 320, None, None)
    assert bytes(speaker) == bytes([6]) * frame and sound.to_speaker.dropped == 5 * frame


def test_a_microphone_ahead_of_the_call_is_cut_back_too(module: ScriptedSoundDevice) -> None:
    sound, switch = switch_over(module)
    switch.use(CHOICE)
    heard = module.stream("input").options["callback"]
    for n in range(10):  # 200 ms of the agent's voice the bridge has not taken yet
        heard(bytes([n]) * 640, 320, None, None)
    assert sound.read(640) == bytes([8]) * 640  # the oldest 160 ms are gone
    assert sound.read(640) == bytes([9]) * 640
    assert sound.read(640) == b""


def test_alsa_s_aliases_are_not_listed_beside_the_cards() -> None:
    def alsa(name: str) -> dict[str, Any]:
        return {**LAPTOP, "name": name}

    names = ["HDA Intel PCH: ALC3246 Analog (hw:0,0)", "sysdefault", "front", "surround51"]
    names += ["dmix", "pulse", "default", "Jabra EVOLVE 30 II: USB Audio (hw:1,0)"]
    module = ScriptedSoundDevice([alsa(name) for name in names], defaults=(6, 6))
    sound = PortAudioSound(module, 16000, platform="linux")
    assert [d.name for d in sound.enumDev2()] == [
        "HDA Intel PCH: ALC3246 Analog (hw:0,0)",
        "pulse",
        "Jabra EVOLVE 30 II: USB Audio (hw:1,0)",
    ]
    switch = AudioSwitch(sound)
    switch.use(AudioChoice(speaker="ALSA/Jabra EVOLVE 30 II: USB Audio (hw:1,0)"))
    assert module.open_streams() == {"input": 6, "output": 7}  # PortAudio's own indices


def test_asleep_it_holds_no_device_and_opens_the_chosen_ones_on_waking(
    module: ScriptedSoundDevice,
) -> None:
    sound, switch = switch_over(module)
    switch.use(CHOICE)
    sound.setRingerDev(2)
    assert sound.sleep() is True
    assert module.open_streams() == {} and not sound.awake  # PortAudio shut down too
    switch.use(AudioChoice(microphone="ALSA/Built-in", speaker="ALSA/Built-in"))
    assert module.open_streams() == {}  # asleep, a choice is only remembered
    module.plugged_in = [HDMI | {"name": "USB Speakerphone"}]
    assert sound.wake() is True
    assert module.initialised == 1 and sound.awake
    assert [d.key for d in sound.enumDev2()][-1] == "ALSA/USB Speakerphone"  # looked again
    assert sorted(s.device for s in module.streams if s.active and not s.closed) == [1, 1, 2]


def test_waking_without_a_remembered_device_uses_the_default(
    module: ScriptedSoundDevice,
) -> None:
    sound, switch = switch_over(module)
    switch.use(CHOICE)
    sound.sleep()
    module.devices = [LAPTOP]  # the headset went while nobody needed sound
    module.defaults = (0, 0)
    sound.wake()
    assert module.open_streams() == {"input": 0, "output": 0}  # the laptop
    route = switch.check()
    assert route is not None and route.missing == ("ALSA/Jabra Evolve", "ALSA/HDMI")


def test_it_cannot_sleep_with_a_stream_that_never_closed(module: ScriptedSoundDevice) -> None:
    module.hang_on_close = {0}
    sound, switch = switch_over(module, close_timeout_s=0.05)
    switch.use(CHOICE)
    module.stream("output").active = False
    switch.check()
    assert sound.sleep() is False and sound.awake
    assert module.open_streams() == {"input": 1, "output": 1}  # still working on the laptop
