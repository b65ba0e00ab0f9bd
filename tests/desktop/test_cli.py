import io
import os
import re
import subprocess
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from tests.desktop.conftest import AGENT, PASSWORD
from tests.server_process import BIN_DIR, ServerProcess
from vaxla_desktop.cli import parse_options
from vaxla_desktop.core.dial import DialRequest, DialScheme
from vaxla_desktop.i18n import Language

DESKTOP = str(BIN_DIR / "vaxla-desktop")
LOGGED_IN = re.compile(r'"POST /api/v1/auth/login HTTP/1.1" 200')


def desktop(
    *args: str, password: str | None = None, stdin: str = "", tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "VAXLA_PASSWORD"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    if password is not None:
        env["VAXLA_PASSWORD"] = password
    return subprocess.run(
        [
            *(DESKTOP, *args, "--settings", str(tmp_path / "settings.ini"), "--no-discovery"),
            *("--log-file", str(tmp_path / "logs" / "vaxla-desktop.log")),
        ],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )


def test_help_lists_the_options() -> None:
    # --help must work without Qt's display: no QT_QPA_PLATFORM here.
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    result = subprocess.run(
        [DESKTOP, "--help"], capture_output=True, text=True, timeout=60, env=env, check=True
    )
    for option in (
        "--server",
        "--user",
        "--fingerprint",
        "--minimized",
        "--auto-answer",
        "--language",
        "--screenshot",
        "--log-file",
        "--verbose",
        "tel:",
        "VAXLA_PASSWORD",
    ):
        assert option in result.stdout


def test_screenshot_of_a_session_with_a_real_server(
    server_with_agent: ServerProcess, tmp_path: Path
) -> None:
    screenshot = tmp_path / "desktop.png"
    result = desktop(
        *("--server", server_with_agent.url, "--user", AGENT, "--screenshot", str(screenshot)),
        password=PASSWORD,
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert not QImage(str(screenshot)).isNull()
    server_with_agent.wait_for_line(LOGGED_IN)
    log = (tmp_path / "logs" / "vaxla-desktop.log").read_text(encoding="utf-8")
    assert re.search(
        r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO +vaxla_desktop\.app: "
        r"Vaxla desktop \S+ starting; the log is ",
        log,
        re.MULTILINE,
    ), log


def test_the_password_can_come_on_standard_input(
    server_with_agent: ServerProcess, tmp_path: Path
) -> None:
    result = desktop(
        *("--server", server_with_agent.url, "--user", AGENT),
        *("--screenshot", str(tmp_path / "shot.png")),
        stdin=PASSWORD + "\n",
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    server_with_agent.wait_for_line(LOGGED_IN)


def test_a_wrong_password_exits_with_the_reason(
    server_with_agent: ServerProcess, tmp_path: Path
) -> None:
    result = desktop(
        "--server", server_with_agent.url, "--user", AGENT, password="nope", tmp_path=tmp_path
    )
    assert result.returncode == 1
    assert "vaxla-desktop: wrong user name or password" in result.stderr


def test_a_self_signed_server_needs_its_fingerprint_on_the_command_line(
    tls_server_with_agent: ServerProcess, tmp_path: Path
) -> None:
    url = tls_server_with_agent.url
    first = desktop("--server", url, "--user", AGENT, password=PASSWORD, tmp_path=tmp_path)
    assert first.returncode == 1
    assert "--fingerprint" in first.stderr
    fingerprint = re.search(r"([0-9A-F]{2}(:[0-9A-F]{2}){31})", first.stderr)
    assert fingerprint is not None
    second = desktop(
        *("--server", url, "--user", AGENT, "--fingerprint", fingerprint.group(1)),
        *("--screenshot", str(tmp_path / "shot.png")),
        password=PASSWORD,
        tmp_path=tmp_path,
    )
    assert second.returncode == 0, second.stderr
    # The fingerprint is pinned now: the next run needs it no more.
    third = desktop(
        *("--server", url, "--user", AGENT, "--screenshot", str(tmp_path / "again.png")),
        password=PASSWORD,
        tmp_path=tmp_path,
    )
    assert third.returncode == 0, third.stderr


def test_the_login_window_can_be_photographed(tmp_path: Path) -> None:
    screenshot = tmp_path / "login.png"
    result = desktop("--screenshot", str(screenshot), tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    image = QImage(str(screenshot))
    assert not image.isNull()
    assert image.width() >= 400


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--user", "anna"], "--user needs --server"),
        (["--server", "http://h:1", "--user", "anna"], "--user needs a password"),
        (["tel:not-a-number"], "cannot dial 'tel:not-a-number'"),
        (["--fingerprint", "AB:CD"], "not a SHA-256 fingerprint"),
        (["--language", "de"], "invalid choice"),
        (["--queues", " , "], "give 'all' or queue names"),
    ],
)
def test_bad_command_lines_say_what_is_wrong(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        parse_options(args, {}, io.StringIO(""))
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


def test_the_options_reach_the_app() -> None:
    options = parse_options(
        [
            *("--server", "https://vaxla.example.com:8780", "--user", "anna"),
            *("--minimized", "--auto-answer", "--language", "sv"),
            *("--fingerprint", "ab" * 32),
            "tel:+46 8 765 43 21",
        ],
        {"VAXLA_PASSWORD": "from the environment"},
        io.StringIO("from stdin\n"),
    )
    assert options.password == "from the environment"
    assert options.minimized
    assert options.auto_answer
    assert options.language is Language.SWEDISH
    assert options.fingerprint == ":".join(["AB"] * 32)
    assert options.dial == DialRequest(DialScheme.TEL, "+4687654321")
    assert "from the environment" not in repr(options)


@pytest.mark.parametrize(
    ("given", "queues"),
    [([], None), (["--queues", "ALL"], []), (["--queues", "Support, Sales"], ["Support", "Sales"])],
)
def test_queues_to_log_in_to_at_start(given: list[str], queues: list[str] | None) -> None:
    assert parse_options(given, {}, io.StringIO("")).queues == queues


def test_standard_input_gives_the_password_without_the_variable() -> None:
    options = parse_options(
        ["--server", "http://h:1", "--user", "anna"], {}, io.StringIO("s3cret\n")
    )
    assert options.password == "s3cret"
