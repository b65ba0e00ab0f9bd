"""The one door to the dispatcher: the only module of the server that imports
``vaxla_dispatcher``, and the one that maps the server's configuration onto its events.

The dispatcher's names that would read like the server's own (its ``Event``,
``Membership``, ``ExpansionStep``) pass the door as ``Dispatcher...``, so a module never
holds two things of one name. Ids carry over unchanged: a queue's id is its row id, a
skill's its row id, an agent's its user id. Fields the dispatcher does not read (ring
timeout, service goal, sticky-agent window, stand-by) stay with the server's call flow.
"""

from vaxla_dispatcher import (
    RONA_REASON,
    Accept,
    AddAgent,
    AddContact,
    AddQueue,
    Decline,
    Dispatcher,
    DispatcherError,
    EndContact,
    MoveContact,
    RemoveAgent,
    RemoveContact,
    RemoveQueue,
    SetAgentState,
    SetPriority,
    Timeout,
    UpdateAgent,
    UpdateQueue,
)
from vaxla_dispatcher import Event as DispatcherEvent
from vaxla_dispatcher import ExpansionStep as DispatcherExpansionStep
from vaxla_dispatcher import Membership as DispatcherMembership
from vaxla_server.config import ConfigSnapshot

__all__ = [
    "RONA_REASON",
    "Accept",
    "AddAgent",
    "AddContact",
    "AddQueue",
    "Decline",
    "Dispatcher",
    "DispatcherError",
    "DispatcherEvent",
    "DispatcherExpansionStep",
    "DispatcherMembership",
    "EndContact",
    "MoveContact",
    "RemoveAgent",
    "RemoveContact",
    "RemoveQueue",
    "SetAgentState",
    "SetPriority",
    "Timeout",
    "UpdateAgent",
    "UpdateQueue",
    "dispatcher_events",
]


def dispatcher_events(snapshot: ConfigSnapshot) -> list[AddQueue | AddAgent]:
    """``AddQueue`` for every queue, then ``AddAgent`` for every agent profile."""
    skill_ids = {skill.name: skill.id for skill in snapshot.skills}
    queue_ids = {queue.settings.name: queue.id for queue in snapshot.queues}
    events: list[AddQueue | AddAgent] = []
    for queue in snapshot.queues:
        settings = queue.settings
        events.append(
            AddQueue(
                queue=queue.id,
                strategy=settings.strategy,
                weight=settings.weight,
                requirements={
                    skill_ids[name]: level for name, level in settings.requirements.items()
                },
                max_penalty=settings.max_penalty,
                expansion=tuple(
                    DispatcherExpansionStep(
                        after_s=step.after_s, relax=step.relax, max_penalty=step.max_penalty
                    )
                    for step in settings.expansion
                ),
                exclusion_s=settings.exclusion_s,
                autopause=settings.autopause,
                wrap_up_s=settings.wrap_up_s,
            )
        )
    for agent in snapshot.agents:
        profile = agent.settings
        events.append(
            AddAgent(
                agent=agent.user_id,
                skills={skill_ids[name]: level for name, level in profile.skills.items()},
                memberships=tuple(
                    DispatcherMembership(
                        queue=queue_ids[membership.queue],
                        penalty=membership.penalty,
                        order=membership.order,
                    )
                    for membership in profile.memberships
                ),
                capacity=dict(profile.capacity),
                personal_weight=profile.personal_weight,
            )
        )
    return events
