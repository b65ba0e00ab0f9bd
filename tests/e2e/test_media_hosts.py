"""A second media host, made by the test itself: a network namespace joined to this one by
a veth pair, ``vaxla-server media`` running in it. The server (Kamailio, its own pool of
one worker) listens on this side's veth address; the host's workers join its pool and
Kamailio's list; callers are spread over both; the host killed mid-call is handled as
dead workers: its callers and agents' phones get a BYE, its calls are closed
``worker_died``, its agents are free, the server's own call goes on.

Needs root (``ip netns``), as CI runs. Everything started is stopped by pid, and the
namespace and its veth pair are deleted."""

import contextlib
import os
import random
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pytest

from tests.e2e.test_demo_calls import CALL_IN_WORKER
from tests.e2e.test_media_plane import Sim, demo_of, finish, serve, sipp, wait_for_calls
from tests.faults.site import until
from tests.server_process import assert_workers_gone
from vaxla_server.network import free_sip_port

SERVER = Path(sys.executable).parent / "vaxla-server"
REMOTE_WORKER = re.compile(r"media worker (w\d+) ready at (\S+) \(pid (\d+)\) on media host (\S+)")
TALK_S = 30.0

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="ip netns needs root")


@dataclass(frozen=True)
class Namespace:
    name: str
    here: str
    """This side's veth address: the server's."""
    there: str
    """The namespace's: the media host's."""


def ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, timeout=10)


@pytest.fixture
def namespace() -> Iterator[Namespace]:
    tag = f"{os.getpid() % 100000}{random.randrange(100)}"
    net = f"10.{random.randrange(200, 250)}.{random.randrange(256)}"
    space = Namespace(f"vaxla{tag}", f"{net}.1", f"{net}.2")
    outer, inner = f"vxa{tag}", f"vxb{tag}"
    ip("netns", "add", space.name)
    try:
        ip("link", "add", outer, "type", "veth", "peer", "name", inner)
        ip("link", "set", inner, "netns", space.name)
        ip("addr", "add", f"{space.here}/24", "dev", outer)
        ip("link", "set", outer, "up")
        for command in (
            ["addr", "add", f"{space.there}/24", "dev", inner],
            ["link", "set", inner, "up"],
            ["link", "set", "lo", "up"],
        ):
            ip("netns", "exec", space.name, "ip", *command)
        yield space
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            ip("link", "del", outer)
        ip("netns", "del", space.name)


def addresses(lines: list[str]) -> list[str]:
    return [m.group(2) for m in map(REMOTE_WORKER.search, lines) if m]


def media_host(space: Namespace, server: str, key: Path, log: IO[str]) -> subprocess.Popen[str]:
    """``vaxla-server media`` in the namespace (``ip netns exec`` becomes it: same pid)."""
    return subprocess.Popen(
        ["ip", "netns", "exec", space.name, str(SERVER), "media", "--server", server,
         "--key-file", str(key), "--name", "host-b", "--workers", "2:4", "--rtp-base", "30000"],
        stdout=subprocess.DEVNULL, stderr=log, stdin=subprocess.DEVNULL, text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )  # fmt: skip


def test_a_second_host_s_workers_take_calls_and_its_death_ends_only_its_calls(
    tmp_path: Path, namespace: Namespace
) -> None:
    hosts_port = free_sip_port(namespace.here)
    hosts = f"{namespace.here}:{hosts_port}"
    options = ["--bind", namespace.here, "--trunk", f"{namespace.here}/32",
               "--media-workers", "1:1", "--media-hosts", hosts]  # fmt: skip
    with serve(tmp_path, *options) as server:
        assert any(f"media hosts join at tcp://{hosts}" in line for line in server.log_lines)
        demo = demo_of(server, tmp_path)
        key = tmp_path / "data" / "media-hosts.key"
        host_log = (tmp_path / "media-host.log").open("w+")
        host = media_host(namespace, f"tcp://{namespace.here}:{hosts_port}", key, host_log)
        try:
            lines = [server.wait_for_line(REMOTE_WORKER).group(0) for _ in range(2)]
            remote = {m.group(1): int(m.group(3)) for m in map(REMOTE_WORKER.search, lines) if m}
            assert {a.split(":")[0] for a in addresses(lines)} == {namespace.there}, lines
            agents = Sim(demo, 1, 3, talk=TALK_S)
            try:
                supervisor = demo.token("supervisor1")
                callers = []
                for count in (1, 2, 3):
                    callers.append(sipp(demo, "caller_waits.xml", "200", source=namespace.here))
                    wait_for_calls(server, count)

                def talking() -> list[dict[str, Any]]:
                    agents: list[dict[str, Any]] = demo.get("/agents", supervisor)
                    return [a for a in agents if a["state"] == "busy"]

                until(lambda: len(talking()) == 3, 30, "all three calls answered")
                placed = [
                    m.group(1) for m in map(CALL_IN_WORKER.search, server.read_available()) if m
                ]
                remote = {m.group(1): int(m.group(3))
                          for m in map(REMOTE_WORKER.search, server.log_lines) if m}  # fmt: skip
                on_b = [worker for worker in placed if worker in remote]
                assert len(placed) == 3 and 1 <= len(on_b) < 3, (placed, remote)  # both hosts
                host.send_signal(signal.SIGKILL)  # the host's workers die with it
                host.wait(10)
                server.wait_for_line(re.compile(r"media host host-b left the pool"))
                for worker, caller in zip(placed, callers, strict=True):
                    if worker in remote:
                        assert finish(caller, 5) == 0  # its BYE came from the front
                until(lambda: len(talking()) == 3 - len(on_b), 5, "the host's agents freed")
                (local,) = [c for w, c in zip(placed, callers, strict=True) if w not in remote]
                assert local.poll() is None  # the server's own call goes on
            finally:
                agents.close()  # hangs up: the server's own caller gets its BYE
            assert finish(local, 10) == 0
            records: list[dict[str, Any]] = demo.get("/calls", supervisor)
            causes = sorted(str(r["end_cause"]) for r in records if r["end_cause"] == "worker_died")
            assert len(causes) == len(on_b), records
            demo.api.close()
            assert server.stop() == -signal.SIGTERM
        except BaseException:
            print("".join(server.read_available()))
            host_log.seek(0)
            print("media host:", host_log.read()[-5000:])
            raise
        finally:
            if host.poll() is None:
                host.kill()
            host.wait(10)
            host_log.close()
    assert_workers_gone(server.log_lines)
    for pid in remote.values():
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)  # a pid in the namespace is a pid here too: the workers are gone
