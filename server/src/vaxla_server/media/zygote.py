"""The zygote: one process that imports pjsua2 and the worker once, then forks workers.

A media worker started as a fresh interpreter costs about 65 MB resident (42 MB PSS):
pjsua2's module, pydantic and the server package are loaded into each. Forked from a
process that loaded them once and called ``gc.freeze()`` (so the collector never writes
to the shared objects' pages), a worker shares those pages and costs about 8 MB PSS, and
it is ready in a fraction of the time. pjsua2 is imported but never initialised here: the
library's threads and sockets are made in each child after the fork.

The pool runs ``python -m vaxla_server.media.zygote`` with pipes on stdin and stdout and
speaks JSON lines with it:

- pool → zygote ``{"spawn": TAG, "argv": [...]}``: fork a worker running
  ``vaxla_server.media.worker.main(argv)``; the answer is ``{"spawned": TAG, "pid": N}``
  (or ``{"failed": TAG, "reason": ...}``);
- zygote → pool ``{"exited": N, "code": C}`` when a worker ends (``C`` is negative for a
  signal, as :attr:`subprocess.Popen.returncode` says it);
- pool → zygote ``{"kill": N}``: SIGKILL to worker ``N`` (only a child of this zygote);
- either way ``{"alive": true}``: nothing but a sign of life (a media host's zygote,
  :mod:`.host`, speaks the same lines over TCP and counts silence as the server gone);
- end of stdin: the pool is gone, so the zygote ends its workers (SIGTERM, then SIGKILL
  after two seconds) and exits. Each worker also dies with the zygote (``PR_SET_PDEATHSIG``)
  and leaves on its own when its control connection closes.
"""

import contextlib
import gc
import json
import os
import select
import signal
import sys
import time
from collections.abc import Sequence
from typing import Any

import pjsua2  # noqa: F401 — loaded once here so that every forked worker shares it

from vaxla_server.media import worker as worker_module
from vaxla_server.media.lifetime import die_with_parent


def _exit_code(status: int) -> int:
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


class Zygote:
    """Forks workers on command. With ``heartbeat_s`` it says it is alive that often, and
    with ``silence_s`` it takes that long without a word as the end of its commands."""

    def __init__(
        self,
        commands: int,
        answers: int,
        *,
        heartbeat_s: float | None = None,
        silence_s: float | None = None,
        exit_on_term: bool = False,
        pending: bytes = b"",
    ) -> None:
        self.commands = commands
        self.answers = answers
        self._heartbeat_s = heartbeat_s
        self._silence_s = silence_s
        self._exit_on_term = exit_on_term
        self.silent = False
        self.terminated = False
        self._children: set[int] = set()
        self._buffer = pending
        """Commands read but not yet handled (a media host's first ones come with the
        server's welcome)."""
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_read, False)
        os.set_blocking(self._wake_write, False)

    def _say(self, message: dict[str, Any]) -> None:
        data = (json.dumps(message) + "\n").encode()
        with contextlib.suppress(OSError):
            while data:
                written = os.write(self.answers, data)
                data = data[written:]

    def run(self) -> int:
        signal.set_wakeup_fd(self._wake_write)
        signal.signal(signal.SIGCHLD, lambda signum, frame: None)
        signal.signal(signal.SIGTERM, lambda signum, frame: self._terminate())
        gc.collect()
        gc.freeze()
        heard = said = time.monotonic()
        try:
            self._handle_lines(b"")
            while True:
                ready, _, _ = select.select(
                    [self.commands, self._wake_read], [], [], self._heartbeat_s
                )
                if self._wake_read in ready:
                    with contextlib.suppress(BlockingIOError):
                        os.read(self._wake_read, 4096)
                self._reap()
                if self.terminated and self._exit_on_term:
                    break
                now = time.monotonic()
                if self._heartbeat_s is not None and now - said >= self._heartbeat_s:
                    self._say({"alive": True})
                    said = now
                if self._silence_s is not None and now - heard > self._silence_s:
                    self.silent = True
                    break
                if self.commands in ready:
                    try:
                        chunk = os.read(self.commands, 65536)
                    except ConnectionError:
                        chunk = b""
                    if not chunk:
                        break
                    heard = now
                    self._handle_lines(chunk)
        finally:
            self._end_all()
        return 0

    def _handle_lines(self, chunk: bytes) -> None:
        self._buffer += chunk
        *lines, self._buffer = self._buffer.split(b"\n")
        for line in lines:
            if line.strip():
                self._handle(line)

    def _handle(self, line: bytes) -> None:
        try:
            message = json.loads(line)
            if "alive" in message:
                return
            if "kill" in message:
                self._kill(int(message["kill"]))
                return
            tag = str(message["spawn"])
            argv = [str(part) for part in message["argv"]]
            token = str(message.get("token", ""))
        except (ValueError, KeyError, TypeError) as error:
            self._say({"failed": None, "reason": f"not a spawn command: {error}"})
            return
        try:
            pid = os.fork()
        except OSError as error:
            self._say({"failed": tag, "reason": f"fork failed: {error}"})
            return
        if pid == 0:
            self._become_worker(argv, token)
        self._children.add(pid)
        self._say({"spawned": tag, "pid": pid})

    def _terminate(self) -> None:
        self.terminated = True
        self._end_all()

    def _kill(self, pid: int) -> None:
        if pid in self._children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

    def _become_worker(self, argv: Sequence[str], token: str) -> None:
        code = 70
        try:
            # Proves to the pool that it is the worker it asked for (not in argv: ps shows it).
            os.environ[worker_module.TOKEN_VARIABLE] = token
            signal.set_wakeup_fd(-1)
            for signum in (signal.SIGCHLD, signal.SIGTERM):
                signal.signal(signum, signal.SIG_DFL)
            os.close(self.commands)
            os.close(self.answers)
            os.close(self._wake_read)
            os.close(self._wake_write)
            # pjlib prints to stdout: the worker's stdout is the pool's stderr, as ours is.
            os.dup2(2, 1)
            os.dup2(os.open(os.devnull, os.O_RDONLY), 0)
            die_with_parent(signal.SIGKILL)
            code = worker_module.main(argv)
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else 2
        except BaseException:
            import traceback

            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)

    def _reap(self) -> None:
        while self._children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                self._children.clear()
                return
            if pid == 0:
                return
            self._children.discard(pid)
            self._say({"exited": pid, "code": _exit_code(status)})

    def _end_all(self) -> None:
        for pid in list(self._children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 2.0
        while self._children and time.monotonic() < deadline:
            self._reap()
            time.sleep(0.02)
        for pid in list(self._children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        while self._children:
            try:
                pid, status = os.waitpid(-1, 0)
            except ChildProcessError:
                break
            self._children.discard(pid)
            self._say({"exited": pid, "code": _exit_code(status)})


def main() -> int:
    commands = os.dup(0)
    answers = os.dup(1)
    # Nothing else may write to the answer pipe: our own stdout goes to stderr.
    os.dup2(2, 1)
    return Zygote(commands, answers).run()


if __name__ == "__main__":
    sys.exit(main())
