import os
import re
import subprocess
from pathlib import Path

from PySide6.QtGui import QImage

from tests.server_process import BIN_DIR, ServerProcess

DESKTOP = str(BIN_DIR / "vaxla-desktop")


def test_help_lists_the_options() -> None:
    # --help must work without Qt's display: no QT_QPA_PLATFORM here.
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    result = subprocess.run(
        [DESKTOP, "--help"], capture_output=True, text=True, timeout=60, env=env, check=True
    )
    for option in ("--server", "--user", "--screenshot"):
        assert option in result.stdout


def test_screenshot_of_a_session_with_a_real_server(
    vaxla_server: ServerProcess, tmp_path: Path
) -> None:
    screenshot = tmp_path / "desktop.png"
    subprocess.run(
        [DESKTOP, "--server", vaxla_server.url, "--user", "anna", "--screenshot", str(screenshot)],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        timeout=60,
        check=True,
    )
    assert not QImage(str(screenshot)).isNull()
    vaxla_server.wait_for_line(re.compile(r'"GET /api/v1/health HTTP/1.1" 200'))
