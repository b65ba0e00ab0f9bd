"""``vaxla-server create-user``, run as a real process."""

import io
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from tests.server.auth.conftest import PASSWORD, START
from tests.server.conftest import create_postgres_database
from tests.server_process import BIN_DIR, ServerProcess
from vaxla_protocol import LoginResponse, Role
from vaxla_server.auth import Auth, AuthSettings, LoginFailed
from vaxla_server.auth.users import USERS
from vaxla_server.cli import build_parser
from vaxla_server.config import Configuration
from vaxla_server.store import open_store

SERVER = str(BIN_DIR / "vaxla-server")


def create_user(
    *args: str, env_password: str | None = None, stdin: str = ""
) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "VAXLA_PASSWORD"}
    if env_password is not None:
        env["VAXLA_PASSWORD"] = env_password
    return subprocess.run(
        [SERVER, "create-user", *args],
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def stored_users(data_dir: Path) -> list[tuple[str, str, str, str]]:
    with open_store(data_dir=data_dir) as store, store.engine.connect() as connection:
        rows = connection.execute(
            select(USERS.c.username, USERS.c.display_name, USERS.c.role, USERS.c.password_hash)
        )
        return [tuple(row) for row in rows]


def can_log_in(data_dir: Path, username: str, password: str) -> bool:
    with open_store(data_dir=data_dir) as store:
        sessions = Auth.open(store, AuthSettings()).sessions
        try:
            sessions.login(username, password, "192.0.2.1", START)
        except LoginFailed:
            return False
        return True


def test_the_password_comes_from_the_environment(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    result = create_user(
        "--data-dir",
        str(data_dir),
        "--username",
        "anna",
        "--role",
        "supervisor",
        "--display-name",
        "Anna Berg",
        env_password=PASSWORD,
        stdin="not this one\n",
    )
    assert result.returncode == 0, result.stderr
    assert "created user 'anna' (supervisor)" in result.stdout
    assert PASSWORD not in result.stdout + result.stderr
    [(username, display_name, role, _hash)] = stored_users(data_dir)
    assert (username, display_name, role) == ("anna", "Anna Berg", "supervisor")
    assert can_log_in(data_dir, "anna", PASSWORD)


def test_the_password_comes_from_standard_input(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    result = create_user(
        "--data-dir",
        str(data_dir),
        "--username",
        "agent1",
        "--role",
        "agent",
        stdin=PASSWORD + "\n",
    )
    assert result.returncode == 0, result.stderr
    assert can_log_in(data_dir, "agent1", PASSWORD)
    assert not can_log_in(data_dir, "agent1", PASSWORD + "\n")


def test_a_duplicate_user_is_refused_and_nothing_changes(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    args = ["--data-dir", str(data_dir), "--username", "anna", "--role", "agent"]
    assert create_user(*args, env_password=PASSWORD).returncode == 0
    before = stored_users(data_dir)

    again = create_user(
        "--data-dir", str(data_dir), "--username", "ANNA", "--role", "admin",
        env_password="another password",
    )  # fmt: skip

    assert again.returncode == 1
    assert again.stderr.strip() == (
        "vaxla-server: a user named 'ANNA' exists already; no user was added"
    )
    assert stored_users(data_dir) == before


def run_in_process(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], stdin: str, *args: str
) -> tuple[int, str]:
    """The command run in this process, for the checks that need no real process."""
    monkeypatch.delenv("VAXLA_PASSWORD", raising=False)
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    try:
        parsed = build_parser().parse_args(["create-user", *args])
        parsed.run(parsed)
    except SystemExit as exit:
        if isinstance(exit.code, str):
            print(exit.code, file=sys.stderr)
            return 1, capsys.readouterr().err
        return int(exit.code or 0), capsys.readouterr().err
    return 0, capsys.readouterr().err


@pytest.mark.parametrize(
    ("username", "password", "message"),
    [
        ("anna", "short", "a password must have 8 to 1024 characters, not 5"),
        ("anna", "", "a password must have 8 to 1024 characters, not 0"),
        ("an na", PASSWORD, "user name 'an na' is not valid"),
    ],
)
def test_bad_input_is_refused_with_a_message(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    username: str,
    password: str,
    message: str,
) -> None:
    data_dir = tmp_path / "data"
    args = ["--data-dir", str(data_dir), "--username", username, "--role", "agent"]
    code, stderr = run_in_process(monkeypatch, capsys, password, *args)
    assert code == 1
    assert message in stderr
    assert "no user was added" in stderr
    assert stored_users(data_dir) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--data-dir", "unused", "--username", "anna", "--role", "boss"],
            "argument --role: invalid choice: 'boss'",
        ),
        (
            ["--username", "anna", "--role", "agent"],
            "one of the arguments --data-dir --database is required",
        ),
        (
            [
                "--data-dir",
                "unused",
                "--database",
                "sqlite:///x",
                "--username",
                "a",
                "--role",
                "agent",
            ],
            "argument --database: not allowed with argument --data-dir",
        ),
    ],
)
def test_the_parser_refuses_bad_arguments(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    code, stderr = run_in_process(monkeypatch, capsys, PASSWORD, *args)
    assert code == 2
    assert message in stderr


def test_an_unsupported_database_is_refused_with_a_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--database", "mysql://user@localhost/vaxla", "--username", "anna", "--role", "agent"]
    code, stderr = run_in_process(monkeypatch, capsys, PASSWORD, *args)
    assert code == 1
    assert stderr.startswith("vaxla-server: unsupported database 'mysql'")


def test_create_user_works_on_postgresql(postgres_url: str) -> None:
    url = create_postgres_database(postgres_url)
    result = create_user(
        "--database", url, "--username", "anna", "--role", "operator", env_password=PASSWORD
    )
    assert result.returncode == 0, result.stderr
    with open_store(url=url) as store:
        assert Auth.open(store, AuthSettings()).users.get("anna").role is Role.OPERATOR


def test_a_created_user_logs_in_to_the_served_store(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    args = ["--data-dir", str(data_dir), "--username", "admin1", "--role", "admin"]
    assert create_user(*args, env_password=PASSWORD).returncode == 0
    with ServerProcess(data_dir) as server:
        login = httpx.post(
            f"{server.url}/api/v1/auth/login", json={"username": "admin1", "password": PASSWORD}
        )
        assert login.status_code == 200, login.text
        token = LoginResponse.model_validate_json(login.content).token
        me = httpx.get(f"{server.url}/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert me.json() == {"username": "admin1", "display_name": "admin1", "role": "admin"}


def test_serve_keeps_its_data_in_the_postgresql_database_it_is_given(
    tmp_path: Path, postgres_url: str
) -> None:
    url = create_postgres_database(postgres_url)
    args = ["--database", url, "--username", "admin1", "--role", "admin"]
    assert create_user(*args, env_password=PASSWORD).returncode == 0
    data_dir = tmp_path / "data"
    with ServerProcess(data_dir, ["--database", url]) as server:
        login = httpx.post(
            f"{server.url}/api/v1/auth/login", json={"username": "admin1", "password": PASSWORD}
        )
        assert login.status_code == 200, login.text
        token = LoginResponse.model_validate_json(login.content).token
        added = httpx.post(
            f"{server.url}/api/v1/config/queues",
            json={"name": "Support"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert added.status_code == 201, added.text
    with open_store(url=url) as store:
        queues = Configuration(store.engine).queues()
        assert [queue.settings.name for queue in queues] == ["Support"]
    assert not (data_dir / "vaxla.sqlite3").exists()
