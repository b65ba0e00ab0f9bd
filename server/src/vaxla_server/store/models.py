"""The tables, as SQLAlchemy declarative models.

The migrations in ``migrations/versions`` create these tables; a test compares the two,
so a change here without a migration fails.
"""

from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Identity,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# SQLite makes only an INTEGER PRIMARY KEY the rowid; PostgreSQL gets a 64-bit identity.
BigId = BigInteger().with_variant(Integer(), "sqlite")
JsonPayload = JSON().with_variant(JSONB(), "postgresql")


class UtcDateTime(TypeDecorator[datetime]):
    """A time-zone aware instant, stored and returned in UTC on every engine.

    SQLite has no time zones, so the value is stored as UTC without an offset and given
    back its zone on the way out; PostgreSQL keeps a ``timestamptz``.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value.isoformat()} has no time zone")
        utc = value.astimezone(UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    pass


class EventRow(Base):
    """One entry of the append-only event log (see ``events.py`` for the kinds).

    The database refuses UPDATE and DELETE on this table (triggers made by the first
    migration). ``kind`` is not constrained in the database: the catalogue grows with the
    product, and ``EventLog.append`` is the one way rows get in.
    """

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_contact_id", "contact_id", "id"),
        Index("ix_events_agent_id", "agent_id", "id"),
        Index("ix_events_queue_id", "queue_id", "id"),
        Index("ix_events_kind", "kind", "id"),
        Index("ix_events_at", "at"),
        # Never reuse the id of a rolled-back row; readers page by id.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigId, Identity(always=True), primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())
    kind: Mapped[str] = mapped_column(String(40))
    contact_id: Mapped[int | None] = mapped_column(BigInteger)
    agent_id: Mapped[int | None] = mapped_column(BigInteger)
    queue_id: Mapped[int | None] = mapped_column(BigInteger)
    payload: Mapped[dict[str, Any]] = mapped_column(JsonPayload)


# The roles a user can have; the same values as ``vaxla_protocol.Role``.
USER_ROLES = ("agent", "operator", "supervisor", "admin")


class StoreProbeRow(Base):
    """One row the health check rewrites, to know the store can write (revision 0005)."""

    __tablename__ = "store_probe"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    checks: Mapped[int] = mapped_column(BigInteger, nullable=False)
    alive_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class UserRow(Base):
    """A person who logs in: agents, operators, supervisors and administrators.

    ``username_key`` is the user name in lower case; its unique index makes user names
    unique without regard to case, and logins look users up by it.
    """

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "role IN (" + ", ".join(f"'{role}'" for role in USER_ROLES) + ")",
            name="ck_users_role",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    username_key: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class TokenRow(Base):
    """A session opened by a login. Only the SHA-256 of the bearer token is kept."""

    __tablename__ = "tokens"
    __table_args__ = (Index("ix_tokens_user_id", "user_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(Integer, ForeignKey("users.id", ondelete="CASCADE"))
    issued_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


# The distribution strategies a queue may use: the dispatcher's names (R11).
QUEUE_STRATEGIES = (
    "sequential",
    "longest_idle",
    "round_robin",
    "fewest_calls",
    "least_talk_time",
    "random",
    "ring_all",
    "skills",
)
# Skill levels and required levels, as the dispatcher reads them.
MAX_SKILL_LEVEL = 100


def _in_list(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ", ".join(f"'{value}'" for value in values) + ")"


class SkillRow(Base):
    """A skill agents have at a level and queues (or contacts) require."""

    __tablename__ = "skills"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)


class PauseReasonRow(Base):
    """A reason an agent can give for a pause (R20), labelled in Swedish and English."""

    __tablename__ = "pause_reasons"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    label_sv: Mapped[str] = mapped_column(String(200))
    label_en: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean)


class ClassificationCodeRow(Base):
    """A code an agent classifies an answered call with (R21), in a group such as
    ``product``, ``fault`` or ``outcome``."""

    __tablename__ = "classification_codes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    label_sv: Mapped[str] = mapped_column(String(200))
    label_en: Mapped[str] = mapped_column(String(200))
    code_group: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean)


ESCALATION_CHECKS = (
    CheckConstraint(
        "(escalation_after_s IS NULL AND escalation_raise_by IS NULL "
        "AND escalation_every_s IS NULL AND escalation_max_priority IS NULL) OR "
        "(escalation_after_s IS NOT NULL AND escalation_raise_by IS NOT NULL "
        "AND escalation_max_priority IS NOT NULL AND escalation_after_s > 0 "
        "AND escalation_raise_by >= 1 AND escalation_max_priority >= 1 "
        "AND escalation_max_priority <= 100 "
        "AND (escalation_every_s IS NULL OR escalation_every_s > 0))",
        name="ck_queues_escalation",
    ),
)
"""A queue's escalation rule is whole or absent (migration 0007 adds the same check)."""


class QueueRow(Base):
    """A queue: the dispatcher's settings for it and the call flow's timers and goals."""

    __tablename__ = "queues"
    __table_args__ = (
        CheckConstraint(_in_list("strategy", QUEUE_STRATEGIES), name="ck_queues_strategy"),
        CheckConstraint("max_penalty IS NULL OR max_penalty >= 0", name="ck_queues_max_penalty"),
        CheckConstraint("exclusion_s >= 0", name="ck_queues_exclusion_s"),
        CheckConstraint("ring_timeout_s > 0", name="ck_queues_ring_timeout_s"),
        CheckConstraint("wrap_up_s >= 0", name="ck_queues_wrap_up_s"),
        CheckConstraint(
            "service_goal_percent >= 0 AND service_goal_percent <= 100",
            name="ck_queues_service_goal_percent",
        ),
        CheckConstraint("service_goal_s > 0", name="ck_queues_service_goal_s"),
        CheckConstraint("sticky_agent_s >= 0", name="ck_queues_sticky_agent_s"),
        *ESCALATION_CHECKS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    strategy: Mapped[str] = mapped_column(String(20))
    weight: Mapped[int] = mapped_column(Integer)
    max_penalty: Mapped[int | None] = mapped_column(Integer)
    exclusion_s: Mapped[float] = mapped_column(Float)
    autopause: Mapped[bool] = mapped_column(Boolean)
    ring_timeout_s: Mapped[float] = mapped_column(Float)
    wrap_up_s: Mapped[float] = mapped_column(Float)
    service_goal_percent: Mapped[float] = mapped_column(Float)
    service_goal_s: Mapped[float] = mapped_column(Float)
    sticky_agent_s: Mapped[float] = mapped_column(Float)
    escalation_after_s: Mapped[float | None] = mapped_column(Float)
    """The escalation rule (R16): all four null, or ``after_s``, ``raise_by`` and
    ``max_priority`` given (``every_s`` null: once only)."""
    escalation_raise_by: Mapped[int | None] = mapped_column(Integer)
    escalation_every_s: Mapped[float | None] = mapped_column(Float)
    escalation_max_priority: Mapped[int | None] = mapped_column(Integer)
    standby_waiting: Mapped[int | None] = mapped_column(Integer)
    """Stand-by agents are logged in when this many callers wait (revision 0009)."""
    standby_wait_s: Mapped[float | None] = mapped_column(Float)
    """... or when the longest wait reaches this many seconds."""
    standby_calm_s: Mapped[float] = mapped_column(Float)
    """... and logged out once neither holds for this long."""


class QueueRequirementRow(Base):
    """A skill a queue requires, at least at ``level``. A skill in use cannot be deleted."""

    __tablename__ = "queue_requirements"
    __table_args__ = (
        CheckConstraint(
            f"level >= 0 AND level <= {MAX_SKILL_LEVEL}", name="ck_queue_requirements_level"
        ),
        Index("ix_queue_requirements_skill_id", "skill_id"),
    )

    queue_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("queues.id", ondelete="CASCADE"), primary_key=True
    )
    skill_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("skills.id", ondelete="RESTRICT"), primary_key=True
    )
    level: Mapped[int] = mapped_column(Integer)


class QueueExpansionStepRow(Base):
    """One step of a queue's skill expansion, ``position`` 0 first (see the dispatcher's
    ``ExpansionStep``)."""

    __tablename__ = "queue_expansion_steps"
    __table_args__ = (
        CheckConstraint("after_s >= 0", name="ck_queue_expansion_steps_after_s"),
        CheckConstraint(
            f"relax >= 0 AND relax <= {MAX_SKILL_LEVEL}", name="ck_queue_expansion_steps_relax"
        ),
        CheckConstraint(
            "max_penalty IS NULL OR max_penalty >= 0",
            name="ck_queue_expansion_steps_max_penalty",
        ),
    )

    queue_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("queues.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    after_s: Mapped[float] = mapped_column(Float)
    relax: Mapped[int] = mapped_column(Integer)
    max_penalty: Mapped[int | None] = mapped_column(Integer)


class AgentProfileRow(Base):
    """How an agent (a user of role ``agent``) takes contacts: the dispatcher's profile."""

    __tablename__ = "agent_profiles"

    user_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    personal_weight: Mapped[int] = mapped_column(Integer)
    standby: Mapped[bool] = mapped_column(Boolean)


class AgentSkillRow(Base):
    """A skill an agent has, at ``level``."""

    __tablename__ = "agent_skills"
    __table_args__ = (
        CheckConstraint(f"level >= 0 AND level <= {MAX_SKILL_LEVEL}", name="ck_agent_skills_level"),
        Index("ix_agent_skills_skill_id", "skill_id"),
    )

    user_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("agent_profiles.user_id", ondelete="CASCADE"), primary_key=True
    )
    skill_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("skills.id", ondelete="RESTRICT"), primary_key=True
    )
    level: Mapped[int] = mapped_column(Integer)


class AgentMembershipRow(Base):
    """An agent's membership of a queue: lower ``penalty`` is offered first; ``position``
    is the fixed order of ``sequential`` and ``round_robin``."""

    __tablename__ = "agent_memberships"
    __table_args__ = (
        CheckConstraint("penalty >= 0", name="ck_agent_memberships_penalty"),
        Index("ix_agent_memberships_queue_id", "queue_id"),
    )

    user_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("agent_profiles.user_id", ondelete="CASCADE"), primary_key=True
    )
    queue_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("queues.id", ondelete="RESTRICT"), primary_key=True
    )
    penalty: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)


class AgentCapacityRow(Base):
    """How many contacts of a channel (``voice``, ``chat``, ...) an agent takes at once."""

    __tablename__ = "agent_capacities"
    __table_args__ = (CheckConstraint("capacity >= 0", name="ck_agent_capacities_capacity"),)

    user_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("agent_profiles.user_id", ondelete="CASCADE"), primary_key=True
    )
    channel: Mapped[str] = mapped_column(String(32), primary_key=True)
    capacity: Mapped[int] = mapped_column(Integer)


class LicenceRow(Base):
    """The licence: at most ``max_logged_in_agents`` agents logged in at once (R34).

    One row at most (``id`` is 1); no row means no licence has been set.
    """

    __tablename__ = "licence"
    __table_args__ = (
        CheckConstraint("id = 1", name="ck_licence_single_row"),
        CheckConstraint("max_logged_in_agents >= 0", name="ck_licence_max_logged_in_agents"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    max_logged_in_agents: Mapped[int] = mapped_column(Integer)


# Revision 0004: the call flow's configuration. References that live inside an action
# (a menu key's target, an overflow target) are kept as JSON holding row ids, checked
# by the configuration service on every write and before every delete; the plain
# references are foreign keys.

PROMPT_LANGUAGES = ("sv", "en")
HOLIDAY_POLICIES = ("ignore", "closed", "holiday_hours")
DIGIT_KINDS = ("customer_number", "personnummer", "pin", "free_digits")
ALARM_METRICS = ("waiting_count", "longest_wait_s", "service_level_pct", "agents_ready")
ALARM_COMPARISONS = (">", ">=", "<", "<=")
ALARM_SEVERITIES = ("info", "warning", "critical")


class ScheduleRow(Base):
    """Named opening hours: weekly intervals, a holiday policy and dated exceptions."""

    __tablename__ = "schedules"
    __table_args__ = (
        CheckConstraint(
            _in_list("holiday_policy", HOLIDAY_POLICIES), name="ck_schedules_holiday_policy"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    time_zone: Mapped[str] = mapped_column(String(64))
    holiday_policy: Mapped[str] = mapped_column(String(20))
    include_holiday_eves: Mapped[bool] = mapped_column(Boolean)


class ScheduleIntervalRow(Base):
    """An opening interval of a schedule: on ``weekday`` (0 is Monday), or on holidays
    when ``weekday`` is NULL (the holiday hours)."""

    __tablename__ = "schedule_intervals"
    __table_args__ = (
        CheckConstraint(
            "weekday IS NULL OR (weekday >= 0 AND weekday <= 6)",
            name="ck_schedule_intervals_weekday",
        ),
    )

    schedule_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("schedules.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    weekday: Mapped[int | None] = mapped_column(Integer)
    start: Mapped[time] = mapped_column(Time)
    end: Mapped[time] = mapped_column(Time)
    crosses_midnight: Mapped[bool] = mapped_column(Boolean)


class ScheduleExceptionRow(Base):
    """A dated exception: open or closed on ``day`` from ``start`` to ``end``."""

    __tablename__ = "schedule_exceptions"

    schedule_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("schedules.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    is_open: Mapped[bool] = mapped_column(Boolean)
    start: Mapped[time | None] = mapped_column(Time)
    end: Mapped[time | None] = mapped_column(Time)
    label: Mapped[str] = mapped_column(String(200))


class PromptRow(Base):
    """A prompt of one language that is not (only) the default set's: ``custom_path``
    is its audio file."""

    __tablename__ = "prompts"
    __table_args__ = (
        UniqueConstraint("name", "language", name="uq_prompts_name_language"),
        CheckConstraint(_in_list("language", PROMPT_LANGUAGES), name="ck_prompts_language"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(2))
    custom_path: Mapped[str | None] = mapped_column(String(1000))


class AnnouncementSetRow(Base):
    """Announcements several queues share (R10); ``periodic`` is a JSON list of prompt
    names played in rotation."""

    __tablename__ = "announcement_sets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    first_prompt: Mapped[str | None] = mapped_column(String(64))
    periodic: Mapped[Any] = mapped_column(JsonPayload)
    periodic_interval_s: Mapped[float] = mapped_column(Float)
    announce_position: Mapped[bool] = mapped_column(Boolean)
    announce_wait: Mapped[bool] = mapped_column(Boolean)
    announce_agents_answering: Mapped[bool] = mapped_column(Boolean)


class DigitCollectionRow(Base):
    """How to collect one entry (customer number, personnummer, PIN, free digits);
    ``on_failure`` is the encoded action after the last failed try, NULL to go on."""

    __tablename__ = "digit_collections"
    __table_args__ = (
        CheckConstraint(_in_list("kind", DIGIT_KINDS), name="ck_digit_collections_kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    min_length: Mapped[int | None] = mapped_column(Integer)
    max_length: Mapped[int | None] = mapped_column(Integer)
    luhn: Mapped[bool] = mapped_column(Boolean)
    allow_samordningsnummer: Mapped[bool] = mapped_column(Boolean)
    retries: Mapped[int] = mapped_column(Integer)
    prompt: Mapped[str] = mapped_column(String(64))
    invalid_prompt: Mapped[str] = mapped_column(String(64))
    on_failure: Mapped[Any | None] = mapped_column(JsonPayload)


class MenuRow(Base):
    """A menu of one language; ``on_timeout`` is its encoded action after the retries."""

    __tablename__ = "menus"
    __table_args__ = (
        CheckConstraint(_in_list("language", PROMPT_LANGUAGES), name="ck_menus_language"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    language: Mapped[str] = mapped_column(String(2))
    prompt: Mapped[str] = mapped_column(String(64))
    timeout_s: Mapped[float] = mapped_column(Float)
    retries: Mapped[int] = mapped_column(Integer)
    invalid_prompt: Mapped[str] = mapped_column(String(64))
    on_timeout: Mapped[Any] = mapped_column(JsonPayload)


class MenuKeyRow(Base):
    """A DTMF key of a menu and its encoded action."""

    __tablename__ = "menu_keys"

    menu_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("menus.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(1), primary_key=True)
    action: Mapped[Any] = mapped_column(JsonPayload)


class EntryPointRow(Base):
    """A dialled address (the SIP user part) and what happens to its callers."""

    __tablename__ = "entry_points"
    __table_args__ = (
        CheckConstraint(_in_list("language", PROMPT_LANGUAGES), name="ck_entry_points_language"),
        Index("ix_entry_points_schedule_id", "schedule_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    address: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    language: Mapped[str] = mapped_column(String(2))
    schedule_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("schedules.id", ondelete="RESTRICT")
    )
    welcome_prompt: Mapped[str | None] = mapped_column(String(64))
    first_action: Mapped[Any] = mapped_column(JsonPayload)
    when_closed: Mapped[Any | None] = mapped_column(JsonPayload)
    when_nobody_logged_in: Mapped[Any | None] = mapped_column(JsonPayload)


class QueueFlowRow(Base):
    """A queue's call flow: announcements, overflow rules and callback."""

    __tablename__ = "queue_flows"
    __table_args__ = (
        CheckConstraint("max_length IS NULL OR max_length >= 1", name="ck_queue_flows_max_length"),
        CheckConstraint("max_wait_s IS NULL OR max_wait_s > 0", name="ck_queue_flows_max_wait_s"),
        Index("ix_queue_flows_announcement_set_id", "announcement_set_id"),
        Index("ix_queue_flows_schedule_id", "schedule_id"),
    )

    queue_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("queues.id", ondelete="CASCADE"), primary_key=True
    )
    announcement_set_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("announcement_sets.id", ondelete="RESTRICT")
    )
    max_length: Mapped[int | None] = mapped_column(Integer)
    on_max_length: Mapped[Any | None] = mapped_column(JsonPayload)
    max_wait_s: Mapped[float | None] = mapped_column(Float)
    on_max_wait: Mapped[Any | None] = mapped_column(JsonPayload)
    schedule_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("schedules.id", ondelete="RESTRICT")
    )
    on_closed: Mapped[Any | None] = mapped_column(JsonPayload)
    on_nobody_logged_in: Mapped[Any | None] = mapped_column(JsonPayload)
    callback: Mapped[Any | None] = mapped_column(JsonPayload)
    """The queue's callback (R17, revision 0015) as ``CallbackItem`` JSON; None: no callback."""


class QueuePriorityRuleRow(Base):
    """Callers whose number starts with ``prefix`` get ``priority`` in the queue and,
    when ``skill_id`` is set, need that skill at ``skill_level``."""

    __tablename__ = "queue_priority_rules"
    __table_args__ = (Index("ix_queue_priority_rules_skill_id", "skill_id"),)

    queue_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("queues.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    prefix: Mapped[str] = mapped_column(String(21))
    priority: Mapped[int] = mapped_column(Integer)
    skill_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("skills.id", ondelete="RESTRICT")
    )
    skill_level: Mapped[int] = mapped_column(Integer)


class AlarmRuleRow(Base):
    """An alarm on a queue's live figure; the runtime evaluates it."""

    __tablename__ = "alarm_rules"
    __table_args__ = (
        CheckConstraint(_in_list("metric", ALARM_METRICS), name="ck_alarm_rules_metric"),
        CheckConstraint(
            _in_list("comparison", ALARM_COMPARISONS), name="ck_alarm_rules_comparison"
        ),
        CheckConstraint(_in_list("severity", ALARM_SEVERITIES), name="ck_alarm_rules_severity"),
        Index("ix_alarm_rules_queue_id", "queue_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    queue_id: Mapped[int] = mapped_column(Integer, ForeignKey("queues.id", ondelete="CASCADE"))
    metric: Mapped[str] = mapped_column(String(20))
    comparison: Mapped[str] = mapped_column(String(2))
    threshold: Mapped[float] = mapped_column(Float)
    severity: Mapped[str] = mapped_column(String(10))
    clear_at: Mapped[float | None] = mapped_column(Float)
    """Hysteresis (revision 0009): a raised alarm clears only once the figure is back
    past this value; ``None`` clears it as soon as the rule no longer holds."""
    quiet_s: Mapped[float] = mapped_column(Float)
    """After an alarm clears, the rule raises no new alarm for this long."""
    recipients: Mapped[Any] = mapped_column(JsonPayload)
    """The e-mail addresses told of its raising and clearing."""


class VoicemailBoxRow(Base):
    """A shared voicemail box (R7, revision 0012); ``readers``, ``reader_roles``,
    ``notify_emails`` and ``notify_phones`` (revision 0020) are JSON lists (user names,
    roles, e-mail addresses, E.164 numbers)."""

    __tablename__ = "voicemail_boxes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    greeting: Mapped[str] = mapped_column(String(64))
    max_message_s: Mapped[float] = mapped_column(Float)
    readers: Mapped[Any] = mapped_column(JsonPayload)
    reader_roles: Mapped[Any] = mapped_column(JsonPayload)
    notify_app: Mapped[bool] = mapped_column(Boolean)
    notify_emails: Mapped[Any] = mapped_column(JsonPayload)
    attach_audio: Mapped[bool] = mapped_column(Boolean)
    notify_phones: Mapped[Any] = mapped_column(JsonPayload)
    retention_days: Mapped[int] = mapped_column(Integer)
    task_queue: Mapped[str | None] = mapped_column(String(64))
    """The queue whose agents each new message is routed to as a voicemail task
    (revision 0023), by name as a recording rule names its queue; deleting that queue
    is refused while the box names it."""
    task_priority: Mapped[int] = mapped_column(Integer, server_default="0")


class VoicemailMessageRow(Base):
    """A message left in a box (revision 0012): the caller's number, when, how long, the
    WAV file (under the server's data folder, named by call id) and its SHA-256.
    ``short`` and ``silent`` mark a message under a second long or without a voice; it
    is kept all the same. ``handled_by`` is the user name of who marked it handled."""

    __tablename__ = "voicemail_messages"
    __table_args__ = (Index("ix_voicemail_messages_box", "box"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    box: Mapped[str] = mapped_column(String(64))
    """The box's name, not its row: a whole configuration document loaded anew makes
    its rows anew, and the messages stay with the box of that name."""
    call_id: Mapped[str] = mapped_column(String(64), unique=True)
    caller: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    seconds: Mapped[float] = mapped_column(Float)
    path: Mapped[str] = mapped_column(String(1000))
    sha256: Mapped[str] = mapped_column(String(64))
    short: Mapped[bool] = mapped_column(Boolean)
    silent: Mapped[bool] = mapped_column(Boolean)
    handled_by: Mapped[str | None] = mapped_column(String(64))
    handled_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class RecordingRuleRow(Base):
    """A call recording rule (R27, revision 0017): the calls of one queue or one entry
    point (by name and address, as the configuration names them), all, a share or none
    recorded, the consent prompt played first, the days a recording is kept."""

    __tablename__ = "recording_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    queue: Mapped[str | None] = mapped_column(String(64))
    entry_point: Mapped[str | None] = mapped_column(String(64))
    mode: Mapped[str] = mapped_column(String(16))
    share_percent: Mapped[float | None] = mapped_column(Float)
    consent_prompt: Mapped[str] = mapped_column(String(64))
    retention_days: Mapped[int] = mapped_column(Integer)


class RecordingRow(Base):
    """A call's recording kept (revision 0017): the WAV file under the server's data
    folder named by the call id, its SHA-256 and length, the call's queue, agent and
    caller, why it was recorded (``rule`` or ``agent``: asked for mid-call), its tags
    (a JSON list), ``keep`` (archived: no retention purge) and the days it is kept."""

    __tablename__ = "recordings"
    __table_args__ = (Index("ix_recordings_started_at", "started_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[str] = mapped_column(String(64), unique=True)
    contact_id: Mapped[int] = mapped_column(Integer)
    entry_point: Mapped[str] = mapped_column(String(64))
    queue: Mapped[str | None] = mapped_column(String(64))
    agent_id: Mapped[int | None] = mapped_column(Integer)
    agent_name: Mapped[str | None] = mapped_column(String(64))
    caller: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    ended_at: Mapped[datetime] = mapped_column(UtcDateTime())
    seconds: Mapped[float] = mapped_column(Float)
    path: Mapped[str] = mapped_column(String(1000))
    sha256: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(16))
    tags: Mapped[Any] = mapped_column(JsonPayload)
    keep: Mapped[bool] = mapped_column(Boolean)
    retention_days: Mapped[int] = mapped_column(Integer)


TRUNK_KINDS = ("ip", "registration")
TRUNK_TRANSPORTS = ("udp", "tcp", "tls")
TRUNK_SRTP = ("off", "optional", "mandatory")


class TrunkRow(Base):
    """A SIP trunk to an operator: the addresses its calls come from, its registration
    (registrar, username, password, expiry, outbound proxy) and the caller ID of the
    outside calls it carries. The password is kept as given: Kamailio needs it to answer
    the operator's challenges, and no answer of the API ever carries it."""

    __tablename__ = "trunks"
    __table_args__ = (
        CheckConstraint(_in_list("kind", TRUNK_KINDS), name="ck_trunks_kind"),
        CheckConstraint(_in_list("transport", TRUNK_TRANSPORTS), name="ck_trunks_transport"),
        CheckConstraint(
            _in_list("srtp", TRUNK_SRTP) + " AND (srtp = 'off' OR transport = 'tls')",
            name="ck_trunks_srtp",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    addresses: Mapped[Any] = mapped_column(JsonPayload)
    registrar: Mapped[str | None] = mapped_column(String(255))
    username: Mapped[str | None] = mapped_column(String(64))
    password: Mapped[str | None] = mapped_column(String(128))
    expiry_s: Mapped[int] = mapped_column(Integer)
    outbound_proxy: Mapped[str | None] = mapped_column(String(255))
    outbound: Mapped[bool] = mapped_column(Boolean)
    gateway: Mapped[str | None] = mapped_column(String(255))
    caller_id: Mapped[str | None] = mapped_column(String(32))
    transport: Mapped[str] = mapped_column(String(8))
    """How the front's SIP reaches the trunk: udp, tcp or tls (revision 0010)."""
    srtp: Mapped[str] = mapped_column(String(16))
    """SRTP on the outside calls it carries: off, optional, mandatory (revision 0010)."""


class BoardRow(Base):
    """A wallboard (R30): its tiles, thresholds and pages as one JSON ``layout`` (the wire
    model ``BoardItem`` less its name), who changed it last and when."""

    __tablename__ = "boards"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    layout: Mapped[Any] = mapped_column(JsonPayload)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    changed_by: Mapped[str] = mapped_column(String(64))


class BoardLinkRow(Base):
    """A link that opens a board's web page: only the SHA-256 of its token is kept."""

    __tablename__ = "board_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    board_id: Mapped[int] = mapped_column(Integer, ForeignKey("boards.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_by: Mapped[str] = mapped_column(String(64))
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


MAIL_TLS_MODES = ("starttls", "implicit", "off")


class MailServerRow(Base):
    """The SMTP server alarm mails go out through (one row, ``id`` 1; revision 0009). The
    password is kept as given, since the server must log in with it; no answer of the API
    carries it."""

    __tablename__ = "mail_server"
    __table_args__ = (
        CheckConstraint(_in_list("tls", MAIL_TLS_MODES), name="ck_mail_server_tls"),
        CheckConstraint("port >= 1 AND port <= 65535", name="ck_mail_server_port"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    port: Mapped[int] = mapped_column(Integer)
    tls: Mapped[str] = mapped_column(String(10))
    username: Mapped[str | None] = mapped_column(String(255))
    password: Mapped[str | None] = mapped_column(String(128))
    sender: Mapped[str] = mapped_column(String(254))


class AlarmMailRow(Base):
    """A mail waiting to be sent, or retried after a failure (revision 0009): the outbox
    survives a restart; a sent mail's row is deleted. Alarms' mails, scheduled reports'
    (with ``attachments``, revision 0013) and the notices of new voicemail messages (with
    an ``attachment`` by path, revision 0012)."""

    __tablename__ = "alarm_mails"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recipients: Mapped[Any] = mapped_column(JsonPayload)
    subject: Mapped[str] = mapped_column(String(255))
    body: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer)
    next_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    attachment: Mapped[str | None] = mapped_column(String(1000))
    """A file sent with the mail (revision 0012: a voicemail message's WAV), by path."""
    attachments: Mapped[Any] = mapped_column(JsonPayload, server_default="[]")
    """Files attached (revision 0013): ``{"name", "content_type", "data"}``, base64."""


SMS_GATEWAY_KINDS = ("kannel", "smpp")
SMS_STATUSES = ("queued", "sent", "delivered", "failed")


class SmsGatewayRow(Base):
    """The SMS gateway (one row, ``id`` 1; revision 0011): its kind, where it is, its
    user and password (kept as given: the server logs in with it; no answer carries it),
    the senders and templates (``settings``, the wire model's fields), and the token that
    Kannel's delivery reports to this server must carry."""

    __tablename__ = "sms_gateway"
    __table_args__ = (
        CheckConstraint(_in_list("kind", SMS_GATEWAY_KINDS), name="ck_sms_gateway_kind"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    settings: Mapped[Any] = mapped_column(JsonPayload)
    password: Mapped[str | None] = mapped_column(String(128))
    report_token: Mapped[str] = mapped_column(String(64))


class SmsMessageRow(Base):
    """An SMS (revision 0011): queued in the outbox (``status`` queued, retried at
    ``next_at`` while the gateway is down), then sent, delivered or failed by the
    gateway's answer and delivery reports. Kept after sending: the delivery reports land
    on it."""

    __tablename__ = "sms_messages"
    __table_args__ = (
        CheckConstraint(_in_list("status", SMS_STATUSES), name="ck_sms_messages_status"),
        Index("ix_sms_messages_due", "status", "next_at"),
        Index("ix_sms_messages_gateway_ref", "gateway_ref"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    to_number: Mapped[str] = mapped_column(String(16))
    sender: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(10))
    queued_at: Mapped[datetime] = mapped_column(UtcDateTime())
    by_user: Mapped[int | None] = mapped_column(Integer)
    attempts: Mapped[int] = mapped_column(Integer)
    next_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    gateway_ref: Mapped[str | None] = mapped_column(String(64))
    report: Mapped[str | None] = mapped_column(String(64))


class DirectoryPersonRow(Base):
    """A person of the directory (R29; revision 0014): ``extension`` a Vaxla user name
    (the person's softphone), numbers in E.164, ``other_numbers`` a JSON list."""

    __tablename__ = "directory_people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    extension: Mapped[str | None] = mapped_column(String(64), index=True)
    mobile: Mapped[str | None] = mapped_column(String(16))
    other_numbers: Mapped[Any] = mapped_column(JsonPayload)
    department: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    notes: Mapped[str] = mapped_column(String(2000))
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime())
    changed_by: Mapped[str] = mapped_column(String(64))


class SummarySnapshotRow(Base):
    """The reports' summaries as saved (one row, ``id`` 1; revision 0019): the format's
    ``version``, the id of the last event folded (``upto``: never ahead of the log), the
    number of ``summary_parts`` rows written with it, and the small open state."""

    __tablename__ = "summary_snapshot"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    upto: Mapped[int] = mapped_column(BigInteger)
    upto_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    """When event ``upto`` happened: a log that holds another event there is not the
    log the summaries were folded from."""
    parts: Mapped[int] = mapped_column(BigInteger)
    saved_at: Mapped[datetime] = mapped_column(UtcDateTime())
    open_state: Mapped[Any] = mapped_column(JsonPayload)


class SummaryPartRow(Base):
    """One part of the saved summaries (revision 0019): a queue's or an agent's bucket
    (``q:QUEUE:BUCKET``, ``a:AGENT:BUCKET``) or a contact's record (``c:CONTACT``)."""

    __tablename__ = "summary_parts"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    body: Mapped[Any] = mapped_column(JsonPayload)
