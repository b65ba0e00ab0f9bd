"""Wait-estimate benchmark: how right is the wait callers hear? Prints figures, asserts
nothing.

    python -m vaxla_dispatcher.ewt_bench            # every regime (a few minutes)
    python -m vaxla_dispatcher.ewt_bench --quick    # fewer callers, for a smoke run

Each regime is a seeded M/M/s+M queue: Poisson arrivals, exponential service (rate μ)
and patience (rate θ), first come first served, ``s`` agents of one queue. The native
dispatcher *is* the queue: arrivals are ``AddContact``, its offers are accepted at
once, ends are ``EndContact`` and callers whose patience runs out are
``RemoveContact``; so the engine learns its rates from these events exactly as in the
server. The day regime's arrival rate swings ±30 % around its mean (a sine over
``DAY_S``), everything else stays the same.

Every caller who finds all agents busy gets a prediction from each predictor at the
moment it arrives (none at later announcements), with ``n`` callers ahead of it:

* QL: ``(n + 1) / (s·μ)``, the queue-length predictor without abandonment;
* QLm (the oracle): Ibrahim and Whitt's ``sum_{i=0..n} 1 / (s·μ + i·θ)`` with the true
  μ and θ;
* HOL: the wait so far of the caller at the head of the line; a caller with nobody
  ahead gets the wait of the last caller who was answered after waiting;
* old: Vaxla's previous estimate ``position × AHT / s`` (HOL before the first call
  ends), the AHT being the engine's moving average of handle times (followed here by the
  same rule, and checked against ``QueueStats.aht`` every ``AHT_CHECK_EVERY`` callers);
* new: ``Dispatcher.estimated_wait`` at arrival (QLm with the rates the engine learned).

The figure is the relative mean squared error over the callers who were answered after
waiting (abandoned callers' waits are not known), after a warm-up:
``rel MSE = sum (prediction - wait)² / sum wait²``. Each predictor is also given as a
ratio to the oracle's, measured on the same callers in the same run. The target: new
within 10 % of the oracle (ratio ≤ 1.10) and below HOL, in every regime.
"""

from __future__ import annotations

import argparse
import heapq
import math
import platform
import random
import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from vaxla_dispatcher import (
    Accept,
    AddAgent,
    AddContact,
    AddQueue,
    Dispatcher,
    EndContact,
    Membership,
    RemoveContact,
    SetAgentState,
)
from vaxla_dispatcher.reference import AHT_ALPHA, qlm_wait

SERVICE_MEAN_S = 300.0
PATIENCE_MEAN_S = 600.0
DAY_S = 10 * 3600.0
SWING = 0.30
WARM_UP_S = 2 * 3600.0
TARGET = 1.10
PREDICTORS = ("QL", "QLm", "HOL", "old", "new")
ORACLE = "QLm"
AHT_CHECK_EVERY = 1000

_ARRIVE, _END, _GIVE_UP = 0, 1, 2


@dataclass(frozen=True)
class Regime:
    servers: int
    load: float
    day: bool = False

    @property
    def name(self) -> str:
        kind = f"day ±{SWING:.0%}, mean load" if self.day else "load"
        return f"s = {self.servers}, {kind} {self.load:.2f}"


REGIMES = (
    *(Regime(s, load) for s in (20, 50, 100) for load in (0.95, 1.00, 1.05)),
    *(Regime(s, 1.00, day=True) for s in (20, 50, 100)),
)


@dataclass
class Result:
    regime: Regime
    callers: int
    waited: int
    abandoned: int
    error: dict[str, float]
    """Sum of squared errors per predictor, over the callers answered after waiting."""
    squared_waits: float
    seconds: float

    def rel_mse(self, predictor: str) -> float:
        return self.error[predictor] / self.squared_waits

    def ratio(self, predictor: str) -> float:
        return self.error[predictor] / self.error[ORACLE]

    def met(self) -> bool:
        return self.ratio("new") <= TARGET and self.error["new"] < self.error["HOL"]


class _Arrivals:
    """Arrival times: Poisson at ``rate``, or in the day regime thinned from the peak."""

    def __init__(self, rng: random.Random, rate: float, day: bool) -> None:
        self._rng = rng
        self._rate = rate
        self._day = day

    def next_after(self, t: float) -> float:
        if not self._day:
            return t + self._rng.expovariate(self._rate)
        peak = self._rate * (1.0 + SWING)
        while True:
            t += self._rng.expovariate(peak)
            now_rate = self._rate * (1.0 + SWING * math.sin(2.0 * math.pi * t / DAY_S))
            if self._rng.random() * peak <= now_rate:
                return t


def simulate(regime: Regime, callers: int, seed: int) -> Result:
    rng = random.Random(f"{seed}:{regime.servers}:{regime.load}:{regime.day}")
    mu, theta, s = 1.0 / SERVICE_MEAN_S, 1.0 / PATIENCE_MEAN_S, regime.servers
    arrivals = _Arrivals(rng, regime.load * s * mu, regime.day)
    d = Dispatcher(seed)
    d.apply(
        [
            AddQueue(1, strategy="longest_idle"),
            *(AddAgent(a, memberships=[Membership(1)]) for a in range(s)),
            *(SetAgentState(a, "available") for a in range(s)),
        ],
        0.0,
    )
    line: deque[int] = deque()  # callers waiting, in order (abandoned ones removed lazily)
    arrived_at: dict[int, float] = {}
    predicted: dict[int, tuple[float, ...]] = {}
    waiting: set[int] = set()
    busy = 0
    aht: float | None = None
    accepted_at: dict[int, float] = {}
    last_answered_wait = 0.0
    error = dict.fromkeys(PREDICTORS, 0.0)
    squared_waits = 0.0
    waited = abandoned = 0
    events: list[tuple[float, int, int]] = [(arrivals.next_after(0.0), _ARRIVE, 0)]
    started = time.perf_counter()

    def answer(t: float) -> None:
        nonlocal busy, last_answered_wait, squared_waits, waited
        for offer in d.assign(t):
            d.apply([Accept(offer.contact, offer.agent)], t)
            accepted_at[offer.contact] = t
            busy += 1
            waiting.discard(offer.contact)
            wait = t - arrived_at.pop(offer.contact)
            if wait > 0.0:
                last_answered_wait = wait
            guesses = predicted.pop(offer.contact, None)
            if guesses is not None and wait > 0.0:
                waited += 1
                squared_waits += wait * wait
                for name, guess in zip(PREDICTORS, guesses, strict=True):
                    error[name] += (guess - wait) ** 2
            heapq.heappush(events, (t + rng.expovariate(mu), _END, offer.contact))

    next_id = 0
    # Until the last caller has arrived; callers still waiting then are not scored.
    while next_id < callers:
        t, kind, cid = heapq.heappop(events)
        if kind == _ARRIVE:
            cid, next_id = next_id, next_id + 1
            heapq.heappush(events, (arrivals.next_after(t), _ARRIVE, 0))
            d.apply([AddContact(cid, 1)], t)
            arrived_at[cid] = t
            if busy == s:
                while line and line[0] not in waiting:
                    line.popleft()
                ahead = len(waiting)
                head_wait = t - arrived_at[line[0]] if line else last_answered_wait
                if cid % AHT_CHECK_EVERY == 0:
                    assert d.snapshot(t).queues[0].aht == aht, "the old estimate's AHT"
                guesses = (
                    (ahead + 1) / (s * mu),
                    qlm_wait(ahead, s, mu, theta),
                    head_wait,
                    head_wait if aht is None else (ahead + 1) * aht / s,
                    d.estimated_wait(cid, t),
                )
                if t >= WARM_UP_S:
                    predicted[cid] = guesses
            waiting.add(cid)
            line.append(cid)
            heapq.heappush(events, (t + rng.expovariate(theta), _GIVE_UP, cid))
            answer(t)
        elif kind == _END:
            d.apply([EndContact(cid)], t)
            handle = t - accepted_at.pop(cid)
            aht = handle if aht is None else aht + AHT_ALPHA * (handle - aht)
            busy -= 1
            answer(t)
        elif cid in waiting:
            d.apply([RemoveContact(cid)], t)
            waiting.discard(cid)
            del arrived_at[cid]
            predicted.pop(cid, None)
            abandoned += 1
    return Result(
        regime,
        callers,
        waited,
        abandoned,
        error,
        squared_waits,
        time.perf_counter() - started,
    )


def print_result(r: Result) -> None:
    print(
        f"\n{r.regime.name}: {r.callers:,} callers, {r.abandoned:,} abandoned, "
        f"{r.waited:,} answered after waiting (scored), {r.seconds:.0f} s"
    )
    print(f"  {'predictor':<10}{'rel MSE':>10}{'vs QLm':>9}")
    for name in PREDICTORS:
        print(f"  {name:<10}{r.rel_mse(name):>10.4f}{r.ratio(name):>8.2f}×")
    below = "<" if r.error["new"] < r.error["HOL"] else "≥"
    print(
        f"  verdict: new/QLm = {r.ratio('new'):.3f} (target ≤ {TARGET:.2f}), "
        f"new {below} HOL — {'met' if r.met() else 'NOT met'}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="20,000 callers per regime")
    parser.add_argument("--callers", type=int, default=None, help="callers per regime")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    callers = args.callers or (20_000 if args.quick else 300_000)
    print(
        f"Wait-estimate benchmark: M/M/s+M, mean service {SERVICE_MEAN_S:.0f} s, mean "
        f"patience {PATIENCE_MEAN_S:.0f} s, {callers:,} callers per regime, seed "
        f"{args.seed}, warm-up {WARM_UP_S / 3600:.0f} h, day {DAY_S / 3600:.0f} h; "
        f"predictions at arrival; rel MSE = sum (prediction - wait)² / sum wait² over "
        f"callers answered after waiting. Python {platform.python_version()}."
    )
    started = time.perf_counter()
    results = []
    for regime in REGIMES:
        result = simulate(regime, callers, args.seed)
        print_result(result)
        results.append(result)
    met = [r for r in results if r.met()]
    print(
        f"\noverall: target met in {len(met)} of {len(results)} regimes "
        f"(worst new/QLm {max(r.ratio('new') for r in results):.3f}) — "
        f"{'met' if len(met) == len(results) else 'NOT met'}; "
        f"{time.perf_counter() - started:.0f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
