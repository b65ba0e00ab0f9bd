"""The softphone on real PortAudio devices: the chosen headset, the ringer, and the
headset going away mid-call.

This machine has no sound card, so two PulseAudio servers with null sinks stand in for
the hardware: server A is a USB headset (its speaker is the sink ``headset``; its
microphone hears whatever is played into the sink ``mic``), server B is the laptop's
own sound and the system default. PortAudio reaches both through ALSA's PulseAudio
plugin, as on a Linux desktop, and lists them as ALSA devices ``vaxla_headset`` and
``vaxla_laptop``. What each device played is recorded from its sink's monitor with
``parec``. Killing server A is the headset unplugged: PortAudio ends its streams,
exactly what it does when a USB device goes.

The phone runs in its own process (``sound_device_phone.py``) with this ALSA
configuration; SIPp is the caller and plays sip-tester's speech pcap.
"""

import array
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.desktop.test_sound_port import free_udp_port, peak, sip_tester_pcaps
from vaxla_protocol.offers import make_offer_token, session_key
from vaxla_server.network import free_media_port

HERE = Path(__file__).parent
KEY = session_key("the-agent's-bearer-token")
HEADSET = "ALSA/vaxla_headset"
LAPTOP = "ALSA/vaxla_laptop"
RATE = 16000
# ALSA's PulseAudio plugin starts a PortAudio stream about 1.75 s after it is opened
# (measured here); the phone opens its streams when it chooses the devices.
STREAM_START_S = 2.5

pytestmark = pytest.mark.skipif(
    not (shutil.which("pulseaudio") and shutil.which("parec") and shutil.which("sipp")),
    reason="needs pulseaudio, parec (pulseaudio-utils) and SIPp",
)


class PulseServer:
    """A PulseAudio server of null sinks on a socket in ``folder`` (stopped by pid)."""

    def __init__(self, folder: Path, sinks: list[str]) -> None:
        folder.mkdir()
        self.socket = folder / "native"
        self.env = {
            **os.environ,
            "HOME": str(folder),
            "PULSE_RUNTIME_PATH": str(folder / "run"),
            "PULSE_STATE_PATH": str(folder / "state"),
            "PULSE_SERVER": f"unix:{self.socket}",
        }
        script = [f"load-module module-native-protocol-unix auth-anonymous=1 socket={self.socket}"]
        script += [f"load-module module-null-sink sink_name={sink} rate={RATE}" for sink in sinks]
        script.append(f"set-default-sink {sinks[0]}")
        (folder / "default.pa").write_text("\n".join(script) + "\n")
        self.log = folder / "pulseaudio.log"
        command = ["pulseaudio", "-n", "-F", str(folder / "default.pa"), "--daemonize=no"]
        command += ["--exit-idle-time=-1", "--use-pid-file=no", "--log-target=stderr"]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                command, env=self.env, stdout=log, stderr=log, start_new_session=True
            )
        deadline = time.monotonic() + 15
        while not self._answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise AssertionError(f"pulseaudio did not start: {self.log.read_text()}")
            time.sleep(0.05)
        self.recorders: list[subprocess.Popen[bytes]] = []

    def _answers(self) -> bool:
        info = subprocess.run(["pactl", "info"], env=self.env, capture_output=True)
        return info.returncode == 0

    def record(self, sink: str, into: Path) -> None:
        """Record what ``sink`` plays into ``into`` (raw 16-bit mono at RATE)."""
        command = ["parec", "-d", f"{sink}.monitor", "--raw", "--format=s16le"]
        command += [f"--rate={RATE}", "--channels=1", "--latency-msec=20"]
        with into.open("wb") as out:
            self.recorders.append(
                subprocess.Popen(command, env=self.env, stdout=out, stderr=subprocess.DEVNULL)
            )

    def stop(self) -> None:
        for recorder in self.recorders:
            recorder.terminate()
            recorder.wait(5)
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(5)


@pytest.fixture
def sound(tmp_path: Path) -> Iterator[tuple[PulseServer, PulseServer, dict[str, str]]]:
    headset = PulseServer(tmp_path / "headset", ["headset", "mic"])
    laptop = PulseServer(tmp_path / "laptop", ["laptop"])
    try:
        alsa = tmp_path / "asound.conf"
        a, b = f"unix:{headset.socket}", f"unix:{laptop.socket}"
        alsa.write_text(f"""
pcm.vaxla_headset {{
    type asym
    playback.pcm {{ type pulse server "{a}" device "headset" }}
    capture.pcm {{ type pulse server "{a}" device "mic.monitor" }}
    hint {{ show on description "Test USB headset" }}
}}
pcm.vaxla_laptop {{
    type asym
    playback.pcm {{ type pulse server "{b}" device "laptop" }}
    capture.pcm {{ type pulse server "{b}" device "laptop.monitor" }}
    hint {{ show on description "Test laptop sound" }}
}}
pcm.!default {{
    type asym
    playback.pcm {{ type pulse server "{b}" device "laptop" }}
    capture.pcm {{ type pulse server "{b}" device "laptop.monitor" }}
}}
""")
        env = {
            **os.environ,
            "ALSA_CONFIG_PATH": f"/usr/share/alsa/alsa.conf:{alsa}",
            "HOME": str(tmp_path),
            "PULSE_SERVER": b,
        }
        yield headset, laptop, env
    finally:
        headset.stop()
        laptop.stop()


class PhoneProcess:
    def __init__(
        self,
        env: dict[str, str],
        microphone: str,
        speaker: str,
        ringer: str,
        *,
        idle_s: float = 30.0,
        open_at_once: bool = True,
        wait_for_release: bool = False,
    ) -> None:
        command = [sys.executable, str(HERE / "sound_device_phone.py"), KEY]
        command += [microphone, speaker, ringer, str(idle_s)]
        self.process = subprocess.Popen(
            [
                *command,
                *(["--open"] if open_at_once else []),
                *(["--release"] if wait_for_release else []),
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[dict[str, Any]] = []

    def __enter__(self) -> "PhoneProcess":
        return self

    def __exit__(self, *exc: object) -> None:
        self.process.kill()
        self.process.communicate()

    def next(self, kind: str, timeout: float = 20) -> dict[str, Any]:
        assert self.process.stdout is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            if not line:
                break
            if not line.startswith("@@ "):
                continue  # pjsua2's own log
            self.lines.append(json.loads(line[3:]))
            if self.lines[-1]["kind"] == kind:
                return self.lines[-1]
        self.process.kill()
        _, errors = self.process.communicate()
        raise AssertionError(f"no {kind!r}; got {self.lines}; stderr: {errors[-3000:]}")

    def finish(self) -> None:
        try:
            _, errors = self.process.communicate(timeout=20)
        finally:
            self.process.kill()
        assert self.process.returncode == 0, errors[-3000:]


def streams_on(server: PulseServer) -> int:
    """How many streams clients have open on ``server`` (playing and recording)."""
    count = 0
    for kind in ("sink-inputs", "source-outputs"):
        listing = subprocess.run(
            ["pactl", "list", "short", kind], env=server.env, capture_output=True, text=True
        )
        count += len(listing.stdout.splitlines())
    return count


def call(tmp_path: Path, address: str, scenario: str) -> subprocess.Popen[bytes]:
    (tmp_path / "pcap").symlink_to(sip_tester_pcaps())
    header = make_offer_token(KEY, "offer-devices").header_value()
    command = [
        *("sipp", address, "-sf", str(HERE / "sipp" / scenario)),
        *("-m", "1", "-i", "127.0.0.1", "-p", str(free_udp_port())),
        *("-mp", str(free_media_port()), "-key", "offer", header),
        *("-timeout", "20s", "-timeout_error", "-nostdin"),
    ]
    return subprocess.Popen(
        command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def loud_seconds(recording: Path) -> float:
    """How many seconds of ``recording`` carry sound (20 ms blocks peaking above 1000)."""
    pcm = recording.read_bytes()
    block = RATE // 50 * 2
    blocks = [pcm[i : i + block] for i in range(0, len(pcm) - block + 1, block)]
    return sum(1 for b in blocks if peak(b) > 1000) / 50


def tone_seconds(recording: Path, hz: int) -> float:
    """Seconds of ``recording`` where a ``hz`` tone is the sound: 100 ms windows that are
    loud and carry most of their energy at ``hz`` (Goertzel), which speech never does."""
    pcm = recording.read_bytes()
    samples = array.array("h", pcm[: len(pcm) // 2 * 2])
    size = RATE // 10
    coefficient = 2 * math.cos(2 * math.pi * hz / RATE)
    found = 0
    for start in range(0, len(samples) - size, size):
        window = samples[start : start + size]
        if max(abs(s) for s in window) < 1000:
            continue
        before = earlier = 0.0
        for sample in window:
            before, earlier = sample + coefficient * before - earlier, before
        at_hz = before * before + earlier * earlier - coefficient * before * earlier
        energy = sum(float(s) * s for s in window)
        if at_hz * 2 / size > 0.8 * energy:
            found += 1
    return found / 10


def test_the_caller_is_heard_in_the_chosen_headset_and_the_ring_on_the_ringer(
    sound: tuple[PulseServer, PulseServer, dict[str, str]], tmp_path: Path
) -> None:
    headset, laptop, env = sound
    headset.record("headset", tmp_path / "headset.raw")
    laptop.record("laptop", tmp_path / "laptop.raw")
    with PhoneProcess(env, HEADSET, HEADSET, LAPTOP) as phone:
        ready = phone.next("ready")
        assert {HEADSET, LAPTOP} <= set(ready["devices"])
        assert ready["awake"] is False  # no device is held until something needs sound
        phone.next("woke")  # the sound settings opened them (--open)
        route = phone.next("route")
        assert route["missing"] == [] and route["open"] == [HEADSET, HEADSET]
        time.sleep(STREAM_START_S)
        sipp = call(tmp_path, ready["address"], "offer_caller_talks.xml")
        try:
            ringing = phone.next("ringing")
            assert ringing["ringer"] == LAPTOP  # it rings on the laptop
            assert ringing["open"] == [HEADSET, HEADSET]  # while the headset stays ready
            assert phone.next("connected")["open"] == [HEADSET, HEADSET]
            phone.next("ended")
            phone.finish()
            assert sipp.wait(20) == 0
        finally:
            sipp.kill()
    headset.stop()
    laptop.stop()
    # 2.5 s of the caller: the pcap's speech is loud in about 40 % of its 20 ms blocks.
    assert loud_seconds(tmp_path / "headset.raw") > 0.6  # about 1.0 measured
    assert tone_seconds(tmp_path / "laptop.raw", 425) >= 0.5  # the ring's first second
    assert tone_seconds(tmp_path / "headset.raw", 425) < 0.3  # not in the agent's ear
    laptop_loud = loud_seconds(tmp_path / "laptop.raw")
    assert laptop_loud - tone_seconds(tmp_path / "laptop.raw", 425) < 0.3  # only the ring


def test_a_headset_unplugged_mid_call_gives_way_to_the_laptop_and_the_call_goes_on(
    sound: tuple[PulseServer, PulseServer, dict[str, str]], tmp_path: Path
) -> None:
    headset, laptop, env = sound
    laptop.record("laptop", tmp_path / "laptop.raw")
    with PhoneProcess(env, HEADSET, HEADSET, HEADSET) as phone:
        ready = phone.next("ready")
        phone.next("route")
        time.sleep(STREAM_START_S)
        sipp = call(tmp_path, ready["address"], "offer_caller_talks_long.xml")
        try:
            assert phone.next("connected")["open"] == [HEADSET, HEADSET]
            time.sleep(1.5)
            headset.process.kill()  # the headset is gone
            route = phone.next("route", timeout=5)
            assert route["missing"] == [HEADSET]
            assert route["capture"] is None and route["playback"] is None  # the default
            assert route["open"] == [None, None]  # both streams on the system default
            assert phone.next("ended")["code"] in (200, 0)  # SIPp hung up as planned
            phone.finish()  # and the phone closed cleanly: exit 0
            assert sipp.wait(20) == 0
        finally:
            sipp.kill()
    laptop.stop()
    # After the headset went, the caller's speech came out of the laptop (about 4 s of
    # the call, loud in about 40 % of its blocks).
    assert loud_seconds(tmp_path / "laptop.raw") > 0.8


def test_the_devices_are_opened_for_a_call_and_let_go_when_it_is_over(
    sound: tuple[PulseServer, PulseServer, dict[str, str]], tmp_path: Path
) -> None:
    headset, laptop, env = sound
    with PhoneProcess(
        env, HEADSET, HEADSET, LAPTOP, idle_s=1.0, open_at_once=False, wait_for_release=True
    ) as phone:
        ready = phone.next("ready")
        assert ready["awake"] is False
        assert streams_on(headset) == streams_on(laptop) == 0
        sipp = call(tmp_path, ready["address"], "offer_caller_talks.xml")
        try:
            phone.next("woke")  # the offer opened them
            assert phone.next("connected")["open"] == [HEADSET, HEADSET]
            assert streams_on(headset) == 2  # the microphone and the speaker
            assert streams_on(laptop) == 1  # the ringer, silent now
            phone.next("ended")
            phone.next("released", timeout=10)  # a second after the call
            assert streams_on(headset) == streams_on(laptop) == 0
            phone.finish()
            assert sipp.wait(20) == 0
        finally:
            sipp.kill()
