"""Configuration tests: the service on both engines, with users inserted directly."""

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, MetaData, insert, select

from vaxla_server.auth.users import USERS
from vaxla_server.config import Configuration
from vaxla_server.store import Store

CONFIG_TABLES = (
    "skills",
    "pause_reasons",
    "classification_codes",
    "queues",
    "queue_requirements",
    "queue_expansion_steps",
    "agent_profiles",
    "agent_skills",
    "agent_memberships",
    "agent_capacities",
    "licence",
    "schedules",
    "schedule_intervals",
    "schedule_exceptions",
    "prompts",
    "announcement_sets",
    "digit_collections",
    "menus",
    "menu_keys",
    "entry_points",
    "queue_flows",
    "queue_priority_rules",
    "alarm_rules",
    "trunks",
    "voicemail_boxes",
    "recording_rules",
)


def add_user(engine: Engine, username: str, role: str = "agent") -> int:
    """A user row as ``Users.create`` would write it, without hashing a password."""
    with engine.begin() as connection:
        user_id: int = connection.execute(
            insert(USERS).returning(USERS.c.id),
            {
                "username": username,
                "username_key": username.lower(),
                "display_name": username,
                "role": role,
                "password_hash": "$argon2id$not-used",
                "active": True,
                "created_at": datetime(2026, 11, 22, tzinfo=UTC),
            },
        ).scalar_one()
    return user_id


def config_contents(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every configuration table, sorted, to show that nothing changed."""
    metadata = MetaData()
    metadata.reflect(engine, only=CONFIG_TABLES)
    with engine.connect() as connection:
        return {
            name: sorted(
                (tuple(row) for row in connection.execute(select(metadata.tables[name]))),
                key=repr,
            )
            for name in CONFIG_TABLES
        }


@pytest.fixture
def config(store: Store) -> Configuration:
    return Configuration(store.engine)
