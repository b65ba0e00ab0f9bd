"""The demo site and ``check-config``."""

import json
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import httpx

from tests.server.auth.conftest import CHEAP_SETTINGS
from tests.server_process import ServerProcess
from vaxla_protocol import Role
from vaxla_protocol.config import GoToMenu, GoToQueue, SwitchLanguage
from vaxla_server.auth import Auth, AuthSettings
from vaxla_server.config import Configuration
from vaxla_server.demo import (
    AGENTS,
    DEMO_PASSWORD,
    DEMO_PEOPLE,
    RECEPTIONIST,
    STAFF,
    SWITCHBOARD,
    demo_document,
    load_demo,
)
from vaxla_server.directory.service import Directory
from vaxla_server.store import open_store

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)


def test_the_demo_loads_once_and_its_users_log_in(tmp_path: Path) -> None:
    with open_store(data_dir=tmp_path) as store:
        configuration = Configuration(store.engine)
        assert load_demo(store, configuration, NOW) == [
            "24 demo users created, 0 kept",
            "demo configuration loaded: entry points 100, 200 and 0, Support, Sales and Växeln",
            "demo directory loaded: 12 people",
        ]
        document = configuration.export_document()
        assert [e.address for e in document.entry_points] == ["0", "100", "200"]
        assert {q.name for q in document.queues} == {"Support", "Sales", "Växeln"}
        assert len(document.agents) == len(AGENTS) + 1 == 21
        directory = Directory(store.engine)
        people = directory.people()
        assert [person.item.name for person in people] == [p.name for p in DEMO_PEOPLE]
        # Swedish order and search: Å, Ä and Ö after Z; "ärlig" finds Johan Ärlig.
        assert [p.item.name for p in directory.people("ärlig")] == ["Johan Ärlig"]
        directory.remove(people[0].id, by=(1, "admin1"), now=NOW)
        assert load_demo(store, configuration, NOW) == [
            "0 demo users created, 24 kept",
            "configuration kept: this store has entry points or queues already",
            "directory kept: it has people already",
        ]
        assert len(directory.people()) == len(DEMO_PEOPLE) - 1
        auth = Auth.open(store, AuthSettings())
        for name in ("agent1", "agent20", "operator1", "reception1", "supervisor1", "admin1"):
            assert auth.sessions.login(name, DEMO_PASSWORD, "127.0.0.1", NOW).token


def test_the_demo_menu_offers_support_sales_and_the_other_language() -> None:
    menus = {menu.name: menu for menu in demo_document().menus}
    for name, other in (("main_sv", "main_en"), ("main_en", "main_sv")):
        keys = menus[name].keys
        assert keys["1"] == GoToQueue(queue="Support")
        assert keys["2"] == GoToQueue(queue="Sales")
        assert keys["9"] == SwitchLanguage(menu=other)


def test_the_demo_entry_points_queues_and_users_are_as_documented() -> None:
    document = demo_document()
    entries = {entry.address: entry for entry in document.entry_points}
    assert entries["100"].language == "sv"
    assert entries["100"].first == GoToMenu(menu="main_sv")
    assert entries["200"].first == GoToQueue(queue="Support")
    menus = {menu.name: menu for menu in document.menus}
    assert (menus["main_sv"].language, menus["main_en"].language) == ("sv", "en")
    assert entries["0"].first == GoToQueue(queue=SWITCHBOARD)
    queues = {queue.name: queue for queue in document.queues}
    assert set(queues) == {"Support", "Sales", SWITCHBOARD}
    assert queues["Support"].requirements and queues["Sales"].requirements
    members = {
        queue: {a.username for a in document.agents if queue in {m.queue for m in a.memberships}}
        for queue in queues
    }
    for queue in ("Support", "Sales"):
        skill_needed = next(iter(queues[queue].requirements))
        skilled = {a.username for a in document.agents if skill_needed in a.skills}
        assert members[queue] and members[queue] <= skilled, queue
    assert members[SWITCHBOARD] == {RECEPTIONIST}
    assert (RECEPTIONIST, Role.OPERATOR) in STAFF
    assert {a.username for a in document.agents} == {f"agent{n}" for n in range(1, 21)} | {
        RECEPTIONIST
    }
    softphones = {person.extension for person in DEMO_PEOPLE} - {None}
    assert softphones <= {a.username for a in document.agents} | {n for n, _ in STAFF}


def test_the_demo_listens_on_loopback_unless_told_otherwise_and_says_so(tmp_path: Path) -> None:
    # The demo users made beforehand with cheap hashes, so that the server starts at once
    # (it keeps users that exist and loads the demo configuration all the same).
    with open_store(data_dir=tmp_path) as store:
        cheap = replace(CHEAP_SETTINGS, min_password_length=len(DEMO_PASSWORD))
        users = Auth.open(store, cheap).users
        for name, role in (*((agent, Role.AGENT) for agent in AGENTS), *STAFF):
            users.create(name, DEMO_PASSWORD, role, now=NOW)
    with ServerProcess(tmp_path, ["--demo"]) as server:
        assert server.url.startswith("http://127.0.0.1:")
        assert any("demo: listening on loopback only" in line for line in server.log_lines)
        login = httpx.post(
            f"{server.url}/api/v1/auth/login", json={"username": "admin1", "password": "demo"}
        )
        assert login.status_code == 200, login.text
    with ServerProcess(tmp_path, ["--demo", "--bind", "0.0.0.0"]) as server:
        assert server.url.startswith("http://0.0.0.0:")
        said = [line for line in server.log_lines if "demo: every demo user's password" in line]
        assert said and "reachable on 0.0.0.0" in said[0]


def run_check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "vaxla_server", "check-config", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_check_config_lists_problems_and_exits_by_severity(tmp_path: Path) -> None:
    with open_store(data_dir=tmp_path) as store:
        load_demo(store, Configuration(store.engine), NOW)
    result = run_check("--data-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "warning: licence: no licence is set" in result.stdout
    assert result.stdout.strip().endswith("0 error(s), 1 warning(s)")
    as_json = json.loads(run_check("--data-dir", str(tmp_path), "--json").stdout)
    assert as_json == [
        {
            "severity": "warning",
            "where": "licence",
            "message": "no licence is set, so nothing limits how many agents are logged in",
        }
    ]


def test_check_config_says_when_the_store_cannot_be_opened(tmp_path: Path) -> None:
    result = run_check("--database", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert result.returncode != 0
    assert result.stderr.startswith("vaxla-server: ")
    assert "Traceback" not in result.stderr
