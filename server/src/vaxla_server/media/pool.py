"""The pool of media worker processes, seen from the server's asyncio loop.

The pool listens on a loopback control address, starts ``size`` workers (``python -m
vaxla_server.media.worker``) on free UDP ports and waits for each to say ``ready``. Every
message from a worker goes to one handler the runtime registers; commands go back by call
id to the worker that holds the call. A worker that dies (process exit or control
connection lost) has each of its calls reported to the handler as
``call_ended(cause="worker_died")``, and a replacement takes its SIP port (or a new free
one when that port is taken). :meth:`MediaPool.stop` shuts the workers down and ends
exactly the processes it started, by pid.
"""

import asyncio
import contextlib
import ipaddress
import itertools
import logging
import socket
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from vaxla_server.media.messages import (
    CallEnded,
    FromWorker,
    IncomingCall,
    ProtocolError,
    Ready,
    Shutdown,
    Stats,
    ToWorker,
    decode_from_worker,
    encode,
)
from vaxla_server.media.worker import MAX_CALLS

log = logging.getLogger(__name__)

MessageHandler = Callable[[FromWorker], Awaitable[None] | None]
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class PoolError(Exception):
    """The pool could not start a worker or carry out a command."""


class UnknownCall(PoolError):
    """No worker holds this call id (it ended, or never existed)."""

    def __init__(self, call_id: str) -> None:
        super().__init__(f"no media worker holds call {call_id!r}")
        self.call_id = call_id


def free_udp_port(host: str = "127.0.0.1") -> int:
    """A UDP port nobody is bound to right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def _udp_port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.bind((host, port))
        except OSError:
            return False
        return True


@dataclass(frozen=True, slots=True)
class WorkerInfo:
    """What the pool knows of one worker."""

    worker_id: str
    pid: int
    sip_address: str
    calls: int
    stats: Stats | None


@dataclass(eq=False)
class _Worker:
    worker_id: str
    sip_port: int
    process: asyncio.subprocess.Process
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    writer: asyncio.StreamWriter | None = None
    sip_address: str = ""
    calls: set[str] = field(default_factory=set)
    stats: Stats | None = None
    peak_legs: int = 0
    lost: bool = False
    tasks: list["asyncio.Task[None]"] = field(default_factory=list)


class MediaPool:
    """``size`` media workers taking calls from ``allowed`` networks on ``bind``."""

    def __init__(
        self,
        handler: MessageHandler,
        *,
        size: int = 1,
        allowed: Sequence[Network] = (ipaddress.ip_network("127.0.0.0/8"),),
        bind: str = "127.0.0.1",
        sip_ports: Sequence[int] = (),
        max_calls: int = MAX_CALLS,
        ready_timeout: float = 15.0,
        python: str = sys.executable,
    ) -> None:
        if size < 1:
            raise PoolError(f"a pool needs at least one worker, not {size}")
        if sip_ports and len(sip_ports) != size:
            raise PoolError(f"{len(sip_ports)} SIP ports given for {size} workers")
        if not 1 <= max_calls <= MAX_CALLS:
            raise PoolError(f"max calls per worker must be 1-{MAX_CALLS}, not {max_calls}")
        self._handler = handler
        self._size = size
        self._allowed = tuple(allowed)
        self._bind = bind
        self._sip_ports = list(sip_ports)
        self._max_calls = max_calls
        self._ready_timeout = ready_timeout
        self._python = python
        self._workers: dict[str, _Worker] = {}
        self._routes: dict[str, _Worker] = {}
        self._ids = itertools.count(1)
        self._server: asyncio.Server | None = None
        self._control: tuple[str, int] | None = None
        self._stopping = False
        self._background: set[asyncio.Task[None]] = set()
        self.replacements = 0

    # Life cycle

    async def start(self) -> None:
        """Start every worker and wait until all are ready; raises :class:`PoolError`."""
        if self._server is not None:
            raise PoolError("the pool is started already")
        self._server = await asyncio.start_server(self._on_connection, "127.0.0.1", 0)
        self._control = self._server.sockets[0].getsockname()[:2]
        try:
            for index in range(self._size):
                port = self._sip_ports[index] if self._sip_ports else free_udp_port(self._bind)
                await self._start_worker(port)
        except BaseException:
            await self.stop()
            raise

    async def stop(self, timeout: float = 5.0) -> None:
        """Shut every worker down (calls end with cause ``shutdown``), then end any process
        of ours still running, by pid, and close the control address."""
        self._stopping = True
        # Replacements being started first: cancelling one ends the process it started.
        for task in list(self._background):
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)
        workers = list(self._workers.values())
        for worker in workers:
            self._write(worker, Shutdown())
        for worker in workers:
            try:
                await asyncio.wait_for(worker.process.wait(), timeout)
            except TimeoutError:
                log.warning("worker %s (pid %d) did not exit; killing it", worker.worker_id,
                            worker.process.pid)  # fmt: skip
                self._kill(worker)
                await worker.process.wait()
        for worker in workers:
            for task in worker.tasks:
                task.cancel()
            await asyncio.gather(*worker.tasks, return_exceptions=True)
            if worker.writer is not None:
                worker.writer.close()
        self._workers.clear()
        self._routes.clear()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    # What the runtime uses

    @property
    def workers(self) -> list[WorkerInfo]:
        return [
            WorkerInfo(w.worker_id, w.process.pid, w.sip_address, len(w.calls), w.stats)
            for w in self._workers.values()
            if w.ready.is_set() and not w.lost
        ]

    def worker_of(self, call_id: str) -> WorkerInfo:
        worker = self._routes.get(call_id)
        if worker is None:
            raise UnknownCall(call_id)
        return WorkerInfo(
            worker.worker_id, worker.process.pid, worker.sip_address, len(worker.calls),
            worker.stats,
        )  # fmt: skip

    async def send(self, command: ToWorker) -> None:
        """Send a command to the worker that holds its call; raises :class:`UnknownCall`."""
        call_id = getattr(command, "call_id", None)
        if call_id is None:
            raise PoolError(f"{command.type} names no call; the pool sends it to no worker")
        worker = self._routes.get(call_id)
        if worker is None or worker.lost:
            raise UnknownCall(call_id)
        self._write(worker, command)
        if worker.writer is not None:
            with contextlib.suppress(ConnectionError):
                await worker.writer.drain()

    async def wait_ready(self, count: int | None = None, timeout: float = 15.0) -> None:
        """Wait until ``count`` (default: the pool's size) workers are ready."""
        wanted = self._size if count is None else count

        async def enough() -> None:
            while len(self.workers) < wanted:
                await asyncio.sleep(0.02)

        await asyncio.wait_for(enough(), timeout)

    # Workers

    async def _start_worker(self, sip_port: int) -> _Worker:
        assert self._control is not None
        worker_id = f"w{next(self._ids)}"
        host, port = self._control
        command = [
            self._python, "-m", "vaxla_server.media.worker",
            "--worker-id", worker_id,
            "--sip-port", str(sip_port),
            "--bind", self._bind,
            "--control", f"{host}:{port}",
            "--max-calls", str(self._max_calls),
        ]  # fmt: skip
        for network in self._allowed:
            command += ["--allow", str(network)]
        # pjlib prints to stdout: send it to our stderr with the worker's own log lines.
        process = await asyncio.create_subprocess_exec(
            *command, stdin=asyncio.subprocess.DEVNULL, stdout=sys.stderr.fileno()
        )
        worker = _Worker(worker_id, sip_port, process)
        self._workers[worker_id] = worker
        worker.tasks.append(asyncio.create_task(self._watch_process(worker)))
        try:
            await asyncio.wait_for(worker.ready.wait(), self._ready_timeout)
        except BaseException as error:
            self._kill(worker)
            await process.wait()
            self._workers.pop(worker_id, None)
            if not isinstance(error, TimeoutError):
                raise
            raise PoolError(
                f"media worker {worker_id} (pid {process.pid}) was not ready within "
                f"{self._ready_timeout} s (exit code {process.returncode})"
            ) from None
        if worker.lost:
            raise PoolError(f"media worker {worker_id} died while starting")
        log.info("media worker %s ready at %s (pid %d)", worker_id, worker.sip_address,
                 process.pid)  # fmt: skip
        return worker

    async def _watch_process(self, worker: _Worker) -> None:
        code = await worker.process.wait()
        await self._lost(worker, f"process exited with {code}")

    async def _on_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        worker: _Worker | None = None
        try:
            first = await asyncio.wait_for(reader.readline(), self._ready_timeout)
            hello = decode_from_worker(first)
            if not isinstance(hello, Ready):
                raise ProtocolError(f"expected ready first, got {hello.type}")
            worker = self._workers.get(hello.worker_id)
            if worker is None or worker.process.pid != hello.pid or worker.writer is not None:
                raise ProtocolError(f"not a worker this pool started: {hello}")
            worker.writer = writer
            worker.sip_address = hello.sip_address
            worker.ready.set()
            await self._deliver(hello)
            while True:
                line = await reader.readline()
                if not line:
                    break
                try:
                    message = decode_from_worker(line)
                except ProtocolError as error:
                    log.error("worker %s: %s", worker.worker_id, error)
                    continue
                await self._route(worker, message)
        except (ProtocolError, TimeoutError, ConnectionError) as error:
            log.error("control connection refused or broken: %s", error)
        finally:
            if worker is None:
                writer.close()
            else:
                await self._lost(worker, "control connection closed")

    async def _route(self, worker: _Worker, message: FromWorker) -> None:
        if isinstance(message, IncomingCall):
            worker.calls.add(message.call_id)
            self._routes[message.call_id] = worker
        elif isinstance(message, CallEnded):
            worker.calls.discard(message.call_id)
            self._routes.pop(message.call_id, None)
        elif isinstance(message, Stats):
            worker.stats = message
            if message.active_legs > worker.peak_legs:
                worker.peak_legs = message.active_legs
                log.info("media worker %s holds %d call legs (%d calls), the most so far",
                         worker.worker_id, message.active_legs, message.active_calls)  # fmt: skip
        await self._deliver(message)

    async def _deliver(self, message: FromWorker) -> None:
        try:
            result = self._handler(message)
            if result is not None:
                await result
        except Exception:
            log.exception("the media message handler failed on %r", message)

    async def _lost(self, worker: _Worker, reason: str) -> None:
        if worker.lost:
            return
        worker.lost = True
        if self._stopping:
            return
        log.error("media worker %s (pid %d) lost: %s", worker.worker_id, worker.process.pid,
                  reason)  # fmt: skip
        if worker.process.returncode is None:
            self._kill(worker)
        if worker.writer is not None:
            worker.writer.close()
        for call_id in sorted(worker.calls):
            self._routes.pop(call_id, None)
            await self._deliver(CallEnded(call_id=call_id, cause="worker_died", side="server"))
        worker.calls.clear()
        task = asyncio.create_task(self._replace(worker))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _replace(self, dead: _Worker) -> None:
        await dead.process.wait()
        self._workers.pop(dead.worker_id, None)
        for task in dead.tasks:
            if task is not asyncio.current_task():
                task.cancel()
        port = dead.sip_port
        if not _udp_port_free(self._bind, port):
            port = free_udp_port(self._bind)
        while not self._stopping:
            try:
                await self._start_worker(port)
            except PoolError as error:
                log.error("could not replace media worker %s: %s", dead.worker_id, error)
                await asyncio.sleep(1.0)
                port = free_udp_port(self._bind)
                continue
            self.replacements += 1
            return

    def _write(self, worker: _Worker, command: ToWorker) -> None:
        if worker.writer is None or worker.writer.is_closing():
            return
        worker.writer.write(encode(command))

    @staticmethod
    def _kill(worker: _Worker) -> None:
        # Only our own child, by its pid: Process.kill signals exactly that process.
        with contextlib.suppress(ProcessLookupError):
            worker.process.kill()
