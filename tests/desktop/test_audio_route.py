"""Sound device choice and its fallback, without pjsua2's devices: a scripted device
manager stands in for ``AudDevManager`` (devices that vanish, a device that refuses to
open)."""

from dataclasses import dataclass, field
from types import SimpleNamespace

import pjsua2 as pj

from vaxla_desktop.sip.audio import (
    DEFAULT_CAPTURE,
    DEFAULT_PLAYBACK,
    AudioChoice,
    AudioDevice,
    AudioRoute,
    AudioSwitch,
    route_for,
)

HEADSET = AudioDevice(0, "Jabra Evolve", "ALSA", inputs=1, outputs=2)
LAPTOP = AudioDevice(1, "Built-in", "ALSA", inputs=2, outputs=2)
HDMI = AudioDevice(2, "HDMI", "ALSA", inputs=0, outputs=2)
CHOICE = AudioChoice(microphone=HEADSET.key, speaker=HEADSET.key, ringer=LAPTOP.key)


def test_chosen_devices_are_used_by_index() -> None:
    route = route_for(CHOICE, [HEADSET, LAPTOP, HDMI])
    assert route == AudioRoute(capture=0, playback=0, ringer=1)


def test_nothing_chosen_is_the_system_default() -> None:
    route = route_for(AudioChoice(), [HEADSET, LAPTOP])
    assert route == AudioRoute(DEFAULT_CAPTURE, DEFAULT_PLAYBACK, DEFAULT_PLAYBACK)


def test_an_unplugged_device_falls_back_to_the_default_and_is_named() -> None:
    route = route_for(CHOICE, [LAPTOP])
    assert route == AudioRoute(
        capture=DEFAULT_CAPTURE, playback=DEFAULT_PLAYBACK, ringer=1, missing=(HEADSET.key,)
    )


def test_a_device_without_a_microphone_is_no_microphone() -> None:
    route = route_for(AudioChoice(microphone=HDMI.key, speaker=HDMI.key), [HDMI])
    assert (route.capture, route.playback, route.missing) == (DEFAULT_CAPTURE, 2, (HDMI.key,))


def test_no_devices_at_all_says_so() -> None:
    assert route_for(CHOICE, []).no_devices


@dataclass
class ScriptedManager:
    devices: list[AudioDevice]
    refuse: set[int] = field(default_factory=set)
    calls: list[tuple[str, int]] = field(default_factory=list)

    def refreshDevs(self) -> None:
        self.calls.append(("refresh", 0))

    def enumDev2(self) -> list[SimpleNamespace]:
        # Indices are positions, as pjsua2's: they shift when a device goes.
        return [
            SimpleNamespace(
                name=d.name, driver=d.driver, inputCount=d.inputs, outputCount=d.outputs
            )
            for d in self.devices
        ]

    def _open(self, what: str, index: int) -> None:
        if index in self.refuse:
            raise pj.Error()
        self.calls.append((what, index))

    def setCaptureDev(self, index: int) -> None:
        self._open("capture", index)

    def setPlaybackDev(self, index: int) -> None:
        self._open("playback", index)

    def setNullDev(self) -> None:
        self.calls.append(("null", 0))


def opened(manager: ScriptedManager) -> list[tuple[str, int]]:
    return [call for call in manager.calls if call[0] != "refresh"]


def test_the_switch_follows_a_device_that_disappears_mid_call() -> None:
    manager = ScriptedManager([HEADSET, LAPTOP])
    switch = AudioSwitch(manager)
    route = switch.use(CHOICE)
    assert route.missing == ()
    assert opened(manager) == [("capture", 0), ("playback", 0)]
    manager.calls.clear()
    assert switch.check() is None  # nothing changed: nothing reopened
    assert opened(manager) == []
    manager.devices = [LAPTOP]  # the headset is pulled out: the laptop is index 0 now
    fallback = switch.check()
    assert fallback is not None and fallback.missing == (HEADSET.key,)
    assert fallback.ringer == 0
    assert opened(manager) == [("capture", DEFAULT_CAPTURE), ("playback", DEFAULT_PLAYBACK)]
    manager.calls.clear()
    manager.devices = [LAPTOP, HEADSET]  # plugged in again, at a new index
    back = switch.check()
    assert back is not None and back.missing == () and back.capture == 1
    assert opened(manager) == [("capture", 1), ("playback", 1)]


def test_the_ringer_is_the_playback_device_while_ringing() -> None:
    manager = ScriptedManager([HEADSET, LAPTOP])
    switch = AudioSwitch(manager)
    switch.use(CHOICE)
    manager.calls.clear()
    switch.set_ringing(True)
    assert opened(manager) == [("capture", 0), ("playback", 1)]
    manager.calls.clear()
    switch.set_ringing(False)
    assert opened(manager) == [("capture", 0), ("playback", 0)]


def test_a_device_that_refuses_to_open_gives_way_to_the_default() -> None:
    manager = ScriptedManager([HEADSET, LAPTOP], refuse={0})
    switch = AudioSwitch(manager)
    switch.use(CHOICE)
    assert opened(manager) == [("capture", DEFAULT_CAPTURE), ("playback", DEFAULT_PLAYBACK)]


def test_when_even_the_default_will_not_open_the_null_device_keeps_calls_going() -> None:
    manager = ScriptedManager([HEADSET], refuse={0, DEFAULT_CAPTURE})
    AudioSwitch(manager).use(CHOICE)
    assert opened(manager) == [("null", 0)]


def test_no_devices_uses_the_null_device_once() -> None:
    manager = ScriptedManager([])
    switch = AudioSwitch(manager)
    assert switch.use(CHOICE).no_devices
    switch.reroute()
    switch.set_ringing(True)
    assert opened(manager) == [("null", 0)]
    assert switch.devices() == []


def test_a_disabled_switch_lists_nothing_and_stays_on_the_null_device() -> None:
    manager = ScriptedManager([HEADSET])
    switch = AudioSwitch(manager, enabled=False)
    assert switch.devices() == []
    switch.use(CHOICE)
    assert opened(manager) == [("null", 0)]
