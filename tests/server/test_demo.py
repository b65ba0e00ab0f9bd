"""The demo site and ``check-config``."""

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from vaxla_server.auth import Auth, AuthSettings
from vaxla_server.config import Configuration
from vaxla_server.demo import AGENTS, DEMO_PASSWORD, demo_document, load_demo
from vaxla_server.store import open_store

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)


def test_the_demo_loads_once_and_its_users_log_in(tmp_path: Path) -> None:
    with open_store(data_dir=tmp_path) as store:
        configuration = Configuration(store.engine)
        assert load_demo(store, configuration, NOW) == [
            "23 demo users created, 0 kept",
            "demo configuration loaded: entry points 100 and 200, Support and Sales",
        ]
        document = configuration.export_document()
        assert [e.address for e in document.entry_points] == ["100", "200"]
        assert {q.name for q in document.queues} == {"Support", "Sales"}
        assert len(document.agents) == len(AGENTS) == 20
        configuration.delete_queue  # noqa: B018 - the admin may change the demo site
        assert load_demo(store, configuration, NOW) == [
            "0 demo users created, 23 kept",
            "configuration kept: this store has entry points or queues already",
        ]
        auth = Auth.open(store, AuthSettings())
        for name in ("agent1", "agent20", "operator1", "supervisor1", "admin1"):
            assert auth.sessions.login(name, DEMO_PASSWORD, "127.0.0.1", NOW).token


def test_the_demo_menu_offers_support_sales_and_the_other_language() -> None:
    menus = {menu.name: menu for menu in demo_document().menus}
    for name, other in (("main_sv", "main_en"), ("main_en", "main_sv")):
        keys = menus[name].keys
        assert keys["1"].model_dump() == {"kind": "queue", "queue": "Support"}
        assert keys["2"].model_dump() == {"kind": "queue", "queue": "Sales"}
        assert keys["9"].model_dump() == {"kind": "language", "menu": other}


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
