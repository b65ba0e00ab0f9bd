"""A real ``vaxla-server`` process for tests, started and stopped by its command line."""

import os
import queue
import re
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Self

from tests.orphans import end_with_this_process

BIN_DIR = Path(sys.executable).parent
TIMEOUT_S = 30.0
LISTENING = re.compile(r"Uvicorn running on (https?://\S+)")
FRONT_READY = re.compile(r"calls are taken at sip:(\S+) \(Kamailio\)")
"""The SIP front's address, where callers and phones send SIP."""
WORKER_STARTED = re.compile(r"media worker (\S+) ready at \S+ \(pid (\d+)\)")
"""A media worker's id and pid (its calls' ids begin with the worker id: ``w1-3``)."""


def front_address(lines: Sequence[str]) -> str:
    """The SIP front's ``HOST:PORT`` from a server's log (read before it listened)."""
    found = next(filter(None, map(FRONT_READY.search, lines)), None)
    assert found is not None, "".join(lines)
    return found.group(1)


def worker_pids(lines: Sequence[str]) -> dict[str, int]:
    """Every media worker started so far, by id."""
    return {m.group(1): int(m.group(2)) for m in map(WORKER_STARTED.search, lines) if m}


def assert_workers_gone(lines: Sequence[str], timeout: float = 5.0) -> None:
    """Every media worker the server's log names has exited (within ``timeout``)."""
    for pid in worker_pids(lines).values():
        for _ in range(int(timeout / 0.1)):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
        else:
            raise AssertionError(f"media worker pid {pid} outlived its server")


class ServerExited(Exception):
    pass


class ServerProcess:
    """``vaxla-server serve`` on a free loopback port, whose log lines can be waited for.

    Use it as a context manager: leaving the block kills the server if still running.
    ``args`` are added to the command line; the server advertises itself with zeroconf
    (on loopback) only if ``discovery`` is true.
    """

    def __init__(
        self,
        data_dir: Path,
        args: Sequence[str] = (),
        *,
        discovery: bool = False,
        timeout: float = TIMEOUT_S,
    ) -> None:
        self.timeout = timeout
        self.process = subprocess.Popen(
            [
                str(BIN_DIR / "vaxla-server"),
                "serve",
                "--data-dir",
                str(data_dir),
                "--http-port",
                "0",
                *([] if discovery else ["--no-discovery"]),
                *args,
            ],
            stdin=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=end_with_this_process(),
        )
        assert self.process.stderr is not None
        self.log_lines: list[str] = []
        self._unread: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, args=(self.process.stderr,))
        self._reader.start()
        try:
            self.url = self.wait_for_line(LISTENING).group(1)
        except BaseException:
            self.close()
            raise

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            self._unread.put(line)
        self._unread.put(None)

    def wait_for_line(self, pattern: re.Pattern[str]) -> re.Match[str]:
        """Read log lines until one matches ``pattern``; fail if the server exits first."""
        while (line := self._unread.get(timeout=self.timeout)) is not None:
            self.log_lines.append(line)
            if match := pattern.search(line):
                return match
        raise ServerExited(f"no log line matched {pattern.pattern!r}:\n{''.join(self.log_lines)}")

    def read_available(self) -> list[str]:
        """Every log line written so far (those not waited for yet are read now)."""
        while True:
            try:
                line = self._unread.get_nowait()
            except queue.Empty:
                return self.log_lines
            if line is None:
                self._unread.put(None)  # the end stays the end for wait_for_line
                return self.log_lines
            self.log_lines.append(line)

    def stop(self) -> int:
        """Terminate the server as a service manager would; return its exit code."""
        self.process.terminate()
        return self.process.wait(timeout=self.timeout)

    def close(self) -> None:
        self.process.kill()
        self.process.wait()
        # The reader ends at end of file, which the server's death guarantees.
        self._reader.join()
        assert self.process.stderr is not None
        self.process.stderr.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def print_sipp_errors(errors: Path, status: int) -> None:
    """Print what SIPp wrote to its ``-error_file`` (pytest shows it with a failure)."""
    text = errors.read_text(errors="replace") if errors.exists() else "(no error file)"
    print(f"SIPp exited {status}; {errors.name}:\n{text[-8000:]}")
