"""Call audio through :mod:`vaxla_desktop.sip.sound_port`: the ring buffer on its own,
and the sound port on real pjsua2 with SIPp as the server's agent leg.

The wheel's pjsua2 has no sound devices, so a softphone given a ``sound`` factory sends
every call through the port. The stream here is the test's own (a recorder for what the
call plays, a 440 Hz tone for the agent's voice); SIPp plays sip-tester's G.711 pcap into
the call, and the test's UDP socket stands where SIPp's RTP would be to hear the tone.
"""

import array
import importlib.util
import itertools
import logging
import math
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from vaxla_desktop.sip.portaudio import open_portaudio
from vaxla_desktop.sip.softphone import Connected, Ended, Ringing, Softphone, SoftphoneEvent
from vaxla_desktop.sip.sound_port import RingBuffer
from vaxla_protocol.offers import make_offer_token, session_key
from vaxla_server.network import free_media_port

SCENARIOS = Path(__file__).parent / "sipp"
KEY = session_key("the-agent's-bearer-token")
TONE_HZ = 440


# The ring buffer


def test_the_ring_buffer_gives_bytes_back_in_order() -> None:
    ring = RingBuffer(10)
    ring.write(b"abc")
    ring.write(b"def")
    assert len(ring) == 6
    assert ring.read(4) == b"abcd"
    assert ring.read(10) == b"ef"
    assert ring.read(10) == b""
    assert ring.dropped == 0


def test_a_full_ring_buffer_drops_the_oldest_bytes_and_counts_them() -> None:
    ring = RingBuffer(4)
    ring.write(b"abc")
    ring.write(b"def")
    assert ring.read(10) == b"cdef"
    assert ring.dropped == 2
    ring.write(b"0123456789")
    assert ring.read(10) == b"6789"
    assert ring.dropped == 8


def test_a_ring_buffer_needs_a_positive_capacity() -> None:
    with pytest.raises(ValueError, match="positive capacity"):
        RingBuffer(0)


def test_two_threads_lose_nothing_that_fits() -> None:
    ring = RingBuffer(1 << 20)
    chunks = [bytes([n % 256]) * 320 for n in range(500)]

    def write_all() -> None:
        for chunk in chunks:
            ring.write(chunk)

    writer = threading.Thread(target=write_all)
    writer.start()
    got = bytearray()
    deadline = time.monotonic() + 5
    while len(got) < 320 * 500 and time.monotonic() < deadline:
        got += ring.read(1000)
    writer.join()
    assert bytes(got) == b"".join(chunks)


# No sound on this machine


def portaudio_devices() -> int:
    """How many sound devices PortAudio sees here (none without PortAudio)."""
    try:
        sounddevice = importlib.import_module("sounddevice")
        return len(sounddevice.query_devices())
    except (ImportError, OSError):
        return 0


no_sound_here = pytest.mark.skipif(portaudio_devices() > 0, reason="this machine has sound")


@no_sound_here
def test_with_no_sound_device_there_is_no_stream_and_the_log_says_why(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, "vaxla_desktop.sip.portaudio"):
        assert open_portaudio(16000) is None
        # PortAudio was let go (its libraries hold memory): a second look starts it again.
        assert importlib.import_module("sounddevice")._initialized == 0
        assert open_portaudio(16000) is None
    assert caplog.text.count("no sound: PortAudio finds no sound devices") == 2


@no_sound_here
def test_a_softphone_with_no_sound_at_all_starts_and_says_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, "vaxla_desktop.sip"):
        softphone = Softphone(lambda event: None, lambda: KEY, audio=True)
        try:
            assert softphone.audio_devices() == []
        finally:
            softphone.close()
    assert "no sound: " in caplog.text
    assert "no sound devices: calls connect without sound" in caplog.text


# On real pjsua2 with SIPp


pytestmark_sip = pytest.mark.skipif(shutil.which("sipp") is None, reason="SIPp is not installed")


def sip_tester_pcaps() -> Path:
    """The folder of the pcaps the sip-tester package installs (g711a.pcap, ...)."""
    listing = subprocess.run(["dpkg", "-L", "sip-tester"], capture_output=True, text=True)
    for line in listing.stdout.splitlines():
        if line.endswith("/g711a.pcap"):
            return Path(line).parent
    raise AssertionError("the sip-tester package's pcaps are not installed")


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def peak(pcm: bytes) -> int:
    samples = array.array("h", pcm[: len(pcm) // 2 * 2])
    return max((abs(sample) for sample in samples), default=0)


def alaw_to_linear(byte: int) -> int:
    """G.711 A-law to a 16-bit sample (ITU-T G.711)."""
    value = byte ^ 0x55
    exponent = (value & 0x70) >> 4
    mantissa = value & 0x0F
    magnitude = (
        (mantissa << 4) + 8 if exponent == 0 else ((mantissa << 4) + 0x108) << (exponent - 1)
    )
    return magnitude if value & 0x80 else -magnitude


class ToneRecorder:
    """Records what the call plays; speaks a 440 Hz tone into it."""

    def __init__(self, clock_rate: int) -> None:
        self.clock_rate = clock_rate
        self.played: list[bytes] = []
        self.sample = 0
        self.closed = False

    def write(self, pcm: bytes) -> None:
        self.played.append(pcm)

    def read(self, n: int) -> bytes:
        count = n // 2
        tone = array.array(
            "h",
            (
                int(8000 * math.sin(2 * math.pi * TONE_HZ * (self.sample + i) / self.clock_rate))
                for i in range(count)
            ),
        )
        self.sample += count
        return tone.tobytes()

    def close(self) -> None:
        self.closed = True


class Phone:
    def __init__(self) -> None:
        self.events: list[SoftphoneEvent] = []
        self.streams: list[ToneRecorder] = []
        self.after_pump: Callable[[], None] = lambda: None
        self.softphone = Softphone(self.events.append, lambda: KEY, audio=False, sound=self._open)

    def _open(self, clock_rate: int) -> ToneRecorder:
        self.streams.append(ToneRecorder(clock_rate))
        return self.streams[-1]

    def pump_until(self, done: Callable[[], bool], sipp: subprocess.Popen[bytes]) -> None:
        deadline = time.monotonic() + 10
        while not done():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out; events so far: {self.events}")
            if sipp.poll() not in (None, 0):
                raise AssertionError(f"SIPp failed with {sipp.returncode}: {self.events}")
            self.softphone.pump(10)
            self.after_pump()

    def answer_and_talk(self, sipp: subprocess.Popen[bytes], tmp_path: Path) -> None:
        try:
            self.pump_until(lambda: any(isinstance(e, Ringing) for e in self.events), sipp)
            (ringing,) = [e for e in self.events if isinstance(e, Ringing)]
            self.softphone.answer(ringing.call)
            self.pump_until(lambda: any(isinstance(e, Connected) for e in self.events), sipp)
            self.pump_until(lambda: any(isinstance(e, Ended) for e in self.events), sipp)
            self.pump_until(lambda: sipp.poll() is not None, sipp)
        finally:
            sipp.kill()
            sipp.wait()
        errors = tmp_path / "sipp-errors.log"
        assert sipp.returncode == 0, errors.read_text() if errors.exists() else sipp.returncode


@pytest.fixture
def phone() -> Iterator[Phone]:
    phone = Phone()
    yield phone
    phone.softphone.close()
    assert [stream.closed for stream in phone.streams] == [True]


def start_sipp(
    scenario: str, phone: Phone, tmp_path: Path, *keys: tuple[str, str]
) -> subprocess.Popen[bytes]:
    header = make_offer_token(KEY, "offer-sound").header_value()
    command = [
        *("sipp", phone.softphone.address, "-sf", str(SCENARIOS / scenario)),
        *("-m", "1", "-i", "127.0.0.1", "-p", str(free_udp_port())),
        *("-mp", str(free_media_port()), "-key", "offer", header),
        *(argument for name, value in keys for argument in ("-key", name, value)),
        *("-timeout", "15s", "-timeout_error", "-nostdin", "-trace_err"),
        *("-error_file", str(tmp_path / "sipp-errors.log")),
    ]
    return subprocess.Popen(
        command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


@pytestmark_sip
def test_the_caller_is_heard_through_the_stream(phone: Phone, tmp_path: Path) -> None:
    (tmp_path / "pcap").symlink_to(sip_tester_pcaps())
    sipp = start_sipp("offer_caller_talks.xml", phone, tmp_path)
    phone.answer_and_talk(sipp, tmp_path)
    (stream,) = phone.streams
    frame = stream.clock_rate * 20 // 1000 * 2
    assert stream.played and {len(pcm) for pcm in stream.played} == {frame}
    loud = [pcm for pcm in stream.played if peak(pcm) > 1000]
    # 2.5 s of the pcap's speech, 50 frames a second: most of them carry the voice.
    assert len(loud) > 40, f"{len(loud)} of {len(stream.played)} frames were not silent"


@pytestmark_sip
def test_the_agent_is_heard_in_the_call(phone: Phone, tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as rtp:
        rtp.bind(("127.0.0.1", 0))
        rtp.setblocking(False)
        port = str(rtp.getsockname()[1])
        packets: list[bytes] = []

        def drain() -> None:
            while True:
                try:
                    packets.append(rtp.recv(2048))
                except BlockingIOError:
                    return

        phone.after_pump = drain
        sipp = start_sipp("offer_agent_talks.xml", phone, tmp_path, ("rtp_port", port))
        phone.answer_and_talk(sipp, tmp_path)
        drain()
    assert packets, "no RTP reached the far end"
    assert {packet[1] & 0x7F for packet in packets} == {8}  # PCMA
    samples = [alaw_to_linear(byte) for packet in packets[5:] for byte in packet[12:]]
    assert max(abs(sample) for sample in samples) > 5000
    # The tone's pitch survives the bridge's resampling and the codec: count its cycles.
    rises = sum(1 for a, b in itertools.pairwise(samples) if a < 0 <= b)
    seconds = len(samples) / 8000
    assert abs(rises / seconds - TONE_HZ) < 20, f"{rises / seconds:.0f} Hz"
