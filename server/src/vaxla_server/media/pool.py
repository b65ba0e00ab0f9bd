"""The pool of media worker processes, seen from the server's asyncio loop.

The pool listens on a loopback control address and starts a zygote
(:mod:`vaxla_server.media.zygote`), which imported pjsua2 once and forks each worker, so a
worker costs a few MB and starts in a fraction of a second. Every worker gets a slot: its
own SIP port and its own range of RTP ports (pjsua's default range is shared by every
process on the host, so fifty workers or so would collide), RTP bound to the media
address. Each says ``ready`` over its control connection; every message from a worker goes
to one handler the runtime registers; commands go back by call id to the worker that holds
the call.

**Admission is the pool's truth.** A worker has room while a new caller would get every
leg it may need (its own, the agent's, an attended transfer's consultation leg); it says so
in its ``stats`` and refuses callers beyond it (486). The pool pushes each worker's room to
the SIP front (:class:`Front`, Kamailio's dispatcher), which offers new callers only to
workers with room and tries the next worker on a refusal.

**Size.** The pool starts ``size`` workers and grows, up to ``max_size``, whenever fewer
than ``spare`` workers have room; a worker that has had no call for ``idle_s`` is retired
while the pool stays at ``size`` or more and keeps ``spare`` with room.

**Loss.** A worker that dies (process exit or control connection lost) has each of its
calls reported to the handler as ``call_ended(cause="worker_died")``, the front ends its
dialogs (a BYE to each caller and agent's phone) and drops it, and the pool starts
whatever workers it now lacks. :meth:`MediaPool.stop` shuts the workers down and ends
exactly the processes it started, by pid.

Without a front (tests of the workers themselves) callers reach the workers directly on
their SIP ports, and the workers check the trunk networks themselves.
"""

import asyncio
import contextlib
import ipaddress
import itertools
import json
import logging
import os
import secrets
import signal
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from vaxla_protocol.outbound import SrtpMode
from vaxla_server.media.kamailio import Destination
from vaxla_server.media.messages import (
    CallEnded,
    CommandFailed,
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
from vaxla_server.media.worker import LEGS_PER_CONTACT, MAX_CALLS
from vaxla_server.network import free_udp_port as free_udp_port  # where the tests find it
from vaxla_server.network import udp_port_free

log = logging.getLogger(__name__)

MessageHandler = Callable[[FromWorker], Awaitable[None] | None]
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
RTP_SPAN = 20
"""RTP ports per worker: RTP and RTCP for each of its 4 legs, with room for pjsua's
habit of taking the next pair for each call while the last one's are still closing."""
DEFAULT_RTP_BASE = 20000
HOST_SILENCE_S = 10.0
"""A media host that says nothing this long (it says it is alive every few seconds) has
left the pool: a network cut is seen within this time, a dead host at once."""
MAX_HOST_WORKERS = 200


class PoolError(Exception):
    """The pool could not start a worker or carry out a command."""


class UnknownCall(PoolError):
    """No worker holds this call id (it ended, or never existed)."""

    def __init__(self, call_id: str) -> None:
        super().__init__(f"no media worker holds call {call_id!r}")
        self.call_id = call_id


class HostLink(Protocol):
    """A media host's connection to the pool, after it proved it holds the key
    (:mod:`.hosts`): the zygote's JSON lines both ways."""

    name: str
    address: str
    """The host's own address: its workers' SIP and RTP."""
    control_host: str
    """The server's address as the host reaches it."""
    proxy: str
    """The SIP front's URI as the host's workers reach it."""
    allow: tuple[str, ...]
    """Where the host's workers take SIP from: the front."""

    async def send(self, command: dict[str, Any]) -> None: ...

    async def receive(self) -> dict[str, Any] | None:
        """The next message; None when the connection closed."""
        ...


class Front(Protocol):
    """The SIP front the pool keeps informed (Kamailio; :mod:`.kamailio`)."""

    @property
    def internal_uri(self) -> str:
        """The URI (``sip:127.0.0.1:P;lr``) every call a worker makes goes through."""
        ...

    async def set_destinations(self, destinations: Sequence[Destination]) -> None:
        """The whole list of ready workers, each with its room."""
        ...

    async def set_room(self, uri: str, room: bool) -> None: ...

    async def end_dialogs(self, worker_uri: str) -> int:
        """BYE to the far ends of every dialog of a (dead) worker; how many."""
        ...


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
    slot: int
    sip_port: int
    host: "_Host"
    token: str = field(default_factory=lambda: secrets.token_hex(16))
    pid: int = 0
    exited: "asyncio.Future[int] | None" = None
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    writer: asyncio.StreamWriter | None = None
    sip_address: str = ""
    calls: set[str] = field(default_factory=set)
    stats: Stats | None = None
    room: bool = True
    lost: bool = False
    retiring: bool = False
    idle_since: float = 0.0
    tasks: list["asyncio.Task[None]"] = field(default_factory=list)

    @property
    def uri(self) -> str:
        return f"sip:{self.sip_address}"


@dataclass(eq=False)
class _Host:
    """Where workers are forked: this machine's zygote, or a media host's
    (:mod:`.hosts`), which runs the same zygote over a TCP connection."""

    name: str
    least: int
    most: int
    rtp_base: int
    send: Callable[[dict[str, Any]], Awaitable[None]]
    """Writes one command line to the zygote; raises :class:`PoolError` if it is gone."""
    sip_host: str = "127.0.0.1"
    media_address: str = "127.0.0.1"
    control: tuple[str, int] | None = None
    proxy: str | None = None
    allow: tuple[str, ...] = ()
    remote: bool = False
    free_slots: list[int] = field(default_factory=list)
    spawns: dict[str, "asyncio.Future[int]"] = field(default_factory=dict)
    by_pid: dict[int, _Worker] = field(default_factory=dict)
    starting: int = 0
    gone: str = ""
    """Why the host left the pool ("" while it is in it)."""

    def __post_init__(self) -> None:
        self.free_slots = list(range(self.most))

    def on_message(self, message: dict[str, Any]) -> None:
        """What the zygote said: a worker spawned, failed or exited."""
        if "spawned" in message:
            future = self.spawns.pop(str(message["spawned"]), None)
            if future is not None and not future.done():
                future.set_result(int(message["pid"]))
        elif "failed" in message:
            future = self.spawns.pop(str(message["failed"]), None)
            if future is not None and not future.done():
                future.set_exception(PoolError(f"{self.name}: {message.get('reason')}"))
        elif "exited" in message:
            worker = self.by_pid.pop(int(message["exited"]), None)
            if worker is not None and worker.exited is not None:
                self.free_slots.append(worker.slot)
                if not worker.exited.done():
                    worker.exited.set_result(int(message["code"]))

    def zygote_ended(self, reason: str) -> None:
        """The zygote is gone and its workers with it (they die with their parent)."""
        for future in self.spawns.values():
            if not future.done():
                future.set_exception(PoolError(f"{self.name}: {reason}"))
        self.spawns.clear()
        for worker in list(self.by_pid.values()):
            self.free_slots.append(worker.slot)
            if worker.exited is not None and not worker.exited.done():
                worker.exited.set_result(-signal.SIGKILL)
        self.by_pid.clear()


class MediaPool:
    """Media workers taking calls from ``allowed`` networks (or from the front) on
    ``bind``; from ``size`` up to ``max_size`` of them."""

    def __init__(
        self,
        handler: MessageHandler,
        *,
        size: int = 1,
        max_size: int | None = None,
        spare: int = 1,
        idle_s: float = 60.0,
        allowed: Sequence[Network] = (ipaddress.ip_network("127.0.0.0/8"),),
        bind: str = "127.0.0.1",
        media_address: str | None = None,
        sip_ports: Sequence[int] = (),
        max_calls: int = MAX_CALLS,
        legs_per_contact: int = LEGS_PER_CONTACT,
        rtp_base: int = DEFAULT_RTP_BASE,
        rtp_timeout: float = 0.0,
        session_expires: int = 0,
        srtp: SrtpMode = "off",
        front: Front | None = None,
        ready_timeout: float = 15.0,
        python: str = sys.executable,
    ) -> None:
        max_size = size if max_size is None else max_size
        if size < 1:
            raise PoolError(f"a pool needs at least one worker, not {size}")
        if max_size < size:
            raise PoolError(f"the most workers ({max_size}) is fewer than the least ({size})")
        if sip_ports and len(sip_ports) != size:
            raise PoolError(f"{len(sip_ports)} SIP ports given for {size} workers")
        if not 1 <= max_calls <= MAX_CALLS:
            raise PoolError(f"max calls per worker must be 1-{MAX_CALLS}, not {max_calls}")
        if not 1 <= legs_per_contact <= max_calls:
            raise PoolError(f"legs per contact must be 1-{max_calls}, not {legs_per_contact}")
        if rtp_base and not 1024 <= rtp_base <= 65535 - max_size * RTP_SPAN:
            raise PoolError(
                f"{max_size} workers need RTP ports {rtp_base}-{rtp_base + max_size * RTP_SPAN}"
                ", past 65535: lower the RTP base or the number of workers"
            )
        if spare < 0 or idle_s <= 0:
            raise PoolError(f"spare must be 0 or more and idle time positive: {spare}, {idle_s}")
        self._handler = handler
        self._size = size
        self._max_size = max_size
        self._spare = spare
        self._idle_s = idle_s
        self._allowed = tuple(allowed)
        self._bind = bind
        self._media_address = media_address
        self._sip_ports = list(sip_ports)
        self._max_calls = max_calls
        self._legs_per_contact = legs_per_contact
        self._rtp_base = rtp_base
        self._rtp_timeout = rtp_timeout
        self._session_expires = session_expires
        self._srtp = srtp
        self._front = front
        self._ready_timeout = ready_timeout
        self._python = python
        self._workers: dict[str, _Worker] = {}
        self._routes: dict[str, _Worker] = {}
        self._ids = itertools.count(1)
        self._made = itertools.count(1)
        self._server: asyncio.Server | None = None
        self._control: tuple[str, int] | None = None
        self._remote_server: asyncio.Server | None = None
        self._remote_control: tuple[str, int] | None = None
        self._zygote: asyncio.subprocess.Process | None = None
        self._zygote_reader: asyncio.Task[None] | None = None
        self._local = _Host("this host", size, max_size, rtp_base, self._to_zygote)
        self._hosts: list[_Host] = [self._local]
        self._stopping = False
        self._background: set[asyncio.Task[None]] = set()
        self._front_lock = asyncio.Lock()
        self._ports_of_the_lost: list[int] = []
        self.replacements = 0

    # Life cycle

    async def start(self) -> None:
        """Start the zygote and ``size`` workers, and wait until all are ready; raises
        :class:`PoolError`."""
        if self._server is not None:
            raise PoolError("the pool is started already")
        self._server = await asyncio.start_server(self._on_connection, "127.0.0.1", 0)
        self._control = self._server.sockets[0].getsockname()[:2]
        self._local.control = self._control
        try:
            await self._start_zygote()
            starts = [
                self._start_worker_retrying(self._sip_ports[index] if self._sip_ports else None)
                for index in range(self._size)
            ]
            results = await asyncio.gather(*starts, return_exceptions=True)
            for result in results:
                if isinstance(result, BaseException):
                    raise result
        except BaseException:
            await self.stop()
            raise
        self._spawn_task(self._retire_idle_workers())
        await self._push_workers()
        self._rebalance()  # the spare workers beyond ``size``

    async def stop(self, timeout: float = 5.0) -> None:
        """Shut every worker down (calls end with cause ``shutdown``), then end any process
        of ours still running, by pid, and close the control address."""
        self._stopping = True
        # Workers being started first: cancelling one ends the process it started.
        for task in list(self._background):
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)
        workers = list(self._workers.values())
        for worker in workers:
            self._write(worker, Shutdown())
        for worker in workers:
            if worker.exited is None:
                continue
            try:
                await asyncio.wait_for(asyncio.shield(worker.exited), timeout)
            except TimeoutError:
                log.warning("worker %s (pid %d) did not exit; killing it", worker.worker_id,
                            worker.pid)  # fmt: skip
                self._kill(worker)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(asyncio.shield(worker.exited), timeout)
        for worker in workers:
            for task in worker.tasks:
                task.cancel()
            await asyncio.gather(*worker.tasks, return_exceptions=True)
            if worker.writer is not None:
                worker.writer.close()
        self._workers.clear()
        self._routes.clear()
        await self._stop_zygote(timeout)
        for server in (self._server, self._remote_server):
            if server is not None:
                server.close()
                await server.wait_closed()
        self._server = self._remote_server = None

    # What the runtime uses

    @property
    def workers(self) -> list[WorkerInfo]:
        return [self._info(w) for w in self._live()]

    @property
    def rooms(self) -> int:
        """Ready workers that would take a new caller now."""
        return sum(1 for w in self._live() if w.room and not w.retiring)

    def worker_of(self, call_id: str) -> WorkerInfo:
        worker = self._routes.get(call_id)
        if worker is None:
            raise UnknownCall(call_id)
        return self._info(worker)

    def new_call(self) -> str:
        """A call id for a call the server starts itself (``originate``), on the ready
        worker with room that holds the fewest calls: routed to it from now on (its
        ``call_ended`` or its loss ends the route). Raises :class:`PoolError` when no
        worker has room. The id is the worker's, with ``o`` before the number so it
        never meets one the worker makes for an incoming caller (``w1-17``)."""
        workers = [w for w in self._live() if w.room and not w.retiring]
        if not workers:
            raise PoolError("no media worker has room for a call now")
        worker = min(workers, key=lambda w: len(w.calls))
        call_id = f"{worker.worker_id}-o{next(self._made)}"
        worker.calls.add(call_id)
        self._routes[call_id] = worker
        return call_id

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

    def _info(self, worker: _Worker) -> WorkerInfo:
        return WorkerInfo(
            worker.worker_id, worker.pid, worker.sip_address, len(worker.calls), worker.stats
        )

    def _live(self) -> list[_Worker]:
        return [w for w in self._workers.values() if w.ready.is_set() and not w.lost]

    # The zygote

    async def _start_zygote(self) -> None:
        # Its stderr, and so every worker's (pjlib prints there too), is ours.
        self._zygote = await asyncio.create_subprocess_exec(
            self._python, "-m", "vaxla_server.media.zygote",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        # Not a background task: it must outlive them, to hear the workers exit at stop.
        self._zygote_reader = asyncio.create_task(self._read_zygote(self._zygote))

    async def _read_zygote(self, zygote: asyncio.subprocess.Process) -> None:
        assert zygote.stdout is not None
        while True:
            line = await zygote.stdout.readline()
            if not line:
                break
            try:
                message = json.loads(line)
            except ValueError:
                log.error("the zygote said something unreadable: %r", line[:200])
                continue
            self._local.on_message(message)
        code = await zygote.wait()
        self._local.zygote_ended(f"the zygote exited with {code}")
        if not self._stopping:
            log.error("the media zygote exited with %d; starting it again", code)
            await self._start_zygote()
            self._rebalance()

    async def _stop_zygote(self, timeout: float) -> None:
        zygote, self._zygote = self._zygote, None
        if zygote is None:
            return
        if zygote.stdin is not None:
            zygote.stdin.close()
        try:
            await asyncio.wait_for(zygote.wait(), timeout)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                zygote.kill()
            await zygote.wait()
        if self._zygote_reader is not None:
            await asyncio.gather(self._zygote_reader, return_exceptions=True)
            self._zygote_reader = None

    async def _to_zygote(self, command: dict[str, Any]) -> None:
        zygote = self._zygote
        if zygote is None or zygote.stdin is None or zygote.returncode is not None:
            raise PoolError("the media zygote is not running")
        zygote.stdin.write(json.dumps(command).encode() + b"\n")
        await zygote.stdin.drain()

    async def _spawn(self, worker: _Worker, argv: list[str]) -> int:
        host = worker.host
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        host.spawns[worker.worker_id] = future
        try:
            await host.send({"spawn": worker.worker_id, "argv": argv, "token": worker.token})
            return await asyncio.wait_for(future, self._ready_timeout)
        finally:
            host.spawns.pop(worker.worker_id, None)

    # Media hosts

    async def open_to_hosts(self, address: str) -> tuple[str, int]:
        """Take the control connections of media hosts' workers on ``address`` too (the
        pool's own workers use loopback); the address and port it listens on."""
        if self._remote_server is None:
            self._remote_server = await asyncio.start_server(self._on_connection, address, 0)
            self._remote_control = self._remote_server.sockets[0].getsockname()[:2]
        assert self._remote_control is not None
        return self._remote_control

    def check_host(self, name: str, least: int, most: int, rtp_base: int) -> None:
        """Raises :class:`PoolError` saying why the pool cannot take this media host."""
        if self._remote_control is None or self._stopping:
            raise PoolError("the pool takes no media hosts now")
        if any(host.name == name and not host.gone for host in self._hosts):
            raise PoolError(f"a media host named {name!r} is in the pool already")
        if not 1 <= most <= MAX_HOST_WORKERS or not 0 <= least <= most:
            raise PoolError(
                f"a media host runs 1-{MAX_HOST_WORKERS} workers at most and no more at "
                f"least: {least}:{most}"
            )
        if not 1024 <= rtp_base <= 65535 - most * RTP_SPAN:
            raise PoolError(f"{most} workers need RTP ports {rtp_base}-"
                            f"{rtp_base + most * RTP_SPAN}, past 65535")  # fmt: skip

    async def serve_host(
        self,
        link: "HostLink",
        *,
        least: int,
        most: int,
        rtp_base: int,
        silence_s: float = HOST_SILENCE_S,
    ) -> None:
        """Fork workers on a media host that joined over ``link`` (a zygote at its far
        end) until it goes: the link closes, or says nothing for ``silence_s``. Its workers
        are then lost like a dead process's: their calls end and their far ends hear a BYE.
        Raises :class:`PoolError` if the pool cannot take the host."""
        self.check_host(link.name, least, most, rtp_base)
        assert self._remote_control is not None
        host = _Host(
            link.name, least, most, rtp_base, link.send,
            sip_host=link.address, media_address=link.address,
            control=(link.control_host, self._remote_control[1]),
            proxy=link.proxy, allow=link.allow, remote=True,
        )  # fmt: skip
        self._hosts.append(host)
        log.info("media host %s joined from %s: %d-%d workers", host.name, link.address,
                 least, most)  # fmt: skip
        self._rebalance()
        try:
            while True:
                try:
                    message = await asyncio.wait_for(link.receive(), silence_s)
                except TimeoutError:
                    host.gone = f"nothing heard for {silence_s:g} s"
                    break
                if message is None:
                    host.gone = "its connection closed"
                    break
                host.on_message(message)
        except (ConnectionError, ValueError) as error:
            host.gone = f"its connection broke: {error}"
        finally:
            host.gone = host.gone or "the server is stopping"
            if not self._stopping:
                log.error("media host %s left the pool: %s", host.name, host.gone)
            host.zygote_ended(f"media host {host.name} left: {host.gone}")
            self._hosts.remove(host)

    # Workers

    def _worker_argv(self, worker: _Worker) -> list[str]:
        if worker.host.remote:
            return self._remote_worker_argv(worker)
        assert self._control is not None
        host, port = self._control
        sip_bind = "127.0.0.1" if self._front is not None else self._bind
        media = self._media_address or self._bind
        argv = [
            "--worker-id", worker.worker_id,
            "--sip-port", str(worker.sip_port),
            "--bind", sip_bind,
            "--media-address", media,
            "--control", f"{host}:{port}",
            "--max-calls", str(self._max_calls),
            "--legs-per-contact", str(self._legs_per_contact),
            "--rtp-timeout", str(self._rtp_timeout),
            "--session-expires", str(self._session_expires),
            "--srtp", self._srtp,
        ]  # fmt: skip
        if self._rtp_base:
            argv += self._rtp_argv(worker)
        if self._front is not None:
            # Only the front reaches a worker; it checked the trunk or the session header.
            argv += ["--proxy", self._front.internal_uri, "--allow", "127.0.0.1/32"]
        else:
            for network in self._allowed:
                argv += ["--allow", str(network)]
        return argv

    def _rtp_argv(self, worker: _Worker) -> list[str]:
        first = worker.host.rtp_base + worker.slot * RTP_SPAN
        return ["--rtp-port", str(first), "--rtp-ports", str(RTP_SPAN)]

    def _remote_worker_argv(self, worker: _Worker) -> list[str]:
        """A media host's worker: SIP and RTP on that host's address, the server's
        control address and SIP front as that host reaches them, and SIP from the front
        only."""
        host = worker.host
        assert self._remote_control is not None and host.proxy is not None
        control_host, control_port = host.control or self._remote_control
        argv = [
            "--worker-id", worker.worker_id,
            "--sip-port", "0",
            "--bind", host.sip_host,
            "--media-address", host.media_address,
            "--control", f"{control_host}:{control_port}",
            "--max-calls", str(self._max_calls),
            "--legs-per-contact", str(self._legs_per_contact),
            "--rtp-timeout", str(self._rtp_timeout),
            "--session-expires", str(self._session_expires),
            "--proxy", host.proxy,
            *self._rtp_argv(worker),
        ]  # fmt: skip
        for network in host.allow:
            argv += ["--allow", network]
        return argv

    async def _start_worker(
        self, sip_port: int | None = None, host: "_Host | None" = None
    ) -> _Worker:
        host = host or self._local
        if host.gone:
            raise PoolError(f"media host {host.name} is gone")
        if not host.free_slots:
            raise PoolError(f"{host.name} has its {host.most} workers already")
        slot = host.free_slots.pop(0)
        if host.remote:
            sip_port = 0  # the worker takes a free one on its host and says which
        else:
            sip_host = "127.0.0.1" if self._front is not None else self._bind
            if sip_port is None and self._ports_of_the_lost:
                # Without a front callers dial the workers: a replacement keeps the address.
                sip_port = self._ports_of_the_lost.pop(0)
            if sip_port is None or not udp_port_free(sip_host, sip_port):
                sip_port = free_udp_port(sip_host)
        worker = _Worker(f"w{next(self._ids)}", slot, sip_port, host)
        self._workers[worker.worker_id] = worker
        try:
            worker.pid = await self._spawn(worker, self._worker_argv(worker))
            worker.exited = asyncio.get_running_loop().create_future()
            host.by_pid[worker.pid] = worker
            worker.tasks.append(asyncio.create_task(self._watch_process(worker)))
            ready = asyncio.ensure_future(worker.ready.wait())
            waits: list[asyncio.Future[Any]] = [ready, worker.exited]
            await asyncio.wait(
                waits, timeout=self._ready_timeout, return_when=asyncio.FIRST_COMPLETED
            )
            ready.cancel()
            if worker.exited.done():
                raise PoolError(
                    f"media worker {worker.worker_id} (pid {worker.pid}) exited with "
                    f"{worker.exited.result()} while starting (its reason is logged above)"
                )
            if not worker.ready.is_set():
                raise PoolError(
                    f"media worker {worker.worker_id} (pid {worker.pid}) was not ready within "
                    f"{self._ready_timeout} s"
                )
            if worker.lost:
                raise PoolError(f"media worker {worker.worker_id} died while starting")
        except BaseException:
            worker.lost = True
            self._kill(worker)
            self._workers.pop(worker.worker_id, None)
            if worker.exited is not None and not host.gone:
                with contextlib.suppress(BaseException):
                    await asyncio.wait_for(asyncio.shield(worker.exited), 2)
            elif worker.exited is None:
                host.free_slots.append(slot)
            raise
        worker.idle_since = asyncio.get_running_loop().time()
        where = f" on media host {host.name}" if host.remote else ""
        log.info("media worker %s ready at %s (pid %d)%s", worker.worker_id, worker.sip_address,
                 worker.pid, where)  # fmt: skip
        return worker

    async def _start_worker_retrying(self, sip_port: int | None, tries: int = 3) -> _Worker:
        for attempt in range(1, tries + 1):
            try:
                return await self._start_worker(sip_port)
            except PoolError as error:
                if attempt == tries or self._zygote is None:
                    raise
                log.warning("%s; trying again", error)
                sip_port = None
        raise AssertionError("unreachable")

    async def _watch_process(self, worker: _Worker) -> None:
        assert worker.exited is not None
        code = await asyncio.shield(worker.exited)
        if worker.retiring:
            self._workers.pop(worker.worker_id, None)
            return
        host = worker.host
        reason = f"media host {host.name} left: {host.gone}" if host.gone else ""
        await self._lost(worker, reason or f"process exited with {code}")

    async def _on_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        worker: _Worker | None = None
        try:
            first = await asyncio.wait_for(reader.readline(), self._ready_timeout)
            hello = decode_from_worker(first)
            if not isinstance(hello, Ready):
                raise ProtocolError(f"expected ready first, got {hello.type}")
            claimed = self._workers.get(hello.worker_id)
            if (
                claimed is None
                or claimed.writer is not None
                or (claimed.pid and claimed.pid != hello.pid)
                or not secrets.compare_digest(claimed.token, hello.token)
            ):
                raise ProtocolError(f"not a worker this pool started: {hello}")
            worker = claimed
            worker.writer = writer
            worker.sip_address = hello.sip_address
            worker.ready.set()
            await self._deliver(hello)
            if not self._stopping:
                await self._push_workers()
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
            if worker is None or worker.retiring:
                writer.close()
            else:
                await self._lost(worker, "control connection closed")

    async def _route(self, worker: _Worker, message: FromWorker) -> None:
        if isinstance(message, IncomingCall):
            worker.calls.add(message.call_id)
            self._routes[message.call_id] = worker
        elif isinstance(message, CommandFailed) and message.command == "originate":
            # A call the server asked for and the worker could not make: no call_ended.
            if message.call_id is not None:
                worker.calls.discard(message.call_id)
                self._routes.pop(message.call_id, None)
        elif isinstance(message, CallEnded):
            worker.calls.discard(message.call_id)
            self._routes.pop(message.call_id, None)
            if not worker.calls:
                worker.idle_since = asyncio.get_running_loop().time()
        elif isinstance(message, Stats):
            worker.stats = message
            if message.room != worker.room:
                worker.room = message.room
                await self._push_room(worker)
                self._rebalance()
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
        log.error("media worker %s (pid %d) lost: %s", worker.worker_id, worker.pid, reason)
        self._kill(worker)
        if worker.writer is not None:
            worker.writer.close()
        if self._front is not None and worker.sip_address:
            # The far ends hear a BYE now, not when their session timers run out.
            try:
                ended = await self._front.end_dialogs(worker.uri)
            except Exception:
                log.exception("the SIP front could not end worker %s's dialogs", worker.worker_id)
            else:
                log.info("the SIP front ended %d dialogs of worker %s", ended, worker.worker_id)
        for call_id in sorted(worker.calls):
            self._routes.pop(call_id, None)
            await self._deliver(CallEnded(call_id=call_id, cause="worker_died", side="server"))
        worker.calls.clear()
        if worker.exited is not None and not worker.exited.done():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(worker.exited), 5)
        self._workers.pop(worker.worker_id, None)
        if not worker.host.remote:
            self._ports_of_the_lost.append(worker.sip_port)
        for task in worker.tasks:
            if task is not asyncio.current_task():
                task.cancel()
        await self._push_workers()
        self.replacements += 1 if self._rebalance() else 0

    # Growing and shrinking

    def _running(self, host: _Host) -> int:
        """The host's workers running or asked for."""
        live = sum(1 for w in self._live() if w.host is host and not w.retiring)
        return live + host.starting

    def _rebalance(self) -> int:
        """Start the workers the pool lacks: each host's least, and ``spare`` with room
        on the hosts with the fewest workers."""
        if self._stopping:
            return 0
        # Counted as starting from the moment they are asked for, so that a burst of room
        # flips in one turn of the loop starts each missing worker once.
        hosts = [host for host in self._hosts if not host.gone]
        wanted = 0
        for host in hosts:
            for _ in range(max(0, min(host.least, host.most) - self._running(host))):
                wanted += self._grow_on(host)
        starting = sum(host.starting for host in hosts)
        for _ in range(self._spare - (self.rooms + starting)):
            roomy = [host for host in hosts if self._running(host) < host.most]
            if not roomy:
                break
            wanted += self._grow_on(min(roomy, key=self._running))
        return wanted

    def _grow_on(self, host: _Host) -> int:
        host.starting += 1
        self._spawn_task(self._grow(host))
        return 1

    async def _grow(self, host: _Host) -> None:
        try:
            await self._start_worker(host=host)
            return
        except PoolError as error:
            log.error("could not start a media worker: %s", error)
        finally:
            host.starting -= 1
        await asyncio.sleep(1.0)
        self._rebalance()

    async def _retire_idle_workers(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(min(5.0, self._idle_s / 2))
            live = [w for w in self._live() if not w.retiring]
            spare_rooms = self.rooms - self._spare
            for worker in sorted(live, key=lambda w: -w.slot):
                if spare_rooms <= 0:
                    break
                if sum(1 for w in live if w.host is worker.host) <= worker.host.least:
                    continue
                idle = not worker.calls and worker.room
                if not idle or loop.time() - worker.idle_since < self._idle_s:
                    continue
                worker.retiring = True
                live.remove(worker)
                spare_rooms -= 1
                log.info("media worker %s retired after %.0f s without calls", worker.worker_id,
                         loop.time() - worker.idle_since)  # fmt: skip
                await self._push_workers()
                self._write(worker, Shutdown())

    def _spawn_task(self, coroutine: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    # The front

    async def _push_workers(self) -> None:
        if self._front is None:
            return
        async with self._front_lock:
            live = [w for w in self._live() if not w.retiring]
            # One host's after another's, so that callers are spread over the hosts.
            by_host = [[w for w in live if w.host is host] for host in self._hosts]
            turns = itertools.zip_longest(*by_host)
            workers = [Destination(w.uri, w.room) for turn in turns for w in turn if w]
            try:
                await self._front.set_destinations(workers)
            except Exception:
                log.exception("could not give the SIP front the list of media workers")

    async def _push_room(self, worker: _Worker) -> None:
        if self._front is None or worker.retiring:
            return
        async with self._front_lock:
            try:
                await self._front.set_room(worker.uri, worker.room)
            except Exception:
                log.exception("could not tell the SIP front worker %s's room", worker.worker_id)

    def _write(self, worker: _Worker, command: ToWorker) -> None:
        if worker.writer is None or worker.writer.is_closing():
            return
        worker.writer.write(encode(command))

    def _kill(self, worker: _Worker) -> None:
        # Only our own worker, by its pid, while its zygote has not reported it gone; a
        # media host's pid is that host's, so its zygote is asked to kill it.
        if not worker.pid or worker.exited is None or worker.exited.done():
            return
        if worker.host.remote:
            if not worker.host.gone:
                self._spawn_task(self._ask_host(worker.host, {"kill": worker.pid}))
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(worker.pid, signal.SIGKILL)

    async def _ask_host(self, host: _Host, command: dict[str, Any]) -> None:
        with contextlib.suppress(PoolError, ConnectionError):
            await host.send(command)
