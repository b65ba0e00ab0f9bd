"""Waiting for a condition with a deadline (a program's log line, a file)."""

import subprocess
import time
from collections.abc import Callable
from pathlib import Path

POLL_S = 0.2


def wait_for(condition: Callable[[], bool], deadline_s: float, what: str) -> None:
    deadline = time.monotonic() + deadline_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {deadline_s} s")
        time.sleep(POLL_S)


def log_says(log: Path, text: str) -> Callable[[], bool]:
    return lambda: log.exists() and text in log.read_text(errors="replace")


# A tel: click, as the link handler passes it, and what the running app logs of it.
CLICKED_LINK = "tel:+46-8-123 456 78"
LOGGED_LINK = "a later start's link: tel:+4681234567"


def assert_running_app_takes_a_click(
    running: "subprocess.Popen[str]",
    running_log: Path,
    click: Callable[[str], "subprocess.CompletedProcess[str]"],
    deadline_s: float,
) -> None:
    """Once ``running`` listens, ``click`` (a later start with the link) hands it over
    and ends at once, and the running app logs the link. ``running`` is stopped after."""
    try:
        wait_for(log_says(running_log, "taking links"), deadline_s, "the app listens")
        clicked = click(CLICKED_LINK)
        assert clicked.returncode == 0, clicked.stderr
        wait_for(log_says(running_log, LOGGED_LINK), deadline_s, "the running app gets the link")
    finally:
        running.kill()
        running.communicate(timeout=30)
