"""Test helpers for the media plane: a pool whose messages land in a queue, SIPp as the
outside caller, and the pjsua2 agent phone (``agent_phone.py``) as a process."""

import asyncio
import contextlib
import ipaddress
import json
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, TypeVar

from vaxla_protocol.offers import make_offer_token, session_key
from vaxla_server.media.messages import Answer, FromWorker, IncomingCall, OriginateAgentLeg, Ready
from vaxla_server.media.pool import MediaPool, free_udp_port
from vaxla_server.network import free_media_port

EXPECT_S = 30.0
"""A guard against a hang, never a measure: a loaded machine runs two test processes
beside workers, SIPp and Kamailio, and a message due in milliseconds may take seconds."""

ROOT = Path(__file__).parents[2]
SCENARIOS = ROOT / "tests" / "sipp"
PROMPTS = ROOT / "resources" / "prompts"
AGENT_PHONE = Path(__file__).parent / "agent_phone.py"
LOOPBACK = ipaddress.ip_network("127.0.0.0/8")
KEY = session_key("the-agent's-bearer-token")
M = TypeVar("M")


def sip_tester_pcaps() -> Path:
    """The folder of the pcaps the sip-tester package installs (dtmf_2833_1.pcap, ...)."""
    listing = subprocess.run(["dpkg", "-L", "sip-tester"], capture_output=True, text=True)
    for line in listing.stdout.splitlines():
        if line.endswith("/g711a.pcap"):
            return Path(line).parent
    raise AssertionError("the sip-tester package's pcaps are not installed")


class Harness:
    """A pool whose messages land in a queue the test waits on."""

    def __init__(self, tmp_path: Path, **pool_options: Any) -> None:
        self.tmp_path = tmp_path
        self.queue: asyncio.Queue[FromWorker] = asyncio.Queue()
        self.seen: list[FromWorker] = []  # every message, for the failure report
        self.unclaimed: list[FromWorker] = []  # arrived, not yet returned by expect
        self.pool = MediaPool(self.queue.put_nowait, **pool_options)
        self.started: list[asyncio.subprocess.Process] = []
        (tmp_path / "pcap").symlink_to(sip_tester_pcaps())

    async def expect(
        self,
        kind: type[M],
        where: Callable[[M], bool] = lambda _: True,
        timeout: float = EXPECT_S,
    ) -> M:
        """The first message of ``kind`` for which ``where`` holds that no earlier expect
        returned, waiting up to ``timeout`` seconds for it. Messages that did not match stay
        claimable, so the order in which a test waits need not be the order of arrival."""
        for index, message in enumerate(self.unclaimed):
            if isinstance(message, kind) and where(message):
                del self.unclaimed[index]
                return message
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no {kind.__name__} within {timeout} s; seen: {self.seen}")
            try:
                message = await asyncio.wait_for(self.queue.get(), remaining)
            except TimeoutError:
                continue
            self.seen.append(message)
            if isinstance(message, kind) and where(message):
                return message
            self.unclaimed.append(message)

    async def sipp(
        self, scenario: str, target: str, service: str = "100", calls: int = 1
    ) -> "Sipp":
        errors = self.tmp_path / f"{scenario}.errors"
        process = await asyncio.create_subprocess_exec(
            "sipp", target,
            "-sf", str(SCENARIOS / scenario),
            "-s", service,
            "-m", str(calls),
            "-l", str(calls),
            "-r", "50",
            "-i", "127.0.0.1",
            "-p", str(free_udp_port()),
            "-mp", str(free_media_port()),
            "-timeout", "15s",
            "-timeout_error",
            "-nostdin",
            "-trace_err",
            "-error_file", str(errors),
            cwd=self.tmp_path,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        self.started.append(process)
        return Sipp(process, errors)

    async def agent(self, *options: str) -> "AgentPhone":
        record = self.tmp_path / f"agent-heard-{len(self.started)}.wav"
        process = await asyncio.create_subprocess_exec(
            sys.executable, str(AGENT_PHONE), "--key", KEY, "--record", str(record), *options,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        )  # fmt: skip
        self.started.append(process)
        phone = AgentPhone(process, record)
        ready = await phone.expect("ready")
        phone.address = str(ready["address"])
        return phone

    async def close(self) -> None:
        await self.pool.stop()
        for process in self.started:
            if process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()


class Sipp:
    def __init__(self, process: asyncio.subprocess.Process, errors: Path) -> None:
        self.process = process
        self.errors = errors

    async def succeeded(self, timeout: float = 15) -> None:
        code = await asyncio.wait_for(self.process.wait(), timeout)
        problems = self.errors.read_text() if self.errors.exists() else ""
        assert code == 0, f"SIPp exited with {code}: {problems}"


class AgentPhone:
    def __init__(self, process: asyncio.subprocess.Process, record: Path) -> None:
        self.process = process
        self.record = record
        self.address = ""
        self.events: list[dict[str, object]] = []

    async def expect(self, event: str, timeout: float = EXPECT_S) -> dict[str, object]:
        assert self.process.stdout is not None
        while True:
            line = await asyncio.wait_for(self.process.stdout.readline(), timeout)
            assert line, f"the agent phone exited; events: {self.events}"
            if not line.startswith(b"{"):
                continue  # pjlib's own start-up line
            message: dict[str, object] = json.loads(line)
            self.events.append(message)
            if message["event"] == event:
                return message

    async def command(self, text: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(text.encode() + b"\n")
        await self.process.stdin.drain()

    @property
    def uri(self) -> str:
        return f"sip:agent@{self.address}"


@contextlib.asynccontextmanager
async def started(tmp_path: Path, **options: Any) -> AsyncIterator[Harness]:
    harness = Harness(tmp_path, **options)
    try:
        await harness.pool.start()
        yield harness
    finally:
        await harness.close()


def offer_headers(offer_id: str, key: str = KEY) -> dict[str, str]:
    """The ``X-Vaxla-Offer`` header of an offer made with the session ``key``."""
    return {"X-Vaxla-Offer": make_offer_token(key, offer_id).header_value()}


async def caller_and_agent_leg(
    h: Harness, scenario: str, headers: dict[str, str], *agent_options: str
) -> tuple[IncomingCall, "Sipp", "AgentPhone"]:
    """A caller (SIPp with ``scenario``) answered by the first worker, and a leg from it
    to a new pjsua2 phone (``agent_phone.py`` with ``agent_options``) with ``headers``."""
    ready = await h.expect(Ready)
    agent = await h.agent(*agent_options)
    sipp = await h.sipp(scenario, ready.sip_address)
    call = await h.expect(IncomingCall)
    await h.pool.send(Answer(call_id=call.call_id))
    await h.pool.send(OriginateAgentLeg(call_id=call.call_id, sip_uri=agent.uri, headers=headers))
    return call, sipp, agent


def prompt(language: str, name: str) -> str:
    return str(PROMPTS / language / f"{name}.wav")


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False
