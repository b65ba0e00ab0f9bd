"""Backups taken while the store is in use, restored and compared, on both engines."""

import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, MetaData, select

from tests.server.conftest import create_postgres_database
from vaxla_protocol import Role
from vaxla_server.auth import Auth, AuthSettings
from vaxla_server.cli import main
from vaxla_server.config import Configuration
from vaxla_server.config.settings import QueueSettings
from vaxla_server.store import Store, open_store
from vaxla_server.store.backup import BackupError, backup, restore_sqlite
from vaxla_server.store.database import SQLITE_FILE_NAME
from vaxla_server.store.events import AgentReady

T0 = datetime(2026, 12, 5, 9, tzinfo=UTC)


def fill(store: Store, events: int) -> None:
    store.events.append(
        [AgentReady(at=T0 + timedelta(seconds=n), agent_id=n % 7 + 1) for n in range(events)]
    )
    Auth.open(store, AuthSettings(min_password_length=4)).users.create(
        "anna", "long enough", Role.AGENT, now=T0
    )
    Configuration(store.engine).add_queue(QueueSettings(name="Support"))


def contents(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows, in key order (the migration version included)."""
    tables = MetaData()
    tables.reflect(engine)
    with engine.connect() as connection:
        return {
            name: [tuple(row) for row in connection.execute(select(table).order_by(*table.c))]
            for name, table in sorted(tables.tables.items())
        }


def test_a_sqlite_backup_taken_while_in_use_restores_the_same_store(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with open_store(data_dir=data) as store:
        fill(store, 3000)
        in_use = store.engine.connect()  # the server's connections stay open meanwhile
        seen: list[tuple[int, int]] = []
        written = backup(store, tmp_path / "b.sqlite3", progress=lambda c, t: seen.append((c, t)))
        in_use.close()
        before = contents(store.engine)
    assert seen and seen[-1][0] == seen[-1][1]  # progress went to the end
    restored = restore_sqlite(written, tmp_path / "restored")
    with open_store(data_dir=restored.parent) as store:
        assert contents(store.engine) == before
        assert len(store.events.read(limit=5000)) == 3000


def test_the_commands_back_up_and_restore_and_refuse_what_would_lose_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    with open_store(data_dir=data) as store:
        fill(store, 10)
        before = contents(store.engine)
    target = tmp_path / "vaxla.backup"
    assert main(["backup", "--data-dir", str(data), "--to", str(target)]) == 0
    assert "backup written to" in capsys.readouterr().out
    with pytest.raises(SystemExit, match="exists already"):
        main(["backup", "--data-dir", str(data), "--to", str(target)])
    with pytest.raises(SystemExit, match="give --replace"):
        main(["restore", "--from", str(target), "--data-dir", str(data)])
    not_ours = tmp_path / "notes.txt"
    not_ours.write_text("hello")
    with pytest.raises(SystemExit, match="not a SQLite database"):
        main(["restore", "--from", str(not_ours), "--data-dir", str(tmp_path / "x")])
    with open_store(data_dir=data) as store:  # a later change, which the restore undoes
        store.events.append([AgentReady(at=T0, agent_id=99)])
    assert main(["restore", "--from", str(target), "--data-dir", str(data), "--replace"]) == 0
    with open_store(data_dir=data) as store:
        assert contents(store.engine) == before
    assert (data / SQLITE_FILE_NAME).is_file()


def test_a_postgresql_backup_restores_with_pg_restore(tmp_path: Path, postgres_url: str) -> None:
    source_url = create_postgres_database(postgres_url)
    with open_store(url=source_url) as store:
        fill(store, 500)
        before = contents(store.engine)
        written = backup(store, tmp_path / "pg.dump")
        with pytest.raises(BackupError, match="exists already"):
            backup(store, written)
    target_url = create_postgres_database(postgres_url)
    subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", "-d",
         target_url.replace("postgresql+psycopg", "postgresql"), str(written)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    with open_store(url=target_url) as store:
        assert contents(store.engine) == before
        store.events.append([AgentReady(at=T0, agent_id=1)])  # the restored log appends on
