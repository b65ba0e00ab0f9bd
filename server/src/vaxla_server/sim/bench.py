"""``make bench-calls``: calls through the whole server — the SIP front (Kamailio), the
media worker pool, the call flow, the contact centre and its event log — measured on this
machine, with the load generators' CPU apart from the server's.

The bench starts ``vaxla-server serve --demo`` on free ports in a temporary data
directory, adds its own site through the API (a queue ``Bench`` with wrap-up 0 and no
announcements, entry point ``300`` straight into it, and ``--agents`` agent users who are
its members), and logs every agent in with its own ``sip_contact``
(``sip:benchN@127.0.0.1:PORT``) on one of a few SIPp UAS processes
(``tests/sipp/bench_agent.xml``: one SIPp is the phone of many agents; it answers an offer
at once, talks and hangs up). Callers are a SIPp UAC (``tests/sipp/bench_caller.xml``)
into 300. Both SIPp sides run ``-rtp_echo``: what a media worker sends comes back to it,
so RTP flows both ways on every leg as in production and the workers' RTP timeout stays
at its default (``--no-rtp``: no echo, and the timeout off).

The pool is started with ``--media-workers MIN:MAX``, MIN the most calls a step holds at
once plus 10 (``--min-workers``): with the server's own MIN of 2 the pool grows as callers
take its workers, keeping 2 spare, and at 10 or more new calls a second some callers find
none free (503) before new workers are ready, which is a figure of its own.

1. Concurrency: for each of ``--concurrent`` (100,200,300,400), N calls are placed at
   ``--setup-rate`` (10) per second; each agent holds its call ``--hold-s`` (60) plus the
   time the N take to place, so all N are bridged at once for ``--hold-s``; then the agent
   hangs up and the server ends the caller's leg. Stops at the first failing step.
2. Rate: for each of ``--rates`` (20,35,50,70), after a ramp (``--ramp-per-s`` 5 more
   calls/s each second), new calls at that rate for ``--rate-s`` (60) seconds, each
   talking ``--talk-s`` (2) after the agent answers. Stops at the first failing rate.

A step fails when any call fails: a caller SIPp did not complete (a 503 from the front, a
486, an answer or BYE that never came) or a call no agent completed. For every step the
call log (``GET /calls`` as supervisor1, paged with ``until`` when the server has it, or
else, past its 1000 newest, the queue report) is checked against SIPp and the agents:
offered = the callers SIPp completed, answered = the calls the agents completed,
abandoned = the difference; ``match`` or the numbers that differ.

CPU (``/proc/PID/stat``) is sampled every second for the server process, Kamailio (its
main process and children), the media pool (the zygote, the workers it forked, and those
that exited) and, apart, the generators (every SIPp process) and the bench itself; memory
is PSS (``/proc/PID/smaps_rollup``) in the middle of each step. CPU is % of one core over
the step's steady part (all N held; or the rate's steady state), per call in all and
above the idle server (measured first, agents logged in and pool started).

The bench stops exactly the processes it started (SIPp by pid, the server by pid with
SIGTERM, then SIGKILL of it and of the Kamailio and media processes it had started), also
on Ctrl-C, SIGTERM and errors. Exit status: 0 when the bench ran (targets met or not), 1
when it could not run, 130 when interrupted.
"""

import argparse
import concurrent.futures
import contextlib
import csv
import json
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

TARGET_CONCURRENT = 300
TARGET_RATE = 50.0
BIN = Path(sys.executable).parent
HZ = os.sysconf("SC_CLK_TCK")
LISTENING = re.compile(r"Uvicorn running on (https?://\S+)")
FRONT = re.compile(r"calls are taken at sip:(\S+) \(Kamailio\)")
SERVER_GROUPS = ("server", "kamailio", "media")
ENTRY_POINT = "300"
QUEUE = "Bench"
PASSWORD = "bench-calls-password"
CALL_LOG_LIMIT = 1000  # the most records GET /calls gives at once


class BenchError(Exception):
    """Something the benchmark needs did not start, answer or add up."""


# SIPp's figures


@dataclass(frozen=True)
class SippTotals:
    """One SIPp process's totals, from the last row of its ``-trace_stat`` file."""

    successful: int
    failed: int
    created: int
    failures: dict[str, int] = field(default_factory=dict)
    """The non-zero ``Failed*(C)`` columns: why calls failed, as SIPp counts it."""
    retransmissions: int = 0
    placement_rate: float = 0.0
    """Calls created per second while it was creating them (0 for a UAS)."""


def _rows(stats: str) -> list[dict[str, str]]:
    rows = [row for row in csv.reader(stats.splitlines(), delimiter=";") if row]
    if len(rows) < 2:
        raise BenchError("SIPp's statistics file has no rows")
    return [dict(zip(rows[0], row, strict=False)) for row in rows[1:]]


def _epoch(stamp: str) -> float:
    """SIPp's ``date<TAB>time<TAB>epoch`` time stamp: the epoch."""
    return float(stamp.split("\t")[-1])


def sipp_totals(stats: str) -> SippTotals:
    """SIPp's cumulative totals from its ``-trace_stat`` CSV (``;``-separated, a header
    row, one row per ``-fd`` period and one written at exit): successful, failed and
    created calls, the failure reasons SIPp counted, and the rate at which a UAC created
    calls (those created by the last row written while it was still creating, over the
    time from its start to that row)."""
    rows = _rows(stats)
    last = rows[-1]
    try:
        successful = int(last["SuccessfulCall(C)"])
        failed = int(last["FailedCall(C)"])
        created = int(last["TotalCallCreated"])
        failures = {
            name.removeprefix("Failed").removesuffix("(C)"): int(value)
            for name, value in last.items()
            if name.startswith("Failed")
            and name.endswith("(C)")
            and name != "FailedCall(C)"
            and value
            and int(value)
        }
        retransmissions = int(last.get("Retransmissions(C)") or 0)
        rate = 0.0
        if int(last.get("OutgoingCall(C)") or 0):
            # The last row while it was still creating calls (a row is written every
            # second, so the row that first shows them all may be nearly a second late).
            start = _epoch(last["StartTime"])
            creating = [r for r in rows if 0 < int(r["TotalCallCreated"]) < created]
            row = (
                creating[-1]
                if creating
                else next(r for r in rows if int(r["TotalCallCreated"]) >= created)
            )
            elapsed = _epoch(row["CurrentTime"]) - start
            rate = int(row["TotalCallCreated"]) / elapsed if elapsed > 0 else 0.0
    except (KeyError, ValueError, StopIteration) as error:
        raise BenchError(f"SIPp's statistics file lacks its call counts: {error!r}") from None
    return SippTotals(successful, failed, created, failures, retransmissions, rate)


UNEXPECTED = re.compile(r"received '(?:SIP/2\.0 (\d{3})|([A-Z]+) )")
SIPP_ERRORS = (
    ("Aborting call on an unexpected BYE", "BYE"),
    ("Aborting call on an unexpected CANCEL", "CANCEL"),
    ("receive timeout on message", "receive timeout"),
    ("send timeout on message", "send timeout"),
    ("Aborting call on UDP retransmission timeout", "retransmissions exhausted"),
)


def sipp_error_kinds(errors: str) -> Counter[str]:
    """What SIPp's ``-trace_err`` file says went wrong, counted: an unexpected response
    by its code (``503``), an unexpected request by its method (``BYE``), a receive or
    send timeout, retransmissions exhausted. Lines of no such kind (the rest of a message
    SIPp quotes) are not counted."""
    kinds: Counter[str] = Counter()
    for line in errors.splitlines():
        if "Aborting call on unexpected message" in line:
            match = UNEXPECTED.search(line)
            kinds[(match.group(1) or match.group(2)) if match else "unexpected message"] += 1
            continue
        for text, kind in SIPP_ERRORS:
            if text in line:
                kinds[kind] += 1
                break
    return kinds


# /proc


@dataclass(frozen=True)
class ProcStat:
    pid: int
    ppid: int
    ticks: int
    """utime + stime of the process itself (all its threads)."""
    child_ticks: int
    """cutime + cstime: its children that exited and were waited for."""
    start: int
    """Start time in ticks since boot (with the pid, names the process)."""


def parse_proc_stat(text: str) -> ProcStat:
    """``/proc/PID/stat``: the command name (field 2) is in parentheses and may hold
    spaces and parentheses itself, so the fields are counted from its last ``)``."""
    pid = int(text[: text.index(" ")])
    fields = text[text.rindex(")") + 2 :].split()
    # fields[0] is field 3 (state): field n is fields[n - 3].
    utime, stime, cutime, cstime = (int(fields[n - 3]) for n in (14, 15, 16, 17))
    return ProcStat(pid, int(fields[1]), utime + stime, cutime + cstime, int(fields[19]))


def parse_pss_kb(smaps_rollup: str) -> int:
    """The ``Pss:`` line of ``/proc/PID/smaps_rollup``, in kB."""
    for line in smaps_rollup.splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    raise BenchError("no Pss line in smaps_rollup")


def descendants(parents: Mapping[int, int], root: int) -> set[int]:
    """Every process below ``root`` in a ``pid -> ppid`` map."""
    children: dict[int, list[int]] = {}
    for pid, ppid in parents.items():
        children.setdefault(ppid, []).append(pid)
    found: set[int] = set()
    todo = list(children.get(root, []))
    while todo:
        pid = todo.pop()
        if pid not in found:
            found.add(pid)
            todo.extend(children.get(pid, []))
    return found


def server_groups(
    stats: Mapping[int, ProcStat], names: Mapping[int, str], server: int
) -> dict[str, set[int]]:
    """The server's processes by group: ``server`` itself, ``kamailio`` (a child running
    kamailio, and its children), ``media`` (the zygote, a child running
    ``vaxla_server.media.zygote``, and the workers it forked). Any other descendant of
    the server counts as ``server``. ``names`` are the command lines of the server's
    children."""
    parents = {pid: s.ppid for pid, s in stats.items()}
    groups: dict[str, set[int]] = {
        "server": {server} if server in stats else set(),
        "kamailio": set(),
        "media": set(),
    }
    for pid, s in stats.items():
        if s.ppid != server:
            continue
        name = names.get(pid, "")
        group = "kamailio" if "kamailio" in name else "media" if "zygote" in name else "server"
        groups[group] |= {pid} | descendants(parents, pid)
    return groups


def group_ticks(
    stats: Mapping[int, ProcStat], groups: Mapping[str, set[int]], server: int
) -> dict[str, int]:
    """CPU ticks so far per group. A group's processes count their own time; a group's
    top process (Kamailio's main process, the zygote) also counts the time of its children
    that exited (the workers that died or retired), so their time is not lost. The
    server's own figure leaves out its children (the other groups)."""
    ticks: dict[str, int] = {}
    for group, pids in groups.items():
        total = sum(stats[pid].ticks for pid in pids if pid in stats)
        total += sum(
            stats[pid].child_ticks for pid in pids if pid in stats and stats[pid].ppid == server
        )
        ticks[group] = total
    return ticks


def cpu_percent(ticks: int, seconds: float, hz: int = HZ) -> float:
    """CPU ticks over wall seconds as % of one core."""
    return 100.0 * ticks / hz / seconds if seconds > 0 else 0.0


@dataclass(frozen=True)
class Sample:
    at: float  # time.monotonic()
    ticks: dict[str, int]


def window_cpu(
    samples: Sequence[Sample], start: float, end: float, hz: int = HZ
) -> tuple[dict[str, float], float]:
    """% of one core per group between the samples nearest ``start`` and ``end`` (the
    first at or after start, the last at or before end), and the seconds they span.
    A group missing from a sample counts from 0 (it started meanwhile)."""
    inside = [s for s in samples if start <= s.at <= end]
    if len(inside) < 2:
        raise BenchError(f"fewer than two CPU samples in a window of {end - start:.1f} s")
    first, last = inside[0], inside[-1]
    seconds = last.at - first.at
    return {
        group: cpu_percent(last.ticks.get(group, 0) - first.ticks.get(group, 0), seconds, hz)
        for group in last.ticks
    }, seconds


def loadavg() -> tuple[float, float, float]:
    one, five, fifteen = Path("/proc/loadavg").read_text().split()[:3]
    return float(one), float(five), float(fifteen)


def _read(path: str) -> str | None:
    try:
        with open(path) as file:
            return file.read()
    except OSError:  # gone meanwhile
        return None


def all_proc_stats() -> dict[int, ProcStat]:
    stats: dict[int, ProcStat] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            text = _read(f"/proc/{entry.name}/stat")
            if text is not None:
                stat = parse_proc_stat(text)
                stats[stat.pid] = stat
    return stats


# The count check


@dataclass(frozen=True)
class LogCounts:
    """The call log's calls in a step, by outcome."""

    offered: int
    answered: int
    abandoned: int
    other: dict[str, int] = field(default_factory=dict)
    source: str = "call log"


def log_counts(outcomes: Iterable[str], source: str = "call log") -> LogCounts:
    counted = Counter(outcomes)
    other = {k: v for k, v in sorted(counted.items()) if k not in ("answered", "abandoned")}
    return LogCounts(
        sum(counted.values()), counted["answered"], counted["abandoned"], other, source
    )


def count_differences(callers_ok: int, agents_ok: int, log: LogCounts) -> list[str]:
    """Where the call log disagrees with the parties that placed and took the calls; empty
    when it agrees. Every caller SIPp completed was offered (a call the front or a worker
    refused never enters the log), the agents answered exactly the ``answered`` ones,
    the rest were abandoned in the queue, and no call has another outcome."""
    differences = []
    if log.offered != callers_ok:
        differences.append(f"offered {log.offered} != callers completed {callers_ok}")
    if log.answered != agents_ok:
        differences.append(f"answered {log.answered} != agents answered {agents_ok}")
    if log.abandoned != callers_ok - agents_ok:
        differences.append(
            f"abandoned {log.abandoned} != callers completed - agents answered "
            f"{callers_ok - agents_ok}"
        )
    differences += [f"{count} {outcome}" for outcome, count in log.other.items()]
    return differences


def _time(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def most_at_once(intervals: Iterable[tuple[float, float]]) -> int:
    """The most intervals that overlap (one ending as another starts does not)."""
    edges = sorted([(s, 1) for s, _ in intervals] + [(e, -1) for _, e in intervals])
    held = best = 0
    for _, change in edges:  # ends sort before starts at the same instant
        held += change
        best = max(best, held)
    return best


def bridged_at_once(records: Iterable[Mapping[str, Any]]) -> int:
    """The most answered calls of the call log talking at once: from its start plus its
    wait to that plus its talk time."""
    intervals = []
    for r in records:
        if r.get("outcome") == "answered" and r.get("talk_seconds") is not None:
            talk_from = _time(r["started_at"]) + float(r.get("wait_seconds") or 0.0)
            intervals.append((talk_from, talk_from + float(r["talk_seconds"])))
    return most_at_once(intervals)


# Steps


@dataclass
class Step:
    kind: str  # "concurrent" or "rate"
    target: float  # calls at once, or new calls per second
    calls: int
    callers_ok: int = 0
    callers_failed: int = 0
    agents_ok: int = 0
    agents_failed: int = 0
    placement_rate: float = 0.0
    failure_kinds: dict[str, int] = field(default_factory=dict)
    log: LogCounts | None = None
    differences: list[str] = field(default_factory=list)
    bridged_peak: int | None = None
    window_s: float = 0.0
    cpu: dict[str, float] = field(default_factory=dict)
    pss_mb: dict[str, float] = field(default_factory=dict)
    pss_before_mb: dict[str, float] = field(default_factory=dict)
    workers: int = 0
    load: tuple[float, float, float] = (0.0, 0.0, 0.0)
    server_problems: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def failures(self) -> int:
        """Calls that failed, at least: those SIPp's callers did not complete (refused,
        or no answer or BYE in time) or, if more, those no agent completed (never
        offered, or failed on the agent's side). Which caller's call an agent took is
        not known, so the two are not added."""
        return max(0, self.calls - self.callers_ok, self.calls - self.agents_ok)

    @property
    def clean(self) -> bool:
        """Every call completed on both sides, and no SIPp counted a failure."""
        return self.failures == 0 and not self.callers_failed and not self.agents_failed

    @property
    def server_cpu(self) -> float:
        return sum(self.cpu.get(g, 0.0) for g in SERVER_GROUPS)

    @property
    def server_pss(self) -> float:
        return sum(self.pss_mb.get(g, 0.0) for g in SERVER_GROUPS)

    @property
    def counts(self) -> str:
        return "match" if not self.differences else "; ".join(self.differences)


def highest_clean(steps: Sequence[Step]) -> Step | None:
    """The highest step before the first one with a failure (steps rise)."""
    best = None
    for step in steps:
        if not step.clean:
            break
        best = step
    return best


def placed_calls(rate: float, seconds: float) -> int:
    return max(1, round(rate * seconds))


@dataclass(frozen=True)
class Ramp:
    """How a rate step builds up: from ``start`` calls/s, ``start`` more every second,
    to the target; ``seconds`` long, ``calls`` placed meanwhile."""

    start: float
    seconds: float
    calls: int


def ramp_plan(rate: float, per_second: float) -> Ramp:
    """A rate step rises by ``per_second`` calls/s every second (SIPp's
    ``-rate_increase`` with ``-fd 1``) until it reaches ``rate``, as traffic builds up
    in a morning, so the media pool grows with it (it starts workers as callers take
    them; a jump from idle to 50/s is a different figure). No ramp when ``rate`` is at
    most ``per_second``."""
    if per_second <= 0 or rate <= per_second:
        return Ramp(rate, 0.0, 0)
    levels = []
    level = per_second
    while level < rate:
        levels.append(level)
        level += per_second
    return Ramp(per_second, float(len(levels)), round(sum(levels)))


def problem_kinds(lines: Iterable[str]) -> Counter[str]:
    """The server's WARNING/ERROR/CRITICAL log lines, counted by their text with numbers,
    call ids and addresses taken out."""
    kinds: Counter[str] = Counter()
    level = re.compile(r"^\S+ \S+ (WARNING|ERROR|CRITICAL)\s+(\S+): (.*)$")
    for line in lines:
        match = level.match(line)
        if match:
            text = re.sub(r"[0-9a-f]{8,}[-0-9a-f@.]*|\d+(\.\d+)?", "#", match.group(3))
            kinds[f"{match.group(1)} {match.group(2)}: {text[:110]}"] += 1
    return kinds


# Processes


def _port_free(port: int, host: str = "127.0.0.1", kind: int = socket.SOCK_DGRAM) -> bool:
    with socket.socket(socket.AF_INET, kind) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
        return True


def free_ports(count: int, taken: set[int], pair: bool = False, tcp: bool = False) -> list[int]:
    """``count`` free UDP ports, none of them in ``taken``; with ``pair`` port + 2 is free
    too (SIPp's RTP echo binds the media port and the one two above it), with ``tcp``
    the same port for TCP (Kamailio listens on both)."""
    found: list[int] = []
    while len(found) < count:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.bind(("127.0.0.1", 0))
            port: int = probe.getsockname()[1]
        near = {port, port + 2} if pair else {port}
        if near & taken or (pair and not _port_free(port + 2)):
            continue
        if tcp and not _port_free(port, kind=socket.SOCK_STREAM):
            continue
        taken |= near
        found.append(port)
    return found


class Sampler:
    """Samples the CPU ticks of the server's groups, of every SIPp process the bench runs
    and of the bench itself, every ``interval`` seconds, in a thread."""

    def __init__(self, server: int, interval: float = 1.0) -> None:
        self.server = server
        self.interval = interval
        self.samples: list[Sample] = []
        self.lock = threading.Lock()
        self.sipp: set[int] = set()
        self.sipp_done_ticks = 0  # SIPp processes reaped: their whole time
        self.known: dict[int, ProcStat] = {}  # the server's processes last seen
        self.workers = 0
        self._commands: dict[int, tuple[int, str]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="cpu-sampler", daemon=True)

    def start(self) -> None:
        self.sample()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(5)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.sample()
            except Exception as error:  # keep sampling; the window check reports gaps
                print(f"bench: CPU sample failed: {error!r}", file=sys.stderr)

    def groups(self) -> tuple[dict[int, ProcStat], dict[str, set[int]]]:
        stats = all_proc_stats()
        # The server's children by command line (cached: it is the same process while
        # its pid and start time are).
        for pid, stat in stats.items():
            if stat.ppid == self.server and self._commands.get(pid, (None, ""))[0] != stat.start:
                command = _read(f"/proc/{pid}/cmdline")
                if command is not None:
                    self._commands[pid] = (stat.start, command.replace("\0", " "))
        names = {pid: command for pid, (_, command) in self._commands.items()}
        return stats, server_groups(stats, names, self.server)

    def sample(self) -> Sample:
        stats, groups = self.groups()
        ticks = group_ticks(stats, groups, self.server)
        with self.lock:
            live = [stats[p] for p in self.sipp if p in stats]
            ticks["sipp"] = self.sipp_done_ticks + sum(s.ticks for s in live)
            me = stats.get(os.getpid())
            ticks["bench"] = me.ticks if me else 0
            self.known = {p: stats[p] for g in groups.values() for p in g if p in stats}
            self.workers = max(0, len(groups["media"]) - 1)
            sample = Sample(time.monotonic(), ticks)
            self.samples.append(sample)
        return sample

    def add_sipp(self, pid: int) -> None:
        with self.lock:
            self.sipp.add(pid)

    def reaped_sipp(self, pid: int, rusage: Any) -> None:
        with self.lock:
            self.sipp.discard(pid)
            self.sipp_done_ticks += round((rusage.ru_utime + rusage.ru_stime) * HZ)

    def pss(self) -> dict[str, float]:
        """PSS in MB per group, now."""
        _, groups = self.groups()
        with self.lock:
            groups["sipp"] = set(self.sipp)
        groups["bench"] = {os.getpid()}
        found: dict[str, float] = {}
        for group, pids in groups.items():
            total = 0
            for pid in pids:
                text = _read(f"/proc/{pid}/smaps_rollup")
                if text is not None:
                    total += parse_pss_kb(text)
            found[group] = total / 1024
        return found


class Sipp:
    """One SIPp process, run by the bench and ended by it (by pid)."""

    def __init__(self, bench: "Bench", name: str, args: list[str]) -> None:
        self.name = name
        self.stats = bench.tmp / f"{name}.csv"
        self.errors = bench.tmp / f"{name}.errors"
        self.bench = bench
        command = [
            "sipp",
            *args,
            "-nostdin",
            "-trace_stat",
            "-stf",
            str(self.stats),
            "-fd",
            "1",
            "-trace_err",
            "-error_file",
            str(self.errors),
        ]
        with (bench.tmp / f"{name}.out").open("w") as out:
            self.process = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # a Ctrl-C on the terminal reaches only the bench
            )
        bench.sipps.append(self)
        bench.sampler.add_sipp(self.process.pid)
        self.returncode: int | None = None

    def exited(self) -> bool:
        """Whether it has exited; reaps it (with its CPU time for the sampler) if so."""
        if self.returncode is None:
            pid, status, rusage = os.wait4(self.process.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
                self.process.returncode = self.returncode
                self.bench.sampler.reaped_sipp(pid, rusage)
        return self.returncode is not None

    def wait(self, timeout: float) -> int:
        deadline = time.monotonic() + timeout
        while not self.exited():
            if time.monotonic() > deadline:
                raise BenchError(f"SIPp {self.name} did not end within {timeout:.0f} s")
            time.sleep(0.2)
        assert self.returncode is not None
        return self.returncode

    def wait_created(self, calls: int, timeout: float) -> None:
        """Until its statistics show ``calls`` created (a UAC)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with contextlib.suppress(BenchError, OSError):
                if self.stats.exists() and self.totals().created >= calls:
                    return
            if self.exited():
                raise BenchError(f"SIPp {self.name} exited while placing its calls")
            time.sleep(0.05)
        raise BenchError(f"SIPp {self.name} did not place {calls} calls in {timeout:.0f} s")

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM (SIPp writes its last statistics row and exits), then SIGKILL."""
        if self.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.process.pid, signal.SIGTERM)
        try:
            self.wait(timeout)
        except BenchError:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.process.pid, signal.SIGKILL)
            self.wait(10)

    def totals(self) -> SippTotals:
        if not self.stats.exists():
            raise BenchError(f"SIPp {self.name} wrote no statistics (see {self.name}.out)")
        return sipp_totals(self.stats.read_text())

    def error_kinds(self) -> Counter[str]:
        return (
            sipp_error_kinds(self.errors.read_text(errors="replace"))
            if self.errors.exists()
            else Counter()
        )


def _failure_kinds(side: str, sipp: Sipp, totals: SippTotals) -> dict[str, int]:
    """Why a SIPp's calls failed: from its error file (a response code, a request, a
    timeout), or else SIPp's own failure columns."""
    kinds = sipp.error_kinds() or Counter(totals.failures)
    return {f"{side} {kind}": count for kind, count in kinds.items()}


def _scenario(name: str) -> Path:
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent / "tests" / "sipp" / name
        if candidate.exists():
            return candidate
    raise BenchError(f"tests/sipp/{name} not found (run the bench from the repository)")


@dataclass
class Options:
    agents: int = 420
    uas: int = 4
    concurrent: list[int] = field(default_factory=lambda: [100, 200, 300, 400])
    setup_rate: float = 10.0
    hold_s: float = 60.0
    rates: list[float] = field(default_factory=lambda: [20.0, 35.0, 50.0, 70.0])
    rate_s: float = 60.0
    talk_s: float = 2.0
    ramp_per_s: float = 5.0
    rtp: bool = True
    min_workers: int = 410
    media_spare: int | None = None
    max_workers: int = 450
    rtp_base: int = 21000
    settle_s: float = 5.0
    idle_s: float = 10.0


class Bench:
    def __init__(self, tmp: Path, options: Options) -> None:
        self.tmp = tmp
        self.options = options
        self.sipps: list[Sipp] = []
        self.server: subprocess.Popen[bytes] | None = None
        self.sampler: Sampler
        self.api: httpx.Client | None = None
        self.headers: dict[str, str] = {}
        self.log_path = tmp / "server.log"
        self.log_seen = 0
        self.taken: set[int] = set()
        self.uas_ports: list[int] = []
        self.until_supported = False

    # Start

    def start(self) -> None:
        (sip_port,) = free_ports(1, self.taken, tcp=True)
        rtp_timeout = "60" if self.options.rtp else "0"
        command = [
            str(BIN / "vaxla-server"),
            "serve",
            "--data-dir",
            str(self.tmp / "data"),
            "--http-port",
            "0",
            "--no-discovery",
            "--demo",
            "--sip-port",
            str(sip_port),
            "--media-workers",
            f"{self.options.min_workers}:{self.options.max_workers}",
            "--rtp-base",
            str(self.options.rtp_base),
            "--rtp-timeout",
            rtp_timeout,
        ]
        if self.options.media_spare is not None:
            command += ["--media-spare", str(self.options.media_spare)]
        with self.log_path.open("w") as log:
            self.server = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.sampler = Sampler(self.server.pid)
        self.url = self._wait_log(LISTENING, 120).group(1)
        self.front = self._wait_log(FRONT, 10).group(1)
        self.api = httpx.Client(base_url=self.url + "/api/v1", timeout=60)
        self.headers = self._login("supervisor1", "demo")
        spec = httpx.get(self.url + "/openapi.json", timeout=30).raise_for_status().json()
        parameters = spec["paths"]["/api/v1/calls"]["get"].get("parameters", [])
        self.until_supported = any(p["name"] == "until" for p in parameters)
        self.sampler.start()

    def _wait_log(self, pattern: re.Pattern[str], timeout: float) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in self.log_path.read_text(errors="replace").splitlines():
                if match := pattern.search(line):
                    return match
            assert self.server is not None
            if self.server.poll() is not None:
                tail = "\n".join(self.log_path.read_text(errors="replace").splitlines()[-20:])
                raise BenchError(f"the server exited with {self.server.returncode}:\n{tail}")
            time.sleep(0.2)
        raise BenchError(f"no server log line matching {pattern.pattern!r} within {timeout} s")

    def new_log_lines(self) -> list[str]:
        with self.log_path.open("rb") as log:
            log.seek(self.log_seen)
            data = log.read()
        end = data.rfind(b"\n") + 1
        self.log_seen += end
        return data[:end].decode(errors="replace").splitlines()

    def _login(self, username: str, password: str) -> dict[str, str]:
        assert self.api is not None
        body = {"username": username, "password": password}
        token = self.api.post("/auth/login", json=body).raise_for_status().json()["token"]
        return {"Authorization": f"Bearer {token}"}

    def build_site(self) -> None:
        """The bench's agents as users, the queue, its members and the entry point, then
        every agent logged in with its own contact on one of the UAS ports."""
        assert self.api is not None
        api = self.api
        count = self.options.agents
        admin = self._login("admin1", "demo")
        names = [f"bench{n}" for n in range(1, count + 1)]
        self.uas_ports = free_ports(self.options.uas, self.taken)
        t0 = time.monotonic()

        def create(name: str) -> None:
            body = {"username": name, "password": PASSWORD, "role": "agent"}
            api.post("/users", json=body, headers=admin).raise_for_status()

        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            list(pool.map(create, names))
        document = api.get("/config/document", headers=admin).raise_for_status().json()
        document["queues"].append(
            {
                "name": QUEUE,
                "strategy": "longest_idle",
                "ring_timeout_s": 15,
                "wrap_up_s": 0,
                "exclusion_s": 0,
                "autopause": False,
            }
        )
        document["agents"] += [
            {"username": name, "memberships": [{"queue": QUEUE}]} for name in names
        ]
        document["entry_points"].append(
            {"address": ENTRY_POINT, "name": "Bench", "first": {"kind": "queue", "queue": QUEUE}}
        )
        response = api.put("/config/document", json=document, headers=admin)
        if response.status_code != 200:
            raise BenchError(f"the site was refused: {response.status_code} {response.text}")

        def log_in(index_name: tuple[int, str]) -> None:
            index, name = index_name
            headers = self._login(name, PASSWORD)
            port = self.uas_ports[index % len(self.uas_ports)]
            body = {"sip_contact": f"sip:{name}@127.0.0.1:{port}"}
            api.post("/agent/login", json=body, headers=headers).raise_for_status()

        # Four at a time: the server refuses a fifth concurrent login from one address.
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            list(pool.map(log_in, enumerate(names)))
        agents = api.get("/agents", headers=self.headers).raise_for_status().json()
        ready = [
            a for a in agents if a["username"].startswith("bench") and a["state"] == "available"
        ]
        if len(ready) != count:
            raise BenchError(f"{len(ready)} of {count} bench agents are available after log-in")
        print(
            f"bench: {count} agents created and logged in ({time.monotonic() - t0:.0f} s)",
            file=sys.stderr,
            flush=True,
        )

    # Steps

    def _agents(self, step_name: str, talk_ms: int, recv_timeout_ms: int) -> list[Sipp]:
        args_common = [
            "-sf",
            str(_scenario("bench_agent.xml")),
            "-i",
            "127.0.0.1",
            "-d",
            str(talk_ms),
            "-recv_timeout",
            str(recv_timeout_ms),
        ]
        agents = []
        for index, port in enumerate(self.uas_ports):
            if not _port_free(port):
                raise BenchError(f"the agents' SIP port {port} is taken by someone else")
            (media,) = free_ports(1, self.taken, pair=True)
            args = [*args_common, "-p", str(port), "-mp", str(media)]
            args += ["-rtp_echo"] if self.options.rtp else []
            agents.append(Sipp(self, f"{step_name}-agents{index + 1}", args))
        time.sleep(0.5)
        for agent in agents:
            if agent.exited():
                raise BenchError(f"SIPp {agent.name} exited at once (see {agent.name}.out)")
        return agents

    def _callers(
        self,
        name: str,
        calls: int,
        ramp: "Ramp | None",
        rate: float,
        recv_timeout_ms: int,
        limit: int,
    ) -> Sipp:
        """A SIPp UAC placing ``calls`` at ``rate``/s, or rising to it (``ramp``)."""
        (port,) = free_ports(1, self.taken)
        (media,) = free_ports(1, self.taken, pair=True)
        # Rates per 1000 s (-rp), so that fractional rates work.
        args = [
            self.front,
            "-sf",
            str(_scenario("bench_caller.xml")),
            "-s",
            ENTRY_POINT,
            "-i",
            "127.0.0.1",
            "-p",
            str(port),
            "-mp",
            str(media),
            "-m",
            str(calls),
            "-rp",
            "1000000",
            "-l",
            str(limit),
            "-recv_timeout",
            str(recv_timeout_ms),
        ]
        if ramp is not None:
            step = str(round(ramp.start * 1000))
            args += [
                "-r",
                step,
                "-rate_increase",
                step,
                "-rate_max",
                str(round(rate * 1000)),
                "-no_rate_quit",
            ]
        else:
            args += ["-r", str(round(rate * 1000))]
        args += ["-rtp_echo"] if self.options.rtp else []
        return Sipp(self, name, args)

    def run_step(self, kind: str, target: float) -> Step:
        """One step: the agents' UAS processes for it, the callers, CPU over the steady
        part, PSS in its middle, then the counts of SIPp, the agents and the call log."""
        o = self.options
        name = f"{kind}-{target:g}"
        ramp: Ramp | None = None
        if kind == "concurrent":
            calls = int(target)
            rate = o.setup_rate
            placing = calls / rate
            talk = o.hold_s + placing  # the first caller talks longest: all N overlap hold_s
            limit = calls
        else:
            rate = target
            ramp = ramp_plan(rate, o.ramp_per_s)
            calls = placed_calls(rate, o.rate_s)
            placing = o.rate_s
            talk = o.talk_s
            limit = max(100, round(target * (talk + 30)))
        step = Step(kind, target, calls + (ramp.calls if ramp else 0))
        self.new_log_lines()
        started = time.monotonic()
        since = datetime.now(UTC) - timedelta(milliseconds=5)
        step.pss_before_mb = self.sampler.pss()
        recv_timeout = round((talk + 60) * 1000)
        agents = self._agents(name, round(talk * 1000), recv_timeout)
        callers = []
        if ramp is not None and ramp.calls:
            # SIPp's -rate_increase stays a call per second short of each rate, so the
            # ramp is a SIPp of its own and the steady rate another, started once the
            # ramp has placed its calls (its statistics row of each second says so).
            rising = self._callers(f"{name}-ramp", ramp.calls, ramp, target, recv_timeout, limit)
            callers.append(rising)
            rising.wait_created(ramp.calls, 3 * ramp.seconds + 10)
        callers.append(self._callers(f"{name}-callers", calls, None, rate, recv_timeout, limit))
        began = time.monotonic()
        if kind == "concurrent":
            # All N bridged: from the last answer (placing, plus a margin for set-up) to
            # the first hang-up (the first caller's talk after its answer).
            window = (began + placing + 3.0, began + talk - 1.0)
        else:
            # Steady state at the target rate: calls arriving and ending at that rate.
            window = (began + talk + 3.0, began + placing)
        time.sleep(max(0.0, (window[0] + window[1]) / 2 - time.monotonic()))
        step.pss_mb = self.sampler.pss()
        step.workers = self.sampler.workers
        for caller in callers:
            caller.wait(placing + talk + 120 + recv_timeout / 1000)
        # Every call has ended on the callers' side: the agents have hung up, or failed.
        time.sleep(2.5)
        for agent in agents:
            agent.stop()
        try:
            step.cpu, step.window_s = window_cpu(self.sampler.samples, *window)
        except BenchError as error:
            print(f"bench: {name}: {error}", file=sys.stderr)
        step.load = loadavg()
        kinds: Counter[str] = Counter()
        for caller in callers:
            totals = caller.totals()
            step.callers_ok += totals.successful
            step.callers_failed += totals.failed
            kinds.update(_failure_kinds("caller", caller, totals))
        step.placement_rate = callers[-1].totals().placement_rate
        for agent in agents:
            totals = agent.totals()
            step.agents_ok += totals.successful
            step.agents_failed += totals.failed
            kinds.update(_failure_kinds("agent", agent, totals))
        step.failure_kinds = dict(kinds.most_common())
        records, step.log = self.call_log(since)
        if records is not None:
            step.bridged_peak = bridged_at_once(records)
        step.differences = count_differences(step.callers_ok, step.agents_ok, step.log)
        step.server_problems = dict(problem_kinds(self.new_log_lines()).most_common(6))
        step.seconds = time.monotonic() - started
        return step

    def call_log(self, since: datetime) -> tuple[list[dict[str, Any]] | None, LogCounts]:
        """The call log's calls since ``since`` once all have ended, and their counts.
        ``GET /calls`` gives the newest 1000; with more in the step and no ``until``
        parameter to page with, the counts come from the queue report instead."""
        assert self.api is not None
        for _ in range(60):
            records = self._records(since)
            if all(r["ended_at"] is not None for r in records):
                break
            time.sleep(1.0)
        else:
            raise BenchError("calls still open in the call log 60 s after the step ended")
        if len(records) < CALL_LOG_LIMIT or self.until_supported:
            return records, log_counts(r["outcome"] for r in records)
        report = (
            self.api.get(
                "/reports/queues",
                params={
                    "from": since.isoformat(),
                    "to": datetime.now(UTC).isoformat(),
                    "interval": "1d",
                },
                headers=self.headers,
            )
            .raise_for_status()
            .json()
        )
        rows = [r for r in report if r["queue"] == QUEUE]
        offered = sum(r["offered"] for r in rows)
        answered = sum(r["answered"] for r in rows)
        abandoned = sum(r["abandoned"] for r in rows)
        other = offered - answered - abandoned
        return None, LogCounts(
            offered, answered, abandoned, {"other": other} if other else {}, "queue report"
        )

    def _records(self, since: datetime) -> list[dict[str, Any]]:
        assert self.api is not None
        params: dict[str, Any] = {"since": since.isoformat(), "limit": CALL_LOG_LIMIT}
        found: dict[str, dict[str, Any]] = {}
        while True:
            page = self.api.get("/calls", params=params, headers=self.headers)
            records: list[dict[str, Any]] = page.raise_for_status().json()
            new = [r for r in records if str(r["id"]) not in found]
            found.update((str(r["id"]), r) for r in records)
            if len(records) < CALL_LOG_LIMIT or not self.until_supported or not new:
                return list(found.values())
            oldest = min(
                datetime.fromisoformat(r["started_at"].replace("Z", "+00:00")) for r in records
            )
            # The oldest again (and any that started with it), not one fewer.
            params["until"] = (oldest + timedelta(microseconds=1)).isoformat()

    def baseline(self) -> Step:
        """The server idle, its agents logged in and its pool started: CPU over
        ``idle_s`` seconds and PSS, for the figures per call."""
        time.sleep(self.options.settle_s)
        idle = Step("idle", 0, 0)
        began = time.monotonic()
        idle.pss_before_mb = idle.pss_mb = self.sampler.pss()
        idle.workers = self.sampler.workers
        time.sleep(self.options.idle_s)
        idle.cpu, idle.window_s = window_cpu(self.sampler.samples, began, time.monotonic())
        idle.load = loadavg()
        return idle

    # Stop

    def close(self) -> None:
        """Stop exactly what was started: the SIPp processes by pid, then the server by
        pid (SIGTERM: it stops its workers and Kamailio), and if it has to be killed, the
        Kamailio and media processes it had started too (the same pid and start time)."""
        for sipp in self.sipps:
            with contextlib.suppress(Exception):
                sipp.stop()
        if hasattr(self, "sampler"):
            self.sampler.stop()
            with contextlib.suppress(Exception):
                self.sampler.sample()
        if self.api is not None:
            self.api.close()
        server = self.server
        if server is None or server.poll() is not None:
            return
        known = dict(self.sampler.known) if hasattr(self, "sampler") else {}
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(60)
        except subprocess.TimeoutExpired:
            print("bench: the server did not stop within 60 s; killing it", file=sys.stderr)
            server.kill()
            server.wait()
        for pid, stat in known.items():
            text = _read(f"/proc/{pid}/stat")
            if pid != server.pid and text is not None and parse_proc_stat(text).start == stat.start:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


# Output


def _label(step: Step) -> str:
    if step.kind == "idle":
        return "idle"
    return f"{step.target:g} at once" if step.kind == "concurrent" else f"{step.target:g}/s"


def calls_table(steps: Sequence[Step]) -> str:
    lines = [
        "step         calls  placed/s  callers ok/failed  agents ok/failed   call log: offered "
        "answered abandoned  bridged at once  counts",
    ]
    for s in steps:
        log = s.log or LogCounts(0, 0, 0)
        peak = "-" if s.bridged_peak is None else str(s.bridged_peak)
        source = "" if log.source == "call log" else f" ({log.source})"
        lines.append(
            f"{_label(s):11s} {s.calls:6d}  {s.placement_rate:8.1f}  "
            f"{s.callers_ok:9d}/{s.callers_failed:<7d}  {s.agents_ok:8d}/{s.agents_failed:<7d}"
            f"  {log.offered:16d} {log.answered:8d} {log.abandoned:9d}  {peak:>15s}"
            f"  {s.counts}{source}"
        )
        if s.failure_kinds:
            kinds = ", ".join(f"{k}: {v}" for k, v in s.failure_kinds.items())
            lines.append(f"{'':11s}   failed calls: {kinds}")
        if not s.clean:
            for problem, count in list(s.server_problems.items())[:3]:
                lines.append(f"{'':11s}   server log: {count} x {problem}")
    return "\n".join(lines)


def per_call_cpu(step: Step, idle: Step | None) -> tuple[str, str]:
    """Server-side CPU per call, in all and above the idle server: % of one core per
    bridged call (a concurrency step) or ms of CPU per call (a rate step)."""
    above = step.server_cpu - (idle.server_cpu if idle else 0.0)
    if step.kind == "concurrent" and step.target:
        return f"{step.server_cpu / step.target:.2f} %", f"{above / step.target:.2f} %"
    if step.kind == "rate" and step.target:
        return f"{step.server_cpu * 10 / step.target:.1f} ms", f"{above * 10 / step.target:.1f} ms"
    return "-", "-"


def resources_table(steps: Sequence[Step], idle: Step | None) -> str:
    lines = [
        "             window  workers | CPU, % of one core:                         "
        "| server side per call | PSS, MB:                                     | load",
        "                             | server kamailio media server-side sipp bench"
        "|   in all  above idle | server kamailio media server-side per-worker | 1 min",
    ]
    for s in [*([idle] if idle else []), *steps]:
        c, m = s.cpu, s.pss_mb
        total, above = per_call_cpu(s, idle)
        per_worker = m.get("media", 0.0) / s.workers if s.workers else 0.0
        lines.append(
            f"{_label(s):11s} {s.window_s:5.0f} s {s.workers:8d} | "
            f"{c.get('server', 0):6.1f} {c.get('kamailio', 0):8.1f} {c.get('media', 0):5.1f}"
            f" {s.server_cpu:11.1f} {c.get('sipp', 0):4.0f} {c.get('bench', 0):5.1f}"
            f"| {total:>8s} {above:>11s} | {m.get('server', 0):6.0f} "
            f"{m.get('kamailio', 0):8.0f} {m.get('media', 0):5.0f} {s.server_pss:11.0f}"
            f" {per_worker:10.1f} | {s.load[0]:5.1f}"
        )
    return "\n".join(lines)


def summary(
    concurrency: Sequence[Step],
    rates: Sequence[Step],
    idle: Step | None,
    options: Options,
    seconds: float,
    loads: Sequence[float],
) -> tuple[str, dict[str, Any]]:
    best_n = highest_clean(concurrency)
    best_r = highest_clean(rates)
    first_bad_n = next((s for s in concurrency if not s.clean), None)
    first_bad_r = next((s for s in rates if not s.clean), None)
    every = [*concurrency, *rates]
    # The count check is judged on the steps without failures: in a failing step the
    # differences are the failed calls themselves (listed below the verdict).
    clean_steps = [s for s in every if s.clean]
    matched = bool(clean_steps) and all(not s.differences for s in clean_steps)
    n = int(best_n.target) if best_n else 0
    r = best_r.target if best_r else 0.0
    base = idle.server_cpu if idle else 0.0

    def met(ok: bool) -> str:
        return "met" if ok else "NOT met"

    def failing(step: Step | None) -> str:
        if step is None:
            return ""
        kinds = ", ".join(f"{k}: {v}" for k, v in step.failure_kinds.items()) or "see the table"
        return f"; at {_label(step)}: {step.failures} of {step.calls} failed ({kinds})"

    rtp = (
        "RTP both ways on every leg (SIPp -rtp_echo sends each worker's RTP back), the "
        "workers' RTP timeout at its default 60 s"
        if options.rtp
        else "NO RTP (SIPp without -rtp_echo), so the workers' RTP timeout is off (0)"
    )
    spare = "its default" if options.media_spare is None else str(options.media_spare)
    lines = [
        f"the whole server on {os.cpu_count()} cores: Kamailio in front, media workers "
        f"{options.min_workers}:{options.max_workers} (spare: {spare}), call flow, centre, "
        f"event log;",
        f"  {options.agents} agents logged in through the API, their phones {options.uas} SIPp "
        f"UAS processes; callers a SIPp UAC into entry point {ENTRY_POINT} (queue {QUEUE}, "
        "wrap-up 0);",
        f"  {rtp}",
        f"  concurrent bridged calls held {options.hold_s:g} s with zero failures: "
        + (
            f"{n} (target >= {TARGET_CONCURRENT}) — {met(n >= TARGET_CONCURRENT)}"
            f"{failing(first_bad_n)}"
            if concurrency
            else "not measured"
        ),
        f"  new calls/s sustained {options.rate_s:g} s with zero failures: "
        + (
            f"{r:g} (target >= {TARGET_RATE:g}) — {met(r >= TARGET_RATE)}{failing(first_bad_r)}"
            if rates
            else "not measured"
        ),
        "  call log offered/answered/abandoned against SIPp's and the agents' counts: "
        + (
            f"equal in all {len(clean_steps)} steps without failures — met"
            if matched
            else "DIFFER — NOT met"
        ),
    ]
    for s in every:
        if s.differences:
            failed = "" if s.clean else f" (a step with {s.failures} failed calls)"
            lines.append(f"    {_label(s)}{failed}: {s.counts}")
    if idle is not None:
        lines.append(
            f"  idle (agents logged in, {idle.workers} workers started): server side "
            f"{idle.server_cpu:.1f} % of one core, {idle.server_pss:.0f} MB PSS"
        )
    if best_n is not None and best_n.target:
        c = best_n.cpu
        lines.append(
            f"  CPU per bridged call at {n}: server side {best_n.server_cpu / n:.2f} % of one "
            f"core, {(best_n.server_cpu - base) / n:.2f} % above idle (media "
            f"{c.get('media', 0) / n:.3f}, server {c.get('server', 0) / n:.3f}, Kamailio "
            f"{c.get('kamailio', 0) / n:.4f} in all); the generators {c.get('sipp', 0) / n:.2f} "
            "% apart"
        )
        grown = best_n.server_pss - (idle.server_pss if idle else 0.0)
        per_worker = best_n.pss_mb.get("media", 0.0) / best_n.workers if best_n.workers else 0
        lines.append(
            f"  memory per call: a media worker each, {per_worker:.1f} MB PSS per worker at "
            f"{n}; the server side grew {grown / n:.2f} MB per bridged call over idle "
            f"({best_n.server_pss:.0f} MB PSS in all)"
        )
    if best_r is not None and best_r.target:
        c = best_r.cpu
        lines.append(
            f"  CPU per call at {r:g}/s: server side {best_r.server_cpu * 10 / r:.1f} ms, "
            f"{(best_r.server_cpu - base) * 10 / r:.1f} ms above idle ({best_r.server_cpu:.0f} "
            f"% of one core: media {c.get('media', 0):.0f}, server {c.get('server', 0):.0f}, "
            f"Kamailio {c.get('kamailio', 0):.0f}); the generators {c.get('sipp', 0):.0f} % apart"
        )
    lines.append(
        f"  load average (1 min) during the run: {min(loads, default=0):.1f} to "
        f"{max(loads, default=0):.1f} (other work shares the machine); {seconds / 60:.1f} min"
    )
    figures = {
        "most_concurrent_bridged_zero_failures": n,
        "highest_rate_zero_failures": r,
        "counts_match": matched,
        "targets": {"concurrent": TARGET_CONCURRENT, "rate": TARGET_RATE},
        "met": {
            "concurrent": n >= TARGET_CONCURRENT,
            "rate": r >= TARGET_RATE,
            "counts": matched,
        },
        "options": asdict(options),
        "cores": os.cpu_count(),
        "load_average": [min(loads, default=0), max(loads, default=0)],
        "seconds": round(seconds, 1),
        "idle": None if idle is None else _step_figures(idle),
        "steps": [_step_figures(s) for s in every],
    }
    return "\n".join(lines), figures


def _step_figures(step: Step) -> dict[str, Any]:
    return {
        **asdict(step),
        "failures": step.failures,
        "clean": step.clean,
        "server_cpu": step.server_cpu,
        "server_pss_mb": step.server_pss,
        "counts": step.counts,
    }


# Command line


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more: {text}")
    return value


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be above 0: {text}")
    return value


def _rising(text: str) -> list[float]:
    try:
        values = [float(v) for v in text.split(",")] if text else []
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {text!r}") from None
    if any(not 0 < v <= 5000 for v in values) or values != sorted(set(values)):
        raise argparse.ArgumentTypeError(f"steps must rise, each above 0 and at most 5000: {text}")
    return values


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bench-calls",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add = parser.add_argument
    add(
        "--concurrent",
        type=_rising,
        metavar="N,N,...",
        help="calls held at once to step through (100,200,300,400; '': none)",
    )
    add(
        "--rates",
        type=_rising,
        metavar="R,R,...",
        help="new calls per second to step through (20,35,50,70; '': none)",
    )
    add("--hold-s", type=_positive, help="seconds all N calls are bridged at once (60)")
    add("--rate-s", type=_positive, help="seconds each rate is sustained (60)")
    add("--talk-s", type=_positive, help="seconds each call of a rate step talks (2)")
    add(
        "--setup-rate",
        type=_positive,
        help="new calls per second while a concurrency step builds up (10)",
    )
    add(
        "--ramp-per-s",
        type=_positive,
        help="a rate step rises by this many calls/s each second to its rate (5)",
    )
    add(
        "--agents",
        type=_positive_int,
        help="agents of the bench's queue, all logged in (420, and at least the most calls "
        "held at once)",
    )
    add(
        "--uas",
        type=_positive_int,
        default=4,
        help="SIPp UAS processes the agents' phones are spread over (4)",
    )
    add(
        "--min-workers",
        type=_positive_int,
        help="the server's --media-workers MIN: workers started ahead (default: the most "
        "calls any step holds at once, plus 10; 2 is the server's own default, with which "
        "the pool grows as callers come)",
    )
    add(
        "--max-workers",
        type=_positive_int,
        help="the server's --media-workers MAX (default: agents + 30)",
    )
    add(
        "--media-spare",
        type=int,
        metavar="N",
        help="the server's --media-spare, for a server that has it (default: not given)",
    )
    add(
        "--rtp-base",
        type=_positive_int,
        default=21000,
        help="the server's --rtp-base (21000: clear of other servers' default 20000 and of "
        "the ephemeral ports)",
    )
    add(
        "--no-rtp",
        action="store_true",
        help="no RTP from SIPp (no -rtp_echo); the workers' RTP timeout is then turned off",
    )
    add(
        "--quick",
        action="store_true",
        help="a smoke run of about 2 minutes: 40 agents, 20 and 40 at once held 10 s, "
        "10/s and 20/s for 10 s (other options still apply)",
    )
    add("--json", metavar="FILE", type=Path, help="write the figures as JSON to FILE ('-': stdout)")
    add(
        "--keep",
        metavar="DIR",
        type=Path,
        help="keep the server's log, its data directory and SIPp's files in DIR",
    )
    return parser


def options_of(args: argparse.Namespace) -> Options:
    o = Options()
    if args.quick:
        o = Options(
            agents=40,
            concurrent=[20, 40],
            hold_s=10,
            rates=[10.0, 20.0],
            rate_s=10,
            talk_s=1.0,
            settle_s=3.0,
            idle_s=5.0,
        )
    for name in ("concurrent", "rates", "hold_s", "rate_s", "talk_s", "setup_rate", "ramp_per_s"):
        value = getattr(args, name)
        if value is not None:
            setattr(o, name, [int(v) for v in value] if name == "concurrent" else value)
    most = max(o.concurrent, default=0)
    if args.agents is not None:
        o.agents = args.agents
    elif most > o.agents:
        o.agents = most + 20
    if most > o.agents:
        raise SystemExit(f"bench-calls: {most} calls at once need as many agents (--agents)")
    o.uas = args.uas
    o.rtp = not args.no_rtp
    o.rtp_base = args.rtp_base
    o.media_spare = args.media_spare
    o.max_workers = args.max_workers or o.agents + 30
    busiest = max(most, math.ceil(max(o.rates, default=0) * (o.talk_s + 1)))
    o.min_workers = min(o.max_workers, args.min_workers or busiest + 10)
    return o


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    options = options_of(args)
    started = time.monotonic()
    concurrency: list[Step] = []
    rates: list[Step] = []
    loads: list[float] = [loadavg()[0]]
    idle: Step | None = None

    def terminate(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt(signal.Signals(signum).name)

    # Ctrl-C and SIGTERM alike (a SIGINT ignored by whoever started the bench, as a
    # shell does for a background job, counts too).
    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGINT, terminate)
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="bench-calls-", dir=args.keep))
    bench = Bench(tmp, options)
    try:
        bench.start()
        bench.build_site()
        idle = bench.baseline()
        loads.append(idle.load[0])
        plan = [("concurrent", float(n)) for n in options.concurrent]
        plan += [("rate", r) for r in options.rates]
        failed: set[str] = set()
        for kind, target in plan:
            if kind in failed:
                continue
            time.sleep(options.settle_s)
            loads.append(loadavg()[0])
            step = bench.run_step(kind, target)
            loads.append(step.load[0])
            (concurrency if kind == "concurrent" else rates).append(step)
            print(
                f"bench: {_label(step)}: {step.calls} calls, {step.failures} failed, "
                f"counts {step.counts}, server side {step.server_cpu:.0f} % CPU, "
                f"SIPp {step.cpu.get('sipp', 0):.0f} %, {step.workers} workers, "
                f"load {step.load[0]:.1f} ({step.seconds:.0f} s)",
                file=sys.stderr,
                flush=True,
            )
            if not step.clean:
                failed.add(kind)
    except KeyboardInterrupt as interrupt:
        print(
            f"bench: interrupted ({interrupt or 'SIGINT'}); stopping what it started",
            file=sys.stderr,
        )
        return 130
    except (BenchError, httpx.HTTPError, OSError) as error:
        print(f"bench: could not run: {error}", file=sys.stderr)
        return 1
    finally:
        bench.close()
        if args.keep is not None:
            print(f"bench: the server's log, data and SIPp's files are in {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    text, figures = summary(concurrency, rates, idle, options, time.monotonic() - started, loads)
    if args.json is not None:
        payload = json.dumps(figures, indent=2, default=str)
        if str(args.json) == "-":
            print(payload)
        else:
            args.json.write_text(payload + "\n")
    print(calls_table([*concurrency, *rates]))
    print()
    print(resources_table([*concurrency, *rates], idle))
    print()
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
