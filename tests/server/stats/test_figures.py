"""Queue and agent figures and the call log, against an event sequence whose numbers
are worked out by hand in the comments."""

from datetime import UTC, datetime, timedelta

import pytest

from vaxla_server.stats import agent_figures, call_log, queue_figures, queue_intervals
from vaxla_server.store.events import (
    Abandoned,
    AgentAutoPaused,
    AgentLoggedIn,
    AgentLoggedOut,
    AgentPaused,
    AgentReady,
    Answered,
    Classified,
    ContactEntered,
    Ended,
    Event,
    Overflowed,
    Queued,
    WrapUpEnded,
    WrapUpStarted,
)

NINE = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
Q1, Q2 = 1, 2
GOALS = {Q1: 20.0, Q2: 30.0}
A7, A8 = 7, 8


def at(minutes: float, seconds: float = 0) -> datetime:
    return NINE + timedelta(minutes=minutes, seconds=seconds)


def entered(contact: int, when: datetime) -> ContactEntered:
    return ContactEntered(at=when, contact_id=contact, entry_point="100", caller=f"+46{contact}")


def sequence() -> list[Event]:
    events: list[Event] = [
        AgentLoggedIn(at=at(-30), agent_id=A7, queue_id=Q1),
        AgentReady(at=at(-30), agent_id=A7),
        # c1: waits 10 s (within 20), talks 300 s, wraps up 10 s.
        entered(1, at(0)),
        Queued(at=at(0), contact_id=1, queue_id=Q1, position=1),
        Answered(at=at(0, 10), contact_id=1, queue_id=Q1, agent_id=A7, wait_seconds=10),
        AgentLoggedIn(at=at(5), agent_id=A8, queue_id=Q1),
        AgentReady(at=at(5), agent_id=A8),
        Ended(at=at(5, 10), contact_id=1, queue_id=Q1, agent_id=A7, by="agent", talk_seconds=300),
        WrapUpStarted(at=at(5, 10), agent_id=A7, contact_id=1, seconds=10),
        WrapUpEnded(at=at(5, 20), agent_id=A7, contact_id=1, early=False),
        Classified(at=at(5, 15), contact_id=1, agent_id=A7, code="invoice"),
        # c2: waits 30 s (over 20), talks 120 s, no wrap-up.
        entered(2, at(10)),
        Queued(at=at(10), contact_id=2, queue_id=Q1, position=1),
        Answered(at=at(10, 30), contact_id=2, queue_id=Q1, agent_id=A8, wait_seconds=30),
        Ended(at=at(12, 30), contact_id=2, queue_id=Q1, agent_id=A8, by="caller", talk_seconds=120),
        # c3: abandons after 5 s (before the goal: left out of the service level).
        entered(3, at(20)),
        Queued(at=at(20), contact_id=3, queue_id=Q1, position=1),
        Abandoned(at=at(20, 5), contact_id=3, queue_id=Q1, position=1, wait_seconds=5),
        Ended(at=at(20, 5), contact_id=3, queue_id=Q1, by="caller"),
        AgentPaused(at=at(20), agent_id=A7, reason="lunch"),
        AgentReady(at=at(30), agent_id=A7),
        # c4: abandons after 60 s.
        entered(4, at(30)),
        Queued(at=at(30), contact_id=4, queue_id=Q1, position=1),
        Abandoned(at=at(31), contact_id=4, queue_id=Q1, position=1, wait_seconds=60),
        Ended(at=at(31), contact_id=4, queue_id=Q1, by="caller"),
        # c5: overflows to Q2 after 100 s, answered there at 120 s, talks 1200 s.
        entered(5, at(40)),
        Queued(at=at(40), contact_id=5, queue_id=Q1, position=1),
        AgentPaused(at=at(40), agent_id=A8, reason="lunch"),
        Overflowed(
            at=at(41, 40),
            contact_id=5,
            queue_id=Q1,
            rule="max_wait",
            target="queue:Sales",
            wait_seconds=100,
        ),
        Queued(at=at(41, 40), contact_id=5, queue_id=Q2, position=1),
        Answered(at=at(42), contact_id=5, queue_id=Q2, agent_id=A7, wait_seconds=120),
        AgentLoggedOut(at=at(45), agent_id=A8, queue_id=Q1),
        AgentAutoPaused(at=at(50), agent_id=A7, contact_id=None, reason="no answer"),
        Ended(at=at(62), contact_id=5, queue_id=Q2, agent_id=A7, by="caller", talk_seconds=1200),
        # c6, in the second hour: waits 15 s, still talking at the end.
        entered(6, at(65)),
        Queued(at=at(65), contact_id=6, queue_id=Q1, position=1),
        Answered(at=at(65, 15), contact_id=6, queue_id=Q1, agent_id=A8, wait_seconds=15),
        AgentReady(at=at(70), agent_id=A7),
        # c7: the server restarted while it was in the menu.
        entered(7, at(80)),
        Ended(at=at(81), contact_id=7, by="system"),
        # c8: called on a holiday; c9 hung up in the menu.
        entered(8, at(82)),
        Ended(at=at(82, 10), contact_id=8, by="system", cause="holiday"),
        entered(9, at(83)),
        Ended(at=at(83, 30), contact_id=9, by="caller"),
    ]
    return sorted(events, key=lambda event: event.at)


def test_queue_figures_per_hour() -> None:
    rows = queue_intervals(
        sequence(), start=NINE, end=NINE + timedelta(hours=2), step=timedelta(hours=1), goals=GOALS
    )
    assert [(r.queue_id, r.start.hour) for r in rows] == [(1, 9), (2, 9), (1, 10), (2, 10)]
    q1, q2, q1_late, q2_late = rows
    # Q1, 09-10: c1..c5 offered; c1 and c2 answered, c1 within 20 s; c3 (5 s) and c4
    # (60 s) abandoned, c3 before the goal; c5 overflowed.
    assert (q1.offered, q1.answered, q1.answered_within_goal) == (5, 2, 1)
    assert (q1.abandoned, q1.abandoned_short, q1.overflowed) == (2, 1, 1)
    assert q1.service_level == pytest.approx(100 * 1 / (5 - 1))  # 25 %
    assert q1.average_wait_s == pytest.approx((10 + 30 + 5 + 60 + 100) / 5)  # 41 s
    assert q1.max_wait_s == 100
    assert q1.average_speed_of_answer_s == pytest.approx(20)
    # Handled: c1 300 s talk + 10 s wrap-up, c2 120 s talk.
    assert q1.handled == 2 and q1.average_handle_s == pytest.approx((300 + 10 + 120) / 2)
    # Q2, 09-10: c5 came in and was answered after 120 s (over 30), ended at 10:02.
    assert (q2.offered, q2.answered, q2.answered_within_goal) == (1, 1, 0)
    assert q2.service_level == 0.0 and q2.average_handle_s is None
    assert (q2_late.handled, q2_late.average_handle_s, q2_late.offered) == (1, 1200, 0)
    assert q2_late.service_level is None
    # Q1, 10-11: c6 answered after 15 s.
    assert (q1_late.offered, q1_late.answered, q1_late.service_level) == (1, 1, 100.0)


def test_a_single_interval_and_an_empty_one() -> None:
    (q1, q2) = queue_figures(sequence(), start=NINE, end=at(60), goals=GOALS)
    assert (q1.offered, q2.offered) == (5, 1)
    assert queue_figures(sequence(), start=at(60), end=at(60), goals=GOALS) == []


def test_a_long_period_in_short_steps_has_rows_only_where_something_happened() -> None:
    rows = queue_intervals(
        sequence(),
        start=NINE - timedelta(days=365),
        end=NINE + timedelta(days=365),
        step=timedelta(minutes=15),
        goals=GOALS,
    )
    # Q1 has events in 09:00, 09:15, 09:30 (c4, c5), 10:00; Q2 in 09:30 (c5 queued at
    # 09:41:40) and 10:00 (c5 ended).
    assert [(r.queue_id, r.start.strftime("%H:%M")) for r in rows] == [
        (1, "09:00"),
        (1, "09:15"),
        (1, "09:30"),
        (2, "09:30"),
        (1, "10:00"),
        (2, "10:00"),
    ]


def test_agent_figures_clip_durations_to_the_period() -> None:
    a7, a8 = agent_figures(sequence(), start=NINE, end=at(60))
    # A7: logged in since 08:30 (the whole hour), answered c1 and c5, talked 300 s
    # (c5 ended after 10:00), wrapped up 10 s, lunch 09:20-09:30, "no answer" from
    # 09:50 (ready only at 10:10, so 600 s of it in the hour).
    assert (a7.agent_id, a7.answered, a7.talk_s, a7.wrap_up_s) == (A7, 2, 300, 10)
    assert a7.logged_in_s == 3600
    assert a7.pause_s == {"lunch": 600, "no answer": 600}
    # A8: logged in 09:05-09:45, answered c2 (120 s), lunch from 09:40 until it logged
    # out at 09:45.
    assert (a8.agent_id, a8.answered, a8.talk_s, a8.logged_in_s) == (A8, 1, 120, 2400)
    assert a8.pause_s == {"lunch": 300}


def test_the_call_log_newest_first_with_outcomes() -> None:
    calls = call_log(sequence())
    assert [(c.id, c.outcome) for c in calls] == [
        (9, "hung_up"),
        (8, "closed"),
        (7, "failed"),
        (6, "in_progress"),
        (5, "answered"),
        (4, "abandoned"),
        (3, "abandoned"),
        (2, "answered"),
        (1, "answered"),
    ]
    by_id = {c.id: c for c in calls}
    assert (by_id[5].queue_id, by_id[5].wait_seconds, by_id[5].agent_id) == (Q2, 120, A7)
    assert by_id[1].classification == "invoice" and by_id[1].talk_seconds == 300
    assert by_id[6].ended_at is None and by_id[7].queue_id is None
    assert [c.id for c in call_log(sequence(), since=at(40))] == [9, 8, 7, 6, 5]
    assert [c.id for c in call_log(sequence(), agent_id=A8)] == [6, 2]
    assert [c.id for c in call_log(sequence(), limit=2)] == [9, 8]


def test_an_overflow_out_of_the_queues_is_overflowed_and_one_into_a_queue_ends_there() -> None:
    events: list[Event] = [
        # 21 waits 300 s in Q1 and is sent to a message (maximum wait).
        entered(21, at(0)),
        Queued(at=at(0), contact_id=21, queue_id=Q1, position=1),
        Overflowed(
            at=at(5),
            contact_id=21,
            queue_id=Q1,
            rule="max_wait",
            target="message",
            wait_seconds=300,
        ),
        Ended(at=at(5, 10), contact_id=21, by="system", cause="queue_full"),
        # 22 overflows from Q1 into Q2 after 60 s and is answered there 30 s later.
        entered(22, at(1)),
        Queued(at=at(1), contact_id=22, queue_id=Q1, position=1),
        Overflowed(
            at=at(2), contact_id=22, queue_id=Q1, rule="max_wait", target="Q2", wait_seconds=60
        ),
        Queued(at=at(2), contact_id=22, queue_id=Q2, position=1),
        Answered(at=at(2, 30), contact_id=22, queue_id=Q2, agent_id=A7, wait_seconds=90),
        Ended(at=at(4), contact_id=22, queue_id=Q2, agent_id=A7, by="caller", talk_seconds=90),
    ]
    calls = {c.id: c for c in call_log(events)}
    out, into = calls[21], calls[22]
    assert (out.outcome, out.queue_id, out.wait_seconds, out.agent_id) == (
        "overflowed",
        Q1,
        300,
        None,
    )
    assert out.ended_at == at(5, 10)
    assert (into.outcome, into.queue_id, into.wait_seconds, into.agent_id) == (
        "answered",
        Q2,
        90,
        A7,
    )
