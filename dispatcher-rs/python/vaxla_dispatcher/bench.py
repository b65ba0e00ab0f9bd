"""Dispatcher benchmark: prints figures, asserts nothing about speed.

    python -m vaxla_dispatcher.bench            # the standard trace, 1,000,000 events
    python -m vaxla_dispatcher.bench --quick    # the same site, 100,000 events
    python -m vaxla_dispatcher.bench --json     # figures as JSON on stdout

The standard site: 5,000 agents, 256 skills, 500 queues and 20,000 waiting contacts.
A seeded closed-loop simulation of a working day (arrivals, abandons, answers, declines,
ring-outs, hang-ups, pauses, log-outs, moves, priority changes) records a trace of event
batches and the offers that followed each. That one trace is then replayed, timed:

1. through the Python API (``Dispatcher.apply`` + ``assign`` per batch) on the native
   engine and on the reference, checking every offer against the recording;
2. event by event through the Python API on the native engine, for p50/p99 latency;
3. by the criterion bench in Rust (``cargo bench``), the engine alone on one core.
"""

from __future__ import annotations

import argparse
import heapq
import json
import math
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from vaxla_dispatcher import Dispatcher, _native, reference
from vaxla_dispatcher import events as ev
from vaxla_dispatcher.trace import Batch, write

NO_LEVELS: dict[int, int] = {}
STRATEGY_MIX = (
    ["longest_idle"] * 40
    + ["skills"] * 15
    + ["round_robin"] * 10
    + ["fewest_calls"] * 10
    + ["least_talk_time"] * 10
    + ["sequential"] * 6
    + ["random"] * 6
    + ["ring_all"] * 3
)
EXPANSION = (ev.ExpansionStep(60.0, relax=1), ev.ExpansionStep(180.0, relax=3))


@dataclass(frozen=True)
class Site:
    agents: int = 5_000
    skills: int = 256
    queues: int = 500
    waiting: int = 20_000


SMALL_SITE = Site(agents=40, skills=6, queues=6, waiting=60)
"""The site of the golden trace (``--golden``): small enough to commit."""


@dataclass
class Trace:
    setup: list[Batch]
    timed: list[Batch]

    @property
    def events(self) -> int:
        return sum(len(b.events) for b in self.timed)


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method; means here are small (a few events per tick).
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


@dataclass
class _Sim:
    """A closed-loop day at the standard site, driving the native engine."""

    site: Site
    rng: random.Random
    engine: _native.Engine | reference.Engine = field(default_factory=_native.Engine)
    now: float = 0.0
    next_contact: int = 0
    members: list[list[int]] = field(default_factory=list)  # queue -> agents
    agenda: list[tuple[float, int, str, int, int]] = field(default_factory=list)
    seq: int = 0
    waiting: list[int] = field(default_factory=list)
    waiting_at: dict[int, int] = field(default_factory=dict)
    status: dict[int, str] = field(default_factory=dict)

    def later(self, at: float, what: str, a: int, b: int = 0) -> None:
        self.seq += 1
        heapq.heappush(self.agenda, (at, self.seq, what, a, b))

    def _wait(self, contact: int) -> None:
        self.waiting_at[contact] = len(self.waiting)
        self.waiting.append(contact)

    def _unwait(self, contact: int) -> None:
        i = self.waiting_at.pop(contact)
        last = self.waiting.pop()
        if last != contact:
            self.waiting[i] = last
            self.waiting_at[last] = i

    def setup(self) -> list[Batch]:
        rng, site = self.rng, self.site
        first: list[Any] = []
        for q in range(site.queues):
            reqs = {q % site.skills: rng.randint(1, 2)}
            if rng.random() < 0.2:
                reqs[rng.randrange(site.skills)] = 1
            first.append(
                ev.AddQueue(
                    q,
                    strategy=rng.choice(STRATEGY_MIX),
                    weight=rng.choice((0, 0, 0, 1, 2)),
                    requirements=reqs,
                    expansion=EXPANSION,
                    wrap_up_s=float(rng.choice((5, 10, 20, 30))),
                )
            )
        self.members = [[] for _ in range(site.queues)]
        for a in range(site.agents):
            queues = rng.sample(range(site.queues), rng.randint(2, 4))
            skills = {q % site.skills: rng.randint(1, 5) for q in queues}
            for _ in range(2):
                skills.setdefault(rng.randrange(site.skills), rng.randint(1, 5))
            capacity = {"voice": 1, "chat": 3} if rng.random() < 0.1 else {"voice": 1}
            first.append(
                ev.AddAgent(
                    a,
                    skills=skills,
                    memberships=[
                        ev.Membership(q, rng.choice((0, 0, 1, 2)), rng.randrange(10))
                        for q in queues
                    ],
                    capacity=capacity,
                    personal_weight=1,
                )
            )
            for q in queues:
                self.members[q].append(a)
            if rng.random() < 0.95:
                first.append(ev.SetAgentState(a, "available"))
                self.status[a] = "available"
            else:
                self.status[a] = "offline"
                self.later(rng.uniform(60, 1800), "login", a)
        batches = [self.run_batch(first)]
        arrivals = [self.arrival() for _ in range(site.waiting + site.agents)]
        batches.append(self.run_batch(arrivals))
        return batches

    def arrival(self) -> ev.AddContact:
        rng = self.rng
        c = self.next_contact
        self.next_contact += 1
        q = rng.randrange(self.site.queues)
        self._wait(c)
        preferred = None
        if rng.random() < 0.05 and self.members[q]:
            preferred = rng.choice(self.members[q])
        return ev.AddContact(
            c,
            q,
            priority=1 if rng.random() < 0.05 else 0,
            channel="chat" if rng.random() < 0.05 else "voice",
            requirements={rng.randrange(self.site.skills): 2} if rng.random() < 0.1 else NO_LEVELS,
            preferred_agent=preferred,
            preferred_until=self.now + 30.0 if preferred is not None else 0.0,
        )

    def run_batch(self, events: list[Any]) -> Batch:
        self.engine.apply(events, self.now)
        offers = self.engine.assign(self.now)
        rng = self.rng
        for c, a in offers:
            roll = rng.random()
            if roll < 0.92:
                self.later(self.now + rng.uniform(1.0, 6.0), "accept", c, a)
            elif roll < 0.95:
                self.later(self.now + rng.uniform(1.0, 4.0), "decline", c, a)
            else:
                self.later(self.now + 15.0, "timeout", c, a)
        return Batch(self.now, events, offers)

    def tick(self, dt: float) -> Batch:
        rng = self.rng
        self.now += dt
        now = self.now
        events: list[Any] = []
        contacts_touched: set[int] = set()
        agents_touched: set[int] = set()
        deferred: list[tuple[float, int, str, int, int]] = []
        agenda = self.agenda
        while agenda and agenda[0][0] <= now:
            item = heapq.heappop(agenda)
            _, _, what, a, b = item
            if what in ("accept", "decline", "timeout", "end"):
                if a in contacts_touched or b in agents_touched:
                    deferred.append(item)
                    continue
                if what == "end":
                    events.append(ev.EndContact(a))
                    contacts_touched.add(a)
                    continue
                state, agents = self.engine.contact_state(a) if a in self.waiting_at else ("", [])
                if state != "offered" or b not in agents:
                    continue  # withdrawn meanwhile
                contacts_touched.add(a)
                agents_touched.add(b)
                if what == "accept":
                    events.append(ev.Accept(a, b))
                    self._unwait(a)
                    talk = min(900.0, max(10.0, rng.expovariate(1 / 120)))
                    self.later(now + talk, "end", a, b)
                elif what == "decline":
                    events.append(ev.Decline(a, b))
                else:
                    events.append(ev.Timeout(a, b))
                    self.status[b] = "paused"
                    self.later(now + 30.0, "ready", b)
            else:  # "ready" / "login": back to work
                if a in agents_touched:
                    deferred.append(item)
                    continue
                if self.status.get(a) != "available":
                    agents_touched.add(a)
                    events.append(ev.SetAgentState(a, "available"))
                    self.status[a] = "available"
        for item in deferred:
            heapq.heappush(agenda, (now + dt, *item[1:]))
        # Rates scale with the site; at the standard site: ~35 arrivals/s (what 5,000
        # agents serve at ~140 s per call), 2 abandons/s, 1.5 pauses/s.
        site = self.site
        gap = site.waiting - len(self.waiting)
        arrivals = max(site.agents / 1000.0, site.agents / 140.0 + gap / 20.0)
        for _ in range(_poisson(rng, dt * arrivals)):
            events.append(self.arrival())
        waiting_rates = (("abandon", 1e-4), ("move", 2.5e-5), ("priority", 2.5e-5))
        for what, per_waiting in waiting_rates:
            rate = per_waiting * site.waiting
            for _ in range(_poisson(rng, dt * rate)):
                if not self.waiting:
                    break
                c = rng.choice(self.waiting)
                if c in contacts_touched:
                    continue
                contacts_touched.add(c)
                if what == "abandon":
                    events.append(ev.RemoveContact(c))
                    self._unwait(c)
                elif what == "move":
                    events.append(ev.MoveContact(c, queue=rng.randrange(site.queues)))
                else:
                    events.append(ev.SetPriority(c, 2))
        for what, per_agent in (("pause", 3e-4), ("logout", 2e-5)):
            for _ in range(_poisson(rng, dt * per_agent * site.agents)):
                a = rng.randrange(site.agents)
                if a in agents_touched or self.status[a] != "available":
                    continue
                agents_touched.add(a)
                if what == "pause":
                    events.append(ev.SetAgentState(a, "paused", "coffee"))
                    self.status[a] = "paused"
                    self.later(now + rng.uniform(60, 300), "ready", a)
                else:
                    events.append(ev.SetAgentState(a, "offline"))
                    self.status[a] = "offline"
                    self.later(now + rng.uniform(300, 1800), "login", a)
        return self.run_batch(events)


def record(
    site: Site,
    events: int,
    seed: int,
    progress: Callable[[str], None],
    engine: _native.Engine | reference.Engine | None = None,
    tick: float = 0.2,
) -> Trace:
    """A closed-loop day at ``site`` until ``events`` events, in batches of ``tick``
    seconds, driving ``engine`` (by default a native one)."""
    sim = (
        _Sim(site, random.Random(seed))
        if engine is None
        else _Sim(site, random.Random(seed), engine)
    )
    setup = sim.setup()
    timed: list[Batch] = []
    count = 0
    last = time.perf_counter()
    while count < events:
        batch = sim.tick(tick)
        timed.append(batch)
        count += len(batch.events)
        if time.perf_counter() - last > 5:
            last = time.perf_counter()
            progress(f"  recorded {count:,} of {events:,} events")
    return Trace(setup, timed)


GOLDEN_EVENTS = 3_000
GOLDEN_SEED = 7
GOLDEN_TICK = 2.0


def write_golden(out: IO[str]) -> None:
    """The golden trace: the small site recorded with the Python reference. The Rust
    engine's tests replay it and must make exactly the recorded offers."""
    trace = record(
        SMALL_SITE, GOLDEN_EVENTS, GOLDEN_SEED, lambda _: None, reference.Engine(), GOLDEN_TICK
    )
    write([*trace.setup, *trace.timed], out)


def replay(d: Dispatcher, batches: Sequence[Batch], *, timed: bool) -> float:
    """Seconds spent in apply+assign; raises if an offer differs from the recording."""
    clock = time.perf_counter
    spent = 0.0
    for i, b in enumerate(batches):
        t0 = clock()
        d.apply(b.events, b.now)
        offers = d.assign(b.now)
        spent += clock() - t0
        if offers != b.offers:
            raise AssertionError(
                f"{d.engine_name} engine, batch {i} at {b.now}: {offers[:5]} != {b.offers[:5]}"
            )
    return spent if timed else 0.0


def latencies(trace: Trace) -> tuple[array[float], array[float]]:
    """Per event apply latency and per batch assign latency (µs), native, Python API."""
    d = Dispatcher()
    replay(d, trace.setup, timed=False)
    per_event: array[float] = array("d")
    per_assign: array[float] = array("d")
    clock = time.perf_counter_ns
    for b in trace.timed:
        for e in b.events:
            one = [e]
            t0 = clock()
            d.apply(one, b.now)
            per_event.append((clock() - t0) / 1000.0)
        t0 = clock()
        d.assign(b.now)
        per_assign.append((clock() - t0) / 1000.0)
    return per_event, per_assign


def percentile(values: array[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100.0 * len(ordered)))]


def criterion(trace: Trace, progress: Callable[[str], None]) -> dict[str, Any]:
    """Runs the Rust bench on the same trace; {} with a reason when it cannot run."""
    crate = Path(__file__).resolve().parents[2]
    if not (crate / "Cargo.toml").exists() or shutil.which("cargo") is None:
        return {"engine_skipped": "no dispatcher-rs checkout or no cargo here"}
    with tempfile.TemporaryDirectory(prefix="vaxla-bench-") as tmp:
        path = Path(tmp) / "standard.trace"
        with path.open("w") as out:
            write([*trace.setup, *trace.timed], out)
        progress(f"  criterion: replaying {trace.events:,} events in Rust (cargo bench)")
        target = Path(os.environ.get("CARGO_TARGET_DIR", crate / "target"))
        env = dict(
            os.environ,
            VAXLA_BENCH_TRACE=str(path),
            VAXLA_BENCH_SETUP_BATCHES=str(len(trace.setup)),
        )
        run = subprocess.run(
            ["cargo", "bench", "-q", "-p", "vaxla-engine", "--bench", "engine", "--", "--noplot"],
            cwd=crate,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        if run.returncode != 0:
            tail = (run.stderr or run.stdout).strip().splitlines()[-5:]
            return {"engine_skipped": "cargo bench failed: " + " | ".join(tail)}
        estimates = json.loads(
            (target / "criterion" / "engine" / "replay" / "new" / "estimates.json").read_text()
        )
    seconds = estimates["mean"]["point_estimate"] / 1e9
    return {
        "engine_events_per_s": trace.events / seconds,
        "engine_replay_ms": seconds * 1000.0,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m vaxla_dispatcher.bench",
        description="Measure the dispatcher on the standard trace: native vs reference "
        "through the Python API, per-event latency, and the Rust engine alone.",
    )
    parser.add_argument("--quick", action="store_true", help="100,000 events instead of 1M")
    parser.add_argument("--events", type=int, help="number of timed events (overrides --quick)")
    parser.add_argument("--seed", type=int, default=2026, help="simulation seed (default 2026)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--no-criterion", action="store_true", help="skip the Rust-only bench")
    parser.add_argument(
        "--save-trace", type=Path, metavar="PATH", help="also write the recorded trace here"
    )
    parser.add_argument(
        "--golden",
        type=Path,
        metavar="PATH",
        help="only write the golden trace (small site, recorded with the reference) and exit",
    )
    args = parser.parse_args(argv)
    if args.golden:
        with args.golden.open("w") as out:
            write_golden(out)
        return 0
    events = args.events or (100_000 if args.quick else 1_000_000)
    if events <= 0:
        parser.error("--events must be positive")
    site = Site()

    def progress(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    started = time.perf_counter()
    progress(
        f"vaxla dispatcher bench: {site.agents:,} agents, {site.skills} skills, "
        f"{site.queues} queues, {site.waiting:,} waiting, {events:,} events (seed {args.seed})"
    )
    progress("  recording the trace (native engine, closed loop)")
    trace = record(site, events, args.seed, progress)
    if args.save_trace:
        with args.save_trace.open("w") as out:
            write([*trace.setup, *trace.timed], out)
    n = trace.events

    progress("  replaying through the Python API: native")
    native = Dispatcher(engine="native")
    replay(native, trace.setup, timed=False)
    native_s = replay(native, trace.timed, timed=True)
    progress("  replaying through the Python API: reference")
    ref = Dispatcher(engine="reference")
    replay(ref, trace.setup, timed=False)
    ref_s = replay(ref, trace.timed, timed=True)
    if native.snapshot(trace.timed[-1].now) != ref.snapshot(trace.timed[-1].now):
        raise AssertionError("native and reference snapshots differ after the trace")
    progress("  per-event latency: native, one event per call")
    per_event, per_assign = latencies(trace)
    figures: dict[str, Any] = {
        "events": n,
        "batches": len(trace.timed),
        "native_events_per_s": n / native_s,
        "reference_events_per_s": n / ref_s,
        "ratio": ref_s / native_s,
        "p50_us": percentile(per_event, 50),
        "p99_us": percentile(per_event, 99),
        "assign_p50_us": percentile(per_assign, 50),
        "assign_p99_us": percentile(per_assign, 99),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
    }
    if not args.no_criterion:
        figures.update(criterion(trace, progress))
    figures["wall_s"] = time.perf_counter() - started
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(report(figures))
    return 0


def report(f: dict[str, Any]) -> str:
    lines = [
        f"events                      {f['events']:>12,}  in {f['batches']:,} batches",
        f"native, Python API          {f['native_events_per_s']:>12,.0f}  events/s",
        f"reference, Python API       {f['reference_events_per_s']:>12,.0f}  events/s",
        f"ratio native/reference      {f['ratio']:>12.1f}  x",
        f"one event per call          {f['p50_us']:>12.2f}  µs p50   {f['p99_us']:.2f} µs p99",
        f"assign per batch            {f['assign_p50_us']:>12.2f}  µs p50   "
        f"{f['assign_p99_us']:.2f} µs p99",
    ]
    if "engine_events_per_s" in f:
        lines.append(f"engine only (Rust, 1 core)  {f['engine_events_per_s']:>12,.0f}  events/s")
    else:
        lines.append(f"engine only: skipped ({f.get('engine_skipped', '')})")
    lines.append(f"machine                     {f['machine']}; whole run {f['wall_s']:.1f} s")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
