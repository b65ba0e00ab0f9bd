"""Fixtures shared by the test packages."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.server_process import ServerProcess


@pytest.fixture
def vaxla_server(tmp_path: Path) -> Iterator[ServerProcess]:
    """A real ``vaxla-server serve`` on a free loopback port, stopped after the test."""
    with ServerProcess(tmp_path / "data") as server:
        yield server
