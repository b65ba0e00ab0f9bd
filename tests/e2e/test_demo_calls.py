"""The whole server in demo mode, reached the way users reach it: SIPp as the outside
caller on the SIP port, a pjsua2 softphone process as the agent, and the HTTP API for
logging in, agent actions and the call log."""

import asyncio
import contextlib
import os
import re
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.media.harness import AGENT_PHONE, SCENARIOS, AgentPhone, sip_tester_pcaps
from tests.server_process import ServerProcess
from vaxla_protocol.offers import session_key
from vaxla_server.media.pool import free_udp_port

WORKER_READY = re.compile(r"media worker \S+ \(pid (\d+)\) takes calls at sip:(\S+)")
WORKER_REPLACED = re.compile(r"media worker \S+ ready at (\S+) \(pid (\d+)\)")


class Demo:
    def __init__(self, server: ServerProcess, sip: str, tmp: Path, worker_pid: int) -> None:
        self.server = server
        self.worker_pid = worker_pid
        self.sip = sip
        self.tmp = tmp
        self.api = httpx.Client(base_url=server.url + "/api/v1", timeout=10)

    def token(self, user: str) -> str:
        response = self.api.post("/auth/login", json={"username": user, "password": "demo"})
        response.raise_for_status()
        token: str = response.json()["token"]
        return token

    def get(self, path: str, token: str, **params: Any) -> Any:
        response = self.api.get(path, params=params, headers={"Authorization": f"Bearer {token}"})
        response.raise_for_status()
        return response.json()

    def post(self, path: str, token: str, body: object) -> Any:
        response = self.api.post(path, json=body, headers={"Authorization": f"Bearer {token}"})
        assert response.is_success, response.text
        return response.json()

    async def agent_phone(self, token: str, *options: str) -> AgentPhone:
        record = self.tmp / f"heard-{token[:8]}.wav"
        process = await asyncio.create_subprocess_exec(
            sys.executable, str(AGENT_PHONE), "--key", session_key(token), "--record",
            str(record), *options,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        )  # fmt: skip
        phone = AgentPhone(process, record)
        phone.address = str((await phone.expect("ready"))["address"])
        return phone

    async def call(self, scenario: str, number: str) -> int:
        """SIPp places one call with ``scenario`` to ``number``; its exit status."""
        errors = self.tmp / f"{scenario}-{number}.errors"
        process = await asyncio.create_subprocess_exec(
            "sipp", self.sip, "-sf", str(SCENARIOS / scenario), "-s", number, "-m", "1",
            "-i", "127.0.0.1", "-p", str(free_udp_port()), "-mp", str(free_udp_port()),
            "-timeout", "30s", "-timeout_error", "-nostdin", "-trace_err",
            "-error_file", str(errors),
            cwd=self.tmp, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        try:
            return await asyncio.wait_for(process.wait(), 40)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    tmp = tmp_path_factory.mktemp("demo")
    (tmp / "pcap").symlink_to(sip_tester_pcaps())
    sip_port = free_udp_port()
    args = ["--demo", "--sip-port", str(sip_port)]
    # The demo hashes 23 passwords (argon2id) on its first start: slow on a busy machine.
    with ServerProcess(tmp / "data", args, timeout=120) as server:
        # The worker is ready before uvicorn says it listens: the line was read already.
        ready = next(filter(None, map(WORKER_READY.search, server.log_lines)), None)
        assert ready is not None, "".join(server.log_lines)
        worker_pid, sip = ready.groups()
        demo = Demo(server, sip, tmp, int(worker_pid))
        yield demo
        demo.api.close()
        # uvicorn shuts down cleanly on SIGTERM, then re-raises it (as tests/server/test_cli.py).
        assert server.stop() == -signal.SIGTERM
    # The worker goes with its server.
    with pytest.raises(ProcessLookupError):
        for _ in range(50):
            os.kill(demo.worker_pid, 0)
            asyncio.run(asyncio.sleep(0.1))


def newest_call(demo: Demo, token: str) -> dict[str, Any]:
    calls: list[dict[str, Any]] = demo.get("/calls", token)
    return calls[0]


def test_a_caller_to_200_talks_with_agent1_who_classifies_the_call(demo: Demo) -> None:
    async def scenario() -> None:
        agent = demo.token("agent1")
        phone = await demo.agent_phone(agent)
        try:
            demo.post("/agent/login", agent, {"sip_contact": phone.uri})
            caller = asyncio.create_task(demo.call("caller_talks.xml", "200"))
            ringing = await phone.expect("ringing", timeout=20)
            assert ringing["offer_id"]
            await phone.expect("answered")
            await phone.expect("ended", timeout=20)
            assert await caller == 0
            demo.post("/agent/classification", agent, {"code": "support.question"})
            demo.post("/agent/logout", agent, {})
        finally:
            await phone.command("quit")
            await phone.process.wait()

    asyncio.run(scenario())
    record = newest_call(demo, demo.token("supervisor1"))
    assert (record["entry_point"], record["queue"], record["outcome"], record["agent"]) == (
        "200", "Support", "answered", "agent1",
    )  # fmt: skip
    assert record["classification"] == "support.question"
    assert record["ended_at"] is not None


def test_with_nobody_logged_in_the_caller_hears_so_and_is_let_go(demo: Demo) -> None:
    assert asyncio.run(demo.call("caller_waits.xml", "200")) == 0
    record = newest_call(demo, demo.token("supervisor1"))
    assert record["entry_point"] == "200" and record["outcome"] == "overflowed"
    assert record["agent"] is None


def test_pressing_1_in_the_swedish_menu_reaches_support(demo: Demo) -> None:
    async def scenario() -> None:
        agent = demo.token("agent2")
        phone = await demo.agent_phone(agent)
        try:
            demo.post("/agent/login", agent, {"sip_contact": phone.uri})
            caller = asyncio.create_task(demo.call("caller_dtmf.xml", "100"))
            await phone.expect("ringing", timeout=20)
            await phone.expect("ended", timeout=20)
            assert await caller == 0
            demo.post("/agent/logout", agent, {})
        finally:
            await phone.command("quit")
            await phone.process.wait()

    asyncio.run(scenario())
    record = newest_call(demo, demo.token("supervisor1"))
    assert (record["entry_point"], record["queue"]) == ("100", "Support")


def test_a_worker_killed_mid_call_is_replaced_and_the_call_closed(demo: Demo) -> None:
    async def scenario() -> None:
        agent = demo.token("agent3")
        phone = await demo.agent_phone(agent)
        caller: asyncio.Task[int] | None = None
        try:
            demo.post("/agent/login", agent, {"sip_contact": phone.uri})
            caller = asyncio.create_task(demo.call("caller_waits.xml", "200"))
            await phone.expect("answered", timeout=20)
            await asyncio.sleep(1)
            os.kill(demo.worker_pid, signal.SIGKILL)
            replaced = await asyncio.to_thread(demo.server.wait_for_line, WORKER_REPLACED)
            sip, pid = replaced.groups()
            assert sip == demo.sip and int(pid) != demo.worker_pid
            demo.worker_pid = int(pid)
            state = demo.get("/agent", agent)
            assert state["state"] in ("wrap_up", "available"), state
            demo.post("/agent/logout", agent, {})
        finally:
            if caller is not None:
                caller.cancel()  # SIPp never hears a BYE from a dead worker
                with contextlib.suppress(asyncio.CancelledError):
                    await caller
            await phone.command("quit")
            await phone.process.wait()

    asyncio.run(scenario())
    record = newest_call(demo, demo.token("supervisor1"))
    assert (record["entry_point"], record["agent"]) == ("200", "agent3")
    assert record["ended_at"] is not None
    # The replacement takes calls on the same SIP address.
    assert asyncio.run(demo.call("caller_waits.xml", "200")) == 0
    assert newest_call(demo, demo.token("supervisor1"))["outcome"] == "overflowed"
