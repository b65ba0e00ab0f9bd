"""The configuration service: skills, pause reasons, classification codes, queues, agent
profiles and the licence, read and changed through one object.

Every change runs in one write transaction. Values are checked (``settings.py``) before
the transaction starts and references inside it, so a refused change raises a
``ConfigError`` and leaves the store as it was; the database's own constraints (unique
names, foreign keys, CHECKs) stand behind the same rules.
"""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, update

from vaxla_protocol.config import ConfigDocument, QueueFlowItem
from vaxla_server.auth.users import USERS, find_user_row
from vaxla_server.config import document as documents
from vaxla_server.config.call_flow import Context, references, write_queue_flow
from vaxla_server.config.call_flow_service import CallFlowConfiguration
from vaxla_server.config.changes import (
    CONFIG_CHANGED,
    ChangeKind,
    ConfigListener,
    QueueDeleteGuard,
)
from vaxla_server.config.errors import DuplicateName, NotFound, StillReferenced
from vaxla_server.config.licence import Licence
from vaxla_server.config.problems import ConfigProblem, Severity
from vaxla_server.config.prompts import DEFAULT_PROMPTS_DIR, PromptLibrary
from vaxla_server.config.repository import unique_write
from vaxla_server.config.routing import (
    existing_id,
    id_by,
    insert_queue_children,
    queue_values,
    read_agent_profiles,
    read_queues,
    skill_ids,
    write_agent_profile,
)
from vaxla_server.config.settings import (
    AgentProfile,
    AgentSettings,
    ClassificationCode,
    PauseReason,
    Queue,
    QueueSettings,
    Skill,
    check_bool,
    check_code,
    check_int,
    check_label,
    check_name,
    checked_agent,
    checked_queue,
)
from vaxla_server.config.tables import (
    AGENT_MEMBERSHIPS,
    AGENT_PROFILES,
    AGENT_SKILLS,
    CLASSIFICATION_CODES,
    LICENCE,
    PAUSE_REASONS,
    QUEUE_EXPANSION_STEPS,
    QUEUE_REQUIREMENTS,
    QUEUES,
    SKILLS,
)
from vaxla_server.notifier import Notifier
from vaxla_server.store.transactions import SQLITE_BEGIN, write_transaction

_LICENCE_ROW_ID = 1


@dataclass(frozen=True, slots=True)
class ConfigSnapshot:
    """What the dispatcher needs of the configuration, read at one moment."""

    skills: tuple[Skill, ...]
    queues: tuple[Queue, ...]
    agents: tuple[AgentProfile, ...]


class Configuration(CallFlowConfiguration):
    """Reads and changes the stored configuration.

    Every committed change is published on ``notifier`` (``CONFIG_CHANGED``);
    ``add_queue_delete_guard`` registers a check that may refuse deleting a queue (calls
    wait in it).
    """

    def __init__(
        self,
        engine: Engine,
        *,
        prompts_dir: Path | None = None,
        notifier: Notifier | None = None,
    ) -> None:
        super().__init__(
            engine, PromptLibrary(prompts_dir or DEFAULT_PROMPTS_DIR), notifier or Notifier()
        )
        self._queue_delete_guards: list[QueueDeleteGuard] = []

    @property
    def engine(self) -> Engine:
        """The store's engine, for services that change users alongside the configuration."""
        return self._engine

    def subscribe(self, listener: ConfigListener) -> Callable[[], None]:
        """Call ``listener`` with a ``ConfigChange`` after every committed change (a
        subscription to ``CONFIG_CHANGED`` on this configuration's notifier)."""
        return self.notifier.subscribe(CONFIG_CHANGED, listener)

    def add_queue_delete_guard(self, guard: QueueDeleteGuard) -> None:
        """Call ``guard(queue_id, queue_name)`` before deleting a queue; it may raise
        ``QueueNotEmpty`` (or another ``ConfigError``) to refuse."""
        self._queue_delete_guards.append(guard)

    # Skills

    def add_skill(self, name: str) -> Skill:
        checked = check_name(name, "skill name")
        with unique_write(self._engine, "skill", checked) as connection:
            if id_by(connection, SKILLS, SKILLS.c.name, checked) is not None:
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
            skill_id = existing_id(connection, SKILLS, SKILLS.c.name, "skill", name)
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
        with unique_write(self._engine, "pause reason", code) as connection:
            if id_by(connection, PAUSE_REASONS, PAUSE_REASONS.c.code, code) is not None:
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
            reason_id = existing_id(
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
        with unique_write(self._engine, "classification code", code) as connection:
            if id_by(connection, table, table.c.code, code) is not None:
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
            code_id = existing_id(connection, table, table.c.code, "classification code", code)
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
        with unique_write(self._engine, "queue", checked.name) as connection:
            if id_by(connection, QUEUES, QUEUES.c.name, checked.name) is not None:
                raise DuplicateName("queue", checked.name)
            requirements = skill_ids(connection, checked.requirements)
            queue_id = connection.execute(
                insert(QUEUES).returning(QUEUES.c.id), queue_values(checked)
            ).scalar_one()
            insert_queue_children(connection, queue_id, requirements, checked.expansion)
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
        with unique_write(self._engine, "queue", checked.name) as connection:
            queue_id = existing_id(connection, QUEUES, QUEUES.c.name, "queue", name)
            other = id_by(connection, QUEUES, QUEUES.c.name, checked.name)
            if other is not None and other != queue_id:
                raise DuplicateName("queue", checked.name)
            requirements = skill_ids(connection, checked.requirements)
            connection.execute(
                update(QUEUES).where(QUEUES.c.id == queue_id).values(queue_values(checked))
            )
            for child in (QUEUE_REQUIREMENTS, QUEUE_EXPANSION_STEPS):
                connection.execute(delete(child).where(child.c.queue_id == queue_id))
            insert_queue_children(connection, queue_id, requirements, checked.expansion)
            if flow is not None:
                write_queue_flow(Context(connection, self._prompts), queue_id, checked.name, flow)
        self._notify("queue", checked.name, ChangeKind.CHANGED, queue_id)
        return Queue(id=queue_id, settings=checked)

    def queue(self, name: str) -> Queue:
        with self._engine.connect() as connection:
            row = connection.execute(select(QUEUES).where(QUEUES.c.name == name)).one_or_none()
            if row is None:
                raise NotFound("queue", name)
            return next(read_queues(connection, [row]))

    def queues(self) -> list[Queue]:
        with self._engine.connect() as connection:
            rows = connection.execute(select(QUEUES).order_by(QUEUES.c.name)).all()
            return list(read_queues(connection, rows))

    def delete_queue(self, name: str) -> None:
        """Delete the queue with its call flow and alarm rules; refused while agents are
        members of it, other configuration points to it, or a delete guard says calls
        wait in it (``QueueNotEmpty``)."""
        with write_transaction(self._engine) as connection:
            queue_id = existing_id(connection, QUEUES, QUEUES.c.name, "queue", name)
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
            profiles = list(read_agent_profiles(connection, AGENT_PROFILES.c.user_id == user.id))
        if not profiles:
            raise NotFound("agent profile", username)
        return profiles[0]

    def agent_profiles(self) -> list[AgentProfile]:
        with self._engine.connect() as connection:
            return list(read_agent_profiles(connection, None))

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
                queues = list(read_queues(connection, queue_rows))
                agents = list(read_agent_profiles(connection, None))
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
        with write_transaction(self._engine) as connection:
            documents.apply(connection, self._prompts, document)
        self._notify("document", "document", ChangeKind.CHANGED)

    def preview_document(
        self, document: ConfigDocument
    ) -> tuple[list[tuple[str, str, str, list[str]]], list[ConfigProblem]]:
        """What ``apply_document`` would change, and the problems the result would have:
        the document applied in a transaction that is rolled back, so it is checked by the
        same rules (``InvalidDocument`` when they refuse it) and nothing is stored."""
        with self._engine.connect() as connection:
            connection.execution_options(**{SQLITE_BEGIN: "IMMEDIATE"})
            transaction = connection.begin()
            try:
                before = documents.export(connection)
                documents.apply(connection, self._prompts, document)
                after = documents.export(connection)
                problems = documents.check(connection, self._prompts)
            finally:
                transaction.rollback()
        return documents.differences(before, after), problems

    def export_document(self) -> ConfigDocument:
        """The whole configuration as one document (``apply_document`` loads it back)."""
        with self._engine.connect() as connection, connection.begin():
            return documents.export(connection)

    def check(self) -> list[ConfigProblem]:
        """Problems of the whole stored configuration, errors first."""
        with self._engine.connect() as connection:
            problems = documents.check(connection, self._prompts)
        return sorted(problems, key=lambda problem: problem.severity is not Severity.ERROR)


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
