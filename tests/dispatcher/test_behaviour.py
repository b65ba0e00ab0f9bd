"""Behaviour of the dispatcher, rule by rule, on small scenarios with exact offers.

Every test runs on both engines (the native one and the Python reference); the rules
are those of ``vaxla_dispatcher.reference``'s module text. Time is always passed in.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Literal

import pytest

from vaxla_dispatcher import (
    RONA_REASON,
    STRATEGIES,
    Accept,
    AddAgent,
    AddContact,
    AddQueue,
    AgentStats,
    ContactState,
    Decline,
    Dispatcher,
    DispatcherError,
    DuplicateId,
    EndContact,
    Event,
    ExpansionStep,
    InvalidState,
    InvalidValue,
    Membership,
    MoveContact,
    Offer,
    QueueStats,
    RemoveAgent,
    RemoveContact,
    RemoveQueue,
    SetAgentState,
    SetPriority,
    Timeout,
    UnknownAgent,
    UnknownContact,
    UnknownQueue,
    UpdateAgent,
    UpdateQueue,
    _native,
    errors,
    reference,
)


@pytest.fixture(params=["native", "reference"])
def d(request: pytest.FixtureRequest) -> Iterator[Dispatcher]:
    yield Dispatcher(engine=request.param)


def agent(
    aid: int,
    *queues: int,
    penalty: int = 0,
    order: int = 0,
    skills: Mapping[int, int] | None = None,
    capacity: Mapping[str, int] | None = None,
    personal_weight: int = 0,
) -> AddAgent:
    """An agent that is a member of ``queues``, all at the same penalty and order."""
    return AddAgent(
        aid,
        skills=skills or {},
        memberships=[Membership(q, penalty, order) for q in queues],
        capacity=capacity or {"voice": 1},
        personal_weight=personal_weight,
    )


def ready(*agents: int) -> list[Event]:
    return [SetAgentState(a, "available") for a in agents]


def handle(d: Dispatcher, contact: int, agent: int, start: float, end: float) -> None:
    """The agent answers the offered contact at ``start`` and ends it at ``end``."""
    d.apply([Accept(contact, agent)], start)
    d.apply([EndContact(contact)], end)


def offers(*pairs: tuple[int, int]) -> list[Offer]:
    return [Offer(c, a) for c, a in pairs]


def agent_row(d: Dispatcher, aid: int, now: float) -> AgentStats:
    return next(row for row in d.snapshot(now).agents if row.agent == aid)


def queue_row(d: Dispatcher, qid: int, now: float) -> QueueStats:
    return next(row for row in d.snapshot(now).queues if row.queue == qid)


# --- strategies (R11) ------------------------------------------------------------------


def test_sequential_follows_the_fixed_member_order(d: Dispatcher) -> None:
    d.apply(
        [
            AddQueue(1, strategy="sequential"),
            agent(1, 1, order=2),
            agent(2, 1, order=0),
            agent(3, 1, order=1),
            *ready(1, 3),
        ],
        0.0,
    )
    d.apply(ready(2), 5.0)  # the first in order is the one idle the shortest
    d.apply([AddContact(100, 1), AddContact(101, 1), AddContact(102, 1)], 6.0)
    assert d.assign(6.0) == offers((100, 2), (101, 3), (102, 1))
    d.apply([Accept(100, 2), Accept(101, 3), Accept(102, 1)], 7.0)
    d.apply([EndContact(101), EndContact(102)], 8.0)
    d.apply([EndContact(100)], 10.0)
    d.apply([AddContact(103, 1)], 11.0)
    assert d.assign(11.0) == offers((103, 2))  # the order, not who idles longest


def test_longest_idle_picks_the_agent_idle_the_longest(d: Dispatcher) -> None:
    d.apply([AddQueue(1, strategy="longest_idle"), agent(1, 1), agent(2, 1), agent(3, 1)], 0.0)
    d.apply(ready(3), 0.0)
    d.apply(ready(1), 1.0)
    d.apply(ready(2), 2.0)
    d.apply([AddContact(100, 1)], 3.0)
    assert d.assign(3.0) == offers((100, 3))
    handle(d, 100, 3, 4.0, 5.0)  # idle again from the end of the call
    d.apply([AddContact(101, 1), AddContact(102, 1), AddContact(103, 1)], 6.0)
    assert d.assign(6.0) == offers((101, 1), (102, 2), (103, 3))


def test_round_robin_remembers_the_last_agent_and_wraps_around(d: Dispatcher) -> None:
    d.apply(
        [
            AddQueue(1, strategy="round_robin"),
            agent(1, 1, order=0),
            agent(2, 1, order=1),
            agent(3, 1, order=2),
            *ready(1, 2, 3),
        ],
        0.0,
    )
    picks = []
    for i in range(5):
        now = 10.0 * (i + 1)
        if i == 4:
            d.apply([SetAgentState(2, "paused")], now)  # its turn is skipped
        d.apply([AddContact(100 + i, 1)], now)
        [offer] = d.assign(now)
        picks.append(offer.agent)
        handle(d, 100 + i, offer.agent, now, now + 1.0)
    assert picks == [1, 2, 3, 1, 3]


def test_fewest_calls_beats_longer_idle(d: Dispatcher) -> None:
    d.apply([AddQueue(1, strategy="fewest_calls"), agent(1, 1), agent(2, 1), agent(3, 1)], 0.0)
    d.apply(ready(1, 2), 0.0)
    d.apply([AddContact(100, 1)], 1.0)
    assert d.assign(1.0) == offers((100, 1))
    d.apply([Accept(100, 1), AddContact(101, 1)], 2.0)
    assert d.assign(2.0) == offers((101, 2))
    d.apply([Accept(101, 2)], 2.0)
    d.apply([EndContact(100)], 5.0)
    d.apply([EndContact(101)], 6.0)
    d.apply(ready(3), 10.0)
    d.apply([AddContact(102, 1)], 11.0)
    assert d.assign(11.0) == offers((102, 3))  # no call yet, though idle the shortest
    handle(d, 102, 3, 11.0, 12.0)
    d.apply([AddContact(103, 1)], 13.0)
    assert d.assign(13.0) == offers((103, 1))  # one call each: the longest idle


def test_least_talk_time_beats_fewer_calls_and_longer_idle(d: Dispatcher) -> None:
    d.apply([AddQueue(1, strategy="least_talk_time"), agent(1, 1), agent(2, 1), *ready(1, 2)], 0)
    d.apply([AddContact(100, 1)], 0.0)
    assert d.assign(0.0) == offers((100, 1))
    handle(d, 100, 1, 0.0, 50.0)
    d.apply([AddContact(101, 1)], 51.0)
    assert d.assign(51.0) == offers((101, 2))
    handle(d, 101, 2, 51.0, 53.0)
    d.apply([AddContact(102, 1)], 54.0)
    assert d.assign(54.0) == offers((102, 2))
    handle(d, 102, 2, 54.0, 56.0)
    d.apply([AddContact(103, 1)], 57.0)
    assert d.assign(57.0) == offers((103, 2))  # 2 calls, 4 s talk against 1 call, 50 s
    assert [(r.agent, r.calls_taken, r.talk_time) for r in d.snapshot(57.0).agents] == [
        (1, 1, 50.0),
        (2, 2, 4.0),
    ]


def _random_picks(d: Dispatcher) -> list[int]:
    d.apply(
        [
            AddQueue(1, strategy="random"),
            AddQueue(2),
            *(agent(a, 1) for a in (1, 2, 3, 4)),
            agent(5, 2),  # not a member
            agent(6, 1),  # paused
            agent(7, 1, capacity={"chat": 1}),  # no room for voice
            *ready(1, 2, 3, 4, 5, 7),
            SetAgentState(6, "paused"),
        ],
        0.0,
    )
    picks = []
    for i in range(30):
        d.apply([AddContact(100 + i, 1)], float(i))
        [offer] = d.assign(float(i))
        picks.append(offer.agent)
        d.apply([RemoveContact(100 + i)], float(i))
    return picks


def test_random_is_seeded_and_picks_only_eligible_agents(d: Dispatcher) -> None:
    picks = _random_picks(d)
    assert set(picks) == {1, 2, 3, 4}
    assert _random_picks(Dispatcher(0, engine=d.engine_name)) == picks
    assert _random_picks(Dispatcher(1, engine=d.engine_name)) != picks
    other: Literal["native", "reference"] = "reference" if d.engine_name == "native" else "native"
    assert _random_picks(Dispatcher(0, engine=other)) == picks


def test_ring_all_rings_the_best_tier_and_the_first_accept_wins(d: Dispatcher) -> None:
    d.apply(
        [
            AddQueue(1, strategy="ring_all"),
            agent(1, 1),
            agent(2, 1),
            agent(3, 1, penalty=1),
            agent(4, 1),
            *ready(1, 2, 3),
            SetAgentState(4, "paused"),
            AddContact(100, 1),
        ],
        0.0,
    )
    assert d.assign(0.0) == offers((100, 1), (100, 2))
    assert d.contact_state(100) == ContactState("offered", [1, 2])
    assert agent_row(d, 1, 0.0).state == "offered"
    d.apply([Accept(100, 2)], 1.0)
    assert d.contact_state(100) == ContactState("active", [2])
    assert (agent_row(d, 1, 1.0).state, agent_row(d, 1, 1.0).load) == ("available", 0)
    d.apply([AddContact(101, 1)], 2.0)
    assert d.assign(2.0) == offers((101, 1))
    d.apply([AddContact(102, 1)], 3.0)
    assert d.assign(3.0) == offers((102, 3))  # tier 0 has nobody free left


def test_skills_picks_the_best_summed_level_then_the_longest_idle(d: Dispatcher) -> None:
    d.apply(
        [
            AddQueue(1, strategy="skills", requirements={1: 1}),
            agent(1, 1, skills={1: 5, 2: 1}),  # 6
            agent(2, 1, skills={1: 3, 2: 4}),  # 7
            agent(3, 1, skills={1: 9}),  # lacks skill 2
            agent(4, 1, skills={1: 2, 2: 2, 3: 50}),  # 4: skill 3 is not asked for
            agent(5, 1, skills={1: 4, 2: 3}),  # 7, idle longer than agent 2
            *ready(5),
        ],
        0.0,
    )
    d.apply(ready(1, 2, 3, 4), 1.0)
    d.apply([AddContact(100 + i, 1, requirements={2: 1}) for i in range(5)], 2.0)
    assert d.assign(2.0) == offers((100, 5), (101, 2), (102, 1), (103, 4))
    assert d.contact_state(104) == ContactState("waiting", [])


# --- penalties and tiers (R12) ---------------------------------------------------------


def test_lower_penalty_tier_first_even_against_longer_idle(d: Dispatcher) -> None:
    d.apply(
        [AddQueue(1), agent(1, 1, penalty=1), agent(2, 1), agent(3, 1, penalty=2), *ready(1, 3)],
        0.0,
    )
    d.apply(ready(2), 1.0)
    d.apply([AddContact(100, 1), AddContact(101, 1), AddContact(102, 1)], 2.0)
    assert d.assign(2.0) == offers((100, 2), (101, 1), (102, 3))


def test_higher_tier_when_the_lower_tier_has_no_free_eligible_agent(d: Dispatcher) -> None:
    d.apply(
        [AddQueue(1), agent(1, 1), agent(2, 1, penalty=1, skills={5: 1}), agent(3, 1)],
        0.0,
    )
    d.apply([*ready(1, 2), SetAgentState(3, "paused"), AddContact(100, 1, requirements={5: 1})], 0)
    assert d.assign(0.0) == offers((100, 2))  # agent 1 lacks the skill, 3 is paused
    d.apply([AddContact(101, 1)], 1.0)
    assert d.assign(1.0) == offers((101, 1))


def test_queue_max_penalty_keeps_higher_tiers_out(d: Dispatcher) -> None:
    d.apply(
        [
            AddQueue(1, max_penalty=1),
            agent(1, 1),
            agent(2, 1, penalty=1),
            agent(3, 1, penalty=2),
            *ready(1, 2, 3),
            *(AddContact(100 + i, 1) for i in range(3)),
        ],
        0.0,
    )
    assert d.assign(0.0) == offers((100, 1), (101, 2))
    assert d.assign(1000.0) == []
    assert queue_row(d, 1, 1000.0).waiting == 1


# --- skill requirements and expansion (R14) --------------------------------------------


def test_expansion_relaxes_the_required_levels(d: Dispatcher) -> None:
    steps = [ExpansionStep(10.0, relax=2), ExpansionStep(20.0, relax=4)]
    d.apply(
        [
            AddQueue(1, requirements={7: 5}, expansion=steps),
            agent(1, 1, skills={7: 3}),
            agent(2, 1, skills={7: 1}),
            *ready(1, 2),
            AddContact(100, 1),
            AddContact(101, 1),
        ],
        0.0,
    )
    assert d.assign(0.0) == []
    assert d.assign(9.5) == []
    assert d.assign(10.0) == offers((100, 1))  # level 3 now
    assert d.assign(19.9) == []
    assert d.assign(20.0) == offers((101, 2))  # level 1 now


def test_expansion_widens_the_penalty_limit_by_accumulated_wait(d: Dispatcher) -> None:
    d.apply(
        [
            AddQueue(1, max_penalty=0, expansion=[ExpansionStep(30.0, max_penalty=2)]),
            agent(1, 1),
            agent(2, 1, penalty=2),
            SetAgentState(1, "paused"),
            *ready(2),
            AddContact(100, 1),
            AddContact(101, 1, waited_s=25.0),  # R15: waited elsewhere before
        ],
        0.0,
    )
    assert d.assign(4.9) == []
    assert d.assign(5.0) == offers((101, 2))
    assert queue_row(d, 1, 5.0).longest_wait == 30.0
    d.apply([RemoveContact(101)], 6.0)
    assert d.assign(29.9) == []
    assert d.assign(30.0) == offers((100, 2))


def test_queue_update_applies_to_contacts_already_waiting(d: Dispatcher) -> None:
    d.apply([AddQueue(1, requirements={7: 5}), agent(1, 1, skills={7: 2}), *ready(1)], 0.0)
    d.apply([AddContact(100, 1)], 0.0)
    assert d.assign(0.0) == []
    d.apply([UpdateQueue(1)], 1.0)  # no requirement any more
    assert d.assign(1.0) == offers((100, 1))
    handle(d, 100, 1, 1.0, 2.0)
    d.apply([UpdateQueue(1, requirements={7: 5}), AddContact(101, 1)], 2.0)
    assert d.assign(2.0) == []
    d.apply([UpdateQueue(1, requirements={7: 5}, expansion=[ExpansionStep(5.0, relax=3)])], 10)
    assert d.assign(10.0) == offers((101, 1))  # it has waited 8 s: past the new step


# --- accumulated wait (R15) and priority ------------------------------------------------


def test_a_moved_contact_keeps_its_wait_and_goes_ahead_of_newer_ones(d: Dispatcher) -> None:
    d.apply([AddQueue(1), AddQueue(2), agent(1, 2), AddContact(100, 1)], 0.0)
    d.apply([AddContact(200, 2)], 5.0)
    d.apply([MoveContact(100, queue=2)], 10.0)
    assert (d.position(100), d.position(200)) == (1, 2)
    assert queue_row(d, 2, 10.0).longest_wait == 10.0
    d.apply(ready(1), 11.0)
    assert d.assign(11.0) == offers((100, 1))


def test_waited_s_puts_a_contact_ahead_by_its_accumulated_wait(d: Dispatcher) -> None:
    d.apply([AddQueue(1), agent(1, 1), AddContact(301, 1)], 5.0)
    d.apply([AddContact(300, 1, waited_s=20.0)], 10.0)
    assert (d.position(300), d.position(301)) == (1, 2)
    assert d.estimated_wait(301, 10.0) == 20.0  # head of line: contact 300
    d.apply(ready(1), 10.0)
    assert d.assign(10.0) == offers((300, 1))


def test_higher_priority_first_and_set_priority_reorders(d: Dispatcher) -> None:
    d.apply([AddQueue(1), agent(1, 1, capacity={"voice": 3})], 0.0)
    d.apply([AddContact(1, 1)], 0.0)
    d.apply([AddContact(2, 1, priority=5)], 1.0)
    d.apply([AddContact(3, 1)], 2.0)
    d.apply([SetPriority(3, 9), *ready(1)], 3.0)
    assert d.assign(3.0) == offers((3, 1), (2, 1), (1, 1))


def test_queue_weight_comes_before_priority_across_queues(d: Dispatcher) -> None:
    d.apply([AddQueue(1), AddQueue(2, weight=5), agent(1, 1, 2)], 0.0)
    d.apply([AddContact(100, 1, priority=9)], 0.0)
    d.apply([AddContact(200, 2)], 5.0)
    d.apply(ready(1), 5.0)
    assert d.assign(5.0) == offers((200, 1))


# --- position and estimated wait --------------------------------------------------------


def test_position_never_grows_unless_the_own_priority_changes(d: Dispatcher) -> None:
    d.apply([AddQueue(1)], 0.0)
    for i in (1, 2, 3):
        d.apply([AddContact(i, 1)], float(i))
    assert [d.position(i) for i in (1, 2, 3)] == [1, 2, 3]
    d.apply([AddContact(4, 1, priority=5), AddContact(5, 1, channel="chat")], 4.0)
    assert [d.position(i) for i in (4, 1, 2, 3)] == [1, 1, 2, 3]  # not pushed back
    assert d.position(5) == 1  # a line of its own
    d.apply([SetPriority(2, -1)], 5.0)
    assert d.position(2) == 4  # order now 4, 1, 3, 2
    d.apply([SetPriority(3, 10)], 6.0)
    assert d.position(3) == 1


def test_estimated_wait_is_head_of_line_before_any_call(d: Dispatcher) -> None:
    d.apply([AddQueue(1, wrap_up_s=10.0), agent(1, 1), agent(2, 1), AddContact(100, 1)], 0.0)
    d.apply([AddContact(101, 1)], 4.0)
    assert d.estimated_wait(101, 10.0) == 10.0
    assert d.estimated_wait(100, 10.0) == 10.0


def test_estimated_wait_is_position_times_aht_over_servers(d: Dispatcher) -> None:
    d.apply([AddQueue(1, wrap_up_s=10.0), agent(1, 1), agent(2, 1), *ready(1, 2)], 0.0)
    d.apply([AddContact(100, 1)], 0.0)
    assert d.assign(0.0) == offers((100, 1))
    handle(d, 100, 1, 0.0, 40.0)  # handle time 40 + 10
    d.apply([AddContact(101, 1)], 41.0)
    assert d.assign(41.0) == offers((101, 2))
    handle(d, 101, 2, 41.0, 66.0)  # handle time 25 + 10
    aht = 50.0
    aht += 0.2 * (35.0 - aht)
    assert queue_row(d, 1, 66.0).aht == aht
    d.apply([AddContact(c, 1) for c in (102, 103, 104)], 70.0)
    assert d.position(104) == 3
    # agent 1 is available, agent 2 in wrap-up: both work the queue
    assert d.estimated_wait(104, 70.0) == 3 * aht / 2
    d.apply([SetAgentState(1, "paused")], 71.0)
    assert d.estimated_wait(104, 71.0) == 3 * aht / 1
    d.apply([SetAgentState(2, "offline")], 72.0)
    assert d.estimated_wait(104, 72.0) == 2.0  # nobody works it: head of line


def _learned_queue(d: Dispatcher) -> None:
    """Queue 1 with agents 1 and 2 after nine calls of 40 s handle time, answered as
    they arrived; at 1000 both agents take a call and 300 to 304 wait."""
    d.apply([AddQueue(1), agent(1, 1), agent(2, 1), *ready(1, 2)], 0.0)
    _learned_queue_calls(d)
    d.apply([AddContact(200, 1), AddContact(201, 1)], 1000.0)
    d.apply([Accept(o.contact, o.agent) for o in d.assign(1000.0)], 1000.0)
    d.apply([AddContact(c, 1) for c in range(300, 305)], 1000.0)


def _learned_queue_calls(d: Dispatcher) -> None:
    """Nine calls of 40 s handle time in queue 1, answered as they arrived."""
    for i in range(9):
        t = 100.0 * i
        d.apply([AddContact(100 + i, 1)], t)
        [offer] = d.assign(t)
        handle(d, offer.contact, offer.agent, t, t + 40.0)


def test_estimated_wait_keeps_the_aht_estimate_until_ten_calls_ended(d: Dispatcher) -> None:
    _learned_queue(d)
    assert d.estimated_wait(304, 1000.0) == 5 * 40.0 / 2
    d.apply([RemoveContact(300)], 1030.0)  # an abandonment alone does not switch
    assert d.estimated_wait(304, 1030.0) == 4 * 40.0 / 2


def test_estimated_wait_is_qlm_with_the_rates_the_queue_learned(d: Dispatcher) -> None:
    _learned_queue(d)
    d.apply([RemoveContact(300)], 1030.0)  # abandoned after 30 s
    d.apply([EndContact(200)], 1040.0)  # the tenth call ended: 40 s
    [offer] = d.assign(1040.0)
    assert offer.contact == 301
    d.apply([Accept(301, offer.agent)], 1040.0)  # answered after 40 s
    # every weight shrinks by `keep` per later observation of its kind; the eleven
    # contacts answered at once waited 0 s
    keep = 1.0 - 1.0 / 500.0
    mu = 1.0 / 40.0
    theta = keep / (30.0 * keep + 40.0)
    s = 2
    assert d.position(304) == 3
    want = 1.0 / (s * mu) + 1.0 / (s * mu + theta) + 1.0 / (s * mu + 2 * theta)
    assert d.estimated_wait(304, 1040.0) == pytest.approx(want, rel=1e-12)
    assert d.estimated_wait(302, 1040.0) == pytest.approx(1.0 / (s * mu), rel=1e-12)
    # servers count as before: one of the two pauses
    d.apply([SetAgentState(2, "paused")], 1041.0)
    d.apply([SetAgentState(1, "paused")], 1041.0)
    assert d.estimated_wait(304, 1041.0) == 1041.0 - 1000.0  # nobody works it: HOL


def test_a_new_callers_wait_is_the_whole_line_ahead(d: Dispatcher) -> None:
    d.apply([AddQueue(1), agent(1, 1), agent(2, 1), *ready(1, 2)], 0.0)
    assert queue_row(d, 1, 0.0).estimated_wait == 0.0  # nobody waits, an agent is free
    _learned_queue_calls(d)
    assert queue_row(d, 1, 999.0).estimated_wait == 0.0  # nobody waits, agents free
    d.apply([AddContact(200, 1), AddContact(201, 1)], 1000.0)
    d.apply([Accept(o.contact, o.agent) for o in d.assign(1000.0)], 1000.0)
    assert queue_row(d, 1, 1000.0).estimated_wait == 1 * 40.0 / 2  # both busy, AHT 40
    d.apply([AddContact(c, 1) for c in range(300, 305)], 1000.0)
    assert queue_row(d, 1, 1000.0).estimated_wait == 6 * 40.0 / 2  # five ahead
    d.apply([RemoveContact(300)], 1030.0)
    d.apply([EndContact(200)], 1040.0)
    d.apply([Accept(o.contact, o.agent) for o in d.assign(1040.0)], 1040.0)
    keep = 1.0 - 1.0 / 500.0
    mu, theta = 1.0 / 40.0, keep / (30.0 * keep + 40.0)
    want = sum(1.0 / (2 * mu + i * theta) for i in range(4))  # 302, 303, 304 ahead
    assert queue_row(d, 1, 1040.0).estimated_wait == pytest.approx(want, rel=1e-12)
    # the last caller in line expects the same less its own term
    assert d.estimated_wait(304, 1040.0) == pytest.approx(want - 1 / (2 * mu + 3 * theta))
    d.apply([SetAgentState(1, "paused"), SetAgentState(2, "paused")], 1041.0)
    assert queue_row(d, 1, 1041.0).estimated_wait is None  # nobody works it


def test_a_contact_moved_away_counts_as_leaving_the_line_unanswered(d: Dispatcher) -> None:
    _learned_queue(d)
    d.apply([AddQueue(2)], 1000.0)
    d.apply([MoveContact(300, queue=2)], 1030.0)
    d.apply([EndContact(200)], 1040.0)
    d.apply([Accept(o.contact, o.agent) for o in d.assign(1040.0)], 1040.0)
    keep = 1.0 - 1.0 / 500.0
    mu, theta = 1.0 / 40.0, keep / (30.0 * keep + 40.0)
    want = 1.0 / (2 * mu) + 1.0 / (2 * mu + theta)
    assert d.estimated_wait(303, 1040.0) == pytest.approx(want, rel=1e-12)


def test_qlm_formula() -> None:
    assert reference.qlm_wait(0, 4, 0.25, 9.0) == 1.0
    assert reference.qlm_wait(2, 2, 0.5, 0.5) == pytest.approx(1.0 + 1.0 / 1.5 + 0.5)
    assert reference.qlm_wait(4, 3, 0.1, 0.0) == pytest.approx(5 / 0.3)  # QL without θ


# --- sticky agent (R13) ------------------------------------------------------------------


def test_sticky_contact_goes_to_the_preferred_agent(d: Dispatcher) -> None:
    d.apply([AddQueue(1), agent(1, 1), agent(2, 1), *ready(1)], 0.0)
    d.apply(ready(2), 1.0)
    d.apply([AddContact(100, 1, preferred_agent=2, preferred_until=30.0)], 2.0)
    assert d.assign(2.0) == offers((100, 2))  # though agent 1 idles longer


def test_sticky_contact_is_kept_until_preferred_until(d: Dispatcher) -> None:
    d.apply([AddQueue(1), agent(1, 1), agent(2, 1), *ready(1), SetAgentState(2, "paused")], 0)
    d.apply([AddContact(100, 1, preferred_agent=2, preferred_until=30.0)], 2.0)
    assert d.assign(2.0) == []
    assert d.assign(29.9) == []
    assert d.assign(30.0) == offers((100, 1))


def test_sticky_reservation_ends_when_the_agent_goes_offline(d: Dispatcher) -> None:
    d.apply([AddQueue(1), AddQueue(2), agent(1, 1), agent(2, 1), agent(3, 2), *ready(1, 3)], 0.0)
    d.apply([SetAgentState(2, "paused")], 0.0)
    d.apply([AddContact(100, 1, preferred_agent=2, preferred_until=30.0)], 2.0)
    d.apply([AddContact(101, 1, preferred_agent=3, preferred_until=30.0)], 2.0)
    assert d.assign(2.0) == offers((101, 1))  # agent 3 is no member: no reservation
    handle(d, 101, 1, 2.0, 3.0)
    assert d.assign(4.0) == []
    d.apply([SetAgentState(2, "offline")], 5.0)
    assert d.assign(5.0) == offers((100, 1))


# --- personal queue (R22) ------------------------------------------------------------------


def test_a_contact_moved_to_an_agent_is_offered_to_that_agent_only(d: Dispatcher) -> None:
    d.apply([AddQueue(1), agent(1, 1), agent(2, 1), *ready(1)], 0.0)
    d.apply(ready(2), 1.0)
    d.apply([AddContact(100, 1), MoveContact(100, agent=2)], 2.0)
    assert d.position(100) == 1
    assert queue_row(d, 1, 2.0).waiting == 0
    assert d.assign(2.0) == offers((100, 2))
    d.apply([Decline(100, 2)], 3.0)  # 30 s of exclusion in a personal queue
    assert d.assign(3.0) == []
    assert d.assign(32.9) == []
    assert d.assign(33.0) == offers((100, 2))


@pytest.mark.parametrize(
    ("personal_weight", "queue_weight", "first"),
    [(5, 0, 100), (0, 5, 200), (0, 0, 100)],  # equal weights: the older contact
)
def test_personal_weight_against_queue_weight(
    d: Dispatcher, personal_weight: int, queue_weight: int, first: int
) -> None:
    d.apply([AddQueue(1, weight=queue_weight), agent(1, 1, personal_weight=personal_weight)], 0.0)
    d.apply([AddContact(100, 1), MoveContact(100, agent=1)], 0.0)
    d.apply([AddContact(200, 1)], 1.0)
    d.apply(ready(1), 1.0)
    assert d.assign(1.0) == offers((first, 1))


# --- RONA (R18) -----------------------------------------------------------------------------


def test_timeout_pauses_the_agent_and_rings_someone_else(d: Dispatcher) -> None:
    d.apply([AddQueue(1, exclusion_s=10.0), agent(1, 1), agent(2, 1), *ready(1)], 0.0)
    d.apply([*ready(2), AddContact(100, 1)], 2.0)
    assert d.assign(2.0) == offers((100, 1))
    d.apply([Timeout(100, 1)], 5.0)
    row = agent_row(d, 1, 5.0)
    assert (row.state, row.reason, row.load) == ("paused", RONA_REASON, 0)
    assert RONA_REASON == "no answer"
    assert queue_row(d, 1, 5.0).paused == 1
    assert d.assign(5.0) == offers((100, 2))


def test_timeout_without_autopause_only_excludes_the_agent(d: Dispatcher) -> None:
    d.apply([AddQueue(1, exclusion_s=10.0, autopause=False), agent(1, 1), *ready(1)], 0.0)
    d.apply([AddContact(100, 1)], 0.0)
    assert d.assign(0.0) == offers((100, 1))
    d.apply([Timeout(100, 1)], 5.0)
    assert (agent_row(d, 1, 5.0).state, agent_row(d, 1, 5.0).reason) == ("available", "")
    assert d.assign(5.0) == []
    assert d.assign(14.9) == []
    assert d.assign(15.0) == offers((100, 1))


def test_decline_excludes_the_agent_from_that_contact_for_a_while(d: Dispatcher) -> None:
    d.apply([AddQueue(1, exclusion_s=10.0), agent(1, 1), agent(2, 1), *ready(1)], 0.0)
    d.apply([*ready(2), AddContact(100, 1)], 2.0)
    assert d.assign(2.0) == offers((100, 1))
    d.apply([Decline(100, 1)], 5.0)
    assert agent_row(d, 1, 5.0).state == "available"
    assert d.assign(5.0) == offers((100, 2))
    d.apply([Decline(100, 2)], 6.0)
    d.apply([AddContact(101, 1)], 6.0)
    assert d.assign(6.0) == offers((101, 1))  # excluded from 100 only
    d.apply([RemoveContact(101)], 7.0)
    assert d.assign(14.9) == []
    assert d.assign(15.0) == offers((100, 1))


# --- wrap-up (R19), pause (R20), capacity -----------------------------------------------------


def _in_wrap_up(d: Dispatcher) -> None:
    """Agent 1 ends a call at t=10 and wraps up until t=25; contact 101 waits from 11."""
    d.apply([AddQueue(1, wrap_up_s=15.0), agent(1, 1), *ready(1), AddContact(100, 1)], 0.0)
    assert d.assign(0.0) == offers((100, 1))
    handle(d, 100, 1, 0.0, 10.0)
    d.apply([AddContact(101, 1)], 11.0)
    assert agent_row(d, 1, 11.0).state == "wrap_up"
    assert queue_row(d, 1, 11.0).wrap_up == 1


def test_wrap_up_ends_exactly_at_end_plus_wrap_up_s(d: Dispatcher) -> None:
    _in_wrap_up(d)
    assert d.assign(11.0) == []
    assert d.assign(24.999) == []
    assert d.assign(25.0) == offers((101, 1))
    assert agent_row(d, 1, 25.0).idle_since == 25.0


def test_available_ends_wrap_up_early(d: Dispatcher) -> None:
    _in_wrap_up(d)
    d.apply(ready(1), 12.0)
    assert d.assign(12.0) == offers((101, 1))
    assert agent_row(d, 1, 12.0).idle_since == 12.0


def test_idle_time_restarts_after_a_wrap_up_ended_by_a_pause(d: Dispatcher) -> None:
    d.apply([AddQueue(1, wrap_up_s=15.0), agent(1, 1), agent(2, 1), *ready(1)], 0.0)
    d.apply([*ready(2), AddContact(100, 1)], 1.0)
    assert d.assign(1.0) == offers((100, 1))
    handle(d, 100, 1, 2.0, 10.0)
    d.apply([SetAgentState(1, "paused", "coffee")], 11.0)  # ends the wrap-up
    d.apply(ready(1), 12.0)
    d.apply([AddContact(101, 1)], 13.0)
    assert agent_row(d, 1, 13.0).idle_since >= 10.0
    assert d.assign(13.0) == offers((101, 2))  # agent 2 has idled since t=1


def test_a_step_without_max_penalty_keeps_the_queues_limit(d: Dispatcher) -> None:
    d.apply(
        [
            AddQueue(1, requirements={7: 3}, max_penalty=0, expansion=[ExpansionStep(10.0, 2)]),
            agent(1, 1, penalty=1, skills={7: 1}),
            *ready(1),
            AddContact(100, 1),
        ],
        0.0,
    )
    assert d.assign(11.0) == []  # levels relaxed, but tier 1 is still beyond max_penalty 0


def test_pause_and_offline_withdraw_pending_offers(d: Dispatcher) -> None:
    d.apply([AddQueue(1), agent(1, 1), *ready(1), AddContact(100, 1)], 0.0)
    assert d.assign(0.0) == offers((100, 1))
    d.apply([SetAgentState(1, "paused", "lunch")], 1.0)
    assert d.contact_state(100) == ContactState("waiting", [])
    row = agent_row(d, 1, 1.0)
    assert (row.state, row.reason, row.load) == ("paused", "lunch", 0)
    assert d.assign(2.0) == []
    d.apply(ready(1), 3.0)
    assert agent_row(d, 1, 3.0).reason == ""
    assert d.assign(3.0) == offers((100, 1))
    d.apply([SetAgentState(1, "offline")], 4.0)
    assert d.contact_state(100) == ContactState("waiting", [])
    assert agent_row(d, 1, 4.0).state == "offline"
    assert d.assign(5.0) == []


def test_capacity_is_per_channel(d: Dispatcher) -> None:
    d.apply([AddQueue(1), agent(1, 1, capacity={"voice": 1, "chat": 3}), agent(2, 1)], 0.0)
    d.apply(ready(1), 0.0)
    d.apply(ready(2), 1.0)
    chats = [AddContact(c, 1, channel="chat") for c in (1, 2, 3, 4)]
    d.apply([*chats, AddContact(5, 1), AddContact(6, 1)], 2.0)
    assert d.assign(2.0) == offers((1, 1), (2, 1), (3, 1), (5, 1), (6, 2))
    assert d.contact_state(4) == ContactState("waiting", [])
    assert agent_row(d, 1, 2.0).load == 4


# --- errors: typed, nothing changed, index of the failing event ----------------------------


def _site(d: Dispatcher) -> None:
    """Contact 100 offered to agent 1, 101 offered to agent 2, agent 3 free."""
    d.apply(
        [
            AddQueue(1),
            AddQueue(2),
            agent(1, 1),
            agent(2, 1, 2),
            agent(3, 1),
            *ready(1, 2, 3),
            AddContact(101, 2),
            AddContact(100, 1),
        ],
        0.0,
    )
    assert d.assign(0.0) == offers((101, 2), (100, 1))


def _observe(d: Dispatcher, now: float) -> tuple[object, ...]:
    return (d.snapshot(now), *(d.contact_state(c) for c in (100, 101, 300)))


ERROR_CASES: list[tuple[Event, type[DispatcherError]]] = [
    (AddContact(200, queue=9), UnknownQueue),
    (AddAgent(9, memberships=[Membership(9)]), UnknownQueue),
    (SetAgentState(9, "available"), UnknownAgent),
    (AddContact(200, 1, preferred_agent=9, preferred_until=50.0), UnknownAgent),
    (RemoveContact(999), UnknownContact),
    (AddQueue(1), DuplicateId),
    (AddAgent(1), DuplicateId),
    (AddContact(100, 2), DuplicateId),
    (UpdateAgent(3, memberships=[Membership(1)], capacity={"voice": -1}), InvalidValue),
    (UpdateQueue(1, strategy="fastest"), InvalidValue),
    (SetAgentState(1, "asleep"), InvalidValue),  # type: ignore[arg-type]
    (UpdateQueue(1, expansion=[ExpansionStep(20.0), ExpansionStep(10.0)]), InvalidValue),
    (MoveContact(100, queue=2, agent=3), InvalidValue),
    (Accept(100, 3), InvalidState),
    (Accept(100, 2), InvalidState),
    (EndContact(100), InvalidState),
    (RemoveQueue(1), InvalidState),
    (RemoveAgent(1), InvalidState),
]


@pytest.mark.parametrize(
    ("event", "error"),
    ERROR_CASES,
    ids=[f"{type(event).__name__}-{error.__name__}" for event, error in ERROR_CASES],
)
def test_a_bad_event_raises_its_typed_error_and_changes_nothing(
    d: Dispatcher, event: Event, error: type[DispatcherError]
) -> None:
    """In ``[AddContact(300), bad, AddContact(301)]`` the bad event fails with its index;
    the engine then equals a twin that was given ``[AddContact(300)]`` alone."""
    _site(d)
    twin = Dispatcher(engine=d.engine_name)
    _site(twin)
    twin.apply([AddContact(300, 1)], 1.0)
    with pytest.raises(error) as info:
        d.apply([AddContact(300, 1), event, AddContact(301, 1)], 1.0)
    assert type(info.value) is error
    assert info.value.index == 1
    assert _observe(d, 1.0) == _observe(twin, 1.0)
    with pytest.raises(UnknownContact):
        d.contact_state(301)
    assert d.assign(100.0) == twin.assign(100.0)
    assert d.snapshot(100.0) == twin.snapshot(100.0)


def test_a_batch_stops_at_the_failing_event_and_keeps_the_earlier_ones(d: Dispatcher) -> None:
    _site(d)
    batch: list[Event] = [AddContact(200, 1), AddContact(201, 1), AddContact(200, 2)]
    batch.append(AddContact(202, 1))
    with pytest.raises(DuplicateId) as info:
        d.apply(batch, 1.0)
    assert info.value.index == 2
    assert str(info.value).startswith("event 2: ")
    assert d.contact_state(200) == ContactState("waiting", [])
    assert d.contact_state(201) == ContactState("waiting", [])
    assert [q.waiting for q in d.snapshot(1.0).queues] == [2, 0]
    with pytest.raises(UnknownContact):
        d.contact_state(202)


@pytest.mark.parametrize("now", [0.5, math.nan, math.inf, -math.inf])
def test_time_must_be_finite_and_never_run_backwards(d: Dispatcher, now: float) -> None:
    d.apply([AddQueue(1), AddContact(100, 1)], 1.0)
    before = d.snapshot(1.0)
    with pytest.raises(InvalidValue) as info:
        d.apply([AddContact(300, 1)], now)
    assert info.value.index is None  # the batch's time, not an event
    for call in (d.assign, d.snapshot, lambda t: d.estimated_wait(100, t)):
        with pytest.raises(InvalidValue):
            call(now)
    with pytest.raises(UnknownContact):
        d.contact_state(300)
    assert d.snapshot(1.0) == before


def test_queries_of_unknown_or_answered_contacts(d: Dispatcher) -> None:
    _site(d)
    d.apply([Accept(100, 1)], 1.0)
    with pytest.raises(InvalidState):
        d.position(100)
    with pytest.raises(UnknownContact):
        d.position(999)
    with pytest.raises(UnknownContact):
        d.estimated_wait(999, 1.0)


# --- snapshot ----------------------------------------------------------------------------


def test_snapshot_figures(d: Dispatcher) -> None:
    d.apply(
        [
            AddQueue(1, wrap_up_s=30.0),
            AddQueue(2),
            *(agent(a, 1) for a in (1, 3, 4, 5)),
            agent(2, 1, 2),
            agent(6, 1, capacity={"chat": 1}),  # available, but no voice
            SetAgentState(3, "paused", "training"),
            *ready(1, 6),
            AddContact(100, 1),
        ],
        0.0,
    )
    assert d.assign(0.0) == offers((100, 1))
    handle(d, 100, 1, 1.0, 5.0)  # agent 1 wraps up until 35
    d.apply([*ready(2, 5), AddContact(101, 1)], 6.0)
    assert d.assign(6.0) == offers((101, 2))
    d.apply([Accept(101, 2), AddContact(102, 1)], 8.0)
    assert d.assign(8.0) == offers((102, 5))
    d.apply([AddContact(103, 1)], 9.0)
    d.apply([AddContact(104, 2)], 10.0)
    snap = d.snapshot(20.0)
    # queue, waiting, offered, longest_wait, logged_in, available, busy, paused, wrap_up, aht,
    # estimated wait: queue 1's line holds 102 and 103, and agents 1, 2 and 5 work it
    # (6 has no voice), so (2 + 1) × 34 / 3; queue 2 has no AHT yet: its head's wait
    assert snap.queues == [
        QueueStats(1, 1, 1, 12.0, 5, 1, 2, 1, 1, 34.0, 34.0),
        QueueStats(2, 1, 0, 10.0, 1, 0, 1, 0, 0, None, 10.0),
    ]
    assert snap.agents == [
        AgentStats(1, "wrap_up", "", load=0, idle_since=0.0, calls_taken=1, talk_time=4.0),
        AgentStats(2, "busy", "", load=1, idle_since=6.0, calls_taken=1, talk_time=0.0),
        AgentStats(3, "paused", "training", 0, 0.0, 0, 0.0),
        AgentStats(4, "offline", "", 0, 0.0, 0, 0.0),
        AgentStats(5, "offered", "", 1, 6.0, 0, 0.0),
        AgentStats(6, "available", "", 0, 0.0, 0, 0.0),
    ]
    later = d.snapshot(35.0)
    assert later.agents[0] == AgentStats(1, "available", "", 0, 35.0, 1, 4.0)
    assert (later.queues[0].available, later.queues[0].wrap_up) == (2, 0)


# --- the facade ---------------------------------------------------------------------------


def test_the_facade_refuses_an_unknown_engine() -> None:
    with pytest.raises(InvalidValue):
        Dispatcher(engine="bogus")  # type: ignore[arg-type]
    assert Dispatcher().engine_name == "native"


def test_the_native_module_shares_the_python_constants() -> None:
    assert _native.STRATEGIES == STRATEGIES
    assert _native.RONA_REASON == RONA_REASON
    assert _native.RATE_MEMORY == reference.RATE_MEMORY
    assert _native.MIN_HANDLED == reference.MIN_HANDLED


def test_native_errors_are_the_classes_of_vaxla_dispatcher_errors() -> None:
    d = Dispatcher(engine="native")
    d.apply([AddQueue(1)], 0.0)
    raisers: list[tuple[Event, type[DispatcherError]]] = [
        (AddContact(1, 9), UnknownQueue),
        (SetAgentState(9, "available"), UnknownAgent),
        (RemoveContact(9), UnknownContact),
        (AddQueue(1), DuplicateId),
        (AddQueue(2, strategy="bogus"), InvalidValue),
        (RemoveAgent(9), UnknownAgent),
    ]
    for event, cls in raisers:
        with pytest.raises(DispatcherError) as info:
            d.apply([event], 0.0)
        assert type(info.value) is errors.ERROR_CLASSES[cls.__name__] is cls
    with pytest.raises(ValueError):  # InvalidValue is a ValueError too
        d.apply([], math.nan)
    d.apply([AddContact(1, 1), AddQueue(3)], 0.0)
    with pytest.raises(InvalidState):
        d.apply([RemoveQueue(1)], 0.0)


# --- copies ----------------------------------------------------------------------------


def test_a_copy_goes_its_own_way_and_the_original_is_untouched(d: Dispatcher) -> None:
    d.apply([AddQueue(1), agent(1, 1), *ready(1), AddContact(100, 1)], 0.0)
    twin = d.copy()
    assert twin.engine_name == d.engine_name
    twin.apply([AddContact(101, 1)], 1.0)
    assert twin.assign(1.0) == offers((100, 1))
    twin.apply([Accept(100, 1)], 2.0)
    # The original still has the first caller waiting, unoffered, and knows no 101.
    assert d.contact_state(100) == ContactState("waiting", [])
    with pytest.raises(UnknownContact):
        d.contact_state(101)
    assert d.assign(3.0) == offers((100, 1))
    assert twin.contact_state(101) == ContactState("waiting", [])
