"""Configuration: skills, pause reasons, classification codes, queues, agent profiles,
the licence.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STRATEGIES = (
    "sequential",
    "longest_idle",
    "round_robin",
    "fewest_calls",
    "least_talk_time",
    "random",
    "ring_all",
    "skills",
)


def _level_check(table: str, column: str = "level") -> sa.CheckConstraint:
    return sa.CheckConstraint(f"{column} >= 0 AND {column} <= 100", name=f"ck_{table}_{column}")


def upgrade() -> None:
    op.create_table(
        "skills",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
    )
    op.create_table(
        "pause_reasons",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(64), nullable=False, unique=True),
        sa.Column("label_sv", sa.String(200), nullable=False),
        sa.Column("label_en", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "classification_codes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(64), nullable=False, unique=True),
        sa.Column("label_sv", sa.String(200), nullable=False),
        sa.Column("label_en", sa.String(200), nullable=False),
        sa.Column("code_group", sa.String(64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "queues",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False, unique=True),
        sa.Column("strategy", sa.String(20), nullable=False),
        sa.Column("weight", sa.Integer(), nullable=False),
        sa.Column("max_penalty", sa.Integer(), nullable=True),
        sa.Column("exclusion_s", sa.Float(), nullable=False),
        sa.Column("autopause", sa.Boolean(), nullable=False),
        sa.Column("ring_timeout_s", sa.Float(), nullable=False),
        sa.Column("wrap_up_s", sa.Float(), nullable=False),
        sa.Column("service_goal_percent", sa.Float(), nullable=False),
        sa.Column("service_goal_s", sa.Float(), nullable=False),
        sa.Column("sticky_agent_s", sa.Float(), nullable=False),
        sa.CheckConstraint(
            "strategy IN (" + ", ".join(f"'{name}'" for name in _STRATEGIES) + ")",
            name="ck_queues_strategy",
        ),
        sa.CheckConstraint("max_penalty IS NULL OR max_penalty >= 0", name="ck_queues_max_penalty"),
        sa.CheckConstraint("exclusion_s >= 0", name="ck_queues_exclusion_s"),
        sa.CheckConstraint("ring_timeout_s > 0", name="ck_queues_ring_timeout_s"),
        sa.CheckConstraint("wrap_up_s >= 0", name="ck_queues_wrap_up_s"),
        sa.CheckConstraint(
            "service_goal_percent >= 0 AND service_goal_percent <= 100",
            name="ck_queues_service_goal_percent",
        ),
        sa.CheckConstraint("service_goal_s > 0", name="ck_queues_service_goal_s"),
        sa.CheckConstraint("sticky_agent_s >= 0", name="ck_queues_sticky_agent_s"),
    )
    op.create_table(
        "queue_requirements",
        sa.Column(
            "queue_id",
            sa.Integer(),
            sa.ForeignKey("queues.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "skill_id",
            sa.Integer(),
            sa.ForeignKey("skills.id", ondelete="RESTRICT"),
            primary_key=True,
        ),
        sa.Column("level", sa.Integer(), nullable=False),
        _level_check("queue_requirements"),
    )
    op.create_index("ix_queue_requirements_skill_id", "queue_requirements", ["skill_id"])
    op.create_table(
        "queue_expansion_steps",
        sa.Column(
            "queue_id",
            sa.Integer(),
            sa.ForeignKey("queues.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("position", sa.Integer(), primary_key=True),
        sa.Column("after_s", sa.Float(), nullable=False),
        sa.Column("relax", sa.Integer(), nullable=False),
        sa.Column("max_penalty", sa.Integer(), nullable=True),
        sa.CheckConstraint("after_s >= 0", name="ck_queue_expansion_steps_after_s"),
        _level_check("queue_expansion_steps", "relax"),
        sa.CheckConstraint(
            "max_penalty IS NULL OR max_penalty >= 0",
            name="ck_queue_expansion_steps_max_penalty",
        ),
    )
    op.create_table(
        "agent_profiles",
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("users.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("personal_weight", sa.Integer(), nullable=False),
        sa.Column("standby", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "agent_skills",
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("agent_profiles.user_id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "skill_id",
            sa.Integer(),
            sa.ForeignKey("skills.id", ondelete="RESTRICT"),
            primary_key=True,
        ),
        sa.Column("level", sa.Integer(), nullable=False),
        _level_check("agent_skills"),
    )
    op.create_index("ix_agent_skills_skill_id", "agent_skills", ["skill_id"])
    op.create_table(
        "agent_memberships",
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("agent_profiles.user_id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "queue_id",
            sa.Integer(),
            sa.ForeignKey("queues.id", ondelete="RESTRICT"),
            primary_key=True,
        ),
        sa.Column("penalty", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint("penalty >= 0", name="ck_agent_memberships_penalty"),
    )
    op.create_index("ix_agent_memberships_queue_id", "agent_memberships", ["queue_id"])
    op.create_table(
        "agent_capacities",
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("agent_profiles.user_id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("channel", sa.String(32), primary_key=True),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.CheckConstraint("capacity >= 0", name="ck_agent_capacities_capacity"),
    )
    op.create_table(
        "licence",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("max_logged_in_agents", sa.Integer(), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_licence_single_row"),
        sa.CheckConstraint("max_logged_in_agents >= 0", name="ck_licence_max_logged_in_agents"),
    )


def downgrade() -> None:
    for table in (
        "licence",
        "agent_capacities",
        "agent_memberships",
        "agent_skills",
        "agent_profiles",
        "queue_expansion_steps",
        "queue_requirements",
        "queues",
        "classification_codes",
        "pause_reasons",
        "skills",
    ):
        op.drop_table(table)
