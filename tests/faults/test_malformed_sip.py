"""Malformed SIP at the SIP front: RFC 4475's torture messages (``rfc4475/``) and seeded
random mutations of a valid INVITE (bytes flipped, cut short, a huge header, a bad
Content-Length), each sent over UDP from a trunk and from a stranger. Kamailio and every
media worker stay alive (the same pids), no worker is handed a message the RFC says
must be refused or one cut, mis-sized or too large for it, none is set aside as silent
for one, and a normal call afterwards works.

Flipped bytes are sent from the stranger only: from a trunk, a header Kamailio reads
but pjsip cannot (a byte beyond ASCII in Content-Type, ``127.0.0=1`` as a Via host)
reaches a worker, which drops it without an answer. The front tries one more worker,
and when that one says nothing either, answers 400 and sets no worker aside
(``test_a_header_pjsip_cannot_read_sets_no_worker_aside``)."""

import random
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.test_demo_calls import Demo
from tests.e2e.test_media_plane import (
    KAMAILIO_PID,
    KAMAILIO_RESTARTED,
    STRANGER,
    finish,
    sipp,
)
from tests.faults.site import Site
from tests.media.harness import gone
from tests.server_process import worker_pids
from vaxla_server.media.pool import free_udp_port

TORTURE = Path(__file__).parent / "rfc4475"
TRUNK = "127.0.0.1"
SEED = 4475
MUTATIONS = 60  # of each kind, from each source
TO_WORKER = re.compile(r"kamailio: call (.+) from (\S+):\d+ to worker ")
SET_INACTIVE = re.compile(r"kamailio: worker \S+ failed call (\S+) \(\d+\): set inactive")
NOTATION = re.compile(
    rb"<allOneLine>\n(?P<line>.*?)\n</allOneLine>"
    rb"|<hex>(?P<hex>[0-9A-Fa-f]*)</hex>"
    rb"|<repeat count=(?P<count>\d+)>(?P<text>.*?)</repeat>",
    re.DOTALL,
)
MUST_BE_REFUSED = {"badinv01", "clerr", "quotbal", "ltgtruri", "lwsruri", "lwsstart"}
"""The invalid INVITEs RFC 4475 says a receiver must not take as they are (the others of
section 3.1.2 are not INVITEs, which the front never passes on from anyone, or, as
``baddate`` and ``escruri``, ones the RFC lets an element accept)."""


def expanded(text: bytes) -> bytes:
    """The RFC's notation written out, and every line ended in CRLF."""

    def one(match: re.Match[bytes]) -> bytes:
        if match["line"] is not None:
            return NOTATION.sub(one, match["line"]).replace(b"\n", b"")
        if match["hex"] is not None:
            return bytes.fromhex(match["hex"].decode())
        return NOTATION.sub(one, match["text"]) * int(match["count"])

    return NOTATION.sub(one, text).replace(b"\n", b"\r\n")


def torture(kind: str) -> dict[str, bytes]:
    return {
        path.stem: expanded(path.read_bytes()) for path in sorted((TORTURE / kind).glob("*.dat"))
    }


def call_id(message: bytes) -> str | None:
    found = re.search(rb"^(?:Call-ID|i)\s*:\s*(\S+)", message, re.IGNORECASE | re.MULTILINE)
    return found.group(1).decode(errors="replace") if found else None


def invite(front: str, me: str, n: int) -> bytes:
    """A valid INVITE with an offer, to a number the site does not have (so that one that
    reaches a worker is refused 404 at once, not held)."""
    host = me.rsplit(":", 1)[0]
    sdp = (
        f"v=0\r\no=fuzz {n} 1 IN IP4 {host}\r\ns=-\r\nc=IN IP4 {host}\r\nt=0 0\r\n"
        "m=audio 9 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n"
    ).encode()
    head = (
        f"INVITE sip:999@{front} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP {me};branch=z9hG4bK-fuzz-{n};rport\r\n"
        f"From: <sip:fuzzer@{me}>;tag=fuzz{n}\r\n"
        f"To: <sip:999@{front}>\r\n"
        f"Call-ID: fuzz-{n}@vaxla.test\r\n"
        "CSeq: 1 INVITE\r\n"
        f"Contact: <sip:fuzzer@{me}>\r\n"
        "Max-Forwards: 70\r\n"
        "Content-Type: application/sdp\r\n"
        f"Content-Length: {len(sdp)}\r\n\r\n"
    ).encode()
    return head + sdp


def mutations(
    front: str, me: str, rng: random.Random, *, flips: bool
) -> Iterator[tuple[str, bytes]]:
    """(kind, message): bytes flipped (if ``flips``), cut short, a huge header, a bad
    Content-Length. Each has a Call-ID of its own, which a flip may damage; the others
    keep it."""
    for _ in range(MUTATIONS):
        if flips:
            flipped = bytearray(invite(front, me, rng.getrandbits(48)))
            for _ in range(rng.randint(1, 8)):
                flipped[rng.randrange(len(flipped))] = rng.randrange(256)
            yield "flipped", bytes(flipped)
        cut = invite(front, me, rng.getrandbits(48))
        yield "cut", cut[: rng.randrange(10, len(cut) - 1)]
        size = rng.choice([2_000, 20_000, 60_000])
        huge = b"X-Huge: " + b"a" * size + b"\r\nCSeq:"
        yield "huge", invite(front, me, rng.getrandbits(48)).replace(b"CSeq:", huge, 1)
        length = rng.choice([b"-1", b"99999", b"abc", b"", b"99999999999999999999", b"1"])
        bad = b"Content-Length: " + length
        yield (
            f"mis-sized {length.decode()!r}",
            re.sub(rb"Content-Length: \d+", bad, invite(front, me, rng.getrandbits(48))),
        )


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[Site, Demo]]:
    site = Site(tmp_path, "--media-workers", "2:4")
    with site.running() as demo:
        yield site, demo
        site.stop()


def test_torture_and_mutated_messages_harm_nothing(site: tuple[Site, Demo]) -> None:
    front_site, demo = site
    server = front_site.server
    assert server is not None
    lines = server.read_available()
    kamailio = KAMAILIO_PID.search("".join(lines))
    assert kamailio is not None
    workers = worker_pids(lines)
    host, port = demo.sip.rsplit(":", 1)
    rng = random.Random(SEED)
    refused: dict[str, str] = {}  # Call-ID: what it was, for those a worker must not see
    sent_as: dict[str, str] = {}  # Call-ID: what it was, for all
    sent = 0
    for source in (TRUNK, STRANGER):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind((source, free_udp_port(source)))
            me = f"{source}:{udp.getsockname()[1]}"
            messages = [
                *((f"rfc4475 {name}", m) for name, m in torture("valid").items()),
                *((f"rfc4475 {name}", m) for name, m in torture("invalid").items()),
                *mutations(demo.sip, me, rng, flips=source == STRANGER),
            ]
            for what, message in messages:
                udp.sendto(message, (host, int(port)))
                sent += 1
                name = what.removeprefix("rfc4475 ")
                if found := call_id(message):
                    sent_as[found] = f"{what} ({len(message)} bytes) from {source}"
                if (name in MUST_BE_REFUSED or what.startswith(("cut", "mis-sized"))) and (
                    found := call_id(message)
                ):
                    refused[found] = f"{what} from {source}"
    # The front has read them all when it answers the next caller, who is served.
    assert finish(sipp(demo, "caller_waits.xml", "200")) == 0, "a normal call after them"
    lines = server.read_available()
    passed = {m.group(1): m.group(2) for m in map(TO_WORKER.search, lines) if m}
    assert not {c: refused[c] for c in passed if c in refused}, "reached a worker"
    assert not [c for c, source in passed.items() if source == STRANGER]
    assert not any(KAMAILIO_RESTARTED.search(line) for line in lines)
    # No worker was set aside as silent because of what a caller sent it.
    silent = [m for m in map(SET_INACTIVE.search, lines) if m]
    assert not silent, [sent_as.get(m.group(1), m.group(1)) for m in silent]
    assert any("more than a worker takes" in line for line in lines)  # the huge ones
    assert not [line for line in lines if "media worker" in line and "lost:" in line]
    for pid in (int(kamailio.group(1)), *workers.values()):
        assert not gone(pid), f"pid {pid} died"
    assert sent > 3 * MUTATIONS


def test_a_header_pjsip_cannot_read_sets_no_worker_aside(
    site: tuple[Site, Demo],
) -> None:
    front_site, demo = site
    assert front_site.server is not None
    host, port = demo.sip.rsplit(":", 1)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.bind((TRUNK, free_udp_port(TRUNK)))
        udp.settimeout(30)
        me = f"{TRUNK}:{udp.getsockname()[1]}"
        for n, (plain, unreadable) in enumerate(
            [(b"application/sdp", b"application/s\xd6p"), (b"UDP 127.0.0.1", b"UDP 127.0.0=1")]
        ):
            udp.sendto(invite(demo.sip, me, n).replace(plain, unreadable, 1), (host, int(port)))
        finals: list[bytes] = []
        while len(finals) < 2:  # the front's final answer to each
            answer = udp.recv(65536)
            if not answer.startswith(b"SIP/2.0 1"):
                finals.append(answer.split(b"\r\n", 1)[0])
    # Two workers said nothing to each: the message's fault, told to the trunk as such.
    assert finals == [b"SIP/2.0 400 Bad Request (no media worker could read it)"] * 2
    for n in range(2):
        front_site.server.wait_for_line(re.compile(rf"call fuzz-{n}@\S+ .* no worker reads it"))
    # Every worker is still in service: a normal call is answered, and none was set aside.
    assert finish(sipp(demo, "caller_waits.xml", "200")) == 0
    lines = front_site.server.read_available()
    assert not [line for line in lines if SET_INACTIVE.search(line)]
