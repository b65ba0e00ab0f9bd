"""SIP over TLS and SRTP on the whole server: ``serve --tls self-signed --sip-tls-port
--srtp mandatory`` in demo mode, the desktop's own pjsua2 softphone (``Softphone``) as the
agent's phone, SIPp as the caller to 200 (Support).

- the front's TLS port presents the API's certificate (``openssl s_client``), and the
  softphone, pinned to that fingerprint as the desktop pins the API's, registers over
  TLS, is rung over that connection, answers, and the caller is bridged to it;
- pinned to another fingerprint, the softphone shuts the connection down in its
  handshake and never registers;
- a capture on loopback (``tshark``) while the caller talks: with the phone asking for
  SRTP, the worker's offer to it has ``RTP/SAVP`` and crypto lines and no RTP between
  worker and phone carries plain audio, while the same silence relayed to the caller
  in plain RTP repeats (so the check can fail); a phone without SRTP refuses the
  SRTP-only offer (488), never rings, and no RTP flows to it;
- SIPp over TLS (Debian unstable's SIPp, ``tools/ensure-sipp-tls``), verifying the
  front against the server's certificate, calls in offering SRTP and is answered with
  SRTP; trusting another certificate it refuses the handshake;
- an outside call through a trunk set to ``transport: tls`` and ``srtp: mandatory``
  reaches SIPp listening over TLS with an SRTP-only offer.
"""

import asyncio
import contextlib
import math
import os
import signal
import ssl
import subprocess
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

# Before any QApplication exists: tests never need a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from tests.e2e.test_demo_calls import sipp_call
from tests.media.harness import sip_tester_pcaps
from tests.server_process import ServerProcess, front_address
from vaxla_desktop.api.client import ServerClient
from vaxla_desktop.api.outbound import OutboundApi
from vaxla_desktop.api.tls import fetch_certificate, pinned_context
from vaxla_desktop.phone import PhoneDesk
from vaxla_desktop.phone_settings import PhoneSettings
from vaxla_desktop.sip.bridge import SoftphoneBridge
from vaxla_desktop.sip.softphone import (
    Connected,
    Ended,
    FrontChanged,
    Ringing,
    Softphone,
    SoftphoneEvent,
    TlsFront,
)
from vaxla_desktop.ui.phone_panel import PhonePanel
from vaxla_protocol.offers import session_key
from vaxla_protocol.outbound import AgentPhone, SrtpMode, session_header
from vaxla_server.network import free_media_port, free_sip_port, free_udp_port

WAIT_S = 20.0
WORKERS = 2
RTP_SPAN = 20


@dataclass
class TlsDemo:
    server: ServerProcess
    sip: str
    tmp: Path
    fingerprint: str
    api: httpx.Client
    rtp_base: int
    front_port: int

    def token(self, user: str) -> str:
        response = self.api.post("/auth/login", json={"username": user, "password": "demo"})
        response.raise_for_status()
        token: str = response.json()["token"]
        return token

    def phone(self, token: str) -> AgentPhone:
        answer = self.api.get("/agent/phone", headers={"Authorization": f"Bearer {token}"})
        answer.raise_for_status()
        return AgentPhone.model_validate(answer.json())

    def post(self, path: str, token: str, body: object) -> None:
        response = self.api.post(path, json=body, headers={"Authorization": f"Bearer {token}"})
        assert response.is_success, response.text


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsDemo]:
    tmp = tmp_path_factory.mktemp("tls")
    (tmp / "pcap").symlink_to(sip_tester_pcaps())
    sip_port, tls_port = free_sip_port(), free_sip_port()
    rtp_base = free_udp_port()
    rtp_base = rtp_base if rtp_base < 60000 else 40000
    args = [
        "--demo", "--tls", "self-signed", "--sip-port", str(sip_port),
        "--sip-tls-port", str(tls_port), "--srtp", "mandatory",
        "--media-workers", f"1:{WORKERS}", "--rtp-base", str(rtp_base),
    ]  # fmt: skip
    with ServerProcess(tmp / "data", args, timeout=120) as server:
        assert server.url.startswith("https://")
        certificate = asyncio.run(fetch_certificate(server.url))
        api = httpx.Client(
            base_url=server.url + "/api/v1", timeout=10, verify=pinned_context(certificate)
        )
        demo = TlsDemo(
            server, front_address(server.log_lines), tmp, certificate.fingerprint, api,
            rtp_base, sip_port,
        )  # fmt: skip
        yield demo
        api.close()
        assert server.stop() == -signal.SIGTERM


@dataclass
class Phone:
    softphone: Softphone
    events: list[SoftphoneEvent] = field(default_factory=list)

    async def wait_for(self, kind: type, timeout: float = WAIT_S) -> SoftphoneEvent:
        for _ in range(int(timeout / 0.02)):
            for event in self.events:
                if isinstance(event, kind):
                    self.events.remove(event)
                    return event
            await asyncio.sleep(0.02)
        raise AssertionError(f"no {kind.__name__} within {timeout} s: {self.events}")


@contextlib.asynccontextmanager
async def softphone(token: str) -> AsyncIterator[Phone]:
    """The desktop's softphone keyed to the session, pumped every 10 ms."""
    events: list[SoftphoneEvent] = []
    phone = Softphone(events.append, lambda: session_key(token), bind="127.0.0.1", audio=False)

    async def pump() -> None:
        while True:
            phone.pump(0)
            await asyncio.sleep(0.01)

    pumping = asyncio.create_task(pump())
    try:
        yield Phone(phone, events)
    finally:
        pumping.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await pumping
        phone.close()


@contextlib.asynccontextmanager
async def capture(interface_filter: str, out: Path) -> AsyncIterator[None]:
    """``tshark`` writing what passes ``interface_filter`` on loopback to ``out``,
    from when it says it captures to the block's end (stopped by its pid)."""
    process = await asyncio.create_subprocess_exec(
        "tshark", "-i", "lo", "-f", interface_filter, "-w", str(out), "-q",
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stderr is not None
    said = b""
    while b"Capturing on" not in said:
        line = await asyncio.wait_for(process.stderr.readline(), WAIT_S)
        assert line, f"tshark did not start: {said.decode()}"
        said += line
    try:
        yield
    finally:
        process.send_signal(signal.SIGINT)
        await asyncio.wait_for(process.communicate(), WAIT_S)


def packets(pcap: Path) -> list[tuple[int, int, bytes]]:
    """Every UDP packet of the capture: source port, destination port, payload."""
    fields = subprocess.run(
        ["tshark", "-r", str(pcap), "-T", "fields", "-e", "udp.srcport", "-e", "udp.dstport",
         "-e", "udp.payload"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    found = []
    for line in fields.splitlines():
        source, destination, payload = line.split("\t")
        found.append((int(source), int(destination), bytes.fromhex(payload)))
    return found


def entropy(data: bytes) -> float:
    """Shannon entropy in bits per byte: plain silence ~0, encrypted ~8."""
    counts = Counter(data)
    return -sum(n / len(data) * math.log2(n / len(data)) for n in counts.values())


async def a_call_over_tls(demo: TlsDemo, user: str, srtp: SrtpMode) -> tuple[Path, int]:
    """``user``'s softphone registers over TLS asking for ``srtp`` and is logged in to
    take a caller to 200, under a capture of the workers' RTP ports and the front's
    loopback SIP. With SRTP it answers and talks until the caller hangs up; without, it
    cannot take the server's SRTP-only offer and the caller hangs up unanswered by it.
    The capture and the caller's media port."""
    token = demo.token(user)
    given = demo.phone(token)
    assert given.tls_uri is not None and given.credentials is not None
    assert given.srtp == "mandatory"
    pcap = demo.tmp / f"{user}-{srtp}.pcap"
    media_port = free_udp_port()
    last_rtp = demo.rtp_base + WORKERS * RTP_SPAN - 1
    wanted = f"udp and (portrange {demo.rtp_base}-{last_rtp} or port {demo.front_port})"
    async with softphone(token) as phone:
        contact = phone.softphone.use_tls_front(
            TlsFront(given.tls_uri, demo.fingerprint, srtp), given.credentials
        )
        registered = await phone.wait_for(FrontChanged)
        assert isinstance(registered, FrontChanged) and registered.registered, registered
        demo.post("/agent/login", token, {"sip_contact": contact})
        try:
            async with capture(wanted, pcap):
                caller = asyncio.create_task(
                    sipp_call(demo.sip, demo.tmp, "caller_talks.xml", "200", media_port=media_port)
                )
                if srtp == "off":
                    assert await asyncio.wait_for(caller, 30) == 0
                    assert not any(isinstance(e, (Ringing, Connected)) for e in phone.events), (
                        phone.events
                    )
                    return pcap, media_port
                ringing = await phone.wait_for(Ringing)
                assert isinstance(ringing, Ringing)
                phone.softphone.answer(ringing.call)
                await phone.wait_for(Connected)
                assert await asyncio.wait_for(caller, 30) == 0
                ended = await phone.wait_for(Ended)
                assert isinstance(ended, Ended) and ended.by == "remote"
        finally:
            demo.post("/agent/logout", token, {})
    return pcap, media_port


def worker_phone_rtp(
    demo: TlsDemo, pcap: Path, media_port: int
) -> tuple[list[bytes], list[bytes], list[bytes]]:
    """The SIP between the front and the workers, and the RTP payloads between a worker
    and the phone (not the caller's, which is SIPp's ``media_port``): all of them, and
    the phone's to the worker."""
    sip, rtp, from_phone = [], [], []
    workers = range(demo.rtp_base, demo.rtp_base + WORKERS * RTP_SPAN)
    caller = {media_port, media_port + 1, media_port + 2, media_port + 3}
    for source, destination, payload in packets(pcap):
        if demo.front_port in (source, destination):
            sip.append(payload)
            continue
        between = (source in workers) != (destination in workers)
        if not between or {source, destination} & caller:
            continue
        if len(payload) > 12 and payload[0] >> 6 == 2 and not 200 <= payload[1] <= 204:
            rtp.append(payload[12:])  # RTP (not RTCP): the payload after the header
            if destination in workers:
                from_phone.append(payload[12:])
    return sip, rtp, from_phone


def test_the_front_presents_the_apis_certificate_over_tls(demo: TlsDemo) -> None:
    tls_port = demo.phone(demo.token("agent3")).tls_uri
    assert tls_port is not None and tls_port.endswith(";transport=tls")
    address = tls_port.removeprefix("sip:").split(";")[0]
    shown = subprocess.run(
        ["openssl", "s_client", "-connect", address, "-brief"],
        input="", capture_output=True, text=True, timeout=10,
    )  # fmt: skip
    assert "CONNECTION ESTABLISHED" in shown.stderr, shown.stderr
    pem = subprocess.run(
        ["openssl", "s_client", "-connect", address, "-showcerts"],
        input="", capture_output=True, text=True, timeout=10,
    ).stdout  # fmt: skip
    fingerprint = subprocess.run(
        ["openssl", "x509", "-noout", "-fingerprint", "-sha256"],
        input=pem, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert fingerprint.split("=", 1)[1] == demo.fingerprint


def test_a_softphone_pinned_to_another_certificate_refuses_the_front(demo: TlsDemo) -> None:
    async def scenario() -> None:
        token = demo.token("agent4")
        given = demo.phone(token)
        assert given.tls_uri is not None and given.credentials is not None
        other = ":".join(["AB"] * 32)
        async with softphone(token) as phone:
            phone.softphone.use_tls_front(TlsFront(given.tls_uri, other), given.credentials)
            refused = await phone.wait_for(FrontChanged)
            assert isinstance(refused, FrontChanged)
            assert (refused.registered, refused.certificate) == (False, True)
            assert demo.fingerprint in refused.reason
            await asyncio.sleep(1.0)  # pjsua would retry at once if it were to
            assert not any(isinstance(e, FrontChanged) and e.registered for e in phone.events), (
                phone.events
            )

    asyncio.run(scenario())


def test_srtp_an_agent_over_tls_answers_a_caller_with_encrypted_audio(demo: TlsDemo) -> None:
    pcap, media_port = asyncio.run(a_call_over_tls(demo, "agent5", "optional"))
    sip, rtp, from_phone = worker_phone_rtp(demo, pcap, media_port)
    offers = [m for m in sip if m.startswith(b"INVITE sip:") and b"m=audio" in m]
    # The worker's INVITE to the phone (through the front) offers SRTP with its keys.
    to_phone = [m for m in offers if b";transport=tls" in m.split(b"\r\n", 1)[0]]
    assert to_phone, [m[:200] for m in offers]
    assert b"a=crypto:" in to_phone[0] and b"RTP/SAVP" in to_phone[0]
    assert len(rtp) > 50, f"only {len(rtp)} RTP packets between worker and phone"
    # No payload looks like audio: they look random, and the phone's silence (the same
    # frame again and again in plain RTP) is a new payload in every packet.
    assert entropy(b"".join(rtp)) > 7.5
    assert len(set(from_phone)) == len(from_phone) > 25
    # The control, in the same capture: that silence, relayed by the worker to the caller
    # in plain RTP (the caller is SIPp from a trunk, without SRTP), is one frame again
    # and again, so the checks above would see plain audio.
    workers = range(demo.rtp_base, demo.rtp_base + WORKERS * RTP_SPAN)
    to_caller = [
        payload[12:]
        for source, destination, payload in packets(pcap)
        if source in workers and destination == media_port and len(payload) > 12
    ]
    assert Counter(to_caller).most_common(1)[0][1] > 25, Counter(to_caller).most_common(3)


def test_under_mandatory_srtp_a_phone_without_it_is_refused_and_gets_no_audio(
    demo: TlsDemo,
) -> None:
    """A phone registered over TLS that does not do SRTP: the worker's offer to it has
    RTP/SAVP only, the phone answers 488 (through the front, to the worker), never rings,
    and no RTP flows between any worker and it while the caller talks."""
    pcap, media_port = asyncio.run(a_call_over_tls(demo, "agent6", "off"))
    sip, rtp, _ = worker_phone_rtp(demo, pcap, media_port)
    offers = [m for m in sip if m.startswith(b"INVITE sip:") and b"m=audio" in m]
    to_phone = [m for m in offers if b";transport=tls" in m.split(b"\r\n", 1)[0]]
    assert to_phone, [m[:200] for m in offers]
    assert all(b"RTP/SAVP" in m and b"a=crypto:" in m for m in to_phone)
    assert any(m.startswith(b"SIP/2.0 488") for m in sip), [m[:40] for m in sip]
    assert rtp == []


@pytest.mark.parametrize("pinned", [True, False])
def test_the_desktop_phone_goes_over_tls_when_the_server_says_so(
    demo: TlsDemo, qapp: QApplication, tmp_path: Path, pinned: bool
) -> None:
    """The app's own path: ``PhoneDesk.use_server_front`` with the API's pinned
    fingerprint registers over TLS and the contact for the queue log-in becomes the TLS
    one; pinned to another certificate, the panel says the phone takes no calls."""

    async def scenario() -> None:
        certificate = await fetch_certificate(demo.server.url)
        client = ServerClient(demo.server.url, ssl_context=pinned_context(certificate))
        await client.login("agent8", "demo")
        bridge = SoftphoneBridge(lambda: session_key(client.token), bind="127.0.0.1", audio=False)
        panel = PhonePanel()
        desk = PhoneDesk(
            panel, bridge, PhoneSettings(tmp_path / "settings.ini"), username="agent8",
            spawn=lambda work: tasks.add(asyncio.ensure_future(work)),
            outbound=OutboundApi(client), server_url=demo.server.url,
        )  # fmt: skip
        tasks: set[asyncio.Future[None]] = set()
        events: list[object] = []
        bridge.sig_event.connect(events.append)
        try:
            fingerprint = demo.fingerprint if pinned else ":".join(["0F"] * 32)
            assert await desk.use_server_front(fingerprint)
            assert bridge.contact.endswith(";transport=tls")
            for _ in range(int(WAIT_S / 0.02)):
                qapp.processEvents()
                if any(isinstance(e, FrontChanged) for e in events):
                    break
                await asyncio.sleep(0.02)
            front = next(e for e in events if isinstance(e, FrontChanged))
            assert front.registered is pinned
            # (Without sound devices the panel says so: that notice may stand.)
            refused = "another certificate than the server's own" in panel.notice_label.text()
            assert refused is not pinned, panel.notice_label.text()
        finally:
            for task in tasks:
                task.cancel()
            desk.close()
            panel.deleteLater()
            await client.logout()
            await client.aclose()

    asyncio.run(scenario())


def sipp_tls() -> Path:
    """Debian unstable's SIPp 3.8, built with OpenSSL, that ``make setup`` puts in the tools cache
    (``tools/ensure-sipp-tls``; Debian bookworm's is built without it)."""
    sipp = Path(__file__).parents[2] / "tools" / ".cache" / "sipp-tls" / "sipp"
    assert sipp.exists(), f"{sipp} is missing: run tools/ensure-sipp-tls (make setup does)"
    return sipp


def self_signed(folder: Path, name: str) -> tuple[Path, Path]:
    """A throwaway certificate and key for ``name`` (openssl)."""
    cert, key = folder / f"{name}.pem", folder / f"{name}.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", f"/CN={name}", "-keyout", str(key), "-out", str(cert)],
        capture_output=True, check=True, timeout=30,
    )  # fmt: skip
    return cert, key


async def sipp_over_tls(demo: TlsDemo, trusted: Path, number: str) -> tuple[int, str]:
    """SIPp over TLS (one connection, ``-t l1``) from 127.0.0.1 calls ``number`` at the
    front's TLS port offering SRTP, trusting only the certificate ``trusted`` (X509
    verification against it as the one CA); its exit status and what it said."""
    address = demo.phone(demo.token("agent3")).tls_uri
    assert address is not None
    front = address.removeprefix("sip:").split(";")[0]
    own_cert, own_key = self_signed(demo.tmp, "sipp-client")
    errors = demo.tmp / f"tls-{number}.errors"
    process = await asyncio.create_subprocess_exec(
        str(sipp_tls()), front, "-t", "l1", "-tls_ca", str(trusted),
        "-tls_cert", str(own_cert), "-tls_key", str(own_key),
        "-sf", str(Path(__file__).parents[1] / "sipp" / "caller_offers_srtp.xml"),
        "-s", number, "-m", "1", "-i", "127.0.0.1", "-p", str(free_sip_port()),
        "-mp", str(free_media_port()), "-timeout", "30s", "-timeout_error", "-nostdin",
        "-trace_err", "-error_file", str(errors),
        cwd=demo.tmp, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        _, said = await asyncio.wait_for(process.communicate(), 40)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    told = said.decode(errors="replace")
    if errors.exists():
        told += errors.read_text(errors="replace")
    assert process.returncode is not None
    return process.returncode, told


def test_sipp_over_tls_trusting_the_servers_certificate_is_answered_with_srtp(
    demo: TlsDemo,
) -> None:
    """An operator's SIPp over TLS, verifying the front against the server's own
    certificate, calls 200 offering SDES SRTP: the front (Kamailio's TLS port) passes it
    to a worker, which answers with SRTP (the scenario checks the answer's RTP/SAVP and
    crypto line), and the caller hangs up."""
    front = demo.phone(demo.token("agent3")).tls_uri
    assert front is not None
    host, port = front.removeprefix("sip:").split(";")[0].rsplit(":", 1)
    server_cert = demo.tmp / "server.pem"
    server_cert.write_text(ssl.get_server_certificate((host, int(port))))
    status, said = asyncio.run(sipp_over_tls(demo, server_cert, "200"))
    assert status == 0, said


def test_sipp_over_tls_trusting_another_certificate_never_calls(demo: TlsDemo) -> None:
    """The same SIPp trusting another certificate refuses the front in its handshake
    (X509 verification) and sends nothing."""
    other, _ = self_signed(demo.tmp, "another-server")
    status, said = asyncio.run(sipp_over_tls(demo, other, "200"))
    assert status != 0
    assert "TLS verification error" in said and "Unable to connect" in said, said


def test_an_outside_call_leaves_over_tls_with_srtp_through_a_trunk_set_so(demo: TlsDemo) -> None:
    """A trunk with ``transport: tls`` and ``srtp: mandatory`` carries the outside calls;
    its far end is SIPp listening for SIP over TLS with a certificate of its own. An
    agent's phone (the desktop's softphone, over TLS) calls a number: the front reaches
    SIPp over TLS, the worker's INVITE offers only SRTP with its keys and no
    ``X-Vaxla-Srtp`` (the scenario checks both), SIPp answers with SRTP, the agent is
    connected, hangs up, and SIPp gets the BYE."""
    number = "+46701112233"
    admin = demo.token("admin1")
    far_port = free_sip_port()
    trunk = {
        "name": "Encrypted operator", "kind": "ip", "addresses": ["192.0.2.77"],
        "outbound": True, "gateway": f"127.0.0.1:{far_port}", "caller_id": "+46850001234",
        "transport": "tls", "srtp": "mandatory",
    }  # fmt: skip
    added = demo.api.post(
        "/config/trunks", json=trunk, headers={"Authorization": f"Bearer {admin}"}
    )
    assert added.status_code == 201, added.text
    far_cert, far_key = self_signed(demo.tmp, "operator")

    async def scenario() -> None:
        errors = demo.tmp / "operator.errors"
        far_end = await asyncio.create_subprocess_exec(
            str(sipp_tls()), "-t", "l1", "-tls_cert", str(far_cert), "-tls_key", str(far_key),
            "-sf", str(Path(__file__).parents[1] / "sipp" / "trunk_answers_srtp.xml"),
            "-i", "127.0.0.1", "-p", str(far_port), "-mp", str(free_media_port()), "-m", "1",
            "-timeout", "30s", "-timeout_error", "-nostdin", "-trace_err",
            "-error_file", str(errors),
            cwd=demo.tmp, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        token = demo.token("agent7")
        given = demo.phone(token)
        assert given.tls_uri is not None and given.credentials is not None
        try:
            async with softphone(token) as phone:
                contact = phone.softphone.use_tls_front(
                    TlsFront(given.tls_uri, demo.fingerprint, "optional"), given.credentials
                )
                registered = await phone.wait_for(FrontChanged)
                assert isinstance(registered, FrontChanged) and registered.registered
                demo.post("/agent/login", token, {"sip_contact": contact})
                try:
                    agent = demo.api.get("/agent", headers={"Authorization": f"Bearer {token}"})
                    agent_id = agent.json()["agent_id"]
                    header = session_header(session_key(token), agent_id, number)
                    front = given.tls_uri.removeprefix("sip:")
                    call = phone.softphone.dial(
                        f"sip:{number}@{front}", {"X-Vaxla-Session": header}
                    )
                    await phone.wait_for(Connected)
                    phone.softphone.hangup(call)
                    await phone.wait_for(Ended)
                    status = await asyncio.wait_for(far_end.wait(), WAIT_S)
                    said = errors.read_text() if errors.exists() else ""
                    assert status == 0, said
                finally:
                    demo.post("/agent/logout", token, {})
        finally:
            if far_end.returncode is None:
                far_end.kill()
                await far_end.wait()

    try:
        asyncio.run(scenario())
    finally:
        removed = demo.api.delete(
            "/config/trunks/Encrypted operator", headers={"Authorization": f"Bearer {admin}"}
        )
        assert removed.status_code == 204, removed.text
