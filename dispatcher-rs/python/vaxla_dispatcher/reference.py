"""The pure-Python dispatcher: same API and same semantics as the native engine.

It is the oracle of the differential tests and the baseline of the benchmark, so it is
written to be fair: every lookup is indexed (sorted lines and free-agent pools per queue
and channel, timer heaps, the same quiet lines as the engine), nothing scans all agents
or all contacts.

The rules, in one place (``engine/src/lib.rs`` implements the same):

* Time: every call that depends on time takes ``now``; it must be finite and never run
  backwards. Wrap-ups that end at or before ``now`` end first. An agent's idle time
  starts when it logs in, when a contact ends without wrap-up, or when its wrap-up ends
  (on time or early); a pause does not restart it.
* A queue (and an agent's personal queue) keeps one line per channel, so a contact is
  only ever weighed against agents with room on its channel. Order within a line:
  higher priority first, then earlier ``since`` (the moment the accumulated wait
  began), then arrival order. Across queues, the queue's ``weight`` (or the agent's
  ``personal_weight``) comes before all of that.
* ``assign(now)`` walks the waiting (not offered) contacts in that global order and offers
  each to the agent its queue's strategy picks among the eligible free agents of the
  lowest penalty tier present. An agent is free for a contact when it is available (not
  offline, paused or in wrap-up) and has spare capacity on the contact's channel. It is
  eligible when it is a member with a penalty within the contact's current limit, has
  every required skill at the current (relaxed) level, has not declined or missed this
  contact within the exclusion time, and — while a sticky preference holds — is the
  preferred agent. ``ring_all`` offers the contact to all of them at once.
* Declines and ring-outs keep the agent off that contact for the queue's ``exclusion_s``;
  a ring-out also pauses the agent ("no answer") when the queue says ``autopause``. In a
  personal queue the exclusion is 30 s and a ring-out always pauses. Time paused counts
  as idle time for ``longest_idle``, as in Asterisk.
* Expansion: the queue's steps apply by the contact's accumulated wait, so they are
  evaluated afresh for every contact at every call, with the queue's current rules.
* Quiet lines (an optimisation both engines share; ``quiet_lines=False`` turns it off in
  the reference, which the tests use as the plain oracle): a queue line scanned to its
  end with nothing offerable is skipped until a contact enters it or returns to waiting,
  its pool of free agents grows, the queue's rules change, a member leaves, logs out or
  changes profile, or time reaches the next expansion step, exclusion end or sticky end
  of one of its contacts. A contact that enters a quiet line (or returns to waiting in
  it) is "fresh": the line stays quiet and only its fresh contacts are weighed. The
  lines that may have something to offer are kept in an "awake" set, so ``assign``
  looks only at those.
* ``position`` is 1-based among the not-yet-answered contacts of the same line and never
  grows for a contact unless its own priority changed or it was moved.
* ``estimated_wait``: in a service queue, Ibrahim and Whitt's queue-length predictor with
  abandonment (QLm): with ``n = position - 1`` contacts ahead, ``s`` servers, service rate
  ``μ`` and abandonment rate ``θ``, the expected wait is the sum over ``i = 0..n`` of
  ``1 / (s·μ + i·θ)``. ``s``: working members within the contact's current tier limit,
  with its current skills and capacity on its channel (exclusions and sticky reservations
  are not counted). The queue learns ``μ`` and ``θ`` from its own events, as
  exponentially weighted sums in which each observation's weight shrinks by
  ``1 - 1/RATE_MEMORY`` per later one of its kind: ``μ = handled / handle time`` over the
  contacts that ended (talk plus wrap-up), and ``θ = abandoned / time waited`` (the
  censored-exponential maximum-likelihood estimate) over the contacts that left the
  line — answered (waited until accepted) or not (removed or moved elsewhere: abandoned,
  in the estimate's sense). The time waited is counted from when the contact entered this
  queue's line. ``θ`` is 0 before anyone has left the line.
  Until ``MIN_HANDLED`` contacts of the queue have ended (and in personal queues
  always), the estimate falls back to ``position × AHT / s`` (AHT: exponentially
  weighted mean handle time, factor ``AHT_ALPHA``), and to head-of-line (the elapsed
  wait of the first contact in the line) when there is no AHT yet or nobody works the
  queue (``s = 0``).
"""

from __future__ import annotations

import copy
import heapq
import math
from collections.abc import Iterable, Mapping
from typing import Any

from sortedcontainers import SortedList  # type: ignore[import-untyped]

from vaxla_dispatcher import events as _events
from vaxla_dispatcher.errors import (
    DispatcherError,
    DuplicateId,
    InvalidState,
    InvalidValue,
    UnknownAgent,
    UnknownContact,
    UnknownQueue,
)
from vaxla_dispatcher.events import RONA_REASON, STRATEGIES

MAX_ID = (1 << 64) - 1
MIN_I64 = -(1 << 63)
MAX_I64 = (1 << 63) - 1
MAX_LEVEL = 100
MAX_CAPACITY = (1 << 31) - 1
AHT_ALPHA = 0.2
RATE_MEMORY = 500.0
_KEEP = 1.0 - 1.0 / RATE_MEMORY
MIN_HANDLED = 10
PERSONAL_EXCLUSION_S = 30.0
_MASK64 = (1 << 64) - 1

QueueRow = tuple[int, int, int, float, int, int, int, int, int, float | None, float | None]
"""(queue, waiting, offered, longest_wait, logged_in, available, busy, paused, wrap_up, aht,
estimated_wait): ``estimated_wait`` is what a voice contact without skill needs that
joined the queue's line now could expect to wait (``Engine._new_caller_wait``)."""
AgentRow = tuple[int, str, str, int, float, int, float]
"""(agent, state, pause_reason, load, idle_since, calls_taken, talk_time)"""


class SplitMix64:
    """The seeded generator behind the ``random`` strategy, bit-identical in Rust."""

    __slots__ = ("state",)

    def __init__(self, seed: int) -> None:
        self.state = seed & _MASK64

    def next_u64(self) -> int:
        self.state = (self.state + 0x9E3779B97F4A7C15) & _MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK64
        return z ^ (z >> 31)


# ---------------------------------------------------------------------------------------
# Validation of event fields: the same checks, in the same order, as the Rust engine.


def _id(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_ID:
        raise InvalidValue(f"{what} must be an integer id from 0 to 2**64-1, not {value!r}")
    return value


def _opt_id(value: Any, what: str) -> int | None:
    return None if value is None else _id(value, what)


def _int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_I64 <= value <= MAX_I64:
        raise InvalidValue(f"{what} must be a 64-bit integer, not {value!r}")
    return value


def _nonneg(value: Any, what: str, top: int = MAX_I64) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= top:
        raise InvalidValue(f"{what} must be an integer from 0 to {top}, not {value!r}")
    return value


def _seconds(value: Any, what: str, *, nonneg: bool = True) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidValue(f"{what} must be a number of seconds, not {value!r}")
    x = float(value)
    if not math.isfinite(x) or (nonneg and x < 0.0):
        kind = "a finite number >= 0" if nonneg else "a finite number"
        raise InvalidValue(f"{what} must be {kind}, not {value!r}")
    return x


def _str(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise InvalidValue(f"{what} must be a string, not {value!r}")
    return value


def _bool(value: Any, what: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidValue(f"{what} must be true or false, not {value!r}")
    return value


def _levels(value: Any, what: str) -> dict[int, int]:
    if not isinstance(value, Mapping):
        raise InvalidValue(f"{what} must map skill ids to levels, not {value!r}")
    return {
        _id(skill, f"{what}: skill"): _nonneg(level, f"{what}: level", MAX_LEVEL)
        for skill, level in value.items()
    }


def qlm_wait(ahead: int, servers: int, service: float, abandon: float) -> float:
    """Ibrahim and Whitt's QLm: the expected wait with ``ahead`` contacts before, the sum
    over ``i = 0..ahead`` of ``1 / (servers·service + i·abandon)``."""
    rate = servers * service
    total = 0.0
    for i in range(ahead + 1):
        total += 1.0 / (rate + i * abandon)
    return total


class _Rates:
    """A queue's learned service and abandonment rates (see ``estimated_wait`` above)."""

    __slots__ = ("abandoned", "ended", "handle_s", "handled", "waited_s")

    def __init__(self) -> None:
        self.ended = 0  # contacts ended, unweighted
        self.handled = 0.0
        self.handle_s = 0.0
        self.abandoned = 0.0
        self.waited_s = 0.0

    def add_handled(self, handle_s: float) -> None:
        self.ended += 1
        self.handled = self.handled * _KEEP + 1.0
        self.handle_s = self.handle_s * _KEEP + handle_s

    def add_left(self, waited_s: float, abandoned: bool) -> None:
        self.abandoned = self.abandoned * _KEEP + (1.0 if abandoned else 0.0)
        self.waited_s = self.waited_s * _KEEP + waited_s

    def learned(self) -> tuple[float, float] | None:
        """(μ, θ) per second, or None until enough is known."""
        if self.ended < MIN_HANDLED or self.handle_s <= 0.0:
            return None
        abandon = self.abandoned / self.waited_s if self.waited_s > 0.0 else 0.0
        return self.handled / self.handle_s, abandon


class _QueueConfig:
    __slots__ = (
        "autopause",
        "exclusion_s",
        "expansion",
        "max_penalty",
        "requirements",
        "strategy",
        "weight",
        "wrap_up_s",
    )

    def __init__(self, ev: Any) -> None:
        strategy = _str(ev.strategy, "strategy")
        if strategy not in STRATEGIES:
            raise InvalidValue(
                f"unknown strategy {strategy!r}; expected one of {', '.join(STRATEGIES)}"
            )
        self.strategy = strategy
        self.weight = _int(ev.weight, "weight")
        self.requirements = _levels(ev.requirements, "requirements")
        self.max_penalty = (
            None if ev.max_penalty is None else _nonneg(ev.max_penalty, "max_penalty")
        )
        steps: list[tuple[float, int, int | None]] = []
        for step in ev.expansion:
            after = _seconds(step.after_s, "expansion after_s")
            relax = _nonneg(step.relax, "expansion relax", MAX_LEVEL)
            cap = None if step.max_penalty is None else _nonneg(step.max_penalty, "max_penalty")
            if steps and after <= steps[-1][0]:
                raise InvalidValue("expansion steps must have strictly increasing after_s")
            steps.append((after, relax, cap))
        self.expansion = steps
        self.exclusion_s = _seconds(ev.exclusion_s, "exclusion_s")
        self.autopause = _bool(ev.autopause, "autopause")
        self.wrap_up_s = _seconds(ev.wrap_up_s, "wrap_up_s")


class _AgentProfile:
    __slots__ = ("capacity", "memberships", "personal_weight", "skills")

    def __init__(self, ev: Any) -> None:
        self.skills = _levels(ev.skills, "skills")
        memberships: dict[int, tuple[int, int]] = {}
        for m in ev.memberships:
            queue = _id(m.queue, "membership queue")
            if queue in memberships:
                raise InvalidValue(f"queue {queue} is listed twice in the memberships")
            memberships[queue] = (_nonneg(m.penalty, "penalty"), _int(m.order, "order"))
        self.memberships = memberships
        if not isinstance(ev.capacity, Mapping):
            raise InvalidValue(f"capacity must map channels to counts, not {ev.capacity!r}")
        self.capacity = {
            _str(ch, "channel"): _nonneg(n, f"capacity of {ch!r}", MAX_CAPACITY)
            for ch, n in ev.capacity.items()
        }
        self.personal_weight = _int(ev.personal_weight, "personal_weight")


# ---------------------------------------------------------------------------------------
# State


class _Queue:
    __slots__ = (
        "aht",
        "cfg",
        "free",
        "fresh",
        "id",
        "lines",
        "members",
        "quiet",
        "rates",
        "rr",
    )

    def __init__(self, qid: int, cfg: _QueueConfig) -> None:
        self.id = qid
        self.cfg = cfg
        # per channel: (-priority, since, seq, contact) of the contacts not yet answered
        self.lines: dict[str, SortedList] = {}
        self.members: set[int] = set()
        # per channel: members that are available with room on that channel
        self.free: dict[str, set[int]] = {}
        # per channel: the line is known to have nothing to offer before this time
        self.quiet: dict[str, float] = {}
        # per channel: contacts that entered or returned to the line while it was quiet
        self.fresh: dict[str, set[int]] = {}
        self.rr: tuple[int, int] | None = None  # (order, agent) last offered by round robin
        self.aht: float | None = None
        self.rates = _Rates()


class _Agent:
    __slots__ = (
        "active",
        "aht",
        "calls_taken",
        "id",
        "idle_since",
        "load",
        "offers",
        "personal",
        "pooled",
        "profile",
        "reason",
        "status",
        "talk_time",
        "wrap_until",
    )

    def __init__(self, aid: int, profile: _AgentProfile, now: float) -> None:
        self.id = aid
        self.profile = profile
        self.status = "offline"  # offline | available | paused | wrap_up
        self.reason = ""
        self.wrap_until = 0.0
        self.idle_since = now
        self.load: dict[str, int] = {}
        self.offers: set[int] = set()
        self.active: set[int] = set()
        self.calls_taken = 0
        self.talk_time = 0.0
        self.aht: float | None = None
        self.personal: dict[str, SortedList] = {}  # per channel, as a queue's lines
        self.pooled: dict[str, bool] = {}  # per channel: in its queues' free pools

    def has_room(self, channel: str) -> bool:
        return self.load.get(channel, 0) < self.profile.capacity.get(channel, 0)

    def working(self) -> bool:
        return self.status in ("available", "wrap_up")


class _Contact:
    __slots__ = (
        "accepted_at",
        "agent",
        "channel",
        "excluded",
        "id",
        "joined",
        "last_pos",
        "offered_to",
        "pref_until",
        "preferred",
        "priority",
        "queue",
        "requirements",
        "seq",
        "since",
        "state",
        "target",
    )

    def __init__(self, cid: int, seq: int) -> None:
        self.id = cid
        self.seq = seq
        self.queue: int | None = None  # a service queue, or
        self.target: int | None = None  # the agent whose personal queue holds it
        self.priority = 0
        self.channel = "voice"
        self.requirements: dict[int, int] = {}
        self.since = 0.0
        self.joined = 0.0  # entered its current queue's line (moves restart it)
        self.preferred: int | None = None
        self.pref_until = 0.0
        self.excluded: dict[int, float] = {}
        self.state = "waiting"  # waiting | offered | active
        self.offered_to: set[int] = set()
        self.agent: int | None = None
        self.accepted_at = 0.0
        self.last_pos: int | None = None

    def key(self) -> tuple[int, float, int, int]:
        return (-self.priority, self.since, self.seq, self.id)


class Engine:
    """The reference dispatcher. See the module text for the rules."""

    def __init__(self, seed: int = 0, *, quiet_lines: bool = True) -> None:
        self._quiet_lines = quiet_lines
        self._awake: set[tuple[int, str]] = set()  # queue lines that may offer something
        self._quiet_timers: list[tuple[float, int, str]] = []  # (until, queue, channel)
        self._personal_holders: set[int] = set()  # agents whose personal queue may hold some
        self._queues: dict[int, _Queue] = {}
        self._agents: dict[int, _Agent] = {}
        self._contacts: dict[int, _Contact] = {}
        self._free: set[int] = set()
        self._wrap_timers: list[tuple[float, int]] = []
        self._now = -math.inf
        self._seq = 0
        self._rng = SplitMix64(_id(seed, "seed"))

    def copy(self) -> Engine:
        """An independent copy of the whole state (the native engine's ``copy``)."""
        return copy.deepcopy(self)

    # -- time -----------------------------------------------------------------------

    def _advance(self, now: Any) -> float:
        t = _seconds(now, "now", nonneg=False)
        if t < self._now:
            raise InvalidValue(f"now ({t}) is earlier than a time already seen ({self._now})")
        self._now = t
        timers = self._wrap_timers
        while timers and timers[0][0] <= t:
            until, aid = heapq.heappop(timers)
            agent = self._agents.get(aid)
            if agent is not None and agent.status == "wrap_up" and agent.wrap_until == until:
                agent.status = "available"
                agent.idle_since = until
                self._refresh_free(agent)
        return t

    # -- events ---------------------------------------------------------------------

    def apply(self, events: Iterable[Any], now: float) -> None:
        t = self._advance(now)
        for index, ev in enumerate(events):
            try:
                tag = getattr(ev, "TAG", None)
                handler = _HANDLERS.get(tag) if isinstance(tag, int) else None
                if handler is None:
                    raise InvalidValue(f"not a dispatcher event: {ev!r}")
                handler(self, ev, t)
            except DispatcherError as err:
                err.index = index
                raise

    def _add_queue(self, ev: Any, now: float) -> None:
        qid = _id(ev.queue, "queue")
        cfg = _QueueConfig(ev)
        if qid in self._queues:
            raise DuplicateId(f"queue {qid} exists already")
        self._queues[qid] = _Queue(qid, cfg)

    def _update_queue(self, ev: Any, now: float) -> None:
        qid = _id(ev.queue, "queue")
        cfg = _QueueConfig(ev)
        q = self._queue(qid)
        q.cfg = cfg
        self._wake_queue(q)

    def _remove_queue(self, ev: Any, now: float) -> None:
        q = self._queue(_id(ev.queue, "queue"))
        waiting = sum(len(line) for line in q.lines.values())
        if waiting:
            raise InvalidState(f"queue {q.id} still has {waiting} contacts waiting")
        for aid in q.members:
            del self._agents[aid].profile.memberships[q.id]
        del self._queues[q.id]

    def _add_agent(self, ev: Any, now: float) -> None:
        aid = _id(ev.agent, "agent")
        profile = _AgentProfile(ev)
        if aid in self._agents:
            raise DuplicateId(f"agent {aid} exists already")
        self._check_memberships(profile)
        agent = _Agent(aid, profile, now)
        self._agents[aid] = agent
        for qid in profile.memberships:
            self._queues[qid].members.add(aid)

    def _update_agent(self, ev: Any, now: float) -> None:
        aid = _id(ev.agent, "agent")
        profile = _AgentProfile(ev)
        agent = self._agent(aid)
        self._check_memberships(profile)
        for qid in agent.profile.memberships:
            q = self._queues[qid]
            q.members.discard(aid)
            self._wake_queue(q)
            for pool in q.free.values():
                pool.discard(aid)
        agent.profile = profile
        agent.pooled.clear()
        for qid in profile.memberships:
            self._queues[qid].members.add(aid)
            self._wake_queue(self._queues[qid])
        self._refresh_free(agent)

    def _remove_agent(self, ev: Any, now: float) -> None:
        agent = self._agent(_id(ev.agent, "agent"))
        if agent.offers or agent.active or any(agent.personal.values()):
            raise InvalidState(
                f"agent {agent.id} still has offers, answered contacts or a personal queue"
            )
        for qid in agent.profile.memberships:
            q = self._queues[qid]
            q.members.discard(agent.id)
            self._wake_queue(q)
            for pool in q.free.values():
                pool.discard(agent.id)
        self._free.discard(agent.id)
        del self._agents[agent.id]

    def _set_agent_state(self, ev: Any, now: float) -> None:
        aid = _id(ev.agent, "agent")
        state = _str(ev.state, "state")
        if state not in ("offline", "available", "paused"):
            raise InvalidValue(
                f"unknown agent state {state!r}; expected offline, available or paused"
            )
        reason = _str(ev.reason, "reason")
        agent = self._agent(aid)
        previous = agent.status
        if state != "available":
            for cid in sorted(agent.offers):
                self._withdraw(self._contacts[cid], agent)
        if previous in ("offline", "wrap_up") and state != "offline":
            agent.idle_since = now  # logged in, or wrap-up ended early
        if state == "offline":
            agent.reason = ""
            for qid in agent.profile.memberships:  # sticky reservations on it end
                self._wake_queue(self._queues[qid])
        else:
            agent.reason = reason if state == "paused" else ""
        agent.status = state
        self._refresh_free(agent)

    def _add_contact(self, ev: Any, now: float) -> None:
        cid = _id(ev.contact, "contact")
        qid = _id(ev.queue, "queue")
        priority = _int(ev.priority, "priority")
        channel = _str(ev.channel, "channel")
        requirements = _levels(ev.requirements, "requirements")
        waited = _seconds(ev.waited_s, "waited_s")
        preferred = _opt_id(ev.preferred_agent, "preferred_agent")
        pref_until = _seconds(ev.preferred_until, "preferred_until", nonneg=False)
        if cid in self._contacts:
            raise DuplicateId(f"contact {cid} exists already")
        self._queue(qid)
        if preferred is not None:
            self._agent(preferred)
        c = _Contact(cid, self._seq)
        self._seq += 1
        c.queue = qid
        c.priority = priority
        c.channel = channel
        c.requirements = requirements
        c.since = now - waited
        c.joined = now
        c.preferred = preferred
        c.pref_until = pref_until
        self._contacts[cid] = c
        self._enqueue(c)

    def _remove_contact(self, ev: Any, now: float) -> None:
        c = self._waiting_contact(_id(ev.contact, "contact"))
        self._withdraw_all(c)
        self._left_line(c, now, abandoned=True)
        self._line(c).remove(c.key())
        del self._contacts[c.id]

    def _move_contact(self, ev: Any, now: float) -> None:
        cid = _id(ev.contact, "contact")
        qid = _opt_id(ev.queue, "queue")
        aid = _opt_id(ev.agent, "agent")
        if (qid is None) == (aid is None):
            raise InvalidValue("a move names exactly one of queue and agent")
        c = self._waiting_contact(cid)
        if qid is not None:
            self._queue(qid)
        else:
            assert aid is not None
            self._agent(aid)
        self._withdraw_all(c)
        self._left_line(c, now, abandoned=True)
        self._line(c).remove(c.key())
        c.queue, c.target, c.last_pos, c.joined = qid, aid, None, now
        self._enqueue(c)

    def _set_priority(self, ev: Any, now: float) -> None:
        cid = _id(ev.contact, "contact")
        priority = _int(ev.priority, "priority")
        c = self._waiting_contact(cid)
        self._line(c).remove(c.key())
        c.priority, c.last_pos = priority, None
        self._enqueue(c)

    def _offered(self, ev: Any) -> tuple[_Contact, _Agent]:
        cid = _id(ev.contact, "contact")
        aid = _id(ev.agent, "agent")
        c = self._contact(cid)
        agent = self._agent(aid)
        if c.state != "offered" or aid not in c.offered_to:
            raise InvalidState(f"contact {cid} is not offered to agent {aid}")
        return c, agent

    def _accept(self, ev: Any, now: float) -> None:
        c, agent = self._offered(ev)
        for other in sorted(c.offered_to - {agent.id}):
            self._withdraw(c, self._agents[other])
        self._left_line(c, now, abandoned=False)
        self._line(c).remove(c.key())
        c.offered_to.clear()
        agent.offers.discard(c.id)
        agent.active.add(c.id)
        agent.calls_taken += 1
        c.state, c.agent, c.accepted_at = "active", agent.id, now

    def _decline(self, ev: Any, now: float) -> None:
        c, agent = self._offered(ev)
        self._withdraw(c, agent)
        exclusion = (
            PERSONAL_EXCLUSION_S if c.queue is None else self._queues[c.queue].cfg.exclusion_s
        )
        c.excluded[agent.id] = now + exclusion

    def _timeout(self, ev: Any, now: float) -> None:
        c, agent = self._offered(ev)
        autopause = c.queue is None or self._queues[c.queue].cfg.autopause
        self._decline(ev, now)
        if autopause:
            for cid in sorted(agent.offers):
                self._withdraw(self._contacts[cid], agent)
            agent.status, agent.reason = "paused", RONA_REASON
            self._refresh_free(agent)

    def _end_contact(self, ev: Any, now: float) -> None:
        cid = _id(ev.contact, "contact")
        c = self._contact(cid)
        if c.state != "active" or c.agent is None:
            raise InvalidState(f"contact {cid} has not been answered")
        agent = self._agents[c.agent]
        agent.active.discard(cid)
        agent.load[c.channel] -= 1
        talk = now - c.accepted_at
        agent.talk_time += talk
        q = None if c.queue is None else self._queues.get(c.queue)
        wrap = 0.0 if q is None else q.cfg.wrap_up_s
        handle = talk + wrap
        if q is not None:
            q.aht = handle if q.aht is None else q.aht + AHT_ALPHA * (handle - q.aht)
            q.rates.add_handled(handle)
        agent.aht = handle if agent.aht is None else agent.aht + AHT_ALPHA * (handle - agent.aht)
        if agent.working() and wrap > 0.0:
            until = now + wrap
            if agent.status == "wrap_up" and agent.wrap_until > until:
                until = agent.wrap_until
            agent.status, agent.wrap_until = "wrap_up", until
            heapq.heappush(self._wrap_timers, (until, agent.id))
        elif agent.status != "wrap_up":
            agent.idle_since = now
        del self._contacts[cid]
        self._refresh_free(agent)

    # -- helpers --------------------------------------------------------------------

    def _queue(self, qid: int) -> _Queue:
        q = self._queues.get(qid)
        if q is None:
            raise UnknownQueue(f"no queue {qid}")
        return q

    def _agent(self, aid: int) -> _Agent:
        agent = self._agents.get(aid)
        if agent is None:
            raise UnknownAgent(f"no agent {aid}")
        return agent

    def _contact(self, cid: int) -> _Contact:
        c = self._contacts.get(cid)
        if c is None:
            raise UnknownContact(f"no contact {cid}")
        return c

    def _waiting_contact(self, cid: int) -> _Contact:
        c = self._contact(cid)
        if c.state == "active":
            raise InvalidState(f"contact {cid} has been answered already")
        return c

    def _check_memberships(self, profile: _AgentProfile) -> None:
        for qid in profile.memberships:
            self._queue(qid)

    def _left_line(self, c: _Contact, now: float, *, abandoned: bool) -> None:
        """``c`` leaves its line: a service queue learns how long it waited there."""
        if c.queue is not None:
            self._queues[c.queue].rates.add_left(now - c.joined, abandoned)

    def _line(self, c: _Contact) -> SortedList:
        if c.queue is not None:
            lines = self._queues[c.queue].lines
        else:
            assert c.target is not None
            lines = self._agents[c.target].personal
        line = lines.get(c.channel)
        if line is None:
            line = lines[c.channel] = SortedList()
        return line

    def _wake(self, q: _Queue, ch: str) -> None:
        """Every contact of the line must be weighed again."""
        q.quiet.pop(ch, None)
        q.fresh.pop(ch, None)
        self._awake.add((q.id, ch))

    def _wake_queue(self, q: _Queue) -> None:
        q.quiet.clear()
        q.fresh.clear()
        for ch in q.lines:
            self._awake.add((q.id, ch))

    def _freshen(self, q: _Queue, c: _Contact) -> None:
        """``c`` (newly waiting in ``q``) must be weighed; the others are unchanged."""
        fresh = q.fresh.get(c.channel)
        if fresh is None:
            fresh = q.fresh[c.channel] = set()
        fresh.add(c.id)
        self._awake.add((q.id, c.channel))

    def _enqueue(self, c: _Contact) -> None:
        self._line(c).add(c.key())
        if c.queue is not None:
            self._freshen(self._queues[c.queue], c)
        else:
            assert c.target is not None
            self._personal_holders.add(c.target)

    def _refresh_free(self, agent: _Agent) -> None:
        available = agent.status == "available"
        any_room = False
        for ch, cap in agent.profile.capacity.items():
            room = available and agent.load.get(ch, 0) < cap
            any_room = any_room or room
            if agent.pooled.get(ch, False) == room:
                continue
            agent.pooled[ch] = room
            for qid in agent.profile.memberships:
                pools = self._queues[qid].free
                pool = pools.get(ch)
                if room:
                    if pool is None:
                        pool = pools[ch] = set()
                    if agent.id not in pool:
                        pool.add(agent.id)
                        self._wake(self._queues[qid], ch)
                elif pool is not None:
                    pool.discard(agent.id)
        if any_room:
            self._free.add(agent.id)
        else:
            self._free.discard(agent.id)

    def _offer(self, c: _Contact, agent: _Agent) -> None:
        c.state = "offered"
        c.offered_to.add(agent.id)
        agent.offers.add(c.id)
        agent.load[c.channel] = agent.load.get(c.channel, 0) + 1
        self._refresh_free(agent)

    def _withdraw(self, c: _Contact, agent: _Agent) -> None:
        c.offered_to.discard(agent.id)
        agent.offers.discard(c.id)
        agent.load[c.channel] -= 1
        if not c.offered_to:
            c.state = "waiting"
            if c.queue is not None:
                self._freshen(self._queues[c.queue], c)
        self._refresh_free(agent)

    def _withdraw_all(self, c: _Contact) -> None:
        for aid in sorted(c.offered_to):
            self._withdraw(c, self._agents[aid])

    def _rules(
        self, c: _Contact, q: _Queue, now: float
    ) -> tuple[list[tuple[int, int]], int | None]:
        """The contact's skill requirements and penalty limit at ``now``."""
        cfg = q.cfg
        relax, max_penalty = 0, cfg.max_penalty
        waited = now - c.since
        for after, step_relax, step_cap in cfg.expansion:
            if after > waited:
                break
            relax = step_relax
            if step_cap is not None:
                max_penalty = step_cap
        merged = dict(cfg.requirements)
        for skill, level in c.requirements.items():
            if level > merged.get(skill, -1):
                merged[skill] = level
        reqs = [(s, lvl - relax) for s, lvl in sorted(merged.items()) if lvl - relax > 0]
        return reqs, max_penalty

    def _sticky(self, c: _Contact, q: _Queue, now: float) -> int | None:
        if c.preferred is None or now >= c.pref_until:
            return None
        agent = self._agents.get(c.preferred)
        if agent is None or agent.status == "offline" or agent.id not in q.members:
            return None
        return agent.id

    def _candidates(self, c: _Contact, q: _Queue, now: float) -> list[_Agent]:
        """Eligible free agents of the lowest penalty tier present."""
        reqs, max_penalty = self._rules(c, q, now)
        sticky = self._sticky(c, q, now)
        free = q.free.get(c.channel, set())
        pool: Iterable[int] = free if sticky is None else ({sticky} & free)
        best: list[_Agent] = []
        best_penalty = MAX_I64 + 1
        for aid in pool:
            agent = self._agents[aid]
            if not agent.has_room(c.channel):
                continue
            penalty = agent.profile.memberships[q.id][0]
            if penalty > best_penalty or (max_penalty is not None and penalty > max_penalty):
                continue
            until = c.excluded.get(aid)
            if until is not None and until > now:
                continue
            skills = agent.profile.skills
            if any(skills.get(s, 0) < lvl for s, lvl in reqs):
                continue
            if penalty < best_penalty:
                best_penalty, best = penalty, []
            best.append(agent)
        return best

    def _pick(self, q: _Queue, c: _Contact, cands: list[_Agent], now: float) -> list[_Agent]:
        strategy = q.cfg.strategy
        qid = q.id
        if strategy == "ring_all":
            return sorted(cands, key=lambda a: a.id)
        if strategy == "random":
            ordered = sorted(cands, key=lambda a: a.id)
            return [ordered[self._rng.next_u64() % len(ordered)]]
        if strategy == "sequential":
            return [min(cands, key=lambda a: (a.profile.memberships[qid][1], a.id))]
        if strategy == "longest_idle":
            return [min(cands, key=lambda a: (a.idle_since, a.id))]
        if strategy == "fewest_calls":
            return [min(cands, key=lambda a: (a.calls_taken, a.idle_since, a.id))]
        if strategy == "least_talk_time":
            return [min(cands, key=lambda a: (a.talk_time, a.idle_since, a.id))]
        if strategy == "round_robin":
            keyed = sorted((a.profile.memberships[qid][1], a.id) for a in cands)
            after = [k for k in keyed if q.rr is not None and k > q.rr]
            chosen = after[0] if after else keyed[0]
            q.rr = chosen
            return [self._agents[chosen[1]]]
        # skills: the best match on the skills the contact needs now
        reqs, _ = self._rules(c, q, now)
        return [
            min(
                cands,
                key=lambda a: (
                    -sum(a.profile.skills.get(s, 0) for s, _lvl in reqs),
                    a.idle_since,
                    a.id,
                ),
            )
        ]

    # -- matching -------------------------------------------------------------------

    def assign(self, now: float) -> list[tuple[int, int]]:
        """Offers to make now, as (contact, agent) pairs in the order they were chosen."""
        t = self._advance(now)
        offers: list[tuple[int, int]] = []
        if not self._free:
            return offers
        # One cursor per line (a queue's or a personal queue's, of one channel) that a free
        # agent could serve, merged by the global order (-weight, -priority, since, seq).
        heap: list[tuple[int, int, float, int, int, int, str, int]] = []
        # per queue line being scanned: the earliest time a skipped contact may change
        scans: dict[tuple[int, str], float] = {}
        if self._quiet_lines:
            self._seed_awake(heap, scans, t)
        else:
            self._seed_all(heap, scans)
        heapq.heapify(heap)
        while heap and self._free:
            neg_weight, _p, _s, _seq, kind, loc, ch, i = heapq.heappop(heap)
            if kind == 2:
                self._weigh_fresh(self._queues[loc], ch, self._contacts[i], t, offers)
                continue
            if kind == 0:
                q = self._queues[loc]
                if not q.free.get(ch):
                    continue
                line = q.lines[ch]
            else:
                owner = self._agents[loc]
                if owner.id not in self._free or not owner.has_room(ch):
                    continue
                line = owner.personal[ch]
            last = i + 1 == len(line)
            if not last:
                heapq.heappush(heap, (neg_weight, *line[i + 1][:3], kind, loc, ch, i + 1))
            c = self._contacts[line[i][3]]
            if kind == 0:
                cands = self._candidates(c, q, t) if c.state == "waiting" else []
                if not cands and c.state == "waiting":
                    scans[(loc, ch)] = min(scans[(loc, ch)], self._next_change(c, q, t))
                if last:
                    q.quiet[ch] = quiet_until = scans[(loc, ch)]
                    self._awake.discard((loc, ch))
                    if quiet_until < math.inf:
                        heapq.heappush(self._quiet_timers, (quiet_until, loc, ch))
                if not cands:
                    continue
                chosen = self._pick(q, c, cands, t)
            else:
                until = c.excluded.get(owner.id)
                if c.state != "waiting" or (until is not None and until > t):
                    continue
                chosen = [owner]
            for agent in chosen:
                self._offer(c, agent)
                offers.append((c.id, agent.id))
        for _w, _p, _s, _seq, kind, loc, _ch, cid in heap:
            if kind == 2:  # not weighed before the free agents ran out: still fresh
                self._freshen(self._queues[loc], self._contacts[cid])
        return offers

    def _seed_awake(
        self,
        heap: list[tuple[int, int, float, int, int, int, str, int]],
        scans: dict[tuple[int, str], float],
        t: float,
    ) -> None:
        """Cursors on the awake lines that free agents can serve; wakes quiet lines whose
        time has come and forgets lines with no contact or no free agent (they are woken
        again when that changes)."""
        timers = self._quiet_timers
        while timers and timers[0][0] <= t:
            until, qid, ch = heapq.heappop(timers)
            q = self._queues.get(qid)
            if q is not None and q.quiet.get(ch) == until:
                self._wake(q, ch)
        for key in list(self._awake):
            qid, ch = key
            q = self._queues.get(qid)
            line = None if q is None else q.lines.get(ch)
            if q is None or not line or not q.free.get(ch):
                self._awake.discard(key)
                continue
            fresh = q.fresh.pop(ch, None)
            if q.quiet.get(ch, -math.inf) > t:
                # quiet: only its fresh contacts can have changed
                self._awake.discard(key)
                for cid in fresh or ():
                    fc = self._contacts.get(cid)
                    if fc is None or fc.queue != qid or fc.channel != ch:
                        continue
                    if fc.state == "waiting":
                        heap.append((-q.cfg.weight, *fc.key()[:3], 2, qid, ch, cid))
                continue
            scans[key] = math.inf
            heap.append((-q.cfg.weight, *line[0][:3], 0, qid, ch, 0))
        for aid in list(self._personal_holders):  # personal lines are short: weigh them all
            agent = self._agents.get(aid)
            if agent is None or not any(agent.personal.values()):
                self._personal_holders.discard(aid)
                continue
            if aid not in self._free:
                continue
            for ch, line in agent.personal.items():
                if line and agent.has_room(ch):
                    weight = agent.profile.personal_weight
                    heap.append((-weight, *line[0][:3], 1, aid, ch, 0))

    def _weigh_fresh(
        self, q: _Queue, ch: str, c: _Contact, t: float, offers: list[tuple[int, int]]
    ) -> None:
        """Offers a fresh contact of a quiet line, or folds it into the line's quiet."""
        if not q.free.get(ch):
            self._freshen(q, c)  # not weighed; it stays fresh
            return
        cands = self._candidates(c, q, t)
        if not cands:
            soon = self._next_change(c, q, t)
            if soon < q.quiet[ch]:
                q.quiet[ch] = soon
                heapq.heappush(self._quiet_timers, (soon, q.id, ch))
            return
        for agent in self._pick(q, c, cands, t):
            self._offer(c, agent)
            offers.append((c.id, agent.id))

    def _seed_all(
        self,
        heap: list[tuple[int, int, float, int, int, int, str, int]],
        scans: dict[tuple[int, str], float],
    ) -> None:
        """Cursors on every line a free agent could serve (the plain way)."""
        seen: set[tuple[int, str]] = set()
        for aid in self._free:
            agent = self._agents[aid]
            for ch in agent.profile.capacity:
                if not agent.has_room(ch):
                    continue
                for qid in agent.profile.memberships:
                    if (qid, ch) not in seen:
                        seen.add((qid, ch))
                        q = self._queues[qid]
                        line = q.lines.get(ch)
                        if line:
                            scans[(qid, ch)] = math.inf
                            heap.append((-q.cfg.weight, *line[0][:3], 0, qid, ch, 0))
                line = agent.personal.get(ch)
                if line:
                    weight = agent.profile.personal_weight
                    heap.append((-weight, *line[0][:3], 1, aid, ch, 0))

    @staticmethod
    def _next_change(c: _Contact, q: _Queue, now: float) -> float:
        """A time before which nothing time-driven can make ``c`` offerable: its next
        expansion step (a little early, to stay clear of rounding), the end of an
        exclusion, or the end of a sticky reservation."""
        soon = math.inf
        waited = now - c.since
        for after, _relax, _cap in q.cfg.expansion:
            if after > waited:
                at = c.since + after
                soon = at - (1e-6 + abs(at) * 1e-12)
                break
        for until in c.excluded.values():
            if now < until < soon:
                soon = until
        if c.preferred is not None and now < c.pref_until < soon:
            soon = c.pref_until
        return soon

    # -- queries --------------------------------------------------------------------

    def position(self, contact: int) -> int:
        """1-based place of a waiting or offered contact in its queue."""
        c = self._waiting_contact(_id(contact, "contact"))
        rank: int = self._line(c).bisect_left(c.key()) + 1
        if c.last_pos is not None and c.last_pos < rank:
            rank = c.last_pos
        c.last_pos = rank
        return rank

    def estimated_wait(self, contact: int, now: float) -> float:
        """Seconds the contact can still expect to wait (see the module text)."""
        t = self._advance(now)
        c = self._waiting_contact(_id(contact, "contact"))
        k = self.position(c.id)
        if c.queue is not None:
            q = self._queues[c.queue]
            reqs, max_penalty = self._rules(c, q, t)
            servers = 0
            for aid in q.members:
                agent = self._agents[aid]
                if not agent.working() or agent.profile.capacity.get(c.channel, 0) == 0:
                    continue
                if max_penalty is not None and agent.profile.memberships[q.id][0] > max_penalty:
                    continue
                skills = agent.profile.skills
                if all(skills.get(s, 0) >= lvl for s, lvl in reqs):
                    servers += 1
            aht = q.aht
            learned = q.rates.learned()
        else:
            assert c.target is not None
            owner = self._agents[c.target]
            servers = 1 if owner.working() and owner.profile.capacity.get(c.channel, 0) else 0
            aht = owner.aht
            learned = None
        line = self._line(c)
        if learned is not None and servers > 0:
            return qlm_wait(k - 1, servers, learned[0], learned[1])
        if aht is not None and servers > 0:
            return k * aht / servers
        head_since: float = line[0][1]
        return t - head_since

    def _new_caller_wait(self, q: _Queue, t: float) -> float | None:
        """None when nobody works the voice line, 0 when it is empty and a working member
        has room, else QLm with the whole line ahead once the rates are learned,
        ``(line + 1) × AHT / servers``, or before any AHT the head-of-line wait (None with
        nobody in line), as ``estimated_wait`` says to a contact."""
        line = q.lines.get("voice")
        ahead = len(line) if line is not None else 0
        servers = 0
        room = False
        for aid in q.members:
            agent = self._agents[aid]
            if agent.working() and agent.profile.capacity.get("voice", 0) > 0:
                servers += 1
                room = room or (agent.status == "available" and agent.has_room("voice"))
        if servers == 0:
            return None
        if ahead == 0 and room:
            return 0.0
        learned = q.rates.learned()
        if learned is not None:
            return qlm_wait(ahead, servers, learned[0], learned[1])
        if q.aht is not None:
            return (ahead + 1) * q.aht / servers
        if line:
            head_since: float = line[0][1]
            return t - head_since
        return None

    def contact_state(self, contact: int) -> tuple[str, list[int]]:
        """("waiting" | "offered" | "active", the agents it is offered to or answered by)."""
        c = self._contact(_id(contact, "contact"))
        if c.state == "active":
            assert c.agent is not None
            return c.state, [c.agent]
        return c.state, sorted(c.offered_to)

    def snapshot(self, now: float) -> tuple[list[QueueRow], list[AgentRow]]:
        """Per queue and per agent figures for wallboards, both sorted by id."""
        t = self._advance(now)
        queues: list[QueueRow] = []
        for qid in sorted(self._queues):
            q = self._queues[qid]
            waiting = offered = 0
            longest = 0.0
            for line in q.lines.values():
                for _p, since, _seq, cid in line:
                    if self._contacts[cid].state == "offered":
                        offered += 1
                    else:
                        waiting += 1
                    if t - since > longest:
                        longest = t - since
            logged_in = available = busy = paused = wrap_up = 0
            for aid in q.members:
                agent = self._agents[aid]
                if agent.status == "offline":
                    continue
                logged_in += 1
                load = len(agent.offers) + len(agent.active)
                if load > 0:
                    busy += 1
                if agent.status == "available" and load == 0:
                    available += 1
                elif agent.status == "paused":
                    paused += 1
                elif agent.status == "wrap_up":
                    wrap_up += 1
            queues.append(
                (
                    qid,
                    waiting,
                    offered,
                    longest,
                    logged_in,
                    available,
                    busy,
                    paused,
                    wrap_up,
                    q.aht,
                    self._new_caller_wait(q, t),
                )
            )
        agents: list[AgentRow] = []
        for aid in sorted(self._agents):
            agent = self._agents[aid]
            if agent.status == "offline":
                state = "offline"
            elif agent.active:
                state = "busy"
            elif agent.offers:
                state = "offered"
            else:
                state = agent.status
            agents.append(
                (
                    aid,
                    state,
                    agent.reason if agent.status == "paused" else "",
                    len(agent.offers) + len(agent.active),
                    agent.idle_since,
                    agent.calls_taken,
                    agent.talk_time,
                )
            )
        return queues, agents


_HANDLERS = {
    _events.AddQueue.TAG: Engine._add_queue,
    _events.UpdateQueue.TAG: Engine._update_queue,
    _events.RemoveQueue.TAG: Engine._remove_queue,
    _events.AddAgent.TAG: Engine._add_agent,
    _events.UpdateAgent.TAG: Engine._update_agent,
    _events.RemoveAgent.TAG: Engine._remove_agent,
    _events.SetAgentState.TAG: Engine._set_agent_state,
    _events.AddContact.TAG: Engine._add_contact,
    _events.RemoveContact.TAG: Engine._remove_contact,
    _events.MoveContact.TAG: Engine._move_contact,
    _events.SetPriority.TAG: Engine._set_priority,
    _events.Accept.TAG: Engine._accept,
    _events.Decline.TAG: Engine._decline,
    _events.Timeout.TAG: Engine._timeout,
    _events.EndContact.TAG: Engine._end_contact,
}
