import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, Table, insert, inspect, text
from sqlalchemy.exc import IntegrityError

from tests.server.store.samples import SAMPLES
from vaxla_server.store import EventLog, StoreError, UnsupportedDatabase, open_store
from vaxla_server.store.database import create_store_engine
from vaxla_server.store.migrate import (
    alembic_config,
    current_revision,
    head_revision,
    upgrade_to_head,
)
from vaxla_server.store.models import Base, UserRow
from vaxla_server.store.transactions import write_transaction

APPEND_ONLY_TRIGGERS = {
    "sqlite": {"events_refuse_update", "events_refuse_delete", "events_refuse_replace"},
    "postgresql": {"events_refuse_update_delete", "events_refuse_truncate"},
}


def trigger_names(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            query = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        else:
            query = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
        return set(connection.execute(text(query)).scalars())


def schema(engine: Engine) -> dict[str, object]:
    inspector = inspect(engine)
    return {
        "tables": {
            table: (
                [column["name"] for column in inspector.get_columns(table)],
                sorted(index["name"] or "" for index in inspector.get_indexes(table)),
            )
            for table in inspector.get_table_names()
        },
        "triggers": trigger_names(engine),
    }


def test_migrates_an_empty_database_to_head(database_url: str) -> None:
    engine = create_store_engine(database_url)
    try:
        assert inspect(engine).get_table_names() == []
        assert current_revision(engine) is None

        open_store(url=database_url).close()

        assert current_revision(engine) == head_revision()
        assert set(inspect(engine).get_table_names()) == {
            "alembic_version",
            "events",
            "users",
            "tokens",
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
            # Revision 0004: the call flow's configuration.
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
            # Revision 0005: the health check's probe.
            "store_probe",
            # Revision 0006: trunks to operators.
            "trunks",
            # Revision 0008: wallboards and their links.
            "boards",
            "board_links",
            # Revision 0009: the alarms' mail server and outbox.
            "mail_server",
            "alarm_mails",
            # Revision 0011: the SMS gateway and its outbox.
            "sms_gateway",
            "sms_messages",
            # Revision 0012: shared voicemail.
            "voicemail_boxes",
            "voicemail_messages",
            # Revision 0014: the directory of people.
            "directory_people",
            # Revision 0017: call recording.
            "recording_rules",
            "recordings",
            # Revision 0019: the reports' summaries.
            "summary_snapshot",
            "summary_parts",
        }
        assert trigger_names(engine) == APPEND_ONLY_TRIGGERS[engine.dialect.name]
    finally:
        engine.dispose()


def test_upgrading_twice_runs_nothing_and_keeps_the_data(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="alembic"):
        store = open_store(url=database_url)
    assert "Running upgrade" in caplog.text
    caplog.clear()
    try:
        store.events.append(list(SAMPLES.values()))
        before = (schema(store.engine), store.events.read())

        with caplog.at_level(logging.INFO, logger="alembic"):
            upgrade_to_head(store.engine)
            open_store(url=database_url).close()

        assert "Running upgrade" not in caplog.text
        assert (schema(store.engine), store.events.read()) == before
        assert current_revision(store.engine) == head_revision()
    finally:
        store.close()


def test_models_match_the_migrated_schema(database_url: str) -> None:
    with open_store(url=database_url) as store, store.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_connection_settings(database_url: str) -> None:
    with open_store(url=database_url) as store, store.engine.connect() as connection:
        if store.engine.dialect.name == "sqlite":
            pragma = {
                name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
                for name in ("journal_mode", "foreign_keys", "busy_timeout")
            }
            assert pragma == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 10_000}
        else:
            assert connection.exec_driver_sql("SHOW timezone").scalar() == "UTC"


def test_data_dir_holds_an_sqlite_store(tmp_path: Path) -> None:
    data_dir = tmp_path / "new" / "data"
    with open_store(data_dir=data_dir) as store:
        store.events.append([SAMPLES[next(iter(SAMPLES))]])
        assert store.engine.dialect.name == "sqlite"
    assert (data_dir / "vaxla.sqlite3").is_file()
    with open_store(data_dir=data_dir) as store:
        assert len(store.events.read()) == 1


@pytest.mark.parametrize(
    "url",
    [
        "mysql://user@localhost/vaxla",
        "postgresql+psycopg2://user@localhost/vaxla",
        "sqlite://",
        "not a url",
    ],
)
def test_unsupported_databases_are_refused(url: str) -> None:
    with pytest.raises(UnsupportedDatabase):
        open_store(url=url)


def test_open_store_needs_one_place() -> None:
    with pytest.raises(StoreError, match="exactly one"):
        open_store()


def test_upgrades_a_database_of_an_older_revision_keeping_its_data(database_url: str) -> None:
    engine = create_store_engine(database_url)
    try:
        with write_transaction(engine) as connection:
            command.upgrade(alembic_config(connection), "0001")
        assert current_revision(engine) == "0001"
        EventLog(engine).append(list(SAMPLES.values()))
        before = EventLog(engine).read()

        with open_store(url=database_url) as store:
            assert current_revision(engine) == head_revision() != "0001"
            assert store.events.read() == before
    finally:
        engine.dispose()


def test_user_names_are_unique_in_the_database_whatever_their_case(database_url: str) -> None:
    with open_store(url=database_url) as store:
        users = cast(Table, UserRow.__table__)
        row = {
            "username": "anna",
            "username_key": "anna",
            "display_name": "Anna",
            "role": "agent",
            "password_hash": "$argon2id$...",
            "active": True,
            "created_at": datetime(2026, 11, 22, tzinfo=UTC),
        }
        with write_transaction(store.engine) as connection:
            connection.execute(insert(users), row)
        with pytest.raises(IntegrityError), write_transaction(store.engine) as connection:
            connection.execute(insert(users), {**row, "username": "ANNA"})
        with pytest.raises(IntegrityError), write_transaction(store.engine) as connection:
            connection.execute(insert(users), {**row, "username": "bert", "role": "boss"})
