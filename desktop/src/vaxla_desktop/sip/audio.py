"""Which sound devices the softphone uses: microphone, speaker and a separate ringer.

Devices are remembered by name (``driver/name``), not by pjsua2's index, which changes
when devices come and go. :func:`route_for` turns the agent's choice and the devices
present into the indices to use, falling back to the system default for a chosen device
that is not there (unplugged mid-call) — pure logic, tested without pjsua2.
:class:`AudioSwitch` applies a route to pjsua2's ``AudDevManager`` and never raises: a
device that refuses to open falls back to the default, and with no devices at all the
null device keeps calls working without sound.

The manager is pjsua2's own ``AudDevManager`` where pjsua2 has sound devices, and
:class:`~vaxla_desktop.sip.portaudio.PortAudioSound` (the same methods over PortAudio)
where it has none, as with the ``pjsua2-python`` wheel.

There is one playback device for the calls and the ring, so the ringer is the playback
device while an offer rings and no call is connected; during a call a second offer rings
on the speaker.
"""

import logging
from dataclasses import dataclass
from typing import Any, Protocol

import pjsua2 as pj

from vaxla_desktop.sip.portaudio import SoundDeviceError

log = logging.getLogger(__name__)

# pjmedia's "the system default" indices.
DEFAULT_CAPTURE = -1
DEFAULT_PLAYBACK = -2
# Marks "the null device is in use" where a (capture, playback) pair is kept.
_NULL = (-100, -100, -100)


@dataclass(frozen=True, slots=True)
class AudioDevice:
    index: int
    name: str
    driver: str
    inputs: int
    outputs: int

    @property
    def key(self) -> str:
        """How the device is remembered between runs."""
        return f"{self.driver}/{self.name}"


@dataclass(frozen=True, slots=True)
class AudioChoice:
    """The agent's devices by key; ``None`` is the system default."""

    microphone: str | None = None
    speaker: str | None = None
    ringer: str | None = None


@dataclass(frozen=True, slots=True)
class AudioRoute:
    """Device indices to use now; ``missing`` lists chosen devices that are not there."""

    capture: int
    playback: int
    ringer: int
    missing: tuple[str, ...] = ()
    no_devices: bool = False


def route_for(choice: AudioChoice, devices: list[AudioDevice]) -> AudioRoute:
    """The route for ``choice`` among ``devices``, with the default for any missing one."""
    if not devices:
        return AudioRoute(DEFAULT_CAPTURE, DEFAULT_PLAYBACK, DEFAULT_PLAYBACK, (), True)
    missing: list[str] = []

    def pick(key: str | None, default: int, *, needs_input: bool) -> int:
        if key is None:
            return default
        for device in devices:
            has = device.inputs if needs_input else device.outputs
            if device.key == key and has > 0:
                return device.index
        if key not in missing:
            missing.append(key)
        return default

    return AudioRoute(
        capture=pick(choice.microphone, DEFAULT_CAPTURE, needs_input=True),
        playback=pick(choice.speaker, DEFAULT_PLAYBACK, needs_input=False),
        ringer=pick(choice.ringer, DEFAULT_PLAYBACK, needs_input=False),
        missing=tuple(missing),
    )


class DeviceManager(Protocol):
    """The part of pjsua2's ``AudDevManager`` used here (a fake one in unit tests)."""

    def refreshDevs(self) -> None: ...
    def enumDev2(self) -> Any: ...
    def setCaptureDev(self, index: int) -> None: ...
    def setPlaybackDev(self, index: int) -> None: ...
    def setNullDev(self) -> None: ...


# What a device manager raises when a device will not open or list.
DEVICE_ERRORS = (pj.Error, SoundDeviceError)


def _describe(error: Exception) -> str:
    return str(error.info()) if isinstance(error, pj.Error) else str(error)


class AudioSwitch:
    """Keeps pjsua2 on the chosen devices, or on the defaults when they are gone.

    ``enabled=False`` (servers, tests) keeps the null device and lists no devices.
    """

    def __init__(self, manager: DeviceManager, *, enabled: bool = True) -> None:
        self._manager = manager
        self._enabled = enabled
        self.choice = AudioChoice()
        self.route: AudioRoute | None = None
        self._routed_among: list[AudioDevice] = []  # the devices ``route`` was made from
        self.ringing = False
        # (capture, playback, the manager's device-list generation) as set: indices from
        # an older list may name other devices.
        self._applied: tuple[int, int, int] | None = None

    def detach(self) -> None:
        """The library is gone: touch the device manager no more."""
        self._enabled = False
        self._applied = _NULL

    def devices(self) -> list[AudioDevice]:
        """The devices there are now (re-read from the system)."""
        if not self._enabled:
            return []
        try:
            self._manager.refreshDevs()
            infos = list(self._manager.enumDev2())
        except DEVICE_ERRORS as error:
            log.warning("cannot list sound devices: %s", _describe(error))
            return []
        return [
            AudioDevice(index, info.name, info.driver, info.inputCount, info.outputCount)
            for index, info in enumerate(infos)
        ]

    def use(self, choice: AudioChoice) -> AudioRoute:
        self.choice = choice
        forget_lost = getattr(self._manager, "forget_lost", None)
        if forget_lost is not None:  # chosen again: a device that failed may be tried
            forget_lost()
        return self.reroute()

    def set_ringing(self, ringing: bool) -> None:
        """Ring on the ringer device (``True``) or talk on the speaker (``False``)."""
        if ringing != self.ringing:
            self.ringing = ringing
            if self.route is not None:
                self._apply(self.route)

    def check(self) -> AudioRoute | None:
        """Look at the devices again; the new route if it changed (and was applied)."""
        devices = self.devices()
        route = route_for(self.choice, devices)
        return None if route == self.route else self._take(route, devices)

    def reroute(self) -> AudioRoute:
        """Look at the devices again and apply the route, changed or not."""
        devices = self.devices()
        return self._take(route_for(self.choice, devices), devices)

    def _take(self, route: AudioRoute, devices: list[AudioDevice]) -> AudioRoute:
        if self.route is not None and route.missing != self.route.missing:
            for key in set(route.missing) - set(self.route.missing):
                log.warning("sound device %s is gone; using the system default", key)
        self.route = route
        self._routed_among = devices
        self._apply(route)
        return route

    def _apply(self, route: AudioRoute) -> None:
        if not self._enabled or route.no_devices:
            self._set_null()
            return
        playback = route.ringer if self.ringing else route.playback
        generation = getattr(self._manager, "generation", 0)
        wanted = (route.capture, playback, generation)
        if wanted == self._applied:
            return
        try:
            self._manager.setCaptureDev(route.capture)
            self._manager.setPlaybackDev(playback)
        except DEVICE_ERRORS as error:
            log.warning("cannot open the chosen sound device: %s", _describe(error))
            try:
                self._manager.setCaptureDev(DEFAULT_CAPTURE)
                self._manager.setPlaybackDev(DEFAULT_PLAYBACK)
            except DEVICE_ERRORS as default_error:
                log.warning("cannot open the default sound device: %s", _describe(default_error))
                self._set_null()
                return
            wanted = (DEFAULT_CAPTURE, DEFAULT_PLAYBACK, generation)
        self._applied = wanted

    def _set_null(self) -> None:
        if self._applied == _NULL:
            return
        try:
            self._manager.setNullDev()
        except DEVICE_ERRORS as error:
            log.warning("cannot use the null sound device: %s", _describe(error))
        self._applied = _NULL

    def name_of(self, index: int) -> str | None:
        """The name of device ``index`` of the route's device list; ``None`` for the
        system default."""
        for device in self._routed_among:
            if device.index == index:
                return device.name
        return None
