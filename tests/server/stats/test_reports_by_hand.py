"""Every report figure from the summaries against a hand-written event sequence, the
numbers worked out by hand in the comments; on 25 October 2026, the autumn DST day
(25 hours in Stockholm: 24 Oct 22:00 UTC to 25 Oct 23:00 UTC)."""

import itertools
from datetime import UTC, date, datetime, time, timedelta

import pytest

from vaxla_server.stats.calls import CallFilter
from vaxla_server.stats.days import SITE_TIME_ZONE
from vaxla_server.stats.summary import Summaries, interval_edges
from vaxla_server.store.events import (
    Abandoned,
    AgentLoggedIn,
    AgentLoggedOut,
    AgentPaused,
    AgentReady,
    Answered,
    CallbackRequested,
    Classified,
    ContactEntered,
    Ended,
    Event,
    Overflowed,
    Queued,
    WrapUpEnded,
    WrapUpStarted,
)

Q1, Q2 = 1, 2
GOALS = {Q1: 20.0, Q2: 30.0}
A7, A8 = 7, 8
EIGHT = datetime(2026, 10, 25, 8, 0, tzinfo=UTC)  # 09:00 in Stockholm (CET, after the change)


def at(minutes: float, seconds: float = 0) -> datetime:
    return EIGHT + timedelta(minutes=minutes, seconds=seconds)


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=SITE_TIME_ZONE)


def waiting(contact: int, queue: int, when: datetime, entry: str = "100") -> list[Event]:
    return [
        ContactEntered(at=when, contact_id=contact, entry_point=entry),
        Queued(at=when, contact_id=contact, queue_id=queue, position=1),
    ]


def talk(
    contact: int, queue: int, agent: int, answered: datetime, wait: float, talk_s: float
) -> list[Event]:
    ended = answered + timedelta(seconds=talk_s)
    return [
        Answered(
            at=answered, contact_id=contact, queue_id=queue, agent_id=agent, wait_seconds=wait
        ),
        Ended(
            at=ended,
            contact_id=contact,
            queue_id=queue,
            agent_id=agent,
            by="caller",
            talk_seconds=talk_s,
        ),
    ]


def wrap(contact: int, agent: int, began: datetime, seconds: float) -> list[Event]:
    return [
        WrapUpStarted(at=began, agent_id=agent, contact_id=contact, seconds=seconds),
        WrapUpEnded(
            at=began + timedelta(seconds=seconds), agent_id=agent, contact_id=contact, early=False
        ),
    ]


def sequence() -> list[Event]:
    events: list[Event] = [
        AgentLoggedIn(at=at(0), agent_id=A7, queue_id=Q1),
        AgentLoggedIn(at=at(0), agent_id=A7, queue_id=Q2),
        AgentLoggedIn(at=at(0), agent_id=A8, queue_id=Q1),
        # c1: Q1, answered by A7 after 10 s, talks 300 s, wraps up 30 s, "invoice".
        *waiting(1, Q1, at(0)),
        *talk(1, Q1, A7, at(0, 10), 10, 300),
        *wrap(1, A7, at(5, 10), 30),
        Classified(at=at(5, 40), contact_id=1, agent_id=A7, code="invoice"),
        # c2: hangs up after 3 s (within 5 s, and before the goal).
        *waiting(2, Q1, at(10)),
        Abandoned(at=at(10, 3), contact_id=2, queue_id=Q1, position=1, wait_seconds=3),
        Ended(at=at(10, 3), contact_id=2, queue_id=Q1, by="caller"),
        # c3: hangs up after 40 s.
        *waiting(3, Q1, at(20)),
        Abandoned(at=at(20, 40), contact_id=3, queue_id=Q1, position=1, wait_seconds=40),
        Ended(at=at(20, 40), contact_id=3, queue_id=Q1, by="caller"),
        # c4: asks for a callback after 50 s.
        *waiting(4, Q1, at(30)),
        CallbackRequested(
            at=at(30, 50), contact_id=4, queue_id=Q1, number="+4670", wait_seconds=50
        ),
        Ended(at=at(30, 50), contact_id=4, queue_id=Q1, by="system"),
        # c5: overflows from Q1 after 100 s into Q2, answered there by A7 at 120 s in all,
        # talks 600 s, wraps up 20 s, "support".
        *waiting(5, Q1, at(40)),
        Overflowed(
            at=at(41, 40),
            contact_id=5,
            queue_id=Q1,
            rule="max_wait",
            target="queue:2",
            wait_seconds=100,
        ),
        Queued(at=at(41, 40), contact_id=5, queue_id=Q2, position=1),
        *talk(5, Q2, A7, at(42), 120, 600),
        *wrap(5, A7, at(52), 20),
        Classified(at=at(52, 20), contact_id=5, agent_id=A7, code="support"),
        # A7 takes lunch 09:00-09:30 UTC and logs out at 10:00.
        AgentPaused(at=at(60), agent_id=A7, reason="lunch"),
        AgentReady(at=at(90), agent_id=A7),
        AgentLoggedOut(at=at(120), agent_id=A7, queue_id=Q1),
        AgentLoggedOut(at=at(120), agent_id=A7, queue_id=Q2),
        # c6 at 22:50 UTC (23:50 on the 25th in Stockholm): A8 answers after exactly
        # the goal, 20 s (within it), talks 300 s and wraps up 600 s, past midnight.
        *waiting(6, Q1, at(14 * 60 + 50)),
        *talk(6, Q1, A8, at(14 * 60 + 50, 20), 20, 300),
        *wrap(6, A8, at(14 * 60 + 55, 20), 600),
        # c7 at 23:10 UTC (00:10 on the 26th): A8, 5 s, talks 120 s, by entry point 200.
        *waiting(7, Q1, at(15 * 60 + 10), entry="200"),
        *talk(7, Q1, A8, at(15 * 60 + 10, 5), 5, 120),
        AgentLoggedOut(at=at(15 * 60 + 30), agent_id=A8, queue_id=Q1),
    ]
    return sorted(events, key=lambda event: event.at)


@pytest.fixture
def summaries() -> Summaries:
    folded = Summaries(log=None)  # type: ignore[arg-type]  # folded by hand, no log read
    folded.fold(sequence())
    return folded


def test_site_days_are_23_24_and_25_hours_long() -> None:
    spring = interval_edges(
        local_midnight(date(2026, 3, 28)), local_midnight(date(2026, 3, 31)), "1d", SITE_TIME_ZONE
    )
    assert [(b - a) / timedelta(hours=1) for a, b in itertools.pairwise(spring)] == [
        24,
        23,
        24,
    ]
    autumn = interval_edges(
        local_midnight(date(2026, 10, 25)), local_midnight(date(2026, 10, 26)), "1d", SITE_TIME_ZONE
    )
    assert autumn == [
        datetime(2026, 10, 24, 22, tzinfo=UTC),
        datetime(2026, 10, 25, 23, tzinfo=UTC),
    ]
    # The same day in hours: 25 of them, and in half hours 50.
    assert len(interval_edges(autumn[0], autumn[1], "1h", SITE_TIME_ZONE)) - 1 == 25
    assert len(interval_edges(autumn[0], autumn[1], "30m", SITE_TIME_ZONE)) - 1 == 50
    with pytest.raises(ValueError, match=r"'from' .* must be on a quarter hour"):
        interval_edges(at(0, 1), at(60), "1h", SITE_TIME_ZONE)
    with pytest.raises(ValueError, match="at most 732 days"):
        interval_edges(at(0), at(0) + timedelta(days=733), "1d", SITE_TIME_ZONE)
    with pytest.raises(ValueError, match="unknown interval '2h'"):
        interval_edges(at(0), at(60), "2h", SITE_TIME_ZONE)


def test_queue_figures_per_hour(summaries: Summaries) -> None:
    rows = summaries.queue_intervals([at(0), at(60)], GOALS)
    q1, q2 = rows
    # Q1 08-09 UTC: c1..c5 offered; c1 answered within 20 s; c2 (3 s) and c3 (40 s)
    # abandoned, c2 before the goal and within 5 s; c4 a callback; c5 overflowed.
    assert (q1.offered, q1.answered, q1.answered_within_goal) == (5, 1, 1)
    assert (q1.abandoned, q1.abandoned_short, q1.abandoned_within_5s) == (2, 1, 1)
    assert (q1.overflowed, q1.callbacks) == (1, 1)
    assert q1.service_level == pytest.approx(100 * 1 / (5 - 1))  # 25 %
    # Waits of those who left: c1 10, c2 3, c3 40, c5 100 (the callback is not a wait
    # that ended in the queue).
    assert q1.average_wait_s == pytest.approx((10 + 3 + 40 + 100) / 4)  # 38.25 s
    assert q1.max_wait_s == 100 and q1.average_speed_of_answer_s == 10
    assert (q1.handled, q1.average_talk_s, q1.average_wrap_up_s) == (1, 300, 30)
    assert q1.average_handle_s == 330
    # Q2 08-09: c5 in at 08:41:40, answered after 120 s in all (over 30): 0 %.
    assert (q2.offered, q2.answered, q2.answered_within_goal, q2.service_level) == (1, 1, 0, 0.0)
    assert (q2.average_talk_s, q2.average_wrap_up_s) == (600, 20)


def test_queue_figures_per_site_day_on_the_dst_day(summaries: Summaries) -> None:
    edges = interval_edges(
        local_midnight(date(2026, 10, 25)), local_midnight(date(2026, 10, 27)), "1d", SITE_TIME_ZONE
    )
    q1_25th, _, q1_26th, _ = summaries.queue_intervals(edges, GOALS)
    # The 25th (25 hours): c1..c6; c6 at 23:50 local is that day's, not the next.
    assert (q1_25th.offered, q1_25th.answered, q1_25th.answered_within_goal) == (6, 2, 2)
    assert q1_25th.service_level == pytest.approx(100 * 2 / (6 - 1))  # 40 %
    # Handled c1 and c6. c6's wrap-up (600 s) ended on the 26th: it counts (on the
    # 25th, where it began) in this two-day report, not in the 25th's alone.
    assert (q1_25th.handled, q1_25th.average_wrap_up_s) == (2, (30 + 600) / 2)
    (alone,) = summaries.queue_intervals(edges[:2], {Q1: GOALS[Q1]})
    assert (alone.handled, alone.average_wrap_up_s) == (2, 30 / 2)
    # The 26th: c7 at 00:10 local (23:10 UTC on the 25th).
    assert (q1_26th.offered, q1_26th.answered, q1_26th.start) == (1, 1, edges[1])


def test_staffing(summaries: Summaries) -> None:
    first, second = at(0), at(60)
    q1, q2, q1_late, q2_late = summaries.queue_intervals([first, second, at(120)], GOALS)
    # Q1 08-09: A7 and A8 logged in all hour: 2.0. A7 talked 300 + 600 s and wrapped up
    # 30 + 20 s (c5 was Q2's, but A7 was busy in every queue it was logged in to).
    assert q1.staffing() == pytest.approx((2.0, (3600 - 950 + 3600) / 3600, 900 / 3600))
    assert q2.staffing() == pytest.approx((1.0, (3600 - 950) / 3600, 900 / 3600))
    # 09-10: A7's lunch 09:00-09:30 is not ready time.
    assert q1_late.staffing() == pytest.approx((2.0, (1800 + 3600) / 3600, 0.0))
    assert q2_late.staffing() == pytest.approx((1.0, 0.5, 0.0))


def test_classifications_per_queue(summaries: Summaries) -> None:
    q1, q2 = summaries.queue_intervals([at(0), at(24 * 60)], GOALS)
    assert (dict(q1.classified), dict(q2.classified)) == ({"invoice": 1}, {"support": 1})


def test_agent_figures_on_the_dst_day(summaries: Summaries) -> None:
    start, end = local_midnight(date(2026, 10, 25)), local_midnight(date(2026, 10, 26))
    a7, a8 = summaries.agent_figures(start, end, now=end + timedelta(days=1))
    # A7: c1 and c5 answered, 900 s of talk (450 on average), 50 s wrapping up, logged
    # in 08:00-10:00 (7200 s), 1800 s at lunch, ready the rest: 7200-900-50-1800.
    assert (a7.answered, a7.talk_s, a7.average_talk_s, a7.wrap_up_s) == (2, 900, 450, 50)
    assert (a7.logged_in_s, a7.pause_s, a7.ready_s) == (7200, {"lunch": 1800}, 4450)
    # A8: c6 only (c7 is the 26th's); logged in 08:00 to the day's end at 23:00 UTC,
    # wrapping up c6 from 22:55:20 until then (280 s of its 600), ready the rest.
    assert (a8.answered, a8.talk_s, a8.logged_in_s, a8.wrap_up_s) == (1, 300, 54000, 280)
    assert a8.ready_s == 54000 - 300 - 280


def test_call_log_filters(summaries: Summaries) -> None:
    def ids(**wanted: object) -> list[int]:
        return [call.id for call in summaries.calls(CallFilter(**wanted))]  # type: ignore[arg-type]

    assert ids() == [7, 6, 5, 4, 3, 2, 1]
    assert ids(queue_id=Q1) == [7, 6, 4, 3, 2, 1]  # c5 ended in Q2
    assert ids(agent_id=A8) == [7, 6]
    assert ids(outcome="abandoned") == [3, 2]
    assert ids(entry_point="200") == [7]
    assert ids(classification="support") == [5]
    assert ids(since=at(20), until=at(60)) == [5, 4, 3]
    assert ids(queue_id=Q1, outcome="answered", since=at(60)) == [7, 6]
