"""Fixtures shared by the test packages."""

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.server_process import ServerProcess


@pytest.fixture
def vaxla_server(tmp_path: Path) -> Iterator[ServerProcess]:
    """A real ``vaxla-server serve`` on a free loopback port, stopped after the test."""
    with ServerProcess(tmp_path / "data") as server:
        yield server


@pytest.fixture(autouse=True, scope="module")
def no_softphone_left_open() -> Iterator[None]:
    """A test module that ends (its tests passing or failing) with the desktop's
    softphone still open is an error here, and the softphone is closed: pjsua2 has one
    Endpoint per process, and the next module's would otherwise abort the whole test
    process (within the module, a second softphone is refused with a SoftphoneError)."""
    yield
    softphone = sys.modules.get("vaxla_desktop.sip.softphone")  # none unless imported
    left = None if softphone is None else softphone.Softphone.open_one()
    if left is not None:
        left.close()
        pytest.fail(f"the module left a softphone open (at {left.address}); it is closed now")
