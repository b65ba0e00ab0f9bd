"""The native engine and the Python reference (with and without quiet lines), driven with
the same random traces, must give identical offers, positions, estimates, snapshots and
errors."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaxla_dispatcher import _native, reference
from vaxla_dispatcher import events as ev
from vaxla_dispatcher.errors import DispatcherError

QUEUES = st.integers(0, 3)
AGENTS = st.integers(0, 5)
CONTACTS = st.integers(0, 11)
SKILLS = st.integers(0, 3)
LEVELS = st.dictionaries(SKILLS, st.integers(0, 6), max_size=3)
CHANNELS = st.sampled_from(["voice", "voice", "chat"])
STEPS_OF_TIME = st.sampled_from([0.0, 0.0, 0.1, 0.5, 1.0, 3.0, 10.0, 31.0, 61.0])
STRATEGY_NAMES = st.sampled_from([*ev.STRATEGIES, *ev.STRATEGIES, "bogus"])


@st.composite
def expansions(draw: st.DrawFn) -> tuple[ev.ExpansionStep, ...]:
    afters = draw(st.lists(st.sampled_from([0.0, 5.0, 20.0, 40.0, 90.0]), max_size=3))
    if draw(st.booleans()):
        afters = sorted(set(afters))  # mostly valid: strictly increasing
    return tuple(
        ev.ExpansionStep(
            after_s=a,
            relax=draw(st.integers(0, 4)),
            max_penalty=draw(st.none() | st.integers(0, 2)),
        )
        for a in afters
    )


def queue_event(kind: type[ev.AddQueue] | type[ev.UpdateQueue]) -> st.SearchStrategy[Any]:
    return st.builds(
        kind,
        queue=QUEUES,
        strategy=STRATEGY_NAMES,
        weight=st.integers(-2, 2),
        requirements=LEVELS,
        max_penalty=st.none() | st.integers(0, 2),
        expansion=expansions(),
        exclusion_s=st.sampled_from([0.0, 5.0, 30.0, -1.0]),
        autopause=st.booleans(),
        wrap_up_s=st.sampled_from([0.0, 0.0, 2.0, 10.0]),
    )


def agent_event(kind: type[ev.AddAgent] | type[ev.UpdateAgent]) -> st.SearchStrategy[Any]:
    memberships = st.lists(
        st.builds(
            ev.Membership,
            queue=QUEUES,
            penalty=st.integers(0, 2),
            order=st.integers(-1, 3),
        ),
        max_size=3,
    )
    capacity = st.fixed_dictionaries(
        {"voice": st.integers(-1, 1)}, optional={"chat": st.integers(0, 3)}
    )
    return st.builds(
        kind,
        agent=AGENTS,
        skills=LEVELS,
        memberships=memberships,
        capacity=capacity,
        personal_weight=st.integers(-1, 2),
    )


class Twins:
    """Runs every call on the native engine, the reference, and the reference without
    quiet lines (the plain oracle: every line scanned at every assign), and checks that
    all three answers agree."""

    def __init__(self, seed: int) -> None:
        self.native = _native.Engine(seed)
        self.reference = reference.Engine(seed)
        self.plain = reference.Engine(seed, quiet_lines=False)
        self.offers: list[tuple[int, int]] = []
        self.next_contact = 0
        self.calls = 0

    def both(self, method: str, *args: Any) -> Any:
        results: list[tuple[Any, ...]] = []
        for engine in (self.native, self.reference, self.plain):
            try:
                results.append(("ok", getattr(engine, method)(*args)))
            except DispatcherError as err:
                results.append(("error", type(err).__name__, err.index))
        self.calls += 1
        assert results[0] == results[1] == results[2], (
            f"{method}{args}: native {results[0]}, reference {results[1]}, plain {results[2]}"
        )
        return results[0]


@st.composite
def valid_setup(draw: st.DrawFn) -> list[Any]:
    """A working site to start from: every queue with a real strategy, agents that are
    members with capacity, most of them logged in."""
    batch: list[Any] = []
    for queue in range(4):
        batch.append(
            ev.AddQueue(
                queue,
                strategy=draw(st.sampled_from(ev.STRATEGIES)),
                weight=draw(st.integers(-1, 2)),
                requirements=draw(st.dictionaries(SKILLS, st.integers(0, 3), max_size=1)),
                max_penalty=draw(st.none() | st.integers(0, 2)),
                expansion=draw(
                    st.sampled_from(
                        [
                            (),
                            (ev.ExpansionStep(20.0, relax=2),),
                            (
                                ev.ExpansionStep(5.0, relax=1, max_penalty=0),
                                ev.ExpansionStep(30.0, relax=3),
                            ),
                        ]
                    )
                ),
                wrap_up_s=draw(st.sampled_from([0.0, 2.0, 10.0])),
            )
        )
    for agent in range(6):
        queues = draw(st.lists(QUEUES, min_size=1, max_size=3, unique=True))
        batch.append(
            ev.AddAgent(
                agent,
                skills=draw(st.dictionaries(SKILLS, st.integers(0, 5), max_size=3)),
                memberships=[
                    ev.Membership(q, draw(st.integers(0, 1)), draw(st.integers(0, 3)))
                    for q in queues
                ],
                capacity={"voice": 1, "chat": draw(st.integers(0, 3))},
                personal_weight=draw(st.integers(-1, 3)),
            )
        )
        if draw(st.integers(0, 4)) > 0:
            batch.append(ev.SetAgentState(agent, "available"))
    return batch


def _pending(twins: Twins) -> list[tuple[int, int]]:
    """Offers still ringing (read from the reference; reading changes nothing)."""
    out = []
    for contact, agent in dict.fromkeys(twins.offers):
        try:
            state, agents = twins.reference.contact_state(contact)
        except DispatcherError:
            continue
        if state == "offered" and agent in agents:
            out.append((contact, agent))
    return out


def _in_state(twins: Twins, wanted: str) -> list[int]:
    out = []
    for contact in range(twins.next_contact):
        try:
            if twins.reference.contact_state(contact)[0] == wanted:
                out.append(contact)
        except DispatcherError:
            pass
    return out


@st.composite
def some_event(draw: st.DrawFn, twins: Twins) -> Any:
    """Mostly the traffic of a working site, with a share of anything at all."""
    choice = draw(st.integers(0, 99))
    if choice < 30:
        contact = twins.next_contact
        twins.next_contact += 1
        return ev.AddContact(
            contact=contact,
            queue=draw(QUEUES),
            priority=draw(st.integers(-1, 2)),
            channel=draw(CHANNELS),
            requirements=draw(st.dictionaries(SKILLS, st.integers(0, 4), max_size=2)),
            waited_s=draw(st.sampled_from([0.0, 0.0, 12.5, 100.0])),
            preferred_agent=draw(st.none() | st.none() | AGENTS),
            preferred_until=draw(st.sampled_from([0.0, 1e9])),
        )
    if choice < 55 and (pending := _pending(twins)):
        contact, agent = draw(st.sampled_from(pending))
        kind = draw(st.sampled_from([ev.Accept, ev.Accept, ev.Accept, ev.Decline, ev.Timeout]))
        return kind(contact, agent)
    if choice < 65 and (active := _in_state(twins, "active")):
        return ev.EndContact(draw(st.sampled_from(active)))
    if choice < 75:
        return ev.SetAgentState(
            draw(AGENTS),
            draw(st.sampled_from(["available", "available", "available", "paused", "offline"])),
            draw(st.sampled_from(["", "lunch"])),
        )
    if choice < 82 and (waiting := _in_state(twins, "waiting") + _in_state(twins, "offered")):
        contact = draw(st.sampled_from(waiting))
        return draw(
            st.sampled_from(
                [
                    ev.RemoveContact(contact),
                    ev.SetPriority(contact, draw(st.integers(-1, 3))),
                    ev.MoveContact(contact, queue=draw(QUEUES)),
                    ev.MoveContact(contact, agent=draw(AGENTS)),
                ]
            )
        )
    return draw(any_event(twins))


@st.composite
def any_event(draw: st.DrawFn, twins: Twins) -> Any:
    """Any event at all, valid or not."""
    choice = draw(st.integers(0, 99))
    if choice < 8:
        return draw(queue_event(ev.AddQueue))
    if choice < 20:
        return draw(queue_event(ev.UpdateQueue))
    if choice < 24:
        return ev.RemoveQueue(draw(QUEUES))
    if choice < 32:
        return draw(agent_event(ev.AddAgent))
    if choice < 44:
        return draw(agent_event(ev.UpdateAgent))
    if choice < 48:
        return ev.RemoveAgent(draw(AGENTS))
    if choice < 56:
        return ev.SetAgentState(draw(AGENTS), draw(st.sampled_from(["available", "away"])))
    if choice < 68:
        return ev.AddContact(
            contact=draw(CONTACTS),
            queue=draw(QUEUES),
            priority=draw(st.integers(-1, 2)),
            channel=draw(CHANNELS),
            requirements=draw(LEVELS),
            waited_s=draw(st.sampled_from([0.0, 12.5, -3.0])),
            preferred_agent=draw(st.none() | AGENTS),
            preferred_until=draw(st.sampled_from([0.0, 1e9])),
        )
    if choice < 74:
        return ev.RemoveContact(draw(CONTACTS))
    if choice < 80:
        return ev.MoveContact(
            draw(CONTACTS),
            queue=draw(st.none() | QUEUES),
            agent=draw(st.none() | AGENTS),
        )
    if choice < 84:
        return ev.SetPriority(draw(CONTACTS), draw(st.integers(-1, 3)))
    if choice < 96 and twins.offers:
        contact, agent = draw(st.sampled_from(twins.offers))
        return draw(st.sampled_from([ev.Accept, ev.Decline, ev.Timeout]))(contact, agent)
    return ev.EndContact(draw(CONTACTS))


@settings(
    max_examples=600,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.data())
def test_native_and_reference_agree(data: st.DataObject) -> None:
    twins = Twins(data.draw(st.integers(0, 2**64 - 1), label="seed"))
    now = 0.0
    if data.draw(st.integers(0, 9), label="start from a working site") > 0:
        twins.both("apply", data.draw(valid_setup()), now)
    for _ in range(data.draw(st.integers(5, 80), label="steps")):
        now += data.draw(STEPS_OF_TIME)
        action = data.draw(st.integers(0, 9))
        if action < 5:
            batch = data.draw(st.lists(some_event(twins), min_size=1, max_size=4))
            twins.both("apply", batch, now)
        elif action < 7:
            result = twins.both("assign", now)
            if result[0] == "ok":
                twins.offers.extend(result[1])
        elif action == 7:
            contact = data.draw(CONTACTS)
            twins.both("position", contact)
            twins.both("estimated_wait", contact, now)
            twins.both("contact_state", contact)
        elif action == 8:
            twins.both("snapshot", now)
        else:
            # time never runs backwards: an earlier time is refused by both
            twins.both("assign", now - 1.0)
    twins.both("snapshot", now)


def test_the_traces_reach_offers_answers_and_errors() -> None:
    """A check on the generator itself: the random traces must exercise the interesting
    paths, or agreement would prove little."""
    seen = {"offers": 0, "errors": 0, "answered": 0, "ended": 0}

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.data())
    def run(data: st.DataObject) -> None:
        twins = Twins(1)
        now = 0.0
        twins.both("apply", data.draw(valid_setup()), now)
        for _ in range(40):
            now += 1.0
            batch = data.draw(st.lists(some_event(twins), min_size=1, max_size=4))
            if twins.both("apply", batch, now)[0] == "error":
                seen["errors"] += 1
            else:
                seen["answered"] += sum(isinstance(e, ev.Accept) for e in batch)
                seen["ended"] += sum(isinstance(e, ev.EndContact) for e in batch)
            result = twins.both("assign", now)
            twins.offers.extend(result[1])
            seen["offers"] += len(result[1])

    run()
    assert seen["offers"] > 1000
    assert seen["answered"] > 300
    assert seen["ended"] > 100
    assert 100 < seen["errors"] < 3000


@st.composite
def busy_queues(draw: st.DrawFn) -> list[Any]:
    """Two queues worked by four agents, to see calls end and callers give up."""
    batch: list[Any] = [ev.AddQueue(q, wrap_up_s=draw(st.sampled_from([0.0, 5.0]))) for q in (0, 1)]
    for agent in range(4):
        queues = draw(st.lists(st.integers(0, 1), min_size=1, max_size=2, unique=True))
        batch.append(ev.AddAgent(agent, memberships=[ev.Membership(q) for q in queues]))
        batch.append(ev.SetAgentState(agent, "available"))
    return batch


def run_busy_day(data: st.DataObject, twins: Twins) -> int:
    """Long traffic on ``busy_queues``, every waiting contact's estimate compared at every
    step; returns how many estimates came from a queue's learned rates."""
    now = 0.0
    twins.both("apply", data.draw(busy_queues()), now)
    learned = 0
    for _ in range(data.draw(st.integers(100, 250), label="steps")):
        now += data.draw(st.sampled_from([0.0, 0.5, 3.0, 17.0, 40.0]))
        choice = data.draw(st.integers(0, 9))
        event: Any = None
        if choice < 4:
            event = ev.AddContact(
                twins.next_contact,
                queue=data.draw(st.sampled_from([0, 0, 0, 1])),
                waited_s=data.draw(st.sampled_from([0.0, 0.0, 30.0])),
            )
            twins.next_contact += 1
        elif choice < 6 and (pending := _pending(twins)):
            event = ev.Accept(*data.draw(st.sampled_from(pending)))
        elif choice < 8 and (active := _in_state(twins, "active")):
            event = ev.EndContact(data.draw(st.sampled_from(active)))
        elif choice < 10 and (waiting := _in_state(twins, "waiting")):
            contact = data.draw(st.sampled_from(waiting))
            event = data.draw(
                st.sampled_from(
                    [
                        ev.RemoveContact(contact),
                        ev.RemoveContact(contact),
                        ev.MoveContact(contact, queue=data.draw(st.integers(0, 1))),
                        ev.MoveContact(contact, agent=data.draw(st.integers(0, 3))),
                    ]
                )
            )
        if event is not None:
            twins.both("apply", [event], now)
        twins.offers.extend(twins.both("assign", now)[1])
        for contact in _in_state(twins, "waiting") + _in_state(twins, "offered"):
            twins.both("estimated_wait", contact, now)
            queue = twins.reference._contacts[contact].queue
            if queue is not None and twins.reference._queues[queue].rates.learned():
                learned += 1
    twins.both("snapshot", now)
    return learned


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_native_and_reference_agree_once_queues_learn_their_rates(data: st.DataObject) -> None:
    run_busy_day(data, Twins(data.draw(st.integers(0, 2**64 - 1), label="seed")))


def test_the_busy_traces_reach_learned_estimates() -> None:
    """The agreement above must cover the QLm path, not only the fallbacks."""
    reached = []

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.data())
    def run(data: st.DataObject) -> None:
        reached.append(run_busy_day(data, Twins(1)))

    run()
    assert sum(n > 0 for n in reached) >= 10
