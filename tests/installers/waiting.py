"""Waiting for a condition with a deadline (a program's log line, a file)."""

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
