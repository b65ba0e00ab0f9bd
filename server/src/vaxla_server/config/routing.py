"""Skills, queues and agent profiles on one connection: written and read back, for the
service (one change at a time) and the whole-document loader (everything at once) alike.

The call flow's half of the configuration is ``call_flow.py``.
"""

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Row, Table, delete, insert, select, update

from vaxla_server.auth.users import USERS, find_user_row
from vaxla_server.config.errors import PROFILE_ROLES, NotAnAgent, NotFound
from vaxla_server.config.settings import (
    AgentProfile,
    AgentSettings,
    Escalation,
    ExpansionStep,
    Membership,
    Queue,
    QueueSettings,
    ServiceGoal,
    Standby,
)
from vaxla_server.config.tables import (
    AGENT_CAPACITIES,
    AGENT_MEMBERSHIPS,
    AGENT_PROFILES,
    AGENT_SKILLS,
    QUEUE_EXPANSION_STEPS,
    QUEUE_REQUIREMENTS,
    QUEUES,
    SKILLS,
)


def write_agent_profile(
    connection: Connection, username: str, checked: AgentSettings
) -> AgentProfile:
    """Give the agent (or supervisor) ``username`` the checked profile, replacing the one
    it had."""
    user = find_user_row(connection, username)
    if user is None:
        raise NotFound("user", username)
    if user.role not in PROFILE_ROLES:
        raise NotAnAgent(user.username, user.role)
    skills = skill_ids(connection, checked.skills)
    memberships = [
        (
            existing_id(connection, QUEUES, QUEUES.c.name, "queue", membership.queue),
            membership,
        )
        for membership in checked.memberships
    ]
    user_id: int = user.id
    profile = {"personal_weight": checked.personal_weight, "standby": checked.standby}
    exists = connection.execute(
        select(AGENT_PROFILES.c.user_id).where(AGENT_PROFILES.c.user_id == user_id)
    ).one_or_none()
    if exists is None:
        connection.execute(insert(AGENT_PROFILES), {"user_id": user_id, **profile})
    else:
        connection.execute(
            update(AGENT_PROFILES).where(AGENT_PROFILES.c.user_id == user_id).values(profile)
        )
        for child in (AGENT_SKILLS, AGENT_MEMBERSHIPS, AGENT_CAPACITIES):
            connection.execute(delete(child).where(child.c.user_id == user_id))
    if skills:
        connection.execute(
            insert(AGENT_SKILLS),
            [
                {"user_id": user_id, "skill_id": skill_id, "level": level}
                for skill_id, level in skills.items()
            ],
        )
    if memberships:
        connection.execute(
            insert(AGENT_MEMBERSHIPS),
            [
                {
                    "user_id": user_id,
                    "queue_id": queue_id,
                    "penalty": membership.penalty,
                    "position": membership.order,
                }
                for queue_id, membership in memberships
            ],
        )
    if checked.capacity:
        connection.execute(
            insert(AGENT_CAPACITIES),
            [
                {"user_id": user_id, "channel": channel, "capacity": count}
                for channel, count in checked.capacity.items()
            ],
        )
    return AgentProfile(user_id=user_id, username=user.username, settings=checked)


def id_by(connection: Connection, table: Table, column: Any, value: str) -> int | None:
    found: int | None = connection.execute(
        select(table.c.id).where(column == value)
    ).scalar_one_or_none()
    return found


def existing_id(connection: Connection, table: Table, column: Any, kind: str, name: str) -> int:
    found = id_by(connection, table, column, name)
    if found is None:
        raise NotFound(kind, name)
    return found


def skill_ids(connection: Connection, levels: Mapping[str, int]) -> dict[int, int]:
    """Skill names to ids, keeping the levels; ``NotFound`` names the first unknown one."""
    return {
        existing_id(connection, SKILLS, SKILLS.c.name, "skill", name): level
        for name, level in levels.items()
    }


def queue_values(settings: QueueSettings) -> dict[str, object]:
    return {
        "name": settings.name,
        "strategy": settings.strategy,
        "weight": settings.weight,
        "max_penalty": settings.max_penalty,
        "exclusion_s": settings.exclusion_s,
        "autopause": settings.autopause,
        "ring_timeout_s": settings.ring_timeout_s,
        "wrap_up_s": settings.wrap_up_s,
        "service_goal_percent": settings.service_goal.percent,
        "service_goal_s": settings.service_goal.within_s,
        "sticky_agent_s": settings.sticky_agent_s,
        **escalation_values(settings.escalation),
        "standby_waiting": settings.standby.waiting,
        "standby_wait_s": settings.standby.longest_wait_s,
        "standby_calm_s": settings.standby.calm_s,
    }


def escalation_values(rule: Escalation | None) -> dict[str, object]:
    """The queue row's escalation columns: all null when the queue has no rule."""
    return {
        "escalation_after_s": None if rule is None else rule.after_s,
        "escalation_raise_by": None if rule is None else rule.raise_by,
        "escalation_every_s": None if rule is None else rule.every_s,
        "escalation_max_priority": None if rule is None else rule.max_priority,
    }


def _escalation(row: Row[Any]) -> Escalation | None:
    if row.escalation_after_s is None:
        return None
    return Escalation(
        after_s=row.escalation_after_s,
        raise_by=row.escalation_raise_by,
        every_s=row.escalation_every_s,
        max_priority=row.escalation_max_priority,
    )


def insert_queue_children(
    connection: Connection,
    queue_id: int,
    requirements: dict[int, int],
    expansion: Sequence[ExpansionStep],
) -> None:
    if requirements:
        connection.execute(
            insert(QUEUE_REQUIREMENTS),
            [
                {"queue_id": queue_id, "skill_id": skill_id, "level": level}
                for skill_id, level in requirements.items()
            ],
        )
    if expansion:
        connection.execute(
            insert(QUEUE_EXPANSION_STEPS),
            [
                {
                    "queue_id": queue_id,
                    "position": position,
                    "after_s": step.after_s,
                    "relax": step.relax,
                    "max_penalty": step.max_penalty,
                }
                for position, step in enumerate(expansion)
            ],
        )


def _skill_names(connection: Connection) -> dict[int, str]:
    return {row.id: row.name for row in connection.execute(select(SKILLS))}


def read_queues(connection: Connection, rows: Sequence[Row[Any]]) -> Iterator[Queue]:
    names = _skill_names(connection)
    ids = [row.id for row in rows]
    requirements: dict[int, dict[str, int]] = {queue_id: {} for queue_id in ids}
    for requirement in connection.execute(
        select(QUEUE_REQUIREMENTS)
        .where(QUEUE_REQUIREMENTS.c.queue_id.in_(ids))
        .order_by(QUEUE_REQUIREMENTS.c.skill_id)
    ):
        requirements[requirement.queue_id][names[requirement.skill_id]] = requirement.level
    steps: dict[int, list[ExpansionStep]] = {queue_id: [] for queue_id in ids}
    for step in connection.execute(
        select(QUEUE_EXPANSION_STEPS)
        .where(QUEUE_EXPANSION_STEPS.c.queue_id.in_(ids))
        .order_by(QUEUE_EXPANSION_STEPS.c.queue_id, QUEUE_EXPANSION_STEPS.c.position)
    ):
        steps[step.queue_id].append(
            ExpansionStep(after_s=step.after_s, relax=step.relax, max_penalty=step.max_penalty)
        )
    for row in rows:
        yield Queue(
            id=row.id,
            settings=QueueSettings(
                name=row.name,
                strategy=row.strategy,
                weight=row.weight,
                requirements=requirements[row.id],
                max_penalty=row.max_penalty,
                expansion=tuple(steps[row.id]),
                exclusion_s=row.exclusion_s,
                autopause=row.autopause,
                ring_timeout_s=row.ring_timeout_s,
                wrap_up_s=row.wrap_up_s,
                service_goal=ServiceGoal(
                    percent=row.service_goal_percent, within_s=row.service_goal_s
                ),
                sticky_agent_s=row.sticky_agent_s,
                escalation=_escalation(row),
                standby=Standby(row.standby_waiting, row.standby_wait_s, row.standby_calm_s),
            ),
        )


def read_agent_profiles(connection: Connection, where: Any) -> Iterator[AgentProfile]:
    query = (
        select(AGENT_PROFILES, USERS.c.username)
        .join(USERS, USERS.c.id == AGENT_PROFILES.c.user_id)
        .order_by(USERS.c.username_key)
    )
    if where is not None:
        query = query.where(where)
    profiles = connection.execute(query).all()
    ids = [profile.user_id for profile in profiles]
    skill_names = _skill_names(connection)
    queue_names = {row.id: row.name for row in connection.execute(select(QUEUES))}
    skills: dict[int, dict[str, int]] = {user_id: {} for user_id in ids}
    for skill in connection.execute(
        select(AGENT_SKILLS)
        .where(AGENT_SKILLS.c.user_id.in_(ids))
        .order_by(AGENT_SKILLS.c.skill_id)
    ):
        skills[skill.user_id][skill_names[skill.skill_id]] = skill.level
    memberships: dict[int, list[Membership]] = {user_id: [] for user_id in ids}
    for membership in connection.execute(
        select(AGENT_MEMBERSHIPS)
        .where(AGENT_MEMBERSHIPS.c.user_id.in_(ids))
        .order_by(AGENT_MEMBERSHIPS.c.queue_id)
    ):
        memberships[membership.user_id].append(
            Membership(
                queue=queue_names[membership.queue_id],
                penalty=membership.penalty,
                order=membership.position,
            )
        )
    capacity: dict[int, dict[str, int]] = {user_id: {} for user_id in ids}
    for row in connection.execute(
        select(AGENT_CAPACITIES)
        .where(AGENT_CAPACITIES.c.user_id.in_(ids))
        .order_by(AGENT_CAPACITIES.c.channel)
    ):
        capacity[row.user_id][row.channel] = row.capacity
    for profile in profiles:
        yield AgentProfile(
            user_id=profile.user_id,
            username=profile.username,
            settings=AgentSettings(
                skills=skills[profile.user_id],
                memberships=tuple(memberships[profile.user_id]),
                capacity=capacity[profile.user_id],
                personal_weight=profile.personal_weight,
                standby=profile.standby,
            ),
        )
