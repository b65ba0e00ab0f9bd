"""A generated event log of a contact centre's days, for the reports' benchmark and tests.

A site of ``agents`` agents and four queues (service goals 20, 30, 60 and 120 s), open
08:00-17:00 Stockholm time every day. Each agent logs in to two queues in the morning,
takes a lunch pause and a few short ones, and logs out in the afternoon; callers come
all day, wait, and are answered (then talk, wrap up and are sometimes classified),
abandon, overflow into the next queue or ask for a callback. About 7 events per call;
``calls_per_day`` sets the size (a 50-agent site's month of 1 million events is about
5,300 calls a day for 30 days). The same ``seed`` gives the same log.
"""

import random
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

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

STOCKHOLM = ZoneInfo("Europe/Stockholm")
GOALS = {1: 20.0, 2: 30.0, 3: 60.0, 4: 120.0}
CODES = ("invoice", "support", "sales", "complaint")


def site_days(
    first: date,
    days: int,
    *,
    agents: int = 50,
    calls_per_day: int = 4700,
    seed: int = 16,
) -> Iterator[list[Event]]:
    """Each day's events in time order, one list a day."""
    rng = random.Random(seed)
    contact = 0
    for offset in range(days):
        day = first + timedelta(days=offset)
        events: list[Event] = []
        open_at = datetime.combine(day, time(8), tzinfo=STOCKHOLM)
        for agent in range(1, agents + 1):
            events.extend(_agent_day(rng, agent, open_at))
        for _ in range(calls_per_day):
            contact += 1
            start = open_at + timedelta(seconds=rng.uniform(0, 9 * 3600))
            events.extend(_call(rng, contact, start, agents))
        events.sort(key=lambda event: event.at)
        yield events


def _agent_day(rng: random.Random, agent: int, open_at: datetime) -> list[Event]:
    queues = sorted(rng.sample(sorted(GOALS), 2))
    login = open_at + timedelta(minutes=rng.uniform(-20, 30))
    logout = open_at + timedelta(hours=8, minutes=rng.uniform(0, 90))
    events: list[Event] = [AgentLoggedIn(at=login, agent_id=agent, queue_id=q) for q in queues]
    events.append(AgentReady(at=login, agent_id=agent))
    lunch = open_at + timedelta(hours=rng.uniform(3, 5))
    events.append(AgentPaused(at=lunch, agent_id=agent, reason="lunch"))
    events.append(AgentReady(at=lunch + timedelta(minutes=rng.uniform(25, 50)), agent_id=agent))
    for _ in range(rng.randint(0, 3)):
        pause = open_at + timedelta(hours=rng.uniform(0.5, 7.5))
        if abs((pause - lunch).total_seconds()) < 3600:
            continue
        events.append(AgentPaused(at=pause, agent_id=agent, reason="break"))
        ready = pause + timedelta(minutes=rng.uniform(2, 15))
        events.append(AgentReady(at=ready, agent_id=agent))
    events.extend(AgentLoggedOut(at=logout, agent_id=agent, queue_id=q) for q in queues)
    return events


def _call(rng: random.Random, contact: int, start: datetime, agents: int) -> list[Event]:
    queue = rng.choice(sorted(GOALS))
    events: list[Event] = [
        ContactEntered(at=start, contact_id=contact, entry_point="100", caller=f"+46{contact}"),
        Queued(at=start, contact_id=contact, queue_id=queue, position=1),
    ]
    wait = rng.expovariate(1 / 40)
    answered = start + timedelta(seconds=wait)
    fate = rng.random()
    if fate < 0.08:
        left = start + timedelta(seconds=wait)
        events.append(
            Abandoned(at=left, contact_id=contact, queue_id=queue, position=1, wait_seconds=wait)
        )
        events.append(Ended(at=left, contact_id=contact, queue_id=queue, by="caller"))
        return events
    if fate < 0.10:
        left = start + timedelta(seconds=wait)
        events.append(
            CallbackRequested(
                at=left, contact_id=contact, queue_id=queue, number="+4670", wait_seconds=wait
            )
        )
        events.append(Ended(at=left, contact_id=contact, queue_id=queue, by="caller"))
        return events
    if fate < 0.14:
        moved = start + timedelta(seconds=wait)
        to = queue % len(GOALS) + 1
        events.append(
            Overflowed(
                at=moved,
                contact_id=contact,
                queue_id=queue,
                rule="max_wait",
                target=f"queue:{to}",
                wait_seconds=wait,
            )
        )
        events.append(Queued(at=moved, contact_id=contact, queue_id=to, position=1))
        queue, extra = to, rng.expovariate(1 / 20)
        wait, answered = wait + extra, moved + timedelta(seconds=extra)
    agent = rng.randint(1, agents)
    talk = rng.expovariate(1 / 240)
    ended = answered + timedelta(seconds=talk)
    wrapped = ended + timedelta(seconds=rng.uniform(0, 60))
    events += [
        Answered(
            at=answered, contact_id=contact, queue_id=queue, agent_id=agent, wait_seconds=wait
        ),
        Ended(
            at=ended,
            contact_id=contact,
            queue_id=queue,
            agent_id=agent,
            by=rng.choice(("caller", "agent")),
            talk_seconds=talk,
        ),
        WrapUpStarted(at=ended, agent_id=agent, contact_id=contact, seconds=60),
        WrapUpEnded(at=wrapped, agent_id=agent, contact_id=contact, early=False),
    ]
    if rng.random() < 0.5:
        events.append(
            Classified(at=wrapped, contact_id=contact, agent_id=agent, code=rng.choice(CODES))
        )
    return events
