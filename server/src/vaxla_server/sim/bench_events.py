"""``make bench-events``: the event socket under many desktops and wallboards.

The bench starts ``vaxla-server serve --demo`` (no SIP) on a free port in a temporary
data directory, logs in ``agent1`` (the driver) and the users whose desktops watch it
(``supervisor1``, ``operator1``, ``admin1`` and ``agent2`` to ``agent12``, agent1's
colleagues in Support), and for each step of ``--clients`` (1,50,500,1000) opens that
many event sockets, spread round-robin over those users' sessions (a socket per desktop;
several desktops of one user share its session, which costs the server the same per
socket). When every socket has its starting state, agent1 makes ``--transitions`` (20)
state changes through the API, one every ``--interval-ms`` (50): paused with a reason,
ready, paused with the next reason, and so on.

For every socket the bench records agent1's states as they arrive and checks that the
socket saw every transition, each with its own state and reason, in order. The delivery
time of a transition to a socket is from just before its API request was sent to the
moment the socket's message was read; the sockets are read by one asyncio loop in this
process (the requests are sent from a thread of their own), so a busy client adds to the
figures rather than hiding server time. Printed per step: sockets complete and in order,
p50/p95/p99/max delivery, the p99 against the one-socket step's (the baseline measured in
the same run), and the CPU of the server and of the bench over the step. The target
(issue 13) is 500 sockets with p99 at most 50 ms and every socket seeing every transition
in order.

The server is stopped by its pid (SIGTERM, then SIGKILL); exit status 0 when the bench ran
(target met or not), 1 when it could not run, 130 when interrupted.
"""

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from websockets.asyncio.client import ClientConnection, connect

from vaxla_protocol import API_PREFIX, PROTOCOL_VERSION
from vaxla_server.sim.bench import (
    BIN,
    HZ,
    LISTENING,
    BenchError,
    _read,
    parse_proc_stat,
)

TARGET_CLIENTS = 500
TARGET_P99_MS = 50.0
DRIVER = "agent1"
WATCHERS = ("supervisor1", "operator1", "admin1", *(f"agent{n}" for n in range(2, 13)))
REASONS = ("lunch", "meeting", "training")
PASSWORD = "demo"


@dataclass
class Options:
    clients: list[int]
    transitions: int
    interval_ms: float
    connect_timeout_s: float
    keep: bool


@dataclass
class Client:
    """One socket: agent1's states as they arrived, after its starting state."""

    ready: asyncio.Event = field(default_factory=asyncio.Event)
    seen: list[tuple[str, str, float]] = field(default_factory=list)
    closed: str | None = None


@dataclass
class Step:
    clients: int
    complete: int
    """Sockets that saw every transition, each with its state, in order."""
    delays_ms: list[float]
    server_cpu: float
    bench_cpu: float
    problems: list[str]

    def percentile(self, p: float) -> float:
        if not self.delays_ms:
            return float("nan")
        ordered = sorted(self.delays_ms)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def expected_states(transitions: int) -> list[tuple[str, str]]:
    """The driver's states: paused (lunch), available, paused (meeting), available, ..."""
    states = []
    for n in range(transitions):
        if n % 2 == 0:
            states.append(("paused", REASONS[(n // 2) % len(REASONS)]))
        else:
            states.append(("available", ""))
    return states


def _cpu_ticks(pid: int) -> int:
    text = _read(f"/proc/{pid}/stat")
    return 0 if text is None else parse_proc_stat(text).ticks


class Server:
    """``vaxla-server serve --demo`` without SIP, stopped by its pid."""

    def __init__(self, tmp: Path) -> None:
        self.log_path = tmp / "server.log"
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                [
                    str(BIN / "vaxla-server"),
                    "serve",
                    "--data-dir",
                    str(tmp / "data"),
                    "--http-port",
                    "0",
                    "--no-discovery",
                    "--demo",
                    "--log-level",
                    "info",
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.url = self._wait_listening(120)

    def _wait_listening(self, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if match := LISTENING.search(self.log_path.read_text(errors="replace")):
                return match.group(1)
            if self.process.poll() is not None:
                tail = "\n".join(self.log_path.read_text(errors="replace").splitlines()[-20:])
                raise BenchError(f"the server exited with {self.process.returncode}:\n{tail}")
            time.sleep(0.2)
        raise BenchError(f"the server did not listen within {timeout} s")

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            print("bench-events: the server did not stop within 30 s; killing it", file=sys.stderr)
            self.process.kill()
            self.process.wait()


class Driver:
    """agent1's state changes, sent from a thread of their own."""

    def __init__(self, api: httpx.Client, token: str) -> None:
        self.api = api
        self.headers = {"Authorization": f"Bearer {token}"}
        self.sent: list[float] = []

    def run(self, transitions: int, interval_s: float) -> None:
        start = time.monotonic()
        for n, (state, reason) in enumerate(expected_states(transitions)):
            due = start + n * interval_s
            if (wait := due - time.monotonic()) > 0:
                time.sleep(wait)
            self.sent.append(time.monotonic())
            if state == "paused":
                answer = self.api.post(
                    "/agent/pause", json={"reason": reason}, headers=self.headers
                )
            else:
                answer = self.api.post("/agent/ready", headers=self.headers)
            if answer.status_code != 200:
                raise BenchError(f"transition {n}: {answer.status_code} {answer.text}")


async def _listen(socket: ClientConnection, client: Client, driver_id: int) -> None:
    try:
        async for raw in socket:
            message = json.loads(raw)
            kind = message.get("type")
            if kind == "queue_snapshot":
                client.ready.set()
            elif kind == "agent_state" and client.ready.is_set():
                agent = message["agent"]
                if agent["agent_id"] == driver_id:
                    client.seen.append((agent["state"], agent["reason"], time.monotonic()))
    except Exception as error:  # a socket closed by the server: counted, not fatal
        client.closed = f"{type(error).__name__}: {error}"
    else:
        client.closed = f"closed {socket.close_code} {socket.close_reason}"


async def run_step(
    ws_url: str,
    tokens: Sequence[str],
    api: httpx.Client,
    driver: Driver,
    driver_id: int,
    count: int,
    options: Options,
    server_pid: int,
) -> Step:
    clients = [Client() for _ in range(count)]
    sockets: list[ClientConnection] = []
    listeners: list[asyncio.Task[None]] = []
    problems: list[str] = []
    try:
        for n, client in enumerate(clients):
            socket = await connect(ws_url, max_size=None, open_timeout=options.connect_timeout_s)
            await socket.send(
                json.dumps({"token": tokens[n % len(tokens)], "protocol_version": PROTOCOL_VERSION})
            )
            sockets.append(socket)
            listeners.append(asyncio.create_task(_listen(socket, client, driver_id)))
        async with asyncio.timeout(options.connect_timeout_s):
            await asyncio.gather(*(client.ready.wait() for client in clients))
        driver.sent = []
        server_before, bench_before = _cpu_ticks(server_pid), _cpu_ticks(os.getpid())
        started = time.monotonic()
        await asyncio.to_thread(driver.run, options.transitions, options.interval_ms / 1000)
        deadline = time.monotonic() + 10.0
        while time.monotonic() < deadline and any(
            len(c.seen) < options.transitions and c.closed is None for c in clients
        ):
            await asyncio.sleep(0.01)
        took = time.monotonic() - started
        server_cpu = 100.0 * (_cpu_ticks(server_pid) - server_before) / HZ / took
        bench_cpu = 100.0 * (_cpu_ticks(os.getpid()) - bench_before) / HZ / took
    finally:
        for socket in sockets:
            with contextlib.suppress(Exception):
                await socket.close()
        for listener in listeners:
            listener.cancel()
        await asyncio.gather(*listeners, return_exceptions=True)
    expected = expected_states(options.transitions)
    complete = 0
    delays: list[float] = []
    for n, client in enumerate(clients):
        got = [(state, reason) for state, reason, _ in client.seen]
        if got == expected:
            complete += 1
        elif len(problems) < 3:
            problems.append(f"socket {n}: saw {got[:6]}{'...' if len(got) > 6 else ''}")
        for (_, _, at), sent in zip(client.seen, driver.sent, strict=False):
            delays.append(1000.0 * (at - sent))
    return Step(count, complete, delays, server_cpu, bench_cpu, problems)


def table(steps: Sequence[Step], transitions: int) -> str:
    base = steps[0].percentile(99) if steps and steps[0].clients == 1 else None
    lines = [
        "| sockets | complete, in order | p50 ms | p95 ms | p99 ms | max ms "
        "| p99 vs 1 socket | server CPU | bench CPU |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for step in steps:
        ratio = f"{step.percentile(99) / base:.1f}×" if base else "—"
        lines.append(
            f"| {step.clients} | {step.complete}/{step.clients} ({transitions} each) "
            f"| {step.percentile(50):.1f} | {step.percentile(95):.1f} "
            f"| {step.percentile(99):.1f} | {max(step.delays_ms, default=float('nan')):.1f} "
            f"| {ratio} | {step.server_cpu:.0f} % | {step.bench_cpu:.0f} % |"
        )
    return "\n".join(lines)


def verdict(steps: Sequence[Step]) -> str:
    at_target = [s for s in steps if s.clients == TARGET_CLIENTS]
    if not at_target:
        return f"target not measured (no step of {TARGET_CLIENTS} sockets)"
    step = at_target[0]
    met = step.complete == step.clients and step.percentile(99) <= TARGET_P99_MS
    return (
        f"target {'met' if met else 'NOT met'}: {TARGET_CLIENTS} sockets, p99 "
        f"{step.percentile(99):.1f} ms (≤ {TARGET_P99_MS:g}), "
        f"{step.complete}/{step.clients} saw every transition in order"
    )


async def bench(server: Server, options: Options) -> list[Step]:
    api_url = server.url + API_PREFIX
    ws_url = api_url.replace("http", "ws", 1) + "/events"
    with httpx.Client(base_url=api_url, timeout=60) as api:

        def login(username: str) -> str:
            body = {"username": username, "password": PASSWORD}
            return str(api.post("/auth/login", json=body).raise_for_status().json()["token"])

        driver_token = login(DRIVER)
        headers = {"Authorization": f"Bearer {driver_token}"}
        state = api.post("/agent/login", json={}, headers=headers).raise_for_status().json()
        driver = Driver(api, driver_token)
        tokens = [login(name) for name in WATCHERS]
        steps = []
        for count in options.clients:
            print(f"bench-events: {count} sockets ...", file=sys.stderr, flush=True)
            step = await run_step(
                ws_url,
                tokens,
                api,
                driver,
                int(state["agent_id"]),
                count,
                options,
                server.process.pid,
            )
            for problem in step.problems:
                print(f"  {problem}", file=sys.stderr)
            steps.append(step)
            # Back where the next step starts: available.
            if options.transitions % 2:
                api.post("/agent/ready", headers=headers).raise_for_status()
        return steps


def parse(argv: Sequence[str] | None) -> Options:
    parser = argparse.ArgumentParser(
        prog="make bench-events",
        description="The event socket under many desktops: delivery time and order of "
        "one agent's state changes to every socket (see vaxla_server/sim/bench_events.py).",
    )
    parser.add_argument(
        "--clients",
        default="1,50,500,1000",
        help="sockets per step, comma-separated; the first 1 is the baseline "
        "(default: 1,50,500,1000)",
    )
    parser.add_argument(
        "--transitions", type=int, default=20, help="state changes per step (default: 20)"
    )
    parser.add_argument(
        "--interval-ms",
        type=float,
        default=50.0,
        help="time between state changes (default: 50)",
    )
    parser.add_argument(
        "--connect-timeout-s",
        type=float,
        default=120.0,
        help="for all sockets of a step to have their starting state (default: 120)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the data directory and the server's log"
    )
    args = parser.parse_args(argv)
    try:
        clients = [int(n) for n in args.clients.split(",") if n.strip()]
    except ValueError:
        parser.error(f"--clients: comma-separated numbers, not {args.clients!r}")
    if not clients or min(clients) < 1:
        parser.error("--clients: at least one step of at least 1 socket")
    if args.transitions < 1:
        parser.error("--transitions: at least 1")
    return Options(clients, args.transitions, args.interval_ms, args.connect_timeout_s, args.keep)


def main(argv: Sequence[str] | None = None) -> int:
    options = parse(argv)
    tmp = Path(tempfile.mkdtemp(prefix="vaxla-bench-events-"))
    server: Server | None = None

    def on_term(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_term)
    try:
        server = Server(tmp)
        print(f"bench-events: server at {server.url} (pid {server.process.pid})", file=sys.stderr)
        steps = asyncio.run(bench(server, options))
    except KeyboardInterrupt:
        print("bench-events: interrupted", file=sys.stderr)
        return 130
    except (BenchError, httpx.HTTPError, OSError, TimeoutError) as error:
        print(f"bench-events: could not run: {error}", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGTERM, previous)
        if server is not None:
            server.stop()
        if options.keep:
            print(f"bench-events: kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    print(table(steps, options.transitions))
    print()
    print(
        f"{options.transitions} transitions of {DRIVER} per step, one every "
        f"{options.interval_ms:g} ms; delivery from just before the API request to the "
        "socket's read."
    )
    print(verdict(steps))
    return 0


if __name__ == "__main__":
    sys.exit(main())
