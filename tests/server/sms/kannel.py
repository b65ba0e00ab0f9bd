"""A real Kannel for the tests: bearerbox, smsbox (its ``sendsms`` HTTP interface, one
``sendsms-user``) and Kannel's own ``fakesmsc`` as the operator, on free loopback ports,
in a temporary directory with its own configuration; stopped by pid, each process the
harness started and none other.

``fakesmsc`` prints every message the operator gets ("Got message N: <from to text
...>"); ``Kannel.received`` waits for a line that says what the test expects. fakesmsc
answers each message with delivery reports, which Kannel sends to the ``dlr-url``.
"""

import contextlib
import os
import queue
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tests.server.alarms.smtp import free_tcp_port

BEARERBOX = Path("/usr/sbin/bearerbox")
SMSBOX = Path("/usr/sbin/smsbox")
FAKESMSC = Path("/usr/lib/kannel/test/fakesmsc")
USER, SECRET = "vaxla", "sms-hemlis"
STARTUP_S = 30.0
STOP_S = 15.0


class KannelMissing(RuntimeError):
    pass


@dataclass
class Kannel:
    sendsms_port: int
    directory: Path
    _lines: "queue.Queue[str]" = field(default_factory=queue.Queue)
    _processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def received(self, needle: str, timeout: float = 30.0) -> str:
        """The operator's line that holds ``needle``, waiting up to ``timeout``."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"fakesmsc got no message with {needle!r}")
            try:
                line = self._lines.get(timeout=left)
            except queue.Empty:
                continue
            if "Got message" in line and needle in line:
                return line


def _config(directory: Path, ports: dict[str, int]) -> Path:
    conf = directory / "kannel.conf"
    conf.write_text(
        f"""group = core
admin-port = {ports["admin"]}
admin-password = {SECRET}
admin-interface = 127.0.0.1
smsbox-port = {ports["smsbox"]}
smsbox-interface = 127.0.0.1
log-level = 1
log-file = "{directory}/bearerbox.log"
dlr-storage = internal
store-type = file
store-location = "{directory}/store"

group = smsc
smsc = fake
smsc-id = fake
port = {ports["smsc"]}
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {ports["smsbox"]}
sendsms-port = {ports["sendsms"]}
sendsms-interface = 127.0.0.1
log-file = "{directory}/smsbox.log"
log-level = 1

group = sendsms-user
username = {USER}
password = {SECRET}
max-messages = 4
concatenation = true

group = sms-service
keyword = default
text = ""
omit-empty = true
"""
    )
    return conf


def _listening(port: int, timeout: float) -> None:
    """Wait until something accepts on ``port`` (the box opens it once it is ready)."""
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"nothing listens on port {port} after {timeout:g} s")
        time.sleep(0.1)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(STOP_S)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(STOP_S)
    if process.stdout is not None:
        process.stdout.close()


@contextlib.contextmanager
def kannel(directory: Path, sendsms_port: int | None = None) -> Iterator[Kannel]:
    """Kannel with fakesmsc, running until the block ends; ``sendsms_port``: the port
    smsbox takes (a free one when None)."""
    for binary in (BEARERBOX, SMSBOX, FAKESMSC):
        if not binary.exists():
            raise KannelMissing(f"{binary} is missing: apt-get install kannel kannel-extras")
    directory.mkdir(parents=True, exist_ok=True)
    ports = {
        "admin": free_tcp_port(),
        "smsbox": free_tcp_port(),
        "smsc": free_tcp_port(),
        "sendsms": sendsms_port or free_tcp_port(),
    }
    conf = _config(directory, ports)
    running = Kannel(ports["sendsms"], directory)
    quiet = subprocess.DEVNULL
    try:
        running._processes.append(subprocess.Popen([BEARERBOX, conf], stdout=quiet, stderr=quiet))
        _listening(ports["smsc"], STARTUP_S)
        # The operator: one message of its own (to the empty service) keeps it running.
        operator = subprocess.Popen(
            [
                FAKESMSC,
                "-H",
                "127.0.0.1",
                "-r",
                str(ports["smsc"]),
                "-i",
                "0",
                "-m",
                "1",
                "000 000 text ping",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        running._processes.append(operator)
        threading.Thread(target=_read, args=(operator, running._lines), daemon=True).start()
        running._processes.append(subprocess.Popen([SMSBOX, conf], stdout=quiet, stderr=quiet))
        _listening(ports["sendsms"], STARTUP_S)
        yield running
    finally:
        for process in reversed(running._processes):
            _stop(process)


def _read(process: subprocess.Popen[bytes], lines: "queue.Queue[str]") -> None:
    assert process.stdout is not None
    for raw in iter(process.stdout.readline, b""):
        lines.put(raw.decode(errors="replace"))
