"""``make bench-calls``: the demo server on free ports, simulated agents (``vaxla-sim``),
and SIPp placing calls into entry point 200 (straight into Support) at stepped steady
rates on one media worker.

Each SIPp caller stays until the server hangs up; the agents answer at once and hang up
after ``--talk-ms``. A call counts as failed in SIPp if the worker refuses it (486, all
its legs busy) or no agent ends it within 10 s. For each rate the bench reports SIPp's
successful and failed calls, the most calls and legs the worker held at once (its own
count, logged by the server as the peak rises; the call log's times are shown too), and
checks the call log against SIPp and the agents: offered = SIPp's successful calls,
answered = calls the agents answered, abandoned = offered - answered. The highest rate
without failures is then run with ``--calls`` (300) calls, stepping down if that run
fails. Targets: 32 legs per worker, >= 10 new calls/s. The pjsua2-python wheel holds 4
legs per process (PJSUA_MAX_CALLS=4), so one worker holds 2 bridged calls: the figures
measure that cap, not the design's 32.
"""

import argparse
import csv
import json
import math
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

import httpx

from vaxla_server.media.pool import free_udp_port

TARGET_LEGS = 32
TARGET_RATE = 10.0  # new calls per second (the target)
LISTENING = re.compile(r"Uvicorn running on (https?://\S+)")
WORKER = re.compile(r"media worker \S+ \(pid \d+\) takes calls at sip:(\S+)")
ANSWERED = re.compile(r"\banswered (\d+)")
PEAK = re.compile(r"media worker \S+ holds (\d+) call legs \((\d+) calls\), the most so far")
BIN = Path(sys.executable).parent


class BenchError(Exception):
    """A process the benchmark needs did not start or answer."""


@dataclass
class Step:
    rate: float
    calls: int
    sipp_successful: int
    sipp_failed: int
    offered: int
    answered: int
    abandoned: int
    other: int
    agents_answered: int
    log_overlap: int
    worker_legs: int
    worker_calls: int
    counts_match: bool


class Lines:
    """A child's output lines, kept as they come, for waiting on a pattern."""

    def __init__(self, stream: IO[str], echo: IO[str] | None = None) -> None:
        self.lines: list[str] = []
        self.lock = threading.Lock()
        self.echo = echo
        self.reader = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self.reader.start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            with self.lock:
                self.lines.append(line)
            if self.echo is not None:
                self.echo.write(line)

    def wait_for(self, pattern: re.Pattern[str], timeout: float) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        seen = 0
        while time.monotonic() < deadline:
            with self.lock:
                new = self.lines[seen:]
                seen = len(self.lines)
            for line in new:
                if match := pattern.search(line):
                    return match
            time.sleep(0.1)
        raise BenchError(f"no line matching {pattern.pattern!r} within {timeout} s")

    def last(self, pattern: re.Pattern[str]) -> re.Match[str] | None:
        with self.lock:
            for line in reversed(self.lines):
                if match := pattern.search(line):
                    return match
        return None


def sipp_counts(stats: str) -> tuple[int, int]:
    """SIPp's own totals from its ``-trace_stat`` CSV: successful and failed calls.

    The file has a header row and one row per ``-fd`` period (the last one written at
    the end); the cumulative columns end in ``(C)``."""
    rows = [row for row in csv.reader(stats.splitlines(), delimiter=";") if row]
    if len(rows) < 2:
        raise BenchError("SIPp's statistics file has no rows")
    last = dict(zip(rows[0], rows[-1], strict=False))
    try:
        return int(last["SuccessfulCall(C)"]), int(last["FailedCall(C)"])
    except (KeyError, ValueError) as error:
        raise BenchError(f"SIPp's statistics file lacks its call counts: {error}") from None


def counts_match(sipp_successful: int, agents_answered: int, outcomes: list[str]) -> bool:
    """The call log agrees with the parties that placed and took the calls: every call
    SIPp completed was offered (a call refused with 486 before it was answered never
    enters the log), the agents answered exactly the ``answered`` ones, and the rest were
    abandoned in the queue (SIPp hung up first); no other outcome."""
    answered = outcomes.count("answered")
    return (
        len(outcomes) == sipp_successful
        and answered == agents_answered
        and outcomes.count("abandoned") == sipp_successful - agents_answered
    )


def _max_overlap(intervals: list[tuple[float, float]]) -> int:
    edges = sorted([(start, 1) for start, _ in intervals] + [(end, -1) for _, end in intervals])
    held = best = 0
    for _, change in edges:  # ends sort before starts at the same instant
        held += change
        best = max(best, held)
    return best


def _time(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def held_at_once(records: list[dict[str, Any]]) -> int:
    """The most calls of the call log that overlap in time. The log's times are when the
    server heard of each start and end, a few milliseconds after the worker, so this can
    count one call more than the worker held; the worker's own peak is the figure."""
    return _max_overlap([(_time(r["started_at"]), _time(r["ended_at"])) for r in records])


class Bench:
    def __init__(self, tmp: Path, agents: int, talk_ms: int) -> None:
        self.tmp = tmp
        self.started: list[subprocess.Popen[str]] = []
        self.server = self._start(
            [str(BIN / "vaxla-server"), "serve", "--data-dir", str(tmp / "data"),
             "--http-port", "0", "--sip-port", str(free_udp_port()), "--demo",
             "--no-discovery"], stderr=True,
        )  # fmt: skip
        assert self.server.stderr is not None
        self.server_log = Lines(self.server.stderr)
        self.url = self.server_log.wait_for(LISTENING, 180).group(1)
        self.sip = self.server_log.wait_for(WORKER, 5).group(1)
        self.api = httpx.Client(base_url=self.url + "/api/v1", timeout=30)
        login = {"username": "supervisor1", "password": "demo"}
        token = self.api.post("/auth/login", json=login).raise_for_status().json()["token"]
        self.headers = {"Authorization": f"Bearer {token}"}
        self.agents = self._start(
            [str(BIN / "vaxla-sim"), "agents", "--server", self.url, "--count", str(agents),
             "--answer-after", "0", "--talk", str(talk_ms / 1000), "--wrap-up", "0",
             "--report", "0.5"],
        )  # fmt: skip
        assert self.agents.stdout is not None
        self.agent_log = Lines(self.agents.stdout)
        for _ in range(math.ceil(agents / 4)):
            self.agent_log.wait_for(re.compile("logged in, answering at"), 60)
        self.agent_log.wait_for(ANSWERED, 10)

    def _start(self, command: list[str], stderr: bool = False) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            command, text=True, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL if stderr else subprocess.PIPE,
            stderr=subprocess.PIPE if stderr else None,
        )  # fmt: skip
        self.started.append(process)
        return process

    def agents_answered(self) -> int:
        """The agents' answered calls so far, once the count has held still for 2.5 s
        (each agent process reports its counters once a second)."""
        if self.agents.poll() is not None:
            raise BenchError(f"the simulated agents stopped (exit {self.agents.returncode})")
        count = -1
        while True:
            time.sleep(2.5)
            match = self.agent_log.last(ANSWERED)
            now = int(match.group(1)) if match else 0
            if now == count:
                return count
            count = now

    def sipp(self, rate: float, calls: int) -> tuple[int, int]:
        """Place ``calls`` at ``rate``/s into 200; SIPp's successful and failed counts."""
        stats = self.tmp / f"stat-{rate}-{calls}.csv"
        command = [
            "sipp", self.sip, "-sf", str(_scenario()), "-s", "200", "-m", str(calls),
            "-r", str(round(rate * 1000)), "-rp", "1000000",
            "-i", "127.0.0.1", "-p", str(free_udp_port()), "-mp", str(free_udp_port()),
            "-timeout", str(int(calls / rate + 60)) + "s", "-nostdin",
            "-trace_stat", "-stf", str(stats), "-fd", "1",
            "-recv_timeout", "10000",
        ]  # fmt: skip
        with (self.tmp / "sipp.log").open("a") as log:
            process = subprocess.Popen(
                command, text=True, stdin=subprocess.DEVNULL, stdout=log, stderr=log
            )
            self.started.append(process)
            process.wait()
        return sipp_counts(stats.read_text())

    def records(self, since: datetime) -> list[dict[str, Any]]:
        for _ in range(40):  # wait until every call in the window has ended
            response = self.api.get(
                "/calls", params={"since": since.isoformat(), "limit": 1000}, headers=self.headers
            )
            records: list[dict[str, Any]] = response.raise_for_status().json()
            if all(r["ended_at"] is not None for r in records):
                return records
            time.sleep(0.5)
        raise BenchError("calls still open in the call log 20 s after SIPp ended")

    def step(self, rate: float, calls: int) -> Step:
        before = self.agents_answered()
        since = datetime.now(UTC) - timedelta(milliseconds=1)
        successful, failed = self.sipp(rate, calls)
        records = self.records(since)
        answered_by_agents = self.agents_answered() - before
        outcomes = [r["outcome"] for r in records]
        answered = outcomes.count("answered")
        abandoned = outcomes.count("abandoned")
        peak = self.server_log.last(PEAK)
        legs, calls_held = (int(peak.group(1)), int(peak.group(2))) if peak else (0, 0)
        return Step(
            rate=rate, calls=calls, sipp_successful=successful, sipp_failed=failed,
            offered=len(records), answered=answered, abandoned=abandoned,
            other=len(records) - answered - abandoned, agents_answered=answered_by_agents,
            log_overlap=held_at_once(records), worker_legs=legs, worker_calls=calls_held,
            counts_match=counts_match(successful, answered_by_agents, outcomes),
        )  # fmt: skip

    def close(self) -> None:
        """Stop exactly what was started, newest first: SIGTERM, then SIGKILL."""
        self.api.close()
        for process in reversed(self.started):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def _scenario() -> Path:
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "tests" / "sipp" / "caller_bench.xml"
        if candidate.exists():
            return candidate
    raise BenchError("tests/sipp/caller_bench.xml not found (run from the repository)")


def _table(steps: list[Step], finals: list[Step]) -> str:
    head = "run    rate/s  calls  sipp ok/failed  offered answered abandoned other  agents  "
    head += "log overlap  worker peak  counts"
    lines = [head]
    for label, step in [("step ", s) for s in steps] + [("final", s) for s in finals]:
        lines.append(
            f"{label} {step.rate:6.1f} {step.calls:6d}  "
            f"{step.sipp_successful:6d}/{step.sipp_failed:<6d}"
            f"  {step.offered:7d} {step.answered:8d} {step.abandoned:9d} {step.other:5d}"
            f"  {step.agents_answered:6d}  {step.log_overlap:11d}  "
            f"{f'{step.worker_legs} legs':>11s}  {'match' if step.counts_match else 'DIFFER'}"
        )
    return "\n".join(lines)


def clean_peak(runs: list[Step]) -> Step | None:
    """The last run before the first one with a failed call: the worker's peak (which
    only grows) as it stood then was reached with zero failures."""
    last = None
    for run in runs:
        if run.sipp_failed:
            break
        last = run
    return last


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more: {text}")
    return value


def _rates(text: str) -> list[float]:
    try:
        rates = [float(r) for r in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {text!r}") from None
    if not rates or any(not 0 < r <= 1000 for r in rates) or rates != sorted(rates):
        raise argparse.ArgumentTypeError(f"rates must rise, each above 0 and at most 1000: {text}")
    return rates


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="bench-calls",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--rates",
        type=_rates,
        default=_rates("2,4,6,8,10,12,15,20"),
        help="new calls/s to step through (default 2,4,6,8,10,12,15,20)",
    )
    parser.add_argument("--step-calls", type=_positive_int, default=30, help="calls per step (30)")
    parser.add_argument(
        "--calls", type=_positive_int, default=300, help="calls in the final run (300)"
    )
    parser.add_argument(
        "--talk-ms",
        type=_positive_int,
        default=100,
        help="ms an agent talks before hanging up (100)",
    )
    parser.add_argument("--agents", type=_positive_int, default=8, help="simulated agents (8)")
    parser.add_argument("--json", action="store_true", help="the figures as JSON too")
    args = parser.parse_args(argv)
    started = time.monotonic()
    steps: list[Step] = []
    finals: list[Step] = []
    with tempfile.TemporaryDirectory(prefix="bench-calls-") as tmp:
        bench = Bench(Path(tmp), args.agents, args.talk_ms)
        try:
            for rate in args.rates:
                step = bench.step(rate, args.step_calls)
                steps.append(step)
                print(
                    f"step {rate:g}/s: {step.sipp_failed} failed of {step.calls}, "
                    f"worker peak so far {step.worker_legs} legs",
                    file=sys.stderr,
                    flush=True,
                )
                if step.sipp_failed:
                    break
            # The full run at the highest clean rate; a lower one if that run fails.
            for rate in reversed([s.rate for s in steps if s.sipp_failed == 0]):
                final = bench.step(rate, args.calls)
                finals.append(final)
                print(
                    f"final {rate:g}/s: {final.sipp_failed} failed of {final.calls}",
                    file=sys.stderr,
                    flush=True,
                )
                if final.sipp_failed == 0:
                    break
        finally:
            bench.close()
    clean_finals = [s for s in finals if s.sipp_failed == 0]
    best_rate = clean_finals[0].rate if clean_finals else 0.0
    peak = clean_peak([*steps, *finals])
    matched = all(s.counts_match for s in [*steps, *finals])
    figures = {
        "highest_rate_zero_failures": best_rate,
        "calls_at_that_rate": args.calls,
        "most_calls_at_once_zero_failures": max(
            (run.log_overlap for run in [*steps, *finals] if run.sipp_failed == 0), default=0
        ),
        "worker_peak_legs_zero_failures": peak.worker_legs if peak else 0,
        "worker_peak_calls_zero_failures": peak.worker_calls if peak else 0,
        "counts_match": matched,
        "talk_ms": args.talk_ms,
        "agents": args.agents,
        "seconds": round(time.monotonic() - started, 1),
        "steps": [asdict(s) for s in steps],
        "finals": [asdict(s) for s in finals],
    }
    if args.json:
        print(json.dumps(figures, indent=2))
    print(_table(steps, finals))
    print(
        f"one media worker, {args.agents} simulated agents who answer at once and hang up "
        f"after {args.talk_ms} ms:\n"
        f"  highest steady rate with zero failed calls over {args.calls} calls: "
        f"{best_rate:g} calls/s (target {TARGET_RATE:g})\n"
        f"  most calls held at once in a run with zero failures: "
        f"{figures['most_calls_at_once_zero_failures']} (the call log's times; a bridged "
        f"call is 2 legs)\n"
        f"  the worker's own peak before the first failed call: "
        f"{figures['worker_peak_legs_zero_failures']} call legs "
        f"({figures['worker_peak_calls_zero_failures']} calls); target {TARGET_LEGS} legs, "
        f"the pjsua2-python wheel holds 4\n"
        f"  call log offered/answered/abandoned against SIPp and the agents: "
        f"{'match' if matched else 'DIFFER'} ({figures['seconds']:g} s)"
    )
    return 0 if matched and clean_finals else 1


if __name__ == "__main__":
    sys.exit(main())
