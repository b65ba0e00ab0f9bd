import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

# Before any QApplication exists: tests never need a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.server_process import BIN_DIR, ServerProcess

AGENT = "anna"
PASSWORD = "correct horse battery staple"


def create_user(data_dir: Path, username: str = AGENT, password: str = PASSWORD) -> None:
    """Add an agent to a server's data directory with ``vaxla-server create-user``."""
    subprocess.run(
        [
            str(BIN_DIR / "vaxla-server"),
            "create-user",
            "--data-dir",
            str(data_dir),
            "--username",
            username,
            "--role",
            "agent",
        ],
        env={**os.environ, "VAXLA_PASSWORD": password},
        capture_output=True,
        timeout=60,
        check=True,
    )


@pytest.fixture
def server_with_agent(tmp_path: Path) -> Iterator[ServerProcess]:
    """A real plain-HTTP server on loopback that knows the agent ``anna``."""
    create_user(tmp_path / "data")
    with ServerProcess(tmp_path / "data") as server:
        yield server


@pytest.fixture
def tls_server_with_agent(tmp_path: Path) -> Iterator[ServerProcess]:
    """A real HTTPS server with a self-signed certificate that knows ``anna``."""
    create_user(tmp_path / "data")
    with ServerProcess(tmp_path / "data", ["--tls", "self-signed"]) as server:
        yield server


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """A real server of the demo site (``admin1``, ``supervisor1``, ... password ``demo``),
    one per test process (tests that change its configuration put it back)."""
    with ServerProcess(tmp_path_factory.mktemp("demo") / "data", ["--demo"], timeout=120) as s:
        yield s
