"""The media plane as callers meet it: ``vaxla-server serve`` with Kamailio in front of a
pool of forked workers, SIPp as callers (a trunk on 127.0.0.1, a stranger on 127.0.0.2),
simulated agents (``vaxla-sim``) and pjsua2 agent phones. Each test starts the server it
needs on free ports and stops it, and every process it started, by pid."""

import asyncio
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_demo_calls import Demo
from tests.media.harness import SCENARIOS, sip_tester_pcaps
from tests.server_process import ServerProcess, assert_workers_gone, front_address, worker_pids
from vaxla_server.media.pool import free_udp_port
from vaxla_server.network import free_media_port, free_sip_port
from vaxla_server.store import open_store
from vaxla_server.store.events import Ended

SIM = Path(sys.executable).parent / "vaxla-sim"
LOGGED_IN = re.compile(r"^(\S.*) logged in, answering at ")
KAMAILIO_PID = re.compile(r"Kamailio \(pid (\d+)\) is the SIP front")
KAMAILIO_RESTARTED = re.compile(r"Kamailio restarted \(restart (\d+)\), pid (\d+)")
IN_WORKER = re.compile(r"call w\d+-\d+ is contact \d+ at entry point")
NO_RTP = re.compile(r"no RTP from the caller for ([0-9.]+) s; ending it")
STRANGER = "127.0.0.2"
"""Not a trunk: every server here takes calls from 127.0.0.1/32 only."""


def serve(tmp: Path, *options: str) -> ServerProcess:
    (tmp / "pcap").symlink_to(sip_tester_pcaps())
    args = ["--demo", "--sip-port", str(free_sip_port()), "--trunk", "127.0.0.1/32", *options]
    return ServerProcess(tmp / "data", args, timeout=120)


def demo_of(server: ServerProcess, tmp: Path) -> Demo:
    return Demo(server, front_address(server.log_lines), tmp, 0)


def sipp(
    demo: Demo,
    scenario: Path | str,
    number: str,
    *,
    calls: int = 1,
    rate: float = 10,
    source: str = "127.0.0.1",
    extra: Sequence[str] = (),
) -> subprocess.Popen[bytes]:
    """SIPp placing ``calls`` calls to ``number`` through the front from ``source``."""
    return subprocess.Popen(
        ["sipp", demo.sip, "-sf", str(SCENARIOS / scenario), "-s", number,
         "-m", str(calls), "-l", str(calls), "-r", str(rate), "-i", source,
         "-p", str(free_udp_port(source)), "-mp", str(free_media_port(source)),
         "-timeout", "40s", "-timeout_error", "-nostdin", *extra],
        cwd=demo.tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def finish(process: subprocess.Popen[bytes], timeout: float = 50) -> int:
    try:
        return process.wait(timeout)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


class Sim:
    """``vaxla-sim agents``: ``count`` agents answering at once, talking ``talk`` s."""

    def __init__(self, demo: Demo, first: int, count: int, talk: float = 2.0) -> None:
        self.process = subprocess.Popen(
            [str(SIM), "agents", "--server", demo.server.url, "--count", str(count),
             "--first", str(first), "--answer-after", "0.2", "--talk", str(talk),
             "--wrap-up", "0", "--report", "60"],
            stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        )  # fmt: skip
        assert self.process.stdout is not None
        ready: set[str] = set()
        while len(ready) < count:
            line = self.process.stdout.readline()
            assert line, "vaxla-sim ended before its agents logged in"
            if found := LOGGED_IN.search(line):
                ready.update(found.group(1).split(", "))

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        assert self.process.stdout is not None
        self.process.stdout.close()


def calls_since(demo: Demo, started: float) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = demo.get("/calls", demo.token("supervisor1"))
    after = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(started - 1))
    return [call for call in calls if call["started_at"][:19] >= after]


def wait_for_calls(server: ServerProcess, count: int, timeout: float = 20) -> None:
    """Until ``count`` callers have reached a worker (the server logs each)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len([line for line in server.read_available() if IN_WORKER.search(line)]) >= count:
            return
        time.sleep(0.05)
    said = "".join(server.read_available()[-20:])  # the server's last words: why no caller
    raise AssertionError(f"fewer than {count} callers reached a worker in {timeout} s:\n{said}")


def pause_in_support(demo: Demo, agent: str) -> None:
    """An agent logged in to Support but paused: callers wait in the queue."""
    token = demo.token(agent)
    demo.post("/agent/login", token, {"sip_contact": "sip:nobody@127.0.0.1:9"})
    reasons = demo.get("/config/pause-reasons", token)
    demo.post("/agent/pause", token, {"reason": reasons[0]["code"]})


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Demo]:
    """A site that grows from 2 to 12 workers."""
    with serve(tmp_path, "--media-workers", "2:12") as server:
        demo = demo_of(server, tmp_path)
        yield demo
        demo.api.close()
        assert server.stop() == -signal.SIGTERM
    assert_workers_gone(server.log_lines)


def test_more_callers_than_a_worker_holds_are_all_answered_by_agents(site: Demo) -> None:
    """Six callers at once (one worker holds one caller and the legs it may need): the
    pool grows, every caller is answered by an agent, and the call log says so."""
    agents = [Sim(site, 5, 3), Sim(site, 8, 3)]
    try:
        started = time.time()
        callers = sipp(site, "caller_waits.xml", "200", calls=6, rate=20)
        assert finish(callers) == 0
    finally:
        for agent in agents:
            agent.close()
    records = calls_since(site, started)
    assert len(records) == 6, records
    assert {r["outcome"] for r in records} == {"answered"}, records
    assert len({r["agent"] for r in records}) == 6
    assert len(worker_pids(site.server.read_available())) >= 6


def test_a_stranger_s_bad_invite_and_flood_reach_no_worker(site: Demo) -> None:
    """From an address that is no trunk: one INVITE without SDP, then 200 INVITEs a
    second for two seconds. The front answers or drops them all; no worker sees one or
    dies, and trunk callers placed meanwhile are all served."""
    workers = worker_pids(site.server.read_available())
    no_sdp = sipp(site, "stranger_no_sdp.xml", "200", source=STRANGER)
    assert finish(no_sdp) == 0  # it got its 403 from the front
    flood = sipp(
        site, "stranger_flood.xml", "200", calls=400, rate=200, source=STRANGER,
        extra=["-timeout", "8s"],
    )  # fmt: skip
    trunk = sipp(site, "caller_waits.xml", "200", calls=4, rate=4)
    assert finish(trunk) == 0  # nobody logged in: each heard so and was let go
    finish(flood)
    lines = site.server.read_available()
    assert not [line for line in lines if "lost:" in line and "media worker" in line]
    assert not [line for line in lines if f"from {STRANGER}" in line and "to worker" in line]
    assert all(pid in worker_pids(lines).values() for pid in workers.values())
    for pid in workers.values():
        os.kill(pid, 0)  # alive
    assert any("flood from 127.0.0.2" in line for line in lines)


def test_a_full_site_turns_callers_away_and_never_deadlocks(tmp_path: Path) -> None:
    """Exactly 3 workers: 5 callers at once. Three are taken and answered by agents,
    the other two get 503 from the front at once; nobody waits for a leg that cannot be
    made, and the call log holds the three."""
    with serve(tmp_path, "--media-workers", "3:3") as server:
        demo = demo_of(server, tmp_path)
        agents = Sim(demo, 1, 3, talk=3)
        taken: subprocess.Popen[bytes] | None = None
        turned: subprocess.Popen[bytes] | None = None
        try:
            # All three workers are up before the callers come.
            deadline = time.monotonic() + 30
            while len(worker_pids(server.read_available())) < 3:
                assert time.monotonic() < deadline, "the pool did not start its 3 workers"
                time.sleep(0.05)
            started = time.time()
            taken = sipp(demo, "caller_waits.xml", "200", calls=3, rate=50)
            wait_for_calls(server, 3)
            turned = sipp(demo, "caller_unavailable.xml", "200", calls=2, rate=50,
                          extra=["-timeout", "10s"])  # fmt: skip
            assert finish(taken) == 0
            assert finish(turned) == 0  # both got 503
        finally:
            for process in (taken, turned):
                if process is not None and process.poll() is None:
                    process.kill()
                    process.wait()
            agents.close()
        records = calls_since(demo, started)
        assert sorted(r["outcome"] for r in records) == ["answered"] * 3, records
        demo.api.close()
        server.stop()


def test_a_caller_whose_rtp_stops_is_ended_after_the_timeout(tmp_path: Path) -> None:
    """``--rtp-timeout 3``: a caller waiting in the queue whose RTP stops (SIPp sends
    none of its own) is hung up 3 s after its last packet (the check runs each second),
    and logged abandoned with the cause ``media_timeout``."""
    with serve(tmp_path, "--media-workers", "2:4", "--rtp-timeout", "3") as server:
        demo = demo_of(server, tmp_path)
        pause_in_support(demo, "agent1")
        started = time.time()
        caller = sipp(demo, "caller_waits.xml", "200")  # waits for the server's BYE
        assert finish(caller, 40) == 0
        lines = server.read_available()
        silence = [m for m in map(NO_RTP.search, lines) if m]
        assert len(silence) == 1, lines[-20:]
        assert 3.0 <= float(silence[0].group(1)) < 4.5
        (record,) = calls_since(demo, started)
        assert record["outcome"] == "abandoned"
        demo.api.close()
        server.stop()
    with open_store(data_dir=tmp_path / "data") as store:
        ended = [e.event for e in store.events.read(kinds=["ended"]) if isinstance(e.event, Ended)]
    assert [(e.contact_id, e.by, e.cause) for e in ended] == [
        (record["id"], "caller", "media_timeout")
    ]


def test_kamailio_killed_is_restarted_and_calls_go_on(tmp_path: Path) -> None:
    """SIGKILL to Kamailio mid-call: it is restarted; the call in progress goes on (its
    RTP never passed the front, and its BYE is routed by its Route set alone) and ends
    normally; new calls are taken."""
    with serve(tmp_path, "--media-workers", "2:4") as server:
        demo = demo_of(server, tmp_path)
        first = KAMAILIO_PID.search("".join(server.log_lines))
        assert first is not None

        async def scenario() -> None:
            agent = demo.token("agent2")
            phone = await demo.agent_phone(agent)
            try:
                demo.post("/agent/login", agent, {"sip_contact": phone.uri})
                # caller_talks.xml talks 2.5 s, then hangs up (BYE through the front).
                caller = asyncio.create_task(demo.call("caller_talks.xml", "200"))
                await phone.expect("answered", timeout=20)
                os.kill(int(first.group(1)), signal.SIGKILL)
                restarted = await asyncio.to_thread(server.wait_for_line, KAMAILIO_RESTARTED)
                assert int(restarted.group(2)) != int(first.group(1))
                assert await asyncio.wait_for(caller, 30) == 0
                assert (await phone.expect("ended", timeout=10))["by"] == "remote"
                demo.post("/agent/logout", agent, {})
            finally:
                await phone.command("quit")
                await phone.process.wait()

        asyncio.run(scenario())
        # A new call after the restart: nobody logged in, so it hears so and is let go.
        assert asyncio.run(demo.call("caller_waits.xml", "200")) == 0
        demo.api.close()
        server.stop()


def test_well_over_fifty_workers_on_one_host_take_calls(tmp_path: Path) -> None:
    """60 workers, each with its own RTP ports (pjsua's default range would let them
    collide beyond about fifty and answer 500): 60 callers at once are all taken."""
    with serve(tmp_path, "--media-workers", "60:60") as server:
        demo = demo_of(server, tmp_path)
        assert len(worker_pids(server.log_lines)) == 60
        pause_in_support(demo, "agent1")
        started = time.time()
        callers = sipp(demo, "caller_hangs_up.xml", "200", calls=60, rate=30, extra=["-d", "5000"])
        assert finish(callers, 90) == 0
        records = calls_since(demo, started)
        assert len(records) == 60
        assert {r["outcome"] for r in records} == {"abandoned"}
        demo.api.close()
        server.stop()
