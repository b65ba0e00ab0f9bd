"""``vaxla-sim`` against the demo server: simulated agents take a SIPp call to 200 and
classify it, refuse an INVITE without a valid offer token, and log out on SIGTERM; a
simulated caller to 100 presses 1 in the menu."""

import os
import queue
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import httpx
import pytest

from tests.media.harness import SCENARIOS, sip_tester_pcaps
from tests.server_process import ServerProcess, front_address
from vaxla_server.media.pool import free_udp_port
from vaxla_server.network import free_media_port, free_sip_port

ANSWERING = re.compile(r"logged in, answering at sip:agent@(\S+)")
SIM = Path(sys.executable).parent / "vaxla-sim"


class Demo:
    def __init__(self, server: ServerProcess, sip: str, tmp: Path) -> None:
        self.server = server
        self.sip = sip
        self.tmp = tmp
        self.api = httpx.Client(base_url=server.url + "/api/v1", timeout=10)
        response = self.api.post(
            "/auth/login", json={"username": "supervisor1", "password": "demo"}
        )
        response.raise_for_status()
        self.headers = {"Authorization": f"Bearer {response.json()['token']}"}

    def get(self, path: str) -> Any:
        response = self.api.get(path, headers=self.headers)
        response.raise_for_status()
        return response.json()

    def states(self, *usernames: str) -> list[str]:
        agents = {a["username"]: a["state"] for a in self.get("/agents")}
        return [agents[name] for name in usernames]

    def sipp(self, scenario: str, number: str, target: str | None = None) -> int:
        return subprocess.run(
            ["sipp", target or self.sip, "-sf", str(SCENARIOS / scenario), "-s", number,
             "-m", "1", "-i", "127.0.0.1", "-p", str(free_udp_port()),
             "-mp", str(free_media_port()), "-timeout", "30s", "-timeout_error", "-nostdin"],
            cwd=self.tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=40,
        ).returncode  # fmt: skip


class Sim:
    """A ``vaxla-sim`` process whose output lines can be waited for."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [str(SIM), *args], stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        )  # fmt: skip
        assert self.process.stdout is not None
        self.lines: list[str] = []
        self._unread: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, args=(self.process.stdout,))
        self._reader.start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self._unread.put(line)
        self._unread.put(None)

    def wait_for(self, pattern: re.Pattern[str], timeout: float = 60) -> re.Match[str]:
        while (line := self._unread.get(timeout=timeout)) is not None:
            self.lines.append(line)
            if match := pattern.search(line):
                return match
        raise AssertionError(f"vaxla-sim ended without {pattern.pattern!r}: {self.lines}")

    def rest(self) -> str:
        """What it printed after the last wait, once it has ended."""
        self._reader.join(30)
        while (line := self._unread.get_nowait()) is not None:
            self.lines.append(line)
        return "".join(self.lines)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self._reader.join()
        assert self.process.stdout is not None
        self.process.stdout.close()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    tmp = tmp_path_factory.mktemp("sim")
    (tmp / "pcap").symlink_to(sip_tester_pcaps())
    args = ["--demo", "--sip-port", str(free_sip_port())]
    with ServerProcess(tmp / "data", args, timeout=120) as server:
        demo = Demo(server, front_address(server.log_lines), tmp)
        yield demo
        demo.api.close()


def test_two_simulated_agents_take_a_call_classify_it_and_log_out(demo: Demo) -> None:
    timing = ["--answer-after", "0.2", "--talk", "1", "--wrap-up", "0.2", "--report", "1"]
    sim = Sim("agents", "--server", demo.server.url, "--count", "2", "--first", "11", *timing)
    try:
        contact = sim.wait_for(ANSWERING).group(1)
        assert demo.states("agent11", "agent12") == ["available", "available"]
        # An INVITE without an X-Vaxla-Offer token is refused (403).
        assert demo.sipp("caller_refused.xml", "agent", target=contact) == 0
        # The agent answers, talks 1 s and hangs up: the server hangs up on the caller.
        assert demo.sipp("caller_waits.xml", "200") == 0
        sim.wait_for(re.compile(r"answered 1 talking 0 refused 1 errors 0"), timeout=30)
        sim.process.send_signal(signal.SIGTERM)
        assert sim.process.wait(30) == 0
        assert "agents done: answered 1 talking 0 refused 1 errors 0" in sim.rest()
    finally:
        sim.close()
    record = demo.get("/calls")[0]
    assert (record["entry_point"], record["outcome"]) == ("200", "answered")
    assert record["agent"] in ("agent11", "agent12")
    assert record["classification"] is not None
    assert demo.states("agent11", "agent12") == ["offline", "offline"]


def test_a_simulated_caller_to_100_presses_1_and_reaches_support(demo: Demo) -> None:
    target = f"sip:100@{demo.sip}"
    sim = Sim("callers", "--target", target, "--rate", "1", "--digits", "1",
              "--patience", "3", "--count", "1", "--report", "1")  # fmt: skip
    try:
        assert sim.process.wait(60) == 0
        summary = sim.rest()
    finally:
        sim.close()
    assert "callers done: placed 1 answered 1 failed 0" in summary
    record = demo.get("/calls")[0]
    # Key 1 chose Support, where nobody is logged in: the demo's rule lets the caller go
    # (overflowed). Without the key the caller would have hung up in the menu.
    assert (record["entry_point"], record["caller"]) == ("100", "caller")
    assert record["outcome"] == "overflowed"
