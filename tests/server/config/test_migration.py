"""Revision 0003: the configuration tables, from empty and on top of 0002's data."""

from typing import Any

import pytest
from alembic import command
from sqlalchemy import Table, delete, insert, inspect, select
from sqlalchemy.exc import IntegrityError

from tests.server.config.conftest import CONFIG_TABLES, add_user
from vaxla_protocol.config import QueueFlowItem
from vaxla_server.auth.users import USERS
from vaxla_server.config import (
    AgentSettings,
    Configuration,
    Escalation,
    Membership,
    QueueSettings,
)
from vaxla_server.config.tables import (
    AGENT_SKILLS,
    LICENCE,
    QUEUE_REQUIREMENTS,
    QUEUES,
    SKILLS,
)
from vaxla_server.store import Store, open_store
from vaxla_server.store.database import create_store_engine
from vaxla_server.store.migrate import alembic_config, current_revision, head_revision
from vaxla_server.store.transactions import write_transaction


def test_head_is_the_newest_revision() -> None:
    assert head_revision() == "0023"


def test_an_empty_database_gets_every_configuration_table(database_url: str) -> None:
    with open_store(url=database_url) as store:
        assert current_revision(store.engine) == "0023"
        assert set(CONFIG_TABLES) <= set(inspect(store.engine).get_table_names())
        assert Configuration(store.engine).snapshot().queues == ()


def test_upgrade_from_0002_keeps_the_users_and_configures_them(database_url: str) -> None:
    engine = create_store_engine(database_url)
    try:
        with write_transaction(engine) as connection:
            command.upgrade(alembic_config(connection), "0002")
        assert current_revision(engine) == "0002"
        assert "queues" not in inspect(engine).get_table_names()
        anna = add_user(engine, "anna")
        add_user(engine, "boss", role="admin")
        with engine.connect() as connection:
            users_before = connection.execute(select(USERS).order_by(USERS.c.id)).all()

        with open_store(url=database_url) as store:
            assert current_revision(engine) == "0023"
            with engine.connect() as connection:
                assert connection.execute(select(USERS).order_by(USERS.c.id)).all() == (
                    users_before
                )
            config = Configuration(store.engine)
            config.add_queue(QueueSettings("Support"))
            profile = config.set_agent_profile(
                "anna", AgentSettings(memberships=[Membership("Support")])
            )
            assert profile.user_id == anna
    finally:
        engine.dispose()


def _insert_fails(store: Store, table: Table, row: dict[str, Any]) -> None:
    with pytest.raises(IntegrityError), write_transaction(store.engine) as connection:
        connection.execute(insert(table), row)


def _queue_row(name: str, **changes: Any) -> dict[str, Any]:
    return {
        "name": name,
        "strategy": "longest_idle",
        "weight": 0,
        "max_penalty": None,
        "exclusion_s": 30.0,
        "autopause": True,
        "ring_timeout_s": 15.0,
        "wrap_up_s": 0.0,
        "service_goal_percent": 80.0,
        "service_goal_s": 20.0,
        "sticky_agent_s": 0.0,
        **changes,
    }


def test_the_database_itself_refuses_bad_rows(store: Store) -> None:
    """The constraints stand behind the service's checks, for writers that bypass it."""
    config = Configuration(store.engine)
    skill = config.add_skill("swedish")
    queue = config.add_queue(QueueSettings("Support", requirements={"swedish": 50}))

    _insert_fails(store, SKILLS, {"name": "swedish"})
    _insert_fails(store, QUEUES, _queue_row("Support"))
    for bad in (
        {"strategy": "fastest"},
        {"max_penalty": -1},
        {"exclusion_s": -1.0},
        {"ring_timeout_s": 0.0},
        {"wrap_up_s": -0.5},
        {"service_goal_percent": 101.0},
        {"service_goal_s": 0.0},
        {"sticky_agent_s": -1.0},
    ):
        _insert_fails(store, QUEUES, _queue_row("Other", **bad))
    _insert_fails(store, QUEUE_REQUIREMENTS, {"queue_id": queue.id, "skill_id": 999, "level": 1})
    user_id = add_user(store.engine, "anna")
    config.set_agent_profile("anna", AgentSettings())
    _insert_fails(store, AGENT_SKILLS, {"user_id": user_id, "skill_id": skill.id, "level": 101})
    _insert_fails(store, LICENCE, {"id": 2, "max_logged_in_agents": 5})
    _insert_fails(store, LICENCE, {"id": 1, "max_logged_in_agents": -1})
    with pytest.raises(IntegrityError), write_transaction(store.engine) as connection:
        connection.execute(delete(SKILLS).where(SKILLS.c.id == skill.id))
    assert config.skills()[0].name == "swedish"


def test_upgrade_from_0003_keeps_the_queues_and_adds_their_call_flow(database_url: str) -> None:
    engine = create_store_engine(database_url)
    try:
        with write_transaction(engine) as connection:
            command.upgrade(alembic_config(connection), "0003")
        assert "menus" not in inspect(engine).get_table_names()
        with write_transaction(engine) as connection:
            connection.execute(
                insert(QUEUES),
                {
                    "name": "Support",
                    "strategy": "ring_all",
                    "weight": 2,
                    "max_penalty": None,
                    "exclusion_s": 30.0,
                    "autopause": True,
                    "ring_timeout_s": 15.0,
                    "wrap_up_s": 5.0,
                    "service_goal_percent": 80.0,
                    "service_goal_s": 20.0,
                    "sticky_agent_s": 0.0,
                },
            )

        with open_store(url=database_url) as store:
            assert current_revision(engine) == "0023"
            config = Configuration(store.engine)
            assert config.queue("Support").settings.strategy == "ring_all"
            assert config.queue_flow("Support") == QueueFlowItem()
            config.add_queue(QueueSettings("Sales"))
            flow = QueueFlowItem.model_validate(
                {"max_length": 5, "on_max_length": {"kind": "queue", "queue": "Sales"}}
            )
            config.set_queue_flow("Support", flow)
            assert config.queue_flow("Support") == flow
    finally:
        engine.dispose()


def test_revision_0004_downgrades_to_0003_keeping_the_queues(database_url: str) -> None:
    with open_store(url=database_url) as store:
        Configuration(store.engine).add_queue(QueueSettings("Support"))
    engine = create_store_engine(database_url)
    try:
        with write_transaction(engine) as connection:
            command.downgrade(alembic_config(connection), "0003")
        tables = set(inspect(engine).get_table_names())
        assert "menus" not in tables
        assert "queue_flows" not in tables
        with engine.connect() as connection:
            assert connection.execute(select(QUEUES.c.name)).scalars().all() == ["Support"]
    finally:
        engine.dispose()


def test_revision_0007_adds_escalation_to_the_queues_kept_and_refuses_half_a_rule(
    database_url: str,
) -> None:
    engine = create_store_engine(database_url)
    try:
        with write_transaction(engine) as connection:
            command.upgrade(alembic_config(connection), "0006")
        with open_store(url=database_url) as store:
            Configuration(store.engine).add_queue(QueueSettings("Support"))
        with write_transaction(engine) as connection:
            command.downgrade(alembic_config(connection), "0006")
        assert "escalation_after_s" not in {
            c["name"] for c in inspect(engine).get_columns("queues")
        }
        with open_store(url=database_url) as store:
            assert current_revision(engine) == "0023"
            config = Configuration(store.engine)
            assert config.queue("Support").settings.escalation is None
            config.update_queue("Support", QueueSettings("Support", escalation=Escalation(60)))
            assert config.queue("Support").settings.escalation == Escalation(60)
        with pytest.raises(IntegrityError), write_transaction(engine) as connection:
            connection.execute(QUEUES.update().values(escalation_raise_by=None))
    finally:
        engine.dispose()
