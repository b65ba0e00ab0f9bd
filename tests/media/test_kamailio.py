"""The SIP front on a real Kamailio, with SIPp as the trunks, phones and media workers.

The front listens on 127.0.0.3 in most tests, so that it receives on one socket and sends
to the workers from another (its internal one on 127.0.0.1), as it does on a server.
Trunks are 127.0.0.1/32; 127.0.0.2 is an untrusted source. Each test stops exactly the
processes it started, by pid.
"""

import asyncio
import contextlib
import ipaddress
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest

from vaxla_protocol.outbound import SipCredentials
from vaxla_server.media.credentials import agent_credentials
from vaxla_server.media.kamailio import (
    Destination,
    FrontError,
    FrontSettings,
    FrontTls,
    KamailioFront,
)
from vaxla_server.network import BindAddress, free_media_port
from vaxla_server.tls import self_signed_certificate

SCENARIOS = Path(__file__).parents[2] / "tests" / "sipp"
TRUNK = "127.0.0.1"
UNTRUSTED = "127.0.0.2"
PUBLIC = "127.0.0.3"
T = TypeVar("T")

pytestmark = pytest.mark.skipif(shutil.which("sipp") is None, reason="SIPp is not installed")


def free_port(host: str = "127.0.0.1") -> int:
    """A port free for both UDP and TCP on ``host`` right now."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind((host, 0))
            port: int = udp.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
                try:
                    tcp.bind((host, port))
                except OSError:
                    continue
            return port


def udp_bound(host: str, port: int) -> bool:
    """Whether some process has a UDP socket on host:port (read, not probed by binding)."""
    wanted = f"{socket.inet_aton(host)[::-1].hex().upper()}:{port:04X}"
    with open("/proc/net/udp") as table:
        return any(line.split()[1] == wanted for line in table.readlines()[1:])


def gone(pid: int) -> bool:
    """Whether the process group ``pid`` led has no process left running (a zombie waiting
    for init to reap it is not running)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == pid and fields[0] != "Z":  # fields: state, ppid, pgrp
                return False
    return True


async def until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Wait for ``condition()`` to hold (checked every 20 ms)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        await asyncio.sleep(0.02)


async def eventually(
    fetch: Callable[[], Awaitable[T]], check: Callable[[T], bool], timeout: float, what: str
) -> T:
    """Fetch (an RPC answer) until ``check`` holds for it."""
    deadline = time.monotonic() + timeout
    while True:
        value = await fetch()
        if check(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}; last: {value}")
        await asyncio.sleep(0.05)


async def states(front: KamailioFront) -> dict[str, str]:
    """Each worker's dispatcher flags (A active, I inactive, D disabled; P probing)."""
    listed = await front.rpc("dispatcher.list")
    return {
        target["DEST"]["URI"]: target["DEST"]["FLAGS"]
        for record in (listed or {}).get("RECORDS", [])
        if record["SET"]["ID"] == 1
        for target in record["SET"]["TARGETS"]
    }


class Sipp:
    """One SIPp process and its message log (``-trace_logs``)."""

    def __init__(self, name: str, process: asyncio.subprocess.Process, folder: Path) -> None:
        self.name = name
        self.process = process
        self.log = folder / f"{name}.log"
        self.errors = folder / f"{name}.errors"

    def lines(self) -> list[str]:
        return self.log.read_text().splitlines() if self.log.exists() else []

    def matching(self, pattern: str) -> list[str]:
        return [line for line in self.lines() if re.search(pattern, line)]

    async def logged(self, pattern: str, count: int = 1, timeout: float = 5) -> list[str]:
        await until(
            lambda: len(self.matching(pattern)) >= count,
            timeout,
            f"{self.name} logs {count}× {pattern!r}; it logged {self.lines()}",
        )
        return self.matching(pattern)

    async def die(self) -> None:
        """Kill it (a media worker that dies)."""
        self.process.kill()
        await self.process.wait()

    async def finished(self, timeout: float = 10) -> None:
        code = await asyncio.wait_for(self.process.wait(), timeout)
        problems = self.errors.read_text() if self.errors.exists() else ""
        assert code == 0, f"{self.name} exited with {code}: {problems}; log: {self.lines()}"


class Sipps:
    """The SIPp processes of one test."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.started: list[Sipp] = []

    async def _start(self, scenario: str, host: str, port: int, *options: str) -> Sipp:
        name = f"{Path(scenario).stem}-{len(self.started)}"
        process = await asyncio.create_subprocess_exec(
            "sipp", *options,
            "-sf", str(SCENARIOS / scenario),
            "-i", host, "-p", str(port), "-mp", str(free_media_port(host)),
            "-nostdin", "-timeout", "20s", "-timeout_error",
            "-trace_err", "-error_file", str(self.folder / f"{name}.errors"),
            "-trace_logs", "-log_file", str(self.folder / f"{name}.log"),
            cwd=self.folder,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        sipp = Sipp(name, process, self.folder)
        self.started.append(sipp)
        return sipp

    async def answering(self, scenario: str, port: int, calls: int | None = 1) -> Sipp:
        """A UAS on 127.0.0.1:``port`` (a worker or a phone), ready when this returns."""
        limit = ["-m", str(calls)] if calls is not None else []
        sipp = await self._start(scenario, "127.0.0.1", port, *limit)
        await until(lambda: udp_bound("127.0.0.1", port), 5, f"{sipp.name} listens on {port}")
        return sipp

    async def calling(
        self,
        scenario: str,
        target: str,
        *,
        source: str = TRUNK,
        port: int | None = None,
        calls: int = 1,
        rate: int = 10,
        at_once: int = 1,
        proxy: str | None = None,
        service: str = "100",
        talk_ms: int = 50,
        credentials: SipCredentials | None = None,
    ) -> Sipp:
        """A UAC sending ``calls`` calls to ``target`` (through ``proxy`` when given);
        in ``front_caller.xml`` each answered call hangs up after ``talk_ms``;
        ``agent_caller.xml`` answers the front's challenge with ``credentials``."""
        options = ["-s", service, "-m", str(calls), "-r", str(rate), "-l", str(at_once)]
        options += ["-d", str(talk_ms)]
        if credentials is not None:
            options += ["-au", credentials.username, "-ap", credentials.password]
        if proxy is not None:
            options += ["-rsa", proxy]
        return await self._start(scenario, source, port or free_port(source), target, *options)

    async def close(self) -> None:
        for sipp in self.started:
            if sipp.process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    sipp.process.kill()
                await sipp.process.wait()


@contextlib.asynccontextmanager
async def running(tmp_path: Path, **options: Any) -> AsyncIterator[tuple[KamailioFront, Sipps]]:
    """A started front (listening on 127.0.0.3 unless told) and the test's SIPps; both
    stopped afterwards, and nothing of Kamailio's left running."""
    settings = FrontSettings(
        data_dir=tmp_path / "data",
        listen=options.pop("listen", PUBLIC),
        sip_port=free_port(PUBLIC),
        trunks=(ipaddress.ip_network(f"{TRUNK}/32"),),
        **options,
    )
    front = KamailioFront(settings)
    sipps = Sipps(tmp_path)
    pids: list[int] = []
    try:
        await front.start()
        assert front.pid is not None
        pids.append(front.pid)
        yield front, sipps
    finally:
        if front.pid is not None:
            pids.append(front.pid)
        await front.stop()
        await sipps.close()
    assert front.pid is None
    await until(lambda: all(gone(pid) for pid in pids), 5, "no Kamailio process is left")


def uri(port: int) -> str:
    """The SIP URI of a worker on this port."""
    return f"sip:127.0.0.1:{port}"


def worker(port: int, room: bool = True) -> Destination:
    return Destination(uri(port), room)


def test_starts_logs_its_version_stops_and_explains_why_it_cannot_start(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async def run() -> None:
        caplog.set_level(logging.INFO, logger="vaxla_server.media.kamailio")
        # a data folder too deep for a Unix socket's path: the sockets go to /tmp
        async with running(tmp_path / ("deep-" * 16)) as (front, _):
            assert front.address == f"{PUBLIC}:{front.settings.sip_port}"
            assert re.fullmatch(r"sip:127\.0\.0\.1:\d+;lr", front.internal_uri)
            assert front.internal_uri != f"sip:127.0.0.1:{front.settings.sip_port};lr"
            config = front.config_path.read_text()
            assert f"listen=udp:{PUBLIC}:{front.settings.sip_port}" in config
            assert "listen=udp:127.0.0.1:" in config
        assert "Kamailio: kamailio 5." in caplog.text

        def unstarted(name: str, listen: str = "127.0.0.1", **options: Any) -> KamailioFront:
            settings = FrontSettings(tmp_path / name, listen, free_port(), (), **options)
            return KamailioFront(settings)

        missing = unstarted("missing", kamailio="kamailio-that-is-not-installed")
        with pytest.raises(FrontError, match=r"make setup installs it.*not found"):
            await missing.start()

        # An address this host does not have: Kamailio's own words come back.
        elsewhere = unstarted("elsewhere", listen="203.0.113.77")
        with pytest.raises(FrontError, match="Cannot assign requested address"):
            await elsewhere.start()
        assert elsewhere.pid is None

        # Settings that Kamailio's configuration check refuses.
        refused = unstarted("refused", children=-1)
        with pytest.raises(FrontError, match=r"refused its configuration .*kamailio\.cfg"):
            await refused.start()

    asyncio.run(run())


@pytest.mark.parametrize("listen", ["127.0.0.1", "0.0.0.0"])
def test_with_tls_the_configuration_listens_for_tls_and_kamailio_takes_it(
    tmp_path: Path, listen: str
) -> None:
    """The front's configuration with SIP over TLS, on one address and on every one:
    Kamailio's own check takes it (the TLS call itself is in tests/e2e/test_sip_tls.py)."""
    certificate = self_signed_certificate(tmp_path, BindAddress.parse("127.0.0.1"))
    tls = FrontTls(free_port(), certificate.cert_file, certificate.key_file)
    front = KamailioFront(FrontSettings(tmp_path, listen, free_port(), (), tls=tls))
    config = front.render_config()
    if listen == "0.0.0.0":
        assert f"tls_port_no={tls.port}" in config
    else:
        assert f"listen=tls:{listen}:{tls.port}" in config
    assert "#!define WITH_TLS" in config and "enable_tls=yes" in config
    tls_config = front.render_tls_config()
    assert f"certificate = {certificate.cert_file}" in tls_config
    assert f"private_key = {certificate.key_file}" in tls_config
    (tmp_path / "tls.cfg").write_text(tls_config)
    config = config.replace(str(front.config_path.parent / "tls.cfg"), str(tmp_path / "tls.cfg"))
    (tmp_path / "kamailio.cfg").write_text(config)
    check = subprocess.run(
        ["kamailio", "-c", "-f", str(tmp_path / "kamailio.cfg")], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    # Without TLS none of it.
    plain = KamailioFront(FrontSettings(tmp_path, listen, free_port(), ())).render_config()
    assert "#!define WITH_TLS" not in plain and "enable_tls" not in plain


def test_a_trunk_call_reaches_a_worker_with_the_real_source_and_completes(
    tmp_path: Path,
) -> None:
    async def run() -> None:
        async with running(tmp_path) as (front, sipps):
            port = free_port()
            await front.set_destinations([worker(port)])
            answering = await sipps.answering("front_worker.xml", port)
            caller = await sipps.calling("front_caller.xml", front.address)
            await caller.finished()
            await answering.finished()
            assert caller.matching("answered")
            (invite,) = answering.matching("INVITE")
            # the forged header is gone (the scenario checks), the real source is there
            assert re.search(rf"source=\s*{re.escape(TRUNK)}\s+record-route=", invite)
            assert re.search(r"BYE", " ".join(answering.lines()))

    asyncio.run(run())


def test_an_untrusted_source_is_challenged_and_only_an_agent_with_credentials_gets_through(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="vaxla_server.media.kamailio")

    async def run() -> None:
        async with running(tmp_path, untrusted_rate=10) as (front, sipps):
            port = free_port()
            await front.set_destinations([worker(port)])
            answering = await sipps.answering("front_worker.xml", port)
            secret, now = front.settings.agent_secret, datetime.now(UTC)

            # A stranger's INVITE is challenged (407) and reaches no worker; so is one
            # answering with credentials made with another secret, or expired ones.
            stranger = request("INVITE sip:200@{target} SIP/2.0", "To: <sip:200@{target}>",
                               "CSeq: 1 INVITE", "Contact: <sip:tester@{local}>")  # fmt: skip
            assert await ask(UNTRUSTED, front.address, stranger) == (
                "SIP/2.0 407 Proxy Authentication Required"
            )
            for wrong in (
                agent_credentials("another secret", 7, now),
                agent_credentials(secret, 7, now - timedelta(hours=2)),
            ):
                refused = await sipps.calling(
                    "agent_caller.xml", front.address, source=UNTRUSTED, credentials=wrong
                )
                await refused.finished()
                assert refused.matching("challenged again")
            await until(
                lambda: caplog.text.count("credentials refused") == 2,
                5,
                "the front logs both refusals",
            )
            assert answering.lines() == []

            agent = await sipps.calling(
                "agent_caller.xml",
                front.address,
                source=UNTRUSTED,
                credentials=agent_credentials(secret, 7, now),
            )
            await agent.finished()
            assert agent.matching("answered")
            await answering.finished()
            (invite,) = answering.matching("INVITE")
            assert re.search(rf"source=\s*{re.escape(UNTRUSTED)}\s", invite)
            assert "Proxy-Authorization" not in invite  # consumed at the front

            # An in-dialog request from an untrusted source is relayed only to a worker:
            # the front is no open relay for a forged Route set.
            forged = request(
                "BYE sip:someone@127.0.0.1:9 SIP/2.0",
                "Route: <sip:{target};lr>",
                "To: <sip:someone@127.0.0.1:9>;tag=far",
                "CSeq: 2 BYE",
            )
            assert await ask("127.0.0.5", front.address, forged) == "SIP/2.0 403 Forbidden"

            # A stranger's OPTIONS and MESSAGE get no answer at all (nothing says a SIP
            # server is here); a trunk's OPTIONS keep-alive does.
            for method in ("OPTIONS", "MESSAGE"):
                probe = request(
                    f"{method} sip:{{target}} SIP/2.0", "To: <sip:{target}>", f"CSeq: 1 {method}"
                )
                assert await ask("127.0.0.6", front.address, probe) is None, method
            ping = request("OPTIONS sip:{target} SIP/2.0", "To: <sip:{target}>", "CSeq: 1 OPTIONS")
            assert await ask(TRUNK, front.address, ping) == "SIP/2.0 200 OK"

            # A flood from an untrusted source: answered (407) at first, then dropped
            # (pike blocks at between 1× and 3× the rate within its 2 s windows).
            answered = await answered_until_blocked("127.0.0.4", front.address, 100)
            assert 10 <= answered < 100

    asyncio.run(run())


def test_a_busy_worker_passes_the_call_on_a_full_one_gets_none_and_none_left_is_503(
    tmp_path: Path,
) -> None:
    async def run() -> None:
        async with running(tmp_path) as (front, sipps):
            busy_port, free, full_port = free_port(), free_port(), free_port()
            busy = await sipps.answering("front_worker_full.xml", busy_port)
            answering = await sipps.answering("front_worker.xml", free, calls=4)
            full = await sipps.answering("front_worker.xml", full_port, calls=None)
            await front.set_destinations([worker(busy_port), worker(free)])
            # Tried in the pool's order (it puts one host's workers after another's).
            assert list(await states(front)) == [uri(busy_port), uri(free)]
            # Round-robin: of two calls one is offered to the full worker first (its own
            # 486 with X-Vaxla-Worker: passed on), the other goes straight to the free one.
            callers = await sipps.calling(
                "front_caller.xml", front.address, calls=2, at_once=2, talk_ms=1000
            )
            await callers.logged("answered", count=2)
            await busy.finished()
            # both calls are the free worker's, also the one that moved to it
            on_free = await front.rpc("dlg.profile_list", "worker", uri(free))
            assert len(on_free) == 2
            assert await front.rpc("dlg.profile_list", "worker", uri(busy_port)) == []
            await callers.finished()

            await front.set_destinations([worker(free), worker(full_port, room=False)])
            callers = await sipps.calling("front_caller.xml", front.address, calls=2)
            await callers.finished()
            assert len(callers.matching("answered")) == 2
            await answering.finished()
            assert full.lines() == []

            await front.set_room(uri(free), False)
            refused = await sipps.calling("front_caller.xml", front.address)
            await refused.finished()
            assert refused.matching("refused 503")
            await front.set_destinations([])
            refused = await sipps.calling("front_caller.xml", front.address)
            await refused.finished()
            assert refused.matching("refused 503")
            assert full.lines() == []

    asyncio.run(run())


def test_the_call_flows_own_refusal_goes_to_the_caller_and_is_not_placed_again(
    tmp_path: Path,
) -> None:
    """A 486 without X-Vaxla-Worker is the call flow's answer (the number an agent
    dialled is busy): the caller gets it, and no other worker is offered the call."""

    async def run() -> None:
        async with running(tmp_path) as (front, sipps):
            first, second = free_port(), free_port()
            busy = await sipps.answering("outside_busy.xml", first)
            other = await sipps.answering("front_worker.xml", second, calls=None)
            await front.set_destinations([worker(first), worker(second)])
            # Round-robin: one call each. The busy one's is not offered to the other.
            callers = await sipps.calling(
                "front_caller.xml", front.address, calls=2, at_once=2, talk_ms=500
            )
            await callers.finished()
            await busy.finished()
            assert len(callers.matching("refused 486")) == 1, (callers.lines(), other.lines())
            assert len(callers.matching("answered")) == 1
            assert len(other.matching("^INVITE")) == 1

    asyncio.run(run())


def test_a_silent_worker_is_set_aside_until_it_answers_pings_and_a_full_one_is_not_pinged(
    tmp_path: Path,
) -> None:
    async def run() -> None:
        async with running(tmp_path) as (front, sipps):
            silent, full, free = free_port(), free_port(), free_port()
            full_worker = await sipps.answering("front_pinged.xml", full, calls=None)
            answering = await sipps.answering("front_worker.xml", free, calls=3)
            await front.set_destinations([worker(silent), worker(full, room=False), worker(free)])
            # Round-robin over three: one of three calls is offered to the silent worker
            # first; it gets no answer within 2 s and is passed on.
            callers = await sipps.calling("front_caller.xml", front.address, calls=3)
            await callers.finished(timeout=15)
            assert len(callers.matching("answered")) == 3
            await answering.finished()
            assert (await states(front))[uri(silent)] == "IP"  # inactive, probing

            pinged = await sipps.answering("front_pinged.xml", silent, calls=None)
            await pinged.logged("OPTIONS", timeout=5)
            await eventually(
                lambda: states(front), lambda flags: flags[uri(silent)][0] == "A",
                5, "the silent worker is active again",
            )  # fmt: skip
            # meanwhile at least one round of pings went out, none to the full worker
            assert full_worker.lines() == []
            assert (await states(front))[uri(full)] == "DX"

    asyncio.run(run())


def test_a_burst_over_the_call_rate_gets_503_for_the_excess_only(tmp_path: Path) -> None:
    async def run() -> None:
        async with running(tmp_path, call_rate=5) as (front, sipps):
            port = free_port()
            answering = await sipps.answering("front_worker.xml", port, calls=None)
            await front.set_destinations([worker(port)])
            burst = await sipps.calling(
                "front_caller.xml", front.address, calls=15, rate=200, at_once=15
            )
            await burst.finished()
            answered = len(burst.matching("answered"))
            refused = len(burst.matching("refused 503"))
            assert answered + refused == 15
            # 5 a second; a burst that straddles two 1 s windows gets up to twice that
            assert 5 <= answered <= 10, burst.lines()
            await answering.logged("BYE", count=answered)

    asyncio.run(run())


def test_end_dialogs_hangs_up_both_ends_of_a_workers_calls_and_no_others(
    tmp_path: Path,
) -> None:
    async def run() -> None:
        async with running(tmp_path) as (front, sipps):
            dying, other = free_port(), free_port()
            dying_worker = await sipps.answering("front_worker.xml", dying, calls=2)
            other_worker = await sipps.answering("front_worker.xml", other)
            await front.set_destinations([worker(dying)])
            callers = await sipps.calling(
                "front_caller_waits.xml", front.address, calls=2, at_once=2
            )
            await callers.logged("answered", count=2)
            await front.set_destinations([worker(dying, room=False), worker(other)])
            other_caller = await sipps.calling("front_caller_waits.xml", front.address)
            await other_caller.logged("answered")

            await dying_worker.die()
            began = time.monotonic()
            assert await front.end_dialogs(uri(dying)) == 2
            await callers.finished(timeout=2)
            assert time.monotonic() - began < 2

            assert other_caller.process.returncode is None
            assert other_caller.matching("BYE") == []
            (dialog,) = await front.rpc("dlg.profile_list", "worker", uri(other))
            assert dialog["state"] == 4
            await other_worker.die()
            assert await front.end_dialogs(uri(other)) == 1
            await other_caller.finished()

    asyncio.run(run())


def test_a_workers_own_calls_are_relayed_record_routed_and_ended_with_it(
    tmp_path: Path,
) -> None:
    async def run() -> None:
        async with running(tmp_path) as (front, sipps):
            port = free_port()
            await front.set_destinations([worker(port, room=False)])
            proxy = front.internal_uri.removeprefix("sip:").removesuffix(";lr")
            phone_port = free_port()
            phone = await sipps.answering("front_worker.xml", phone_port)
            agent_leg = await sipps.calling(
                "front_caller_waits.xml", f"127.0.0.1:{phone_port}",
                port=port, proxy=proxy, service="agent",
            )  # fmt: skip
            await agent_leg.logged("answered")
            (invite,) = await phone.logged("INVITE")
            assert re.search(r"source=\s+record-route=\s*<sip:", invite)  # no X-Vaxla-Source

            await agent_leg.die()  # the worker that placed the call
            assert await front.end_dialogs(uri(port)) == 1
            await phone.finished(timeout=2)

    asyncio.run(run())


def test_unanswered_calls_of_a_dead_worker_are_ended(tmp_path: Path) -> None:
    async def run() -> None:
        async with running(tmp_path) as (front, sipps):
            port = free_port()
            await front.set_destinations([worker(port)])
            # offered to the worker, which rang and died: the caller gets 480 at once
            dead = await sipps.answering("outside_rings.xml", port)
            caller = await sipps.calling("front_caller_rings.xml", front.address)
            await caller.logged("ringing")
            await dead.die()
            # placed by the worker, ringing: the phone gets a CANCEL, the leg 487
            phone_port = free_port()
            phone = await sipps.answering("outside_rings.xml", phone_port)
            proxy = front.internal_uri.removeprefix("sip:").removesuffix(";lr")
            leg = await sipps.calling(
                "front_caller_rings.xml", f"127.0.0.1:{phone_port}",
                port=port, proxy=proxy, service="agent",
            )  # fmt: skip
            await leg.logged("ringing")

            assert await front.end_dialogs(uri(port)) == 2
            await caller.finished(timeout=2)
            assert caller.matching("ended 480")
            await phone.finished(timeout=2)
            await leg.finished(timeout=2)
            assert leg.matching("ended 487")

    asyncio.run(run())


def test_a_killed_kamailio_is_restarted_with_the_current_destinations(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    async def run() -> None:
        async with running(tmp_path) as (front, sipps):
            full, free = free_port(), free_port()
            await front.set_destinations([worker(full), worker(free, room=False)])
            await front.set_room(uri(full), False)
            await front.set_room(uri(free), True)
            killed = front.pid
            assert killed is not None
            os.kill(killed, signal.SIGKILL)
            await front.restarted(1, timeout=10)
            assert front.restarts == 1
            assert front.pid not in (None, killed)
            await until(lambda: gone(killed), 5, "the killed Kamailio's children are ended")
            assert f"exited with code -{int(signal.SIGKILL)}" in caplog.text

            assert await states(front) == {
                uri(full): "DX",
                uri(free): "AX",
            }

            answering = await sipps.answering("front_worker.xml", free)
            caller = await sipps.calling("front_caller.xml", front.address)
            await caller.finished()
            await answering.finished()
            assert caller.matching("answered")

    asyncio.run(run())


async def ask(source: str, target: str, request: str, timeout: float = 0.3) -> str | None:
    """Send one SIP request over UDP from ``source`` (any port) to ``target``; the first
    line of the first answer, or None when none came within ``timeout``."""
    host, port = target.rsplit(":", 1)
    loop = asyncio.get_running_loop()
    answer: asyncio.Future[bytes] = loop.create_future()

    class First(asyncio.DatagramProtocol):
        def datagram_received(self, data: bytes, addr: Any) -> None:
            if not answer.done():
                answer.set_result(data)

    transport, _ = await loop.create_datagram_endpoint(
        First, local_addr=(source, 0), remote_addr=(host, int(port))
    )
    try:
        local = "{}:{}".format(*transport.get_extra_info("sockname"))
        transport.sendto(request.format(local=local, target=target).encode())
        data = await asyncio.wait_for(answer, timeout)
    except TimeoutError:
        return None
    finally:
        transport.close()
    return data.decode(errors="replace").split("\r\n", 1)[0]


def request(first_line: str, *headers: str) -> str:
    """A SIP request; ``{local}`` and ``{target}`` are filled in by :func:`ask`."""
    tag = os.urandom(4).hex()
    lines = [
        first_line,
        f"Via: SIP/2.0/UDP {{local}};branch=z9hG4bK{tag}",
        f"From: <sip:tester@{{local}}>;tag={tag}",
        f"Call-ID: {tag}@tester",
        "Max-Forwards: 70",
        *headers,
        "Content-Length: 0",
    ]
    return "\r\n".join(lines) + "\r\n\r\n"


async def answered_until_blocked(source: str, target: str, limit: int) -> int:
    """Send INVITEs without an offer from ``source`` to ``target`` one after the other,
    each as soon as the one before was answered (407 to a stranger), up to ``limit``;
    how many were answered before one was not."""
    for number in range(limit):
        invite = request("INVITE sip:200@{target} SIP/2.0", "To: <sip:200@{target}>",
                         "CSeq: 1 INVITE", "Contact: <sip:tester@{local}>")  # fmt: skip
        if await ask(source, target, invite) is None:
            return number
    return limit
