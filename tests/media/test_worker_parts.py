"""The worker's pure parts: trunk address checks, WAV lengths, command-line checks."""

import ipaddress
from pathlib import Path

import pytest

from vaxla_server.audio import complete_wav_header
from vaxla_server.media.worker import (
    CommandError,
    parse_args,
    source_allowed,
    source_host,
    wav_seconds,
)

PROMPTS = Path(__file__).parents[2] / "resources" / "prompts"
TRUNKS = (ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("2001:db8::/32"))


@pytest.mark.parametrize(
    ("address", "host"),
    [
        ("127.0.0.1:5060", "127.0.0.1"),
        ("[2001:db8::1]:5060", "2001:db8::1"),
        ("10.1.2.3", "10.1.2.3"),
    ],
)
def test_source_host(address: str, host: str) -> None:
    assert source_host(address) == host


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("127.0.0.1:5060", True),
        ("127.9.9.9:1", True),
        ("[2001:db8::7]:5070", True),
        ("10.0.0.1:5060", False),
        ("[::1]:5060", False),
        ("not-an-address:5060", False),
    ],
)
def test_only_trunk_networks_are_allowed(address: str, allowed: bool) -> None:
    assert source_allowed(address, TRUNKS) is allowed


def test_nothing_is_allowed_without_trunks() -> None:
    assert not source_allowed("127.0.0.1:5060", ())


def test_wav_seconds(tmp_path: Path) -> None:
    assert wav_seconds(PROMPTS / "en" / "music_on_hold.wav") == pytest.approx(6.4)
    broken = tmp_path / "broken.wav"
    broken.write_bytes(b"RIFF....not a wave")
    with pytest.raises(CommandError, match="not a readable WAV"):
        wav_seconds(broken)


def test_command_line() -> None:
    config = parse_args(
        ["--sip-port", "5070", "--control", "127.0.0.1:9000", "--worker-id", "w3",
         "--allow", "127.0.0.0/8", "--allow", "192.0.2.7"]
    )  # fmt: skip
    assert config.control == ("127.0.0.1", 9000)
    assert config.allowed == (
        ipaddress.ip_network("127.0.0.0/8"),
        ipaddress.ip_network("192.0.2.7/32"),
    )
    assert config.max_calls == 32


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        (["--control", "nohost"], "HOST:PORT"),
        (["--allow", "300.1.1.1/8"], "does not appear to be an IPv4 or IPv6 network"),
        (["--max-calls", "33"], "max calls must be 1-32"),
        (["--worker-id", "w 1"], "worker id"),
    ],
)
def test_bad_command_lines_say_what_is_wrong(
    extra: list[str], problem: str, capsys: pytest.CaptureFixture[str]
) -> None:
    base = {"--sip-port": "5070", "--control": "127.0.0.1:9000", "--worker-id": "w1"}
    for flag, value in zip(extra[::2], extra[1::2], strict=True):
        base[flag] = value
    argv = [part for pair in base.items() for part in pair]
    with pytest.raises(SystemExit):
        parse_args(argv)
    assert problem in capsys.readouterr().err


def test_a_recording_never_closed_gets_its_header_from_its_length(tmp_path: Path) -> None:
    # What pjmedia leaves when the worker dies mid-recording: its header with no sizes,
    # then the samples written so far.
    path = tmp_path / "w1-1.wav"
    samples = b"\x10\x00" * 8000  # one second at 8 kHz
    path.write_bytes(b"RIFF\0\0\0\0WAVE" + bytes(32) + samples + b"\x01")  # a torn sample
    complete_wav_header(path, 8000)
    assert wav_seconds(path) == 1.0
    empty = tmp_path / "w1-2.wav"
    empty.write_bytes(b"")
    complete_wav_header(empty, 8000)
    assert wav_seconds(empty) == 0.0
