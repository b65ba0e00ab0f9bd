"""The call flow's configuration: schedules, prompts, announcement sets, digit
collections, menus, entry points, queue call-flow settings and alarm rules.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(JSONB(), "postgresql")


def _in_list(column: str, values: tuple[str, ...], name: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(
        f"{column} IN (" + ", ".join(f"'{value}'" for value in values) + ")", name=name
    )


def _parent(
    column: str, target: str, on_delete: str, *, primary_key: bool = False, nullable: bool = False
) -> sa.Column[int]:
    return sa.Column(
        column,
        sa.Integer(),
        sa.ForeignKey(target, ondelete=on_delete),
        primary_key=primary_key,
        nullable=nullable,
    )


_LANGUAGES = ("sv", "en")


def upgrade() -> None:
    op.create_table(
        "schedules",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("time_zone", sa.String(64), nullable=False),
        sa.Column("holiday_policy", sa.String(20), nullable=False),
        sa.Column("include_holiday_eves", sa.Boolean(), nullable=False),
        _in_list(
            "holiday_policy",
            ("ignore", "closed", "holiday_hours"),
            "ck_schedules_holiday_policy",
        ),
    )
    op.create_table(
        "schedule_intervals",
        _parent("schedule_id", "schedules.id", "CASCADE", primary_key=True),
        sa.Column("position", sa.Integer(), primary_key=True),
        sa.Column("weekday", sa.Integer(), nullable=True),
        sa.Column("start", sa.Time(), nullable=False),
        sa.Column("end", sa.Time(), nullable=False),
        sa.Column("crosses_midnight", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "weekday IS NULL OR (weekday >= 0 AND weekday <= 6)",
            name="ck_schedule_intervals_weekday",
        ),
    )
    op.create_table(
        "schedule_exceptions",
        _parent("schedule_id", "schedules.id", "CASCADE", primary_key=True),
        sa.Column("position", sa.Integer(), primary_key=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("start", sa.Time(), nullable=True),
        sa.Column("end", sa.Time(), nullable=True),
        sa.Column("label", sa.String(200), nullable=False),
    )
    op.create_table(
        "prompts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("custom_path", sa.String(1000), nullable=True),
        sa.UniqueConstraint("name", "language", name="uq_prompts_name_language"),
        _in_list("language", _LANGUAGES, "ck_prompts_language"),
    )
    op.create_table(
        "announcement_sets",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("first_prompt", sa.String(64), nullable=True),
        sa.Column("periodic", _JSON, nullable=False),
        sa.Column("periodic_interval_s", sa.Float(), nullable=False),
        sa.Column("announce_position", sa.Boolean(), nullable=False),
        sa.Column("announce_wait", sa.Boolean(), nullable=False),
        sa.Column("announce_agents_answering", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "digit_collections",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("min_length", sa.Integer(), nullable=True),
        sa.Column("max_length", sa.Integer(), nullable=True),
        sa.Column("luhn", sa.Boolean(), nullable=False),
        sa.Column("allow_samordningsnummer", sa.Boolean(), nullable=False),
        sa.Column("retries", sa.Integer(), nullable=False),
        sa.Column("prompt", sa.String(64), nullable=False),
        sa.Column("invalid_prompt", sa.String(64), nullable=False),
        sa.Column("on_failure", _JSON, nullable=True),
        _in_list(
            "kind",
            ("customer_number", "personnummer", "pin", "free_digits"),
            "ck_digit_collections_kind",
        ),
    )
    op.create_table(
        "menus",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("language", sa.String(2), nullable=False),
        sa.Column("prompt", sa.String(64), nullable=False),
        sa.Column("timeout_s", sa.Float(), nullable=False),
        sa.Column("retries", sa.Integer(), nullable=False),
        sa.Column("invalid_prompt", sa.String(64), nullable=False),
        sa.Column("on_timeout", _JSON, nullable=False),
        _in_list("language", _LANGUAGES, "ck_menus_language"),
    )
    op.create_table(
        "menu_keys",
        _parent("menu_id", "menus.id", "CASCADE", primary_key=True),
        sa.Column("key", sa.String(1), primary_key=True),
        sa.Column("action", _JSON, nullable=False),
    )
    op.create_table(
        "entry_points",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("address", sa.String(64), nullable=False, unique=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("language", sa.String(2), nullable=False),
        _parent("schedule_id", "schedules.id", "RESTRICT", nullable=True),
        sa.Column("welcome_prompt", sa.String(64), nullable=True),
        sa.Column("first_action", _JSON, nullable=False),
        sa.Column("when_closed", _JSON, nullable=True),
        sa.Column("when_nobody_logged_in", _JSON, nullable=True),
        _in_list("language", _LANGUAGES, "ck_entry_points_language"),
    )
    op.create_index("ix_entry_points_schedule_id", "entry_points", ["schedule_id"])
    op.create_table(
        "queue_flows",
        _parent("queue_id", "queues.id", "CASCADE", primary_key=True),
        _parent("announcement_set_id", "announcement_sets.id", "RESTRICT", nullable=True),
        sa.Column("max_length", sa.Integer(), nullable=True),
        sa.Column("on_max_length", _JSON, nullable=True),
        sa.Column("max_wait_s", sa.Float(), nullable=True),
        sa.Column("on_max_wait", _JSON, nullable=True),
        _parent("schedule_id", "schedules.id", "RESTRICT", nullable=True),
        sa.Column("on_closed", _JSON, nullable=True),
        sa.Column("on_nobody_logged_in", _JSON, nullable=True),
        sa.Column("callback_offer", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "max_length IS NULL OR max_length >= 1", name="ck_queue_flows_max_length"
        ),
        sa.CheckConstraint(
            "max_wait_s IS NULL OR max_wait_s > 0", name="ck_queue_flows_max_wait_s"
        ),
    )
    op.create_index("ix_queue_flows_announcement_set_id", "queue_flows", ["announcement_set_id"])
    op.create_index("ix_queue_flows_schedule_id", "queue_flows", ["schedule_id"])
    op.create_table(
        "queue_priority_rules",
        _parent("queue_id", "queues.id", "CASCADE", primary_key=True),
        sa.Column("position", sa.Integer(), primary_key=True),
        sa.Column("prefix", sa.String(21), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        _parent("skill_id", "skills.id", "RESTRICT", nullable=True),
        sa.Column("skill_level", sa.Integer(), nullable=False),
    )
    op.create_index("ix_queue_priority_rules_skill_id", "queue_priority_rules", ["skill_id"])
    op.create_table(
        "alarm_rules",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        _parent("queue_id", "queues.id", "CASCADE", nullable=False),
        sa.Column("metric", sa.String(20), nullable=False),
        sa.Column("comparison", sa.String(2), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("severity", sa.String(10), nullable=False),
        _in_list(
            "metric",
            ("waiting_count", "longest_wait_s", "service_level_pct", "agents_ready"),
            "ck_alarm_rules_metric",
        ),
        _in_list("comparison", (">", ">=", "<", "<="), "ck_alarm_rules_comparison"),
        _in_list("severity", ("info", "warning", "critical"), "ck_alarm_rules_severity"),
    )
    op.create_index("ix_alarm_rules_queue_id", "alarm_rules", ["queue_id"])


def downgrade() -> None:
    for table in (
        "alarm_rules",
        "queue_priority_rules",
        "queue_flows",
        "entry_points",
        "menu_keys",
        "menus",
        "digit_collections",
        "announcement_sets",
        "prompts",
        "schedule_exceptions",
        "schedule_intervals",
        "schedules",
    ):
        op.drop_table(table)
