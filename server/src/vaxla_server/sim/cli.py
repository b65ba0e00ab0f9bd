"""``vaxla-sim agents`` and ``vaxla-sim callers``: the command line and the parent process
that spreads the phones over child processes (4 call legs each, the pjsua2 wheel's cap),
adds up their counters and stops exactly the children it started."""

import argparse
import json
import math
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from typing import IO

from vaxla_server.sim.endpoint import MAX_LEGS

MENU_AND_SETUP_S = 2.0  # a caller's legs are busy this long beyond patience + talk


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0 or math.isinf(value):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds/calls: {text}")
    return value


def _non_negative(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value >= 0 or math.isinf(value):
        raise argparse.ArgumentTypeError(f"must be 0 or more seconds: {text}")
    return value


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more: {text}")
    return value


def _server_url(text: str) -> str:
    if not text.startswith(("http://", "https://")):
        raise argparse.ArgumentTypeError(f"not an http(s) URL of the server: {text!r}")
    return text.rstrip("/")


def _sip_uri(text: str) -> str:
    if not text.startswith("sip:") or "@" not in text:
        raise argparse.ArgumentTypeError(
            f"not a SIP URI with a number, like sip:100@127.0.0.1:5060: {text!r}"
        )
    return text


def _digits(text: str) -> str:
    if any(d not in "0123456789*#ABCD" for d in text):
        raise argparse.ArgumentTypeError(f"not DTMF digits (0-9, *, #, A-D): {text!r}")
    return text


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="vaxla-sim",
        description=(
            "Simulated agents and callers on real pjsua2 SIP, for demos, tests and "
            "benchmarks. pjsua2-python holds at most 4 call legs per process, so the "
            "phones are spread over child processes of 4."
        ),
    )
    commands = top.add_subparsers(dest="command", required=True, metavar="{agents,callers}")
    agents = commands.add_parser(
        "agents",
        help="agents that log in through the API and answer the server's offers",
        description=(
            "Log in COUNT agents (agentFIRST, agentFIRST+1, ...) through the server's API, "
            "report each one's SIP contact, answer offers whose X-Vaxla-Offer header "
            "verifies (others are refused with 403), talk, hang up, wrap up (classifying "
            "the call with the first active classification code) and become ready again. "
            "Ctrl-C (or SIGTERM) hangs up, logs out and stops."
        ),
    )
    agents.add_argument(
        "--server",
        required=True,
        type=_server_url,
        help="the server's HTTP URL, e.g. http://127.0.0.1:8080",
    )
    agents.add_argument("--count", required=True, type=_count, help="how many agents")
    agents.add_argument(
        "--first", type=_count, default=1, help="number of the first user (default 1: agent1)"
    )
    agents.add_argument("--password", default="demo", help="the agents' password (default demo)")
    agents.add_argument(
        "--answer-after",
        type=_non_negative,
        default=1.0,
        help="seconds of ringing before answering (default 1)",
    )
    agents.add_argument(
        "--talk",
        type=_non_negative,
        default=10.0,
        help="seconds of talk before hanging up (default 10)",
    )
    agents.add_argument(
        "--wrap-up",
        type=_non_negative,
        default=2.0,
        help="seconds after the call before classifying and going ready (default 2)",
    )
    agents.add_argument(
        "--report", type=_positive, default=5.0, help="seconds between progress lines (default 5)"
    )
    callers = commands.add_parser(
        "callers",
        help="callers that dial an entry point, press a menu key and wait",
        description=(
            "Place calls to TARGET at RATE per second. When the server answers, wait 1.5 s "
            "for the menu prompt and send DIGITS (RFC 2833). A caller cannot see when the "
            "server bridges it to an agent, so it hangs up PATIENCE + TALK seconds after "
            "the server answered unless the server ends the call first (a simulated "
            "agent hanging up, an overflow message ending)."
        ),
    )
    callers.add_argument(
        "--target",
        required=True,
        type=_sip_uri,
        help="the entry point, e.g. sip:100@127.0.0.1:5060",
    )
    callers.add_argument("--rate", required=True, type=_positive, help="new calls per second")
    callers.add_argument(
        "--digits",
        type=_digits,
        default="",
        help="DTMF sent after the menu prompt, e.g. 1 (default none)",
    )
    callers.add_argument(
        "--patience",
        required=True,
        type=_non_negative,
        help="seconds a caller stays after the server answered",
    )
    callers.add_argument(
        "--talk", type=_non_negative, default=0.0, help="seconds added to the patience (default 0)"
    )
    callers.add_argument(
        "--count", type=_count, default=None, help="calls to place in all (default: until stopped)"
    )
    callers.add_argument(
        "--report", type=_positive, default=5.0, help="seconds between progress lines (default 5)"
    )
    # The child processes (not for people): one pjsua2 endpoint of at most 4 legs.
    group = commands.add_parser("_agent-group")
    group.add_argument("--server", required=True)
    group.add_argument("--users", required=True)
    group.add_argument("--password", required=True)
    group.add_argument("--timing", required=True, type=float, nargs=3)
    group = commands.add_parser("_caller-group")
    group.add_argument("--plan", required=True)
    return top


class Children:
    """Child processes whose JSON lines (their counters) are kept, newest per child."""

    def __init__(self, commands: Sequence[Sequence[str]]) -> None:
        self.latest: list[dict[str, int]] = [{} for _ in commands]
        self.ready: list[bool] = [False for _ in commands]
        self.processes: list[subprocess.Popen[str]] = []
        self.readers: list[threading.Thread] = []
        for index, command in enumerate(commands):
            process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True
            )
            self.processes.append(process)
            assert process.stdout is not None
            reader = threading.Thread(target=self._read, args=(index, process.stdout), daemon=True)
            reader.start()
            self.readers.append(reader)

    def _read(self, index: int, stream: IO[str]) -> None:
        for line in stream:
            try:
                message = json.loads(line)
            except json.JSONDecodeError:
                continue
            if "ready" in message:
                self.ready[index] = True
                if "contact" in message:
                    users = ", ".join(message["ready"])
                    print(f"{users} logged in, answering at {message['contact']}", flush=True)
            else:
                self.latest[index] = message

    def total(self) -> dict[str, int]:
        total: dict[str, int] = {}
        for counters in self.latest:
            for name, value in counters.items():
                total[name] = total.get(name, 0) + value
        return total

    def running(self) -> int:
        return sum(p.poll() is None for p in self.processes)

    def failed(self) -> bool:
        return any(p.poll() not in (None, 0) for p in self.processes)

    def stop(self, timeout: float = 10) -> list[int]:
        """SIGTERM each child by pid, then wait (SIGKILL after ``timeout``)."""
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        codes = []
        for process in self.processes:
            try:
                codes.append(process.wait(timeout))
            except subprocess.TimeoutExpired:
                process.kill()
                codes.append(process.wait())
        for reader in self.readers:
            reader.join(timeout)
        return codes


def _line(counters: dict[str, int], names: Sequence[str]) -> str:
    return " ".join(f"{name.replace('_', ' ')} {counters.get(name, 0)}" for name in names)


def _supervise(children: Children, names: Sequence[str], report: float, what: str) -> int:
    stopping = False

    def stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    started = time.monotonic()
    next_report = started + report
    failed = False
    try:
        while not stopping and children.running() and not children.failed():
            time.sleep(0.1)
            if time.monotonic() >= next_report:
                next_report += report
                print(
                    f"[{time.monotonic() - started:6.1f} s] {what}: "
                    f"{_line(children.total(), names)}",
                    flush=True,
                )
        failed = children.failed()
    finally:
        codes = children.stop()
    print(f"{what} done: {_line(children.total(), names)}", flush=True)
    return 1 if failed or any(code not in (0, -signal.SIGTERM) for code in codes) else 0


def _agents(args: argparse.Namespace) -> int:
    users = [f"agent{n}" for n in range(args.first, args.first + args.count)]
    groups = [users[i : i + MAX_LEGS] for i in range(0, len(users), MAX_LEGS)]
    base = [sys.executable, "-m", "vaxla_server.sim.cli", "_agent-group"]
    timing = [str(args.answer_after), str(args.talk), str(args.wrap_up)]
    commands = [
        [
            *base,
            "--server",
            args.server,
            "--users",
            ",".join(group),
            "--password",
            args.password,
            "--timing",
            *timing,
        ]
        for group in groups
    ]
    print(f"vaxla-sim agents: {len(users)} agents in {len(groups)} processes", flush=True)
    children = Children(commands)
    return _supervise(children, ("answered", "talking", "refused", "errors"), args.report, "agents")


def _callers(args: argparse.Namespace) -> int:
    hold = args.patience + args.talk + MENU_AND_SETUP_S
    processes = max(1, math.ceil(args.rate * hold / MAX_LEGS))
    if args.count is not None:
        processes = min(processes, args.count)
    base = [sys.executable, "-m", "vaxla_server.sim.cli", "_caller-group"]
    commands = []
    for index in range(processes):
        count = None
        if args.count is not None:
            count = args.count // processes + (1 if index < args.count % processes else 0)
        plan = {
            "target": args.target,
            "rate": args.rate / processes,
            "count": count,
            "digits": args.digits,
            "patience": args.patience,
            "talk": args.talk,
        }
        commands.append([*base, "--plan", json.dumps(plan)])
    print(f"vaxla-sim callers: {processes} processes of at most {MAX_LEGS} calls", flush=True)
    children = Children(commands)
    names = ("placed", "answered", "failed", "hung_up", "ended_by_server", "skipped")
    return _supervise(children, names, args.report, "callers")


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "agents":
        return _agents(args)
    if args.command == "callers":
        return _callers(args)
    if args.command == "_agent-group":
        from vaxla_server.sim.agents import Timing, run_group

        answer_after, talk, wrap_up = args.timing
        return run_group(
            args.server, args.users.split(","), args.password, Timing(answer_after, talk, wrap_up)
        )
    from vaxla_server.sim.callers import CallerPlan
    from vaxla_server.sim.callers import run_group as run_callers

    return run_callers(CallerPlan(**json.loads(args.plan)))


if __name__ == "__main__":
    sys.exit(main())
