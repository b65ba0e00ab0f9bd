"""The configuration service: skills, pause reasons, classification codes, queues, agent
profiles and the licence, read and changed through one object.

Every change runs in one write transaction. Values are checked (``settings.py``) before
the transaction starts and references inside it, so a refused change raises a
``ConfigError`` and leaves the store as it was; the database's own constraints (unique
names, foreign keys, CHECKs) stand behind the same rules.
"""

from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Connection, Engine, Row, Table, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from vaxla_protocol.config import ConfigDocument, QueueFlowItem
from vaxla_server.auth.users import USERS, find_user_row
from vaxla_server.config.call_flow import Context, references, write_queue_flow
from vaxla_server.config.call_flow_service import CallFlowConfiguration
from vaxla_server.config.changes import ChangeKind, ConfigListener, QueueDeleteGuard
from vaxla_server.config.errors import (
    DuplicateName,
    NotAnAgent,
    NotFound,
    StillReferenced,
)
from vaxla_server.config.licence import Licence
from vaxla_server.config.problems import ConfigProblem, Severity
from vaxla_server.config.prompts import DEFAULT_PROMPTS_DIR, PromptLibrary
from vaxla_server.config.settings import (
    AgentProfile,
    AgentSettings,
    ClassificationCode,
    ExpansionStep,
    Membership,
    PauseReason,
    Queue,
    QueueSettings,
    ServiceGoal,
    Skill,
    check_bool,
    check_code,
    check_int,
    check_label,
    check_name,
    checked_agent,
    checked_queue,
)
from vaxla_server.store.models import (
    AgentCapacityRow,
    AgentMembershipRow,
    AgentProfileRow,
    AgentSkillRow,
    ClassificationCodeRow,
    LicenceRow,
    PauseReasonRow,
    QueueExpansionStepRow,
    QueueRequirementRow,
    QueueRow,
    SkillRow,
)
from vaxla_server.store.transactions import write_transaction

SKILLS = cast(Table, SkillRow.__table__)
PAUSE_REASONS = cast(Table, PauseReasonRow.__table__)
CLASSIFICATION_CODES = cast(Table, ClassificationCodeRow.__table__)
QUEUES = cast(Table, QueueRow.__table__)
QUEUE_REQUIREMENTS = cast(Table, QueueRequirementRow.__table__)
QUEUE_EXPANSION_STEPS = cast(Table, QueueExpansionStepRow.__table__)
AGENT_PROFILES = cast(Table, AgentProfileRow.__table__)
AGENT_SKILLS = cast(Table, AgentSkillRow.__table__)
AGENT_MEMBERSHIPS = cast(Table, AgentMembershipRow.__table__)
AGENT_CAPACITIES = cast(Table, AgentCapacityRow.__table__)
LICENCE = cast(Table, LicenceRow.__table__)
_LICENCE_ROW_ID = 1


@dataclass(frozen=True, slots=True)
class ConfigSnapshot:
    """What the dispatcher needs of the configuration, read at one moment."""

    skills: tuple[Skill, ...]
    queues: tuple[Queue, ...]
    agents: tuple[AgentProfile, ...]


class Configuration(CallFlowConfiguration):
    """Reads and changes the stored configuration.

    ``subscribe`` registers a listener told of every committed change;
    ``add_queue_delete_guard`` one that may refuse deleting a queue (calls wait in it).
    """

    def __init__(self, engine: Engine, *, prompts_dir: Path | None = None) -> None:
        self._engine = engine
        self._prompts = PromptLibrary(prompts_dir or DEFAULT_PROMPTS_DIR)
        self._listeners: list[ConfigListener] = []
        self._queue_delete_guards: list[QueueDeleteGuard] = []

    @property
    def engine(self) -> Engine:
        """The store's engine, for services that change users alongside the configuration."""
        return self._engine

    def subscribe(self, listener: ConfigListener) -> None:
        """Call ``listener`` with a ``ConfigChange`` after every committed change."""
        self._listeners.append(listener)

    def add_queue_delete_guard(self, guard: QueueDeleteGuard) -> None:
        """Call ``guard(queue_id, queue_name)`` before deleting a queue; it may raise
        ``QueueNotEmpty`` (or another ``ConfigError``) to refuse."""
        self._queue_delete_guards.append(guard)

    # Skills

    def add_skill(self, name: str) -> Skill:
        checked = check_name(name, "skill name")
        with self._writing("skill", checked) as connection:
            if _id_by(connection, SKILLS, SKILLS.c.name, checked) is not None:
                raise DuplicateName("skill", checked)
            skill_id = connection.execute(
                insert(SKILLS).returning(SKILLS.c.id), {"name": checked}
            ).scalar_one()
        self._notify("skill", checked, ChangeKind.ADDED, skill_id)
        return Skill(id=skill_id, name=checked)

    def skills(self) -> list[Skill]:
        with self._engine.connect() as connection:
            rows = connection.execute(select(SKILLS).order_by(SKILLS.c.name))
            return [Skill(id=row.id, name=row.name) for row in rows]

    def delete_skill(self, name: str) -> None:
        """Delete the skill; refused while a queue requires it or an agent has it."""
        with write_transaction(self._engine) as connection:
            skill_id = _existing_id(connection, SKILLS, SKILLS.c.name, "skill", name)
            queues = connection.execute(
                select(QUEUES.c.name)
                .join(QUEUE_REQUIREMENTS, QUEUE_REQUIREMENTS.c.queue_id == QUEUES.c.id)
                .where(QUEUE_REQUIREMENTS.c.skill_id == skill_id)
                .order_by(QUEUES.c.name)
            ).scalars()
            agents = _agents_using(connection, AGENT_SKILLS.c.skill_id, skill_id)
            used_by = [f"queue {queue!r}" for queue in queues]
            used_by += [f"agent {agent!r}" for agent in agents]
            used_by += sorted(
                {
                    reference.holder
                    for reference in references(connection)
                    if reference.kind == "skill" and reference.target == skill_id
                }
                - set(used_by)
            )
            if used_by:
                raise StillReferenced("skill", name, used_by)
            connection.execute(delete(SKILLS).where(SKILLS.c.id == skill_id))
        self._notify("skill", name, ChangeKind.REMOVED, skill_id)

    # Pause reasons

    def add_pause_reason(
        self, code: str, *, label_sv: str, label_en: str, active: bool = True
    ) -> PauseReason:
        values = {
            "code": check_code(code, "pause reason code"),
            "label_sv": check_label(label_sv, "Swedish label"),
            "label_en": check_label(label_en, "English label"),
            "active": check_bool(active, "active"),
        }
        with self._writing("pause reason", code) as connection:
            if _id_by(connection, PAUSE_REASONS, PAUSE_REASONS.c.code, code) is not None:
                raise DuplicateName("pause reason", code)
            reason_id = connection.execute(
                insert(PAUSE_REASONS).returning(PAUSE_REASONS.c.id), values
            ).scalar_one()
        self._notify("pause reason", code, ChangeKind.ADDED, reason_id)
        return PauseReason(
            id=reason_id, code=code, label_sv=label_sv, label_en=label_en, active=active
        )

    def set_pause_reason_active(self, code: str, active: bool) -> None:
        """Offer the reason to agents again, or stop offering it (it stays in history)."""
        check_bool(active, "active")
        with write_transaction(self._engine) as connection:
            reason_id = _existing_id(
                connection, PAUSE_REASONS, PAUSE_REASONS.c.code, "pause reason", code
            )
            connection.execute(
                update(PAUSE_REASONS).where(PAUSE_REASONS.c.id == reason_id).values(active=active)
            )
        self._notify("pause reason", code, ChangeKind.CHANGED, reason_id)

    def pause_reasons(self) -> list[PauseReason]:
        with self._engine.connect() as connection:
            rows = connection.execute(select(PAUSE_REASONS).order_by(PAUSE_REASONS.c.code))
            return [
                PauseReason(
                    id=row.id,
                    code=row.code,
                    label_sv=row.label_sv,
                    label_en=row.label_en,
                    active=row.active,
                )
                for row in rows
            ]

    # Classification codes

    def add_classification_code(
        self, code: str, *, label_sv: str, label_en: str, group: str, active: bool = True
    ) -> ClassificationCode:
        values = {
            "code": check_code(code, "classification code"),
            "label_sv": check_label(label_sv, "Swedish label"),
            "label_en": check_label(label_en, "English label"),
            "code_group": check_code(group, "classification group"),
            "active": check_bool(active, "active"),
        }
        table = CLASSIFICATION_CODES
        with self._writing("classification code", code) as connection:
            if _id_by(connection, table, table.c.code, code) is not None:
                raise DuplicateName("classification code", code)
            code_id = connection.execute(insert(table).returning(table.c.id), values).scalar_one()
        self._notify("classification code", code, ChangeKind.ADDED, code_id)
        return ClassificationCode(
            id=code_id,
            code=code,
            label_sv=label_sv,
            label_en=label_en,
            group=group,
            active=active,
        )

    def set_classification_code_active(self, code: str, active: bool) -> None:
        check_bool(active, "active")
        table = CLASSIFICATION_CODES
        with write_transaction(self._engine) as connection:
            code_id = _existing_id(connection, table, table.c.code, "classification code", code)
            connection.execute(update(table).where(table.c.id == code_id).values(active=active))
        self._notify("classification code", code, ChangeKind.CHANGED, code_id)

    def classification_codes(self) -> list[ClassificationCode]:
        table = CLASSIFICATION_CODES
        with self._engine.connect() as connection:
            rows = connection.execute(select(table).order_by(table.c.code_group, table.c.code))
            return [
                ClassificationCode(
                    id=row.id,
                    code=row.code,
                    label_sv=row.label_sv,
                    label_en=row.label_en,
                    group=row.code_group,
                    active=row.active,
                )
                for row in rows
            ]

    # Queues

    def add_queue(self, settings: QueueSettings, flow: QueueFlowItem | None = None) -> Queue:
        """Add the queue, and its call flow when ``flow`` is given (in the same
        transaction)."""
        checked = checked_queue(settings)
        with self._writing("queue", checked.name) as connection:
            if _id_by(connection, QUEUES, QUEUES.c.name, checked.name) is not None:
                raise DuplicateName("queue", checked.name)
            requirements = _skill_ids(connection, checked.requirements)
            queue_id = connection.execute(
                insert(QUEUES).returning(QUEUES.c.id), _queue_values(checked)
            ).scalar_one()
            _insert_queue_children(connection, queue_id, requirements, checked.expansion)
            if flow is not None:
                write_queue_flow(Context(connection, self._prompts), queue_id, checked.name, flow)
        self._notify("queue", checked.name, ChangeKind.ADDED, queue_id)
        return Queue(id=queue_id, settings=checked)

    def update_queue(
        self, name: str, settings: QueueSettings, flow: QueueFlowItem | None = None
    ) -> Queue:
        """Replace the configuration of the queue ``name`` (``settings.name`` may rename it),
        and its call flow when ``flow`` is given; its id, and so the agents' memberships
        and what points to it, stay."""
        checked = checked_queue(settings)
        with self._writing("queue", checked.name) as connection:
            queue_id = _existing_id(connection, QUEUES, QUEUES.c.name, "queue", name)
            other = _id_by(connection, QUEUES, QUEUES.c.name, checked.name)
            if other is not None and other != queue_id:
                raise DuplicateName("queue", checked.name)
            requirements = _skill_ids(connection, checked.requirements)
            connection.execute(
                update(QUEUES).where(QUEUES.c.id == queue_id).values(_queue_values(checked))
            )
            for child in (QUEUE_REQUIREMENTS, QUEUE_EXPANSION_STEPS):
                connection.execute(delete(child).where(child.c.queue_id == queue_id))
            _insert_queue_children(connection, queue_id, requirements, checked.expansion)
            if flow is not None:
                write_queue_flow(Context(connection, self._prompts), queue_id, checked.name, flow)
        self._notify("queue", checked.name, ChangeKind.CHANGED, queue_id)
        return Queue(id=queue_id, settings=checked)

    def queue(self, name: str) -> Queue:
        with self._engine.connect() as connection:
            row = connection.execute(select(QUEUES).where(QUEUES.c.name == name)).one_or_none()
            if row is None:
                raise NotFound("queue", name)
            return next(_queues(connection, [row]))

    def queues(self) -> list[Queue]:
        with self._engine.connect() as connection:
            rows = connection.execute(select(QUEUES).order_by(QUEUES.c.name)).all()
            return list(_queues(connection, rows))

    def delete_queue(self, name: str) -> None:
        """Delete the queue with its call flow and alarm rules; refused while agents are
        members of it, other configuration points to it, or a delete guard says calls
        wait in it (``QueueNotEmpty``)."""
        with write_transaction(self._engine) as connection:
            queue_id = _existing_id(connection, QUEUES, QUEUES.c.name, "queue", name)
            members = _agents_using(connection, AGENT_MEMBERSHIPS.c.queue_id, queue_id)
            used_by = [f"agent {member!r}" for member in members]
            used_by += sorted(
                {
                    reference.holder
                    for reference in references(connection)
                    if reference.kind == "queue"
                    and reference.target == queue_id
                    and not (reference.holder_kind == "queue" and reference.holder_id == queue_id)
                }
            )
            if used_by:
                raise StillReferenced("queue", name, used_by)
            for guard in self._queue_delete_guards:
                guard(queue_id, name)
            connection.execute(delete(QUEUES).where(QUEUES.c.id == queue_id))
        self._notify("queue", name, ChangeKind.REMOVED, queue_id)

    # Agent profiles

    def set_agent_profile(self, username: str, settings: AgentSettings) -> AgentProfile:
        """Give the agent ``username`` this profile, replacing the one it had."""
        checked = checked_agent(settings)
        with write_transaction(self._engine) as connection:
            profile = write_agent_profile(connection, username, checked)
        self._notify("agent profile", profile.username, ChangeKind.CHANGED, profile.user_id)
        return profile

    def agent_profile(self, username: str) -> AgentProfile:
        with self._engine.connect() as connection:
            user = find_user_row(connection, username)
            if user is None:
                raise NotFound("user", username)
            profiles = list(_agent_profiles(connection, AGENT_PROFILES.c.user_id == user.id))
        if not profiles:
            raise NotFound("agent profile", username)
        return profiles[0]

    def agent_profiles(self) -> list[AgentProfile]:
        with self._engine.connect() as connection:
            return list(_agent_profiles(connection, None))

    def delete_agent_profile(self, username: str) -> None:
        with write_transaction(self._engine) as connection:
            user = find_user_row(connection, username)
            if user is None:
                raise NotFound("user", username)
            deleted = connection.execute(
                delete(AGENT_PROFILES).where(AGENT_PROFILES.c.user_id == user.id)
            ).rowcount
            if deleted == 0:
                raise NotFound("agent profile", username)
        self._notify("agent profile", username, ChangeKind.REMOVED, user.id)

    def snapshot(self) -> ConfigSnapshot:
        """Skills, queues and agent profiles as one consistent view (one read transaction,
        REPEATABLE READ on PostgreSQL), for handing to the dispatcher."""
        with self._engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                connection.execution_options(isolation_level="REPEATABLE READ")
            with connection.begin():
                skills = [
                    Skill(id=row.id, name=row.name)
                    for row in connection.execute(select(SKILLS).order_by(SKILLS.c.name))
                ]
                queue_rows = connection.execute(select(QUEUES).order_by(QUEUES.c.name)).all()
                queues = list(_queues(connection, queue_rows))
                agents = list(_agent_profiles(connection, None))
        return ConfigSnapshot(skills=tuple(skills), queues=tuple(queues), agents=tuple(agents))

    # The licence

    def set_licence(self, max_logged_in_agents: int) -> Licence:
        limit = check_int(max_logged_in_agents, "maximum of logged-in agents", 0)
        with write_transaction(self._engine) as connection:
            updated = connection.execute(
                update(LICENCE)
                .where(LICENCE.c.id == _LICENCE_ROW_ID)
                .values(max_logged_in_agents=limit)
            ).rowcount
            if updated == 0:
                connection.execute(
                    insert(LICENCE), {"id": _LICENCE_ROW_ID, "max_logged_in_agents": limit}
                )
        self._notify("licence", "licence", ChangeKind.CHANGED)
        return Licence(limit)

    def licence(self) -> Licence | None:
        """The licence, or ``None`` when none has been set."""
        with self._engine.connect() as connection:
            limit = connection.execute(select(LICENCE.c.max_logged_in_agents)).scalar_one_or_none()
        return None if limit is None else Licence(limit)

    # The whole configuration

    def apply_document(self, document: ConfigDocument) -> None:
        """Replace the whole configuration with ``document`` in one transaction: all of
        it, or nothing and ``InvalidDocument`` listing every problem."""
        from vaxla_server.config import document as documents

        with write_transaction(self._engine) as connection:
            documents.apply(connection, self._prompts, document)
        self._notify("document", "document", ChangeKind.CHANGED)

    def export_document(self) -> ConfigDocument:
        """The whole configuration as one document (``apply_document`` loads it back)."""
        from vaxla_server.config import document as documents

        with self._engine.connect() as connection, connection.begin():
            return documents.export(connection)

    def check(self) -> list[ConfigProblem]:
        """Problems of the whole stored configuration, errors first."""
        from vaxla_server.config import document as documents

        with self._engine.connect() as connection:
            problems = documents.check(connection, self._prompts)
        return sorted(problems, key=lambda problem: problem.severity is not Severity.ERROR)

    def _writing(self, kind: str, name: str) -> AbstractContextManager[Connection]:
        return _unique_write(self._engine, kind, name)


def write_agent_profile(
    connection: Connection, username: str, checked: AgentSettings
) -> AgentProfile:
    """Give the agent ``username`` the checked profile, replacing the one it had."""
    user = find_user_row(connection, username)
    if user is None:
        raise NotFound("user", username)
    if user.role != "agent":
        raise NotAnAgent(user.username, user.role)
    skills = _skill_ids(connection, checked.skills)
    memberships = [
        (
            _existing_id(connection, QUEUES, QUEUES.c.name, "queue", membership.queue),
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


@contextmanager
def _unique_write(engine: Engine, kind: str, name: str) -> Iterator[Connection]:
    """A write transaction in which a clash of names that only the database saw (another
    writer got there between the check and the insert) becomes ``DuplicateName``."""
    try:
        with write_transaction(engine) as connection:
            yield connection
    except IntegrityError as error:
        if not _is_unique_violation(error):
            raise
        raise DuplicateName(kind, name) from None


def _is_unique_violation(error: IntegrityError) -> bool:
    # PostgreSQL's SQLSTATE for unique_violation; SQLite says so in its message.
    return getattr(error.orig, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(
        error.orig
    )


def _id_by(connection: Connection, table: Table, column: Any, value: str) -> int | None:
    found: int | None = connection.execute(
        select(table.c.id).where(column == value)
    ).scalar_one_or_none()
    return found


def _agents_using(connection: Connection, link: Any, value: int) -> list[str]:
    """User names of the agents whose row in ``link``'s table (agent skills, memberships)
    has ``value`` in that column, in name order."""
    table = link.table
    return list(
        connection.execute(
            select(USERS.c.username)
            .join(table, table.c.user_id == USERS.c.id)
            .where(link == value)
            .order_by(USERS.c.username_key)
        ).scalars()
    )


def _existing_id(connection: Connection, table: Table, column: Any, kind: str, name: str) -> int:
    found = _id_by(connection, table, column, name)
    if found is None:
        raise NotFound(kind, name)
    return found


def _skill_ids(connection: Connection, levels: Mapping[str, int]) -> dict[int, int]:
    """Skill names to ids, keeping the levels; ``NotFound`` names the first unknown one."""
    return {
        _existing_id(connection, SKILLS, SKILLS.c.name, "skill", name): level
        for name, level in levels.items()
    }


def _queue_values(settings: QueueSettings) -> dict[str, object]:
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
    }


def _insert_queue_children(
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


def _queues(connection: Connection, rows: Sequence[Row[Any]]) -> Iterator[Queue]:
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
            ),
        )


def _agent_profiles(connection: Connection, where: Any) -> Iterator[AgentProfile]:
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
