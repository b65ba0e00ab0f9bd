"""Backups IT can take while the server runs, and restore.

* SQLite: SQLite's online backup API copies the database page by page into one file,
  consistent even while the server writes (the write-ahead log included). Restoring is
  putting that file back as ``DATA_DIR/vaxla.sqlite3`` with the server stopped:
  :func:`restore_sqlite` checks that the file is a Vaxla store first.
* PostgreSQL: ``pg_dump --format=custom`` (a consistent snapshot); restore with
  ``pg_restore --clean --if-exists --no-owner -d URL FILE`` into a stopped server's
  database. Both programs come with Debian's ``postgresql-client``.
"""

import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

from vaxla_server.store.database import SQLITE_FILE_NAME, Store, open_store
from vaxla_server.store.errors import StoreError

PAGES_PER_STEP = 256
"""SQLite pages copied per step of the online backup (the server writes in between)."""
Progress = Callable[[int, int], None]
"""Told (pages copied, pages in all) as a SQLite backup goes on."""


class BackupError(StoreError):
    """A backup or a restore could not be made; the message says why."""


def backup(store: Store, target: Path, *, progress: Progress | None = None) -> Path:
    """Write a backup of ``store`` to ``target`` (a new file); returns it."""
    if target.exists():
        raise BackupError(f"{target} exists already: name a new file for the backup")
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent} is not a directory")
    dialect = store.engine.dialect.name
    if dialect == "sqlite":
        _backup_sqlite(store, target, progress)
    elif dialect == "postgresql":
        _backup_postgresql(store, target)
    else:
        raise BackupError(f"backups of {dialect} databases are not supported")
    return target


def _backup_sqlite(store: Store, target: Path, progress: Progress | None) -> None:
    partial = target.with_name(target.name + ".partial")
    raw = store.engine.raw_connection()
    try:
        source = raw.driver_connection
        assert isinstance(source, sqlite3.Connection)
        destination = sqlite3.connect(partial)
        try:
            source.backup(
                destination,
                pages=PAGES_PER_STEP,
                progress=None
                if progress is None
                else lambda _status, remaining, total: progress(total - remaining, total),
            )
        finally:
            destination.close()
    except sqlite3.Error as error:
        partial.unlink(missing_ok=True)
        raise BackupError(f"the backup could not be written: {error}") from None
    finally:
        raw.close()
    partial.rename(target)  # a backup file is whole or not there


def _backup_postgresql(store: Store, target: Path) -> None:
    if shutil.which("pg_dump") is None:
        raise BackupError("pg_dump is not installed (Debian: apt-get install postgresql-client)")
    url = store.engine.url.set(drivername="postgresql")
    command = ["pg_dump", "--format=custom", f"--file={target}", "--no-owner"]
    result = subprocess.run(
        [*command, url.render_as_string(hide_password=False)],
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    if result.returncode != 0:
        target.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed: {result.stderr.strip() or result.returncode}")


def restore_sqlite(backup_file: Path, data_dir: Path, *, replace: bool = False) -> Path:
    """Put ``backup_file`` in place as ``data_dir``'s database (the server stopped). An
    existing database is kept unless ``replace``; the file must open as a Vaxla store."""
    if not backup_file.is_file():
        raise BackupError(f"{backup_file} is not a file")
    try:
        with sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True) as probe:
            tables = {row[0] for row in probe.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{backup_file} is not a SQLite database: {error}") from None
    if not {"events", "alembic_version"} <= tables:
        raise BackupError(f"{backup_file} is not a Vaxla store (it has no event log)")
    data_dir.mkdir(parents=True, exist_ok=True)
    target = data_dir / SQLITE_FILE_NAME
    if target.exists() and not replace:
        raise BackupError(f"{target} exists: stop the server and give --replace to overwrite it")
    for leftover in (Path(f"{target}-wal"), Path(f"{target}-shm")):
        leftover.unlink(missing_ok=True)  # the old database's log must not be replayed
    partial = target.with_name(target.name + ".restoring")
    shutil.copyfile(backup_file, partial)
    partial.rename(target)
    with open_store(data_dir=data_dir):  # migrated to this version's schema, and checked
        pass
    return target
