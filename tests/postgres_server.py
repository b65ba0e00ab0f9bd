"""A throwaway PostgreSQL server for tests, run from Debian's binaries.

It gets its own cluster in a temporary directory, listens on a free loopback port and
on a unix socket in that directory, trusts local connections, and is gone (process and
files) when closed. PostgreSQL refuses to run as root, so under root it runs as the
``postgres`` system user that Debian's package creates.
"""

import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Self

import psycopg

from tests.orphans import end_with_this_process

BIN_GLOB = "/usr/lib/postgresql/*/bin"
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 30.0
SUPERUSER = "vaxla"
PORT_IN_USE = re.compile(r"could not bind IPv4 address .*: Address already in use")


class PostgresUnavailable(Exception):
    """PostgreSQL's server binaries are missing, or the server would not start."""


def find_bin_dir() -> Path:
    """The newest installed PostgreSQL's ``bin`` directory."""
    candidates = [
        path
        for path in Path("/").glob(BIN_GLOB.lstrip("/"))
        if (path / "initdb").is_file() and (path / "postgres").is_file()
    ]
    if not candidates:
        raise PostgresUnavailable(
            f"no PostgreSQL server binaries in {BIN_GLOB} (initdb, postgres): install the "
            "Debian package 'postgresql' (tools/ensure-debian-packages installs it)"
        )

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", path.parent.name))

    return max(candidates, key=version)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class PostgresServer:
    """One PostgreSQL server process; ``url`` is a SQLAlchemy URL of its ``postgres`` DB.

    Use it as a context manager: leaving the block stops the server and removes its files.
    """

    def __init__(self) -> None:
        self.bin_dir = find_bin_dir()
        self._user = self._run_as()
        self.root = Path(tempfile.mkdtemp(prefix="vaxla-postgres-"))
        self.process: subprocess.Popen[bytes] | None = None
        try:
            if self._user is not None:
                os.chown(self.root, self._user.pw_uid, self._user.pw_gid)
            self._initdb()
            self._start()
        except BaseException:
            self.close()
            raise

    @staticmethod
    def _run_as() -> pwd.struct_passwd | None:
        if os.geteuid() != 0:
            return None
        try:
            return pwd.getpwnam("postgres")
        except KeyError:
            raise PostgresUnavailable(
                "running as root, and PostgreSQL refuses root: no 'postgres' user to run it "
                "as (the Debian package 'postgresql' creates one)"
            ) from None

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root

    @property
    def log_file(self) -> Path:
        return self.root / "postgres.log"

    @property
    def _uid(self) -> int | None:
        return None if self._user is None else self._user.pw_uid

    @property
    def _gid(self) -> int | None:
        return None if self._user is None else self._user.pw_gid

    @property
    def _extra_groups(self) -> list[int] | None:
        # Dropping to the postgres user drops root's supplementary groups too.
        return None if self._user is None else []

    def _initdb(self) -> None:
        result = subprocess.run(
            [
                str(self.bin_dir / "initdb"),
                "--pgdata",
                str(self.data_dir),
                "--username",
                SUPERUSER,
                "--auth",
                "trust",
                "--encoding",
                "UTF8",
                "--locale",
                "C",
                # A throwaway cluster needs no fsync.
                "--no-sync",
            ],
            cwd=self.root,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
            user=self._uid,
            group=self._gid,
            extra_groups=self._extra_groups,
        )
        if result.returncode != 0:
            raise PostgresUnavailable(f"initdb failed:\n{result.stdout}{result.stderr}")

    def _start(self) -> None:
        # Another process may take the free port before the server binds it; then the
        # server exits at once saying so, and another port is tried.
        for _attempt in range(5):
            self.port = _free_port()
            self.process = self._spawn()
            if self._wait_until_ready():
                return
            self.process = None
            if not PORT_IN_USE.search(self.log_file.read_text(errors="replace")):
                break
        raise PostgresUnavailable(
            f"PostgreSQL did not start; its log:\n{self.log_file.read_text(errors='replace')}"
        )

    def _spawn(self) -> subprocess.Popen[bytes]:
        with self.log_file.open("wb") as log:
            return subprocess.Popen(
                [
                    str(self.bin_dir / "postgres"),
                    "-D",
                    str(self.data_dir),
                    "-p",
                    str(self.port),
                    "-h",
                    "127.0.0.1",
                    "-k",
                    str(self.socket_dir),
                    "-c",
                    "fsync=off",
                    "-c",
                    "synchronous_commit=off",
                    "-c",
                    "full_page_writes=off",
                ],
                cwd=self.root,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                user=self._uid,
                group=self._gid,
                extra_groups=self._extra_groups,
                preexec_fn=end_with_this_process(),
            )

    def _wait_until_ready(self) -> bool:
        """Poll until the server accepts connections (True) or its process exits (False)."""
        assert self.process is not None
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                with psycopg.connect(self.conninfo("postgres"), connect_timeout=2):
                    return True
            except psycopg.OperationalError:
                time.sleep(0.02)
        self._stop()
        raise PostgresUnavailable(f"PostgreSQL did not accept connections in {START_TIMEOUT_S} s")

    def kill(self) -> None:
        """SIGKILL to the server, as a crash: no shutdown of its own."""
        assert self.process is not None
        self.process.kill()
        self.process.wait()
        self.process = None

    def start_again(self) -> None:
        """Start the server on its data and port after ``kill`` (it recovers from the
        crash first). The killed server's backends leave on their own, but may hold its
        shared memory a moment longer: until they have, a start fails and is tried again."""
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            self.process = self._spawn()
            if self._wait_until_ready():
                return
            if time.monotonic() > deadline:
                self.process = None
                raise PostgresUnavailable(
                    f"PostgreSQL did not start again; its log:\n"
                    f"{self.log_file.read_text(errors='replace')}"
                )

    def conninfo(self, database: str) -> str:
        return f"host=127.0.0.1 port={self.port} user={SUPERUSER} dbname={database}"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def _stop(self) -> None:
        """Stop the process this object started (fast shutdown), killing it if it hangs."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def close(self) -> None:
        self._stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
