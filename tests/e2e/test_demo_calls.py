"""The whole server in demo mode, reached the way users reach it: SIPp as the outside
caller on the SIP port, a pjsua2 softphone process as the agent, and the HTTP API for
logging in, agent actions and the call log."""

import asyncio
import contextlib
import os
import re
import signal
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.media.harness import AGENT_PHONE, SCENARIOS, AgentPhone, sip_tester_pcaps
from tests.server_process import (
    ServerProcess,
    assert_workers_gone,
    front_address,
    print_sipp_errors,
    worker_pids,
)
from vaxla_protocol.offers import session_key
from vaxla_server.media.pool import free_udp_port
from vaxla_server.network import free_media_port, free_sip_port

CALL_IN_WORKER = re.compile(r"call (w\d+)-\d+ is contact \d+ at entry point 200")


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

    def log_out(self, token: str) -> None:
        """Log the agent out if it is still in: a failed test must not leave an agent
        whose phone is gone logged in for the next one."""
        response = self.api.post(
            "/agent/logout", json={}, headers={"Authorization": f"Bearer {token}"}
        )
        assert response.is_success or response.status_code == 409, response.text

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

    async def call(
        self,
        scenario: str,
        number: str,
        source: str = "127.0.0.1",
        keys: Mapping[str, str] | None = None,
    ) -> int:
        """SIPp places one call with ``scenario`` to ``number`` from ``source`` (the
        scenario's ``[keyword]`` values from ``keys``); its exit status."""
        return await sipp_call(self.sip, self.tmp, scenario, number, source, keys=keys)


async def sipp_call(
    front: str,
    tmp: Path,
    scenario: str,
    number: str,
    source: str = "127.0.0.1",
    media_port: int | None = None,
    keys: Mapping[str, str] | None = None,
) -> int:
    """SIPp places one call to ``front`` with ``scenario`` to ``number`` from ``source``
    (its audio from ``media_port``, default any free one; the scenario's ``[keyword]``
    values from ``keys``); its exit status."""
    errors = tmp / f"{scenario}-{number}.errors"
    media_port = media_port or free_media_port(source)
    keywords = [part for key, value in (keys or {}).items() for part in ("-key", key, value)]
    process = await asyncio.create_subprocess_exec(
        "sipp", front, "-sf", str(SCENARIOS / scenario), "-s", number, "-m", "1", *keywords,
        "-i", source, "-p", str(free_udp_port(source)), "-mp", str(media_port),
        "-timeout", "30s", "-timeout_error", "-nostdin", "-trace_err",
        "-error_file", str(errors),
        cwd=tmp, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    try:
        return await asyncio.wait_for(process.wait(), 40)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        if process.returncode:
            print_sipp_errors(errors, process.returncode)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    tmp = tmp_path_factory.mktemp("demo")
    (tmp / "pcap").symlink_to(sip_tester_pcaps())
    sip_port = free_sip_port()
    args = ["--demo", "--sip-port", str(sip_port)]
    # The demo hashes 23 passwords (argon2id) on its first start: slow on a busy machine.
    with ServerProcess(tmp / "data", args, timeout=120) as server:
        # The front and workers are ready before uvicorn says it listens: read already.
        sip = front_address(server.log_lines)
        demo = Demo(server, sip, tmp, min(worker_pids(server.log_lines).values()))
        yield demo
        demo.api.close()
        # uvicorn shuts down cleanly on SIGTERM, then re-raises it (as tests/server/test_cli.py).
        assert server.stop() == -signal.SIGTERM
    assert_workers_gone(server.log_lines)  # the workers go with their server


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
        finally:
            demo.log_out(agent)
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
            caller = asyncio.create_task(demo.call("caller_dtmf_waits.xml", "100"))
            await phone.expect("ringing", timeout=20)
            await phone.expect("ended", timeout=20)
            assert await caller == 0
        finally:
            demo.log_out(agent)
            await phone.command("quit")
            await phone.process.wait()

    asyncio.run(scenario())
    record = newest_call(demo, demo.token("supervisor1"))
    assert (record["entry_point"], record["queue"]) == ("100", "Support")


def test_a_worker_killed_mid_call_has_both_far_ends_hear_a_bye(demo: Demo) -> None:
    """SIGKILL to the worker holding an answered call: the SIP front sends a BYE to the
    caller and to the agent's phone within 2 s, the agent is free, the call log closes the
    call, and the pool keeps its workers."""

    async def scenario() -> None:
        agent = demo.token("agent3")
        phone = await demo.agent_phone(agent)
        caller: asyncio.Task[int] | None = None
        try:
            demo.post("/agent/login", agent, {"sip_contact": phone.uri})
            caller = asyncio.create_task(demo.call("caller_waits.xml", "200"))
            await phone.expect("answered", timeout=20)
            # Mid-call: the server has the agent's answer (its ACK reached the worker).
            for _ in range(50):
                if demo.get("/agent", agent)["state"] == "busy":
                    break
                await asyncio.sleep(0.1)
            assert demo.get("/agent", agent)["state"] == "busy"
            lines = demo.server.read_available()
            calls = [m for m in map(CALL_IN_WORKER.search, lines) if m]
            victim = worker_pids(lines)[calls[-1].group(1)]  # this call's, the newest
            os.kill(victim, signal.SIGKILL)
            killed_at = asyncio.get_running_loop().time()
            ended = await phone.expect("ended", timeout=5)
            assert ended["by"] == "remote"
            # caller_waits.xml ends cleanly only on a BYE it receives.
            assert await asyncio.wait_for(caller, 5) == 0
            took = asyncio.get_running_loop().time() - killed_at
            assert took < 2.0, f"the BYEs came {took:.2f} s after the kill"
            state = demo.get("/agent", agent)
            assert state["state"] in ("wrap_up", "available"), state
        finally:
            demo.log_out(agent)
            if caller is not None and not caller.done():
                caller.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await caller
            await phone.command("quit")
            await phone.process.wait()

    asyncio.run(scenario())
    record = newest_call(demo, demo.token("supervisor1"))
    assert (record["entry_point"], record["agent"]) == ("200", "agent3")
    assert record["ended_at"] is not None
    # The pool started what it lacked: the next caller is taken (nobody is logged in).
    assert asyncio.run(demo.call("caller_waits.xml", "200")) == 0
    assert newest_call(demo, demo.token("supervisor1"))["outcome"] == "overflowed"
