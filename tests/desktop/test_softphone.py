"""The softphone on real pjsua2, with SIPp playing the server's agent leg."""

import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

from vaxla_desktop.sip.softphone import (
    Connected,
    Ended,
    Refused,
    Ringing,
    Softphone,
    SoftphoneError,
    SoftphoneEvent,
)
from vaxla_protocol.offers import make_offer_token, session_key
from vaxla_server.network import free_media_port

SCENARIOS = Path(__file__).parent / "sipp"
T = TypeVar("T")
KEY = session_key("the-agent's-bearer-token")

pytestmark = pytest.mark.skipif(shutil.which("sipp") is None, reason="SIPp is not installed")


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Phone:
    def __init__(self) -> None:
        self.events: list[SoftphoneEvent] = []
        self.key: str | None = KEY
        self.softphone = Softphone(self.events.append, lambda: self.key, audio=False)

    def pump_until(
        self, done: Callable[[], bool], sipp: subprocess.Popen[bytes] | None = None
    ) -> None:
        deadline = time.monotonic() + 10
        while not done():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out; events so far: {self.events}")
            if sipp is not None and sipp.poll() not in (None, 0):
                raise AssertionError(f"SIPp failed with {sipp.returncode}: {self.events}")
            self.softphone.pump(10)

    def of_type(self, kind: type[T]) -> list[T]:
        return [event for event in self.events if isinstance(event, kind)]


@pytest.fixture(scope="module")
def phone() -> Iterator[Phone]:
    phone = Phone()
    yield phone
    phone.softphone.close()


@pytest.fixture(autouse=True)
def fresh_events(phone: Phone) -> None:
    phone.events.clear()
    phone.key = KEY


def start_sipp(scenario: str, phone: Phone, offer: str, tmp_path: Path) -> subprocess.Popen[bytes]:
    command = [
        "sipp",
        phone.softphone.address,
        "-sf",
        str(SCENARIOS / scenario),
        "-m",
        "1",
        "-i",
        "127.0.0.1",
        "-p",
        str(free_udp_port()),
        "-mp",
        str(free_media_port()),
        "-key",
        "offer",
        offer,
        "-timeout",
        "10s",
        "-timeout_error",
        "-nostdin",
        "-trace_err",
        "-error_file",
        str(tmp_path / "sipp-errors.log"),
    ]
    return subprocess.Popen(
        command, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def finish(sipp: subprocess.Popen[bytes], phone: Phone, tmp_path: Path) -> None:
    phone.pump_until(lambda: sipp.poll() is not None)
    errors = tmp_path / "sipp-errors.log"
    assert sipp.returncode == 0, errors.read_text() if errors.exists() else sipp.returncode


def test_an_offer_from_the_server_rings_and_is_answered(phone: Phone, tmp_path: Path) -> None:
    header = make_offer_token(KEY, "offer-17").header_value()
    sipp = start_sipp("offer_answered.xml", phone, header, tmp_path)
    try:
        phone.pump_until(lambda: bool(phone.of_type(Ringing)), sipp)
        (ringing,) = phone.of_type(Ringing)
        assert ringing.offer_id == "offer-17"
        phone.softphone.answer(ringing.call)
        phone.pump_until(lambda: bool(phone.of_type(Connected)), sipp)
        phone.pump_until(lambda: bool(phone.of_type(Ended)), sipp)
        finish(sipp, phone, tmp_path)
    finally:
        sipp.kill()
        sipp.wait()
    (ended,) = phone.of_type(Ended)
    assert (ended.call, ended.by) == (ringing.call, "remote")
    assert phone.softphone.calls == []


@pytest.mark.parametrize(
    ("header", "logged_in"),
    [
        ("offer-1;" + "0" * 64, True),
        (make_offer_token(session_key("someone-else"), "offer-1").header_value(), True),
        (make_offer_token(KEY, "offer-1").header_value(), False),
    ],
    ids=["forged", "another-session", "logged-out"],
)
def test_anything_but_a_valid_offer_is_refused(
    phone: Phone, tmp_path: Path, header: str, logged_in: bool
) -> None:
    if not logged_in:
        phone.key = None
    sipp = start_sipp("offer_refused.xml", phone, header, tmp_path)
    try:
        finish(sipp, phone, tmp_path)
    finally:
        sipp.kill()
        sipp.wait()
    assert len(phone.of_type(Refused)) == 1
    assert not phone.of_type(Ringing)
    assert phone.softphone.calls == []


def test_control_of_a_call_that_is_gone_says_so(phone: Phone) -> None:
    with pytest.raises(SoftphoneError, match="no call 999"):
        phone.softphone.hangup(999)


def test_dtmf_digits_are_checked(phone: Phone) -> None:
    with pytest.raises(SoftphoneError, match="not DTMF digits"):
        phone.softphone.send_dtmf(1, "12x")


def test_a_second_softphone_in_the_process_is_refused_in_words(phone: Phone) -> None:
    """pjsua2 has one Endpoint per process: a second would abort the program."""
    with pytest.raises(SoftphoneError, match="a softphone is open in this program already"):
        Softphone(lambda _event: None, lambda: None, audio=False)
    assert Softphone.open_one() is phone.softphone
