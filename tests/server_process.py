"""A real ``vaxla-server`` process for tests, started and stopped by its command line."""

import queue
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

BIN_DIR = Path(sys.executable).parent
TIMEOUT_S = 30.0
LISTENING = re.compile(r"Uvicorn running on (http://\S+)")


class ServerExited(Exception):
    pass


class ServerProcess:
    """A running server whose log lines can be waited for, in order."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        assert process.stderr is not None
        self.process = process
        self.log_lines: list[str] = []
        self._unread: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, args=(process.stderr,), daemon=True).start()
        self.url = self.wait_for_line(LISTENING).group(1)

    def _pump(self, stream: IO[str]) -> None:
        for line in stream:
            self._unread.put(line)
        self._unread.put(None)

    def wait_for_line(self, pattern: re.Pattern[str]) -> re.Match[str]:
        """Read log lines until one matches ``pattern``; fail if the server exits first."""
        while (line := self._unread.get(timeout=TIMEOUT_S)) is not None:
            self.log_lines.append(line)
            if match := pattern.search(line):
                return match
        raise ServerExited(f"no log line matched {pattern.pattern!r}:\n{''.join(self.log_lines)}")

    def stop(self) -> int:
        """Terminate the server as a service manager would; return its exit code."""
        self.process.terminate()
        return self.process.wait(timeout=TIMEOUT_S)


@contextmanager
def running_server(data_dir: Path) -> Iterator[ServerProcess]:
    """``vaxla-server serve`` on a free loopback port, killed on exit if still running."""
    command = [str(BIN_DIR / "vaxla-server"), "serve", "--data-dir", str(data_dir)]
    with subprocess.Popen(
        [*command, "--http-port", "0"],
        stdin=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        try:
            yield ServerProcess(process)
        finally:
            process.kill()
