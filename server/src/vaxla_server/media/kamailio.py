"""Kamailio, the SIP front: the only address trunks and phones see.

pjsua (the media workers' SIP stack) must never meet untrusted traffic: it creates a call
before the application sees the INVITE, so an INVITE without SDP from a refused address
aborts a worker, and a few dozen refused INVITEs a second exhaust its I/O queue. One
pjsua2 process also holds at most four call legs, so there are many workers. Kamailio
sits in front of them (DESIGN.md, "Key decisions"): it refuses what is not a trunk's or a
signed-in agent's call, limits admission, and dispatches each new call to a worker with
room. This module renders its configuration (``kamailio.cfg.tmpl`` next to this file),
runs it as a child process, restarts it when it dies, and drives it over JSON-RPC.

Routing (the template says the same beside each rule):

- A request's source is a *worker* (source address and port are a destination in
  dispatcher set 1, whatever its state), a *trunk* (source address in
  :attr:`FrontSettings.trunks`) or *untrusted*. Untrusted sources pass pike first: a
  source over :attr:`FrontSettings.untrusted_rate` requests per 2 s is dropped silently
  (logged once). Pike is not used for trunks: it counts per source IP and a trunk is one
  IP (it blocked a trunk at 100 calls/s when this was measured).
- A new INVITE from an untrusted source is challenged (``407``, realm ``vaxla``) until
  it answers with an agent's short-lived credentials (``auth_ephemeral``: the username
  ``EXPIRY:AGENT_ID`` and an HMAC of it under :attr:`FrontSettings.agent_secret`, see
  ``media/credentials.py``); credentials that do not match or have expired are
  challenged again and logged. Only then, and with ``X-Vaxla-Session`` and an SDP offer
  (an agent's own call; the worker checks the MAC), is it treated as a trunk's.
- A new INVITE from a trunk, or an agent's as above, goes to a worker: admission first
  (pipelimit TAILDROP, :attr:`FrontSettings.call_rate` per 1 s window, then ``503``),
  ``X-Vaxla-Source: <source IP>`` replaces any such header the sender put in (the worker
  no longer sees the real source), then round-robin over the workers with room. An
  authenticated INVITE without the header or the offer gets
  ``403`` and reaches no worker; an untrusted source's other requests (OPTIONS,
  MESSAGE, ...) get no answer at all.
  ``OPTIONS`` to the front itself gets ``200`` from a trunk, a worker or this host (the
  server's readiness probe).
- Workers are chosen round-robin (dispatcher algorithm 4) among the *active* ones. The
  pool knows each worker's real capacity (pjsua's slots), so it flips a worker between
  active (room) and disabled (full) by RPC (:meth:`KamailioFront.set_room`); Kamailio's
  own call-load algorithm (10) keeps a per-instance load table that drifts under churn
  and needs a load update on every BYE path, which the BYEs Kamailio sends itself
  (:meth:`KamailioFront.end_dialogs`) bypass. A worker that answers ``486`` is passed
  over for the next one, and so is one that times out (2 s without any answer). The
  silent one is set inactive+probing (it comes back when it answers an OPTIONS ping,
  every 2 s) only once another worker answered the same call: pjsip drops a request
  with a header it cannot parse without a word, so a call two workers leave unanswered
  is the message's fault and gets ``400`` with no worker set aside. Only
  inactive+probing destinations are pinged (probing mode 2), so a ping never turns a
  full worker back on. No worker left: ``503 Service Unavailable
  (no media worker free)``.
- A worker's own new requests (agent legs, consultation legs, outside calls) go where
  their Request-URI says, without admission limits.
- Every initial INVITE is record-routed (twice when the front receives and sends on
  different sockets) and tracked by the dialog module, with the worker's URI as the
  value of the dialog profile ``worker`` (updated when a call moves to the next worker),
  so :meth:`KamailioFront.end_dialogs` can find a dead worker's calls. In-dialog
  requests follow their Route set; from an untrusted source only towards a worker.
- A malformed request (``sanity``) gets ``400`` or is dropped; an untrusted INVITE
  without an SDP offer never reaches a worker.
- :meth:`KamailioFront.end_dialogs` (a worker died): ``dlg.end_dlg`` sends BYE to both
  ends of each established call; a call offered to the worker and not answered gets
  ``480`` upstream at once (``tm.reply_callid``; a CANCEL towards a dead worker would
  wait for a timeout), one the worker placed is cancelled (``tm.cancel``).
- Trunks: the networks calls are accepted from start as :attr:`FrontSettings.trunks`
  and are replaced live by :meth:`KamailioFront.set_trunks` (htable ``vaxla_trunks``),
  which also gives each trunk outside numbers are called through its domain, outbound
  proxy and credentials. A worker's INVITE carrying ``X-Vaxla-Trunk`` goes through that
  trunk: ``X-Vaxla-Caller-Id`` becomes its From user (``uac_replace_from``, restored
  from the dialog for the rest of the call) and P-Asserted-Identity, the proxy its next
  hop, and a ``401``/``407`` from the operator is answered once with the trunk's
  credentials (``uac_auth``). Neither header leaves the front. A trunk's INVITE to a
  registration's contact (``sip:vaxla-trunk-N@front``) is for the number in its To
  header: that becomes its Request-URI user, which the call flow reads.
- Registration trunks: :meth:`KamailioFront.register` adds a registration at run time
  (``uac.reg_add``; the ``uac`` module's table stays empty) and Kamailio registers and
  refreshes it; a refused one is not retried by Kamailio (``reg_retry_interval`` 0)
  but by whoever called :meth:`~KamailioFront.register`, with a back-off. The last
  final answer to each registration is kept by its To URI (htable
  ``vaxla_registrations``) so :meth:`KamailioFront.registrations` can say why one failed.
- Dialog state is kept in memory only: after a restart, established calls go on (their
  in-dialog requests are loose-routed without state) but cannot be ended by RPC.
- ``children`` is 1 by default: one UDP receiving process per socket keeps a call's
  provisional and final replies in order (with two, a 180 sometimes overtook its 200).

Control is JSON-RPC (module ``jsonrpcs``) over a Unix datagram socket in a short run
directory. Kamailio logs to its stderr; each line goes to this module's logger at its
own level (the core's and modules' INFO lines at DEBUG, the script's at INFO).
"""

import asyncio
import collections
import contextlib
import hashlib
import ipaddress
import itertools
import json
import logging
import os
import re
import shutil
import signal
import socket
import stat
import string
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, cast

from vaxla_server.media.credentials import REALM, new_secret
from vaxla_server.media.lifetime import ended_with_this_process
from vaxla_server.network import free_udp_port

log = logging.getLogger(__name__)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

_TEMPLATE = "kamailio.cfg.tmpl"
_SHM_MB = 256
"""Shared memory for transactions, dialogs and the dispatcher's lists: 64 MB ran dry at
35 new calls/s in front of 410 workers (``make bench-calls``)."""
_PKG_MB = 8
_READY_TIMEOUT = 10.0
_RPC_TIMEOUT = 3.0
_STOP_TIMEOUT = 5.0
_SOCKET_PATH_LIMIT = 100  # sun_path holds 108 bytes
_STABLE_RUN = 30.0  # a run this long resets the restart back-off
_BACKOFF = (0.2, 1.0, 2.0, 5.0, 10.0, 30.0)
_WILDCARDS = ("0.0.0.0", "::")
_DESTINATION = re.compile(
    r"^sip:(?P<host>\d{1,3}(?:\.\d{1,3}){3}|\[[0-9A-Fa-f:.]+\]):(?P<port>\d+)$"
)
_LOG_LINE = re.compile(
    r"^\s*\d+\(\d+\) (?P<level>ALERT|BUG|CRITICAL|ERROR|WARNING|NOTICE|INFO|DEBUG):"
    r" (?P<origin><[^>]+>|\S+) (?P<text>.*)$"
)
_LEVELS = {
    "ALERT": logging.CRITICAL,
    "BUG": logging.CRITICAL,
    "CRITICAL": logging.CRITICAL,
    "ERROR": logging.ERROR,
    "WARNING": logging.WARNING,
    "NOTICE": logging.INFO,
    "INFO": logging.INFO,
    "DEBUG": logging.DEBUG,
}
_ACK_WAIT = 1.0
_NO_TRUNK = "255.255.255.255/32"
"""The trunk networks when there is no trunk: a subnet no source has."""
# The dialog module's states (dlg.list "state"): 1 unconfirmed, 2 early, 3 answered
# (2xx, no ACK yet), 4 confirmed, 5 deleted.
_DIALOG_ANSWERED = 3
_DIALOG_CONFIRMED = 4
# uac.reg_info's flags: 1 disabled (given up), 2 in progress, 4 succeeded, 8 in progress
# with authentication, 16 initialised.
_REG_DISABLED = 1
_REG_SUCCEEDED = 4
_REG_TIMER_S = 1
"""How often Kamailio looks at its registrations: a new one is sent within a second and
a refresh some 4 s before it expires."""
_UAC_TABLE = (
    "id(int,auto) l_uuid(string) l_username(string) l_domain(string) r_username(string) "
    "r_domain(string) realm(string) auth_username(string) auth_password(string,null) "
    "auth_ha1(string,null) auth_proxy(string) expires(int) flags(int) reg_delay(int) "
    "contact_addr(string) socket(string)\n"
)


@dataclass(frozen=True)
class FrontTls:
    """The front's TLS port and the server's certificate (the API's own, so a phone
    pins one fingerprint for both): agents' phones register over it (``REGISTER`` with
    their SIP credentials, kept in memory by Kamailio's ``registrar``) and are rung over
    the connection they opened."""

    port: int
    cert_file: Path
    key_file: Path


@dataclass(frozen=True)
class FrontSettings:
    """Where and how the front runs.

    ``untrusted_rate`` is pike's density: requests per source IP per 2 s window that an
    untrusted source may send (pike blocks somewhere between 1× and 3× that, and lets
    the source in again after a 2 s window below it). ``call_rate`` is the number of new
    calls per second (1 s windows) admitted from trunks and agents together; the rest
    get ``503``. Workers' own calls are not counted. ``listen`` ``0.0.0.0`` (or ``::``)
    binds every interface address one by one (a wildcard socket would put ``0.0.0.0``
    in Via headers).
    """

    data_dir: Path
    listen: str
    sip_port: int
    trunks: tuple[Network, ...]
    internal_port: int = 0
    call_rate: int = 200
    untrusted_rate: int = 20
    kamailio: str = "kamailio"
    children: int = 1
    agent_secret: str = field(default_factory=new_secret, repr=False)
    """What agents' SIP credentials are made with (``media/credentials.py``); the front
    checks them with it. Made anew for every server start unless given."""
    tls: FrontTls | None = None
    """SIP over TLS for agents' phones beside UDP and TCP; ``None``: none."""


@dataclass(frozen=True)
class Destination:
    """A media worker's SIP address (``sip:127.0.0.1:40123``) and whether it may be
    offered a new caller."""

    uri: str
    room: bool


@dataclass(frozen=True)
class TrunkRoute:
    """What the front needs to send a worker's call through a trunk: ``key`` is what the
    worker's ``X-Vaxla-Trunk`` header says, ``domain`` the From domain of its caller ID,
    ``proxy`` (``sip:host[:port]``) the next hop, ``username`` and ``password`` the
    answer to the operator's challenge."""

    key: str
    domain: str
    proxy: str | None = None
    username: str | None = None
    password: str | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Registration:
    """One registration with an operator's registrar (``host[:port]``): Kamailio
    registers ``sip:<username>@<registrar>`` with the contact ``sip:<uuid>@<front>``."""

    uuid: str
    registrar: str
    username: str
    password: str | None = field(default=None, repr=False)
    expiry_s: int = 3600
    proxy: str | None = None

    @property
    def aor(self) -> str:
        return f"sip:{self.username}@{self.registrar}"


@dataclass(frozen=True)
class RegistrationStatus:
    """What Kamailio says of one registration: ``flags`` as ``uac.reg_info`` gives them
    and the last final answer of the registrar (``"403 Forbidden"``), if any yet."""

    uuid: str
    flags: int
    answer: str | None

    @property
    def registered(self) -> bool:
        return bool(self.flags & _REG_SUCCEEDED)

    @property
    def failed(self) -> bool:
        """Given up by Kamailio: it retries nothing itself (``reg_retry_interval`` 0)."""
        return bool(self.flags & _REG_DISABLED) and not self.registered


class FrontError(Exception):
    """Kamailio could not be started or did not do what it was asked."""


class RpcError(FrontError):
    """Kamailio answered an RPC command with an error."""

    def __init__(self, method: str, code: int, message: str) -> None:
        super().__init__(f"Kamailio RPC {method}: {message} ({code})")
        self.method = method
        self.code = code


@dataclass(frozen=True)
class _Paths:
    folder: Path
    config: Path
    dispatcher_list: Path
    uac_db: Path
    pid_file: Path
    tls_config: Path
    run_dir: Path
    rpc_socket: Path
    client_socket: Path


class _RpcClient(asyncio.DatagramProtocol):
    """JSON-RPC requests over a Unix datagram socket, answered by id."""

    def __init__(self, server: Path) -> None:
        self._server = str(server)
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._transport: asyncio.DatagramTransport | None = None

    @classmethod
    async def open(cls, server: Path, client: Path) -> "_RpcClient":
        with contextlib.suppress(FileNotFoundError):
            client.unlink()
        loop = asyncio.get_running_loop()
        protocol = cls(server)
        transport, _ = await loop.create_datagram_endpoint(
            lambda: protocol, local_addr=str(client), family=socket.AF_UNIX
        )
        protocol._transport = transport
        return protocol

    def datagram_received(self, data: bytes, addr: Any) -> None:
        try:
            answer = json.loads(data)
        except ValueError:
            log.warning("Kamailio sent an RPC answer that is not JSON: %r", data[:200])
            return
        request_id = answer.get("id") if isinstance(answer, dict) else None
        future = self._pending.pop(request_id, None) if isinstance(request_id, int) else None
        if future is not None and not future.done():
            future.set_result(answer)

    def error_received(self, exc: Exception) -> None:
        for future in self._pending.values():
            if not future.done():
                future.set_exception(FrontError(f"Kamailio RPC socket: {exc}"))
        self._pending.clear()

    async def call(self, method: str, *params: str | int, timeout: float = _RPC_TIMEOUT) -> Any:
        if self._transport is None or self._transport.is_closing():
            raise FrontError("Kamailio RPC socket is closed")
        request_id = next(self._ids)
        request = {"jsonrpc": "2.0", "method": method, "params": list(params), "id": request_id}
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        try:
            self._transport.sendto(json.dumps(request).encode(), self._server)
            answer = await asyncio.wait_for(future, timeout)
        except TimeoutError:
            raise FrontError(f"Kamailio RPC {method}: no answer within {timeout} s") from None
        except OSError as error:
            raise FrontError(f"Kamailio RPC {method}: {error}") from error
        finally:
            self._pending.pop(request_id, None)
        if "error" in answer:
            failure = answer["error"]
            raise RpcError(method, int(failure.get("code", 0)), str(failure.get("message", "")))
        return answer.get("result")

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()
        for future in self._pending.values():
            if not future.done():
                future.set_exception(FrontError("Kamailio RPC socket closed"))
        self._pending.clear()


class _Process(asyncio.SubprocessProtocol):
    """The Kamailio process: its output, line by line, and its exit.

    Not :class:`asyncio.subprocess.Process`, whose ``wait()`` also waits for the output
    pipe to close, which Kamailio's children keep open when only its main process died.
    """

    def __init__(self, on_line: Callable[[str], None]) -> None:
        loop = asyncio.get_running_loop()
        self.exited: asyncio.Future[int] = loop.create_future()
        self.output_closed: asyncio.Future[None] = loop.create_future()
        self._on_line = on_line
        self._partial = b""
        self._transport: asyncio.SubprocessTransport | None = None

    @property
    def pid(self) -> int:
        assert self._transport is not None
        return self._transport.get_pid()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.SubprocessTransport, transport)

    def pipe_data_received(self, fd: int, data: bytes) -> None:
        *lines, self._partial = (self._partial + data).split(b"\n")
        for line in lines:
            self._emit(line)

    def pipe_connection_lost(self, fd: int, exc: Exception | None) -> None:
        if self._partial:
            self._emit(self._partial)
            self._partial = b""
        if not self.output_closed.done():
            self.output_closed.set_result(None)

    def process_exited(self) -> None:
        assert self._transport is not None
        code = self._transport.get_returncode()
        if not self.exited.done():
            self.exited.set_result(code if code is not None else -1)

    def signal(self, number: int) -> None:
        if self._transport is not None and not self.exited.done():
            with contextlib.suppress(ProcessLookupError):
                self._transport.send_signal(number)

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()

    def _emit(self, raw: bytes) -> None:
        line = raw.decode(errors="replace").strip()
        if line:
            self._on_line(line)


class KamailioFront:
    """One Kamailio process in front of the media workers, supervised and driven by RPC."""

    def __init__(self, settings: FrontSettings) -> None:
        self.settings = settings
        self._host = _listen_host(settings.listen)
        self._wildcard = settings.listen in _WILDCARDS
        self._separate_internal = settings.listen not in ("127.0.0.1", "0.0.0.0")
        if self._separate_internal:
            self._internal_port = settings.internal_port or free_udp_port("127.0.0.1")
        else:
            self._internal_port = settings.sip_port
        self._paths = _paths(settings.data_dir)
        self._temporary_run_dir: Path | None = None
        self._destinations: dict[str, bool] = {}
        self._networks: tuple[Network, ...] = settings.trunks
        self._routes: dict[str, TrunkRoute] = {}
        self._trunk_lock = asyncio.Lock()
        self._process: _Process | None = None
        self._rpc: _RpcClient | None = None
        self._ready = False
        self._supervisor: asyncio.Task[None] | None = None
        self._stopping = False
        self._restarts = 0
        self._restarted = asyncio.Condition()
        self._dispatcher_lock = asyncio.Lock()
        self._recent: collections.deque[str] = collections.deque(maxlen=40)
        self._quiet = False

    # -- properties ------------------------------------------------------------------

    @property
    def restarts(self) -> int:
        """How many times Kamailio was started again after it died."""
        return self._restarts

    @property
    def address(self) -> str:
        """``HOST:PORT`` that trunks and phones send to (``0.0.0.0:PORT``: every
        interface address of this host)."""
        return f"{self._host}:{self.settings.sip_port}"

    @property
    def tls_address(self) -> str | None:
        """``HOST:PORT`` of SIP over TLS (``None`` without TLS)."""
        tls = self.settings.tls
        return None if tls is None else f"{self._host}:{tls.port}"

    @property
    def internal_uri(self) -> str:
        """The outbound proxy the workers use for every call they originate."""
        return f"sip:127.0.0.1:{self._internal_port};lr"

    @property
    def pid(self) -> int | None:
        process = self._process
        return process.pid if process is not None and not process.exited.done() else None

    @property
    def config_path(self) -> Path:
        return self._paths.config

    # -- life cycle ------------------------------------------------------------------

    async def start(self) -> None:
        """Check Kamailio and its configuration, start it and wait until it answers RPC
        and SIP. Raises :class:`FrontError` (with Kamailio's own words) when it cannot."""
        if self._supervisor is not None:
            raise FrontError("the SIP front is already started")
        binary = installed_kamailio(self.settings.kamailio)
        log.info("Kamailio: %s", await _version(binary))
        try:
            self._paths.folder.mkdir(parents=True, exist_ok=True)
            if len(str(self._paths.client_socket)) < _SOCKET_PATH_LIMIT:
                self._paths.run_dir.mkdir(exist_ok=True)
            else:  # a Unix socket's path must be short: a private folder in /tmp instead
                self._temporary_run_dir = _private_run_dir(self._paths.folder)
                self._paths = _paths(self.settings.data_dir, self._temporary_run_dir)
            self._write_uac_table()
            _write_private(self._paths.config, self.render_config())  # it holds the secret
            if self.settings.tls is not None:
                _write_private(self._paths.tls_config, self.render_tls_config())
            self._write_dispatcher_list()
            await self._check_config(binary)
            self._stopping = False
            await self._launch(binary)
        except BaseException:
            self._remove_temporary_run_dir()
            raise
        self._supervisor = asyncio.create_task(self._supervise(binary), name="kamailio-supervisor")

    async def stop(self) -> None:
        """End supervision and Kamailio (SIGTERM, SIGKILL after a timeout): the process it
        started and that process's children, by pid and process group. Idempotent."""
        self._stopping = True
        supervisor, self._supervisor = self._supervisor, None
        if supervisor is not None:
            supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await supervisor
        await self._terminate()
        self._remove_temporary_run_dir()

    def _remove_temporary_run_dir(self) -> None:
        if self._temporary_run_dir is not None:
            shutil.rmtree(self._temporary_run_dir, ignore_errors=True)
            self._temporary_run_dir = None
            self._paths = _paths(self.settings.data_dir)

    async def restarted(self, count: int = 1, timeout: float = 30.0) -> None:
        """Wait until Kamailio has been restarted ``count`` times in all (TimeoutError
        after ``timeout`` seconds)."""
        async with self._restarted:
            await asyncio.wait_for(
                self._restarted.wait_for(lambda: self._restarts >= count), timeout
            )

    # -- control ---------------------------------------------------------------------

    async def set_destinations(self, destinations: Sequence[Destination]) -> None:
        """Make ``destinations`` the whole list of workers, live. A worker without room is
        never selected for a new call. While Kamailio is being restarted the list is kept
        and pushed when it is back."""
        wanted: dict[str, bool] = {}
        for destination in destinations:
            _check_destination(destination.uri)
            wanted[destination.uri] = destination.room
        async with self._dispatcher_lock:
            self._destinations = wanted
            self._write_dispatcher_list()
            if self._ready:
                await self._rpc_if_running("dispatcher.reload")

    async def set_room(self, uri: str, room: bool) -> None:
        """Flip one worker between "may get a new caller" (dispatcher state active) and
        "full" (disabled: never selected, never pinged). :class:`FrontError` for a URI
        that is not in the list."""
        if uri not in self._destinations:
            raise FrontError(f"{uri} is not one of the SIP front's destinations")
        async with self._dispatcher_lock:
            if uri not in self._destinations:
                return  # removed while this waited
            self._destinations[uri] = room
            if self._ready:
                await self._rpc_if_running("dispatcher.set_state", "a" if room else "d", 1, uri)

    async def end_dialogs(self, worker_uri: str) -> int:
        """End every dialog the worker ``worker_uri`` is in: BYE to both ends of each
        established one; a call offered to it and not answered yet gets ``480`` (its
        caller is told at once), one it placed and not answered yet is cancelled.
        Returns how many dialogs were ended.

        The dialog module ends only dialogs whose 2xx was acknowledged, so one answered
        a moment ago is waited for (up to a second) until its ACK has passed. It sends
        the caller's BYE first and the callee's only while the dialog is not yet deleted:
        when the caller answers its BYE within microseconds (two live local ends) the
        callee may get none. With a dead worker that is harmless: the far end is the
        caller of a call offered to the worker and gets the first BYE, and it is the
        callee of a call the worker placed, whose first BYE (to the worker) gets no
        answer."""
        _check_destination(worker_uri)
        handled: set[tuple[int, int]] = set()
        ended = 0
        deadline = time.monotonic() + _ACK_WAIT
        while self._ready:
            dialogs = await self._rpc_if_running("dlg.profile_list", "worker", worker_uri)
            unacknowledged = 0
            for dialog in dialogs or []:
                key = (int(dialog["h_entry"]), int(dialog["h_id"]))
                if key in handled:
                    continue
                if dialog.get("state") == _DIALOG_ANSWERED:
                    unacknowledged += 1
                    continue
                handled.add(key)
                if await self._end_dialog(dialog, worker_uri):
                    ended += 1
            if not unacknowledged or time.monotonic() > deadline:
                if unacknowledged:
                    log.warning(
                        "%d call(s) of worker %s were answered but never acknowledged: "
                        "left to their own timeouts", unacknowledged, worker_uri,
                    )  # fmt: skip
                break
            await asyncio.sleep(0.02)
        return ended

    async def set_trunks(
        self, networks: Sequence[Network], routes: Sequence[TrunkRoute] = ()
    ) -> None:
        """Accept calls from ``networks`` (all of them: the command line's and the
        stored trunks'), and send workers' calls through ``routes``; live, and again
        after every restart."""
        async with self._trunk_lock:
            old = set(self._routes)
            self._networks = tuple(networks)
            self._routes = {route.key: route for route in routes}
            if self._ready and self._rpc is not None:
                for key in old - set(self._routes):
                    await self._forget_route(self._rpc, key)
                await self._push_trunks(self._rpc)

    async def register(self, registration: Registration) -> None:
        """Have Kamailio register (again, from the start) with the operator's registrar;
        its last answer is forgotten first. Nothing while Kamailio is down: its
        registrations are gone then, and :meth:`registrations` will not list this one."""
        password = registration.password if registration.password else "."
        proxy = registration.proxy or ""
        with contextlib.suppress(RpcError):  # no answer kept yet
            await self._rpc_if_running("htable.delete", "vaxla_registrations", registration.aor)
        # uac.reg_add refuses a uuid it has (409), given up on or not: remove it first.
        await self.unregister(registration.uuid)
        await self._rpc_if_running(
            "uac.reg_add",
            registration.uuid, registration.uuid, self._host,
            registration.username, registration.registrar, "",
            registration.username, password, ".", proxy,
            registration.expiry_s, 0, 0, "", ".",
        )  # fmt: skip

    async def unregister(self, uuid: str) -> None:
        """Forget the registration ``uuid`` (Kamailio lets it expire at the registrar)."""
        with contextlib.suppress(RpcError):  # not there: nothing to forget
            await self._rpc_if_running("uac.reg_remove", uuid)

    async def registrations(self) -> dict[str, RegistrationStatus]:
        """Kamailio's registrations by uuid, with each one's last answer; empty while
        Kamailio is down."""
        records = await self._rpc_if_running("uac.reg_dump") or []
        answers: dict[str, str] = {}
        dumped = await self._rpc_if_running("htable.dump", "vaxla_registrations") or []
        for slot in dumped:
            for entry in slot.get("slot") or []:
                answers[str(entry.get("name"))] = str(entry.get("value"))
        found: dict[str, RegistrationStatus] = {}
        for record in records:
            aor = f"sip:{record.get('r_username')}@{record.get('r_domain')}"
            uuid = str(record.get("l_uuid"))
            found[uuid] = RegistrationStatus(uuid, int(record.get("flags", 0)), answers.get(aor))
        return found

    async def _push_trunks(self, rpc: "_RpcClient") -> None:
        networks = ",".join(str(network) for network in self._networks) or _NO_TRUNK
        await rpc.call("htable.sets", "vaxla_trunks", "networks", networks)
        for route in self._routes.values():
            await self._forget_route(rpc, route.key)
            values = {"domain": route.domain, "proxy": route.proxy}
            if route.username is not None:
                values |= {"user": route.username, "password": route.password or ""}
            for name, value in values.items():
                if value is not None:
                    await rpc.call("htable.sets", "vaxla_trunks", f"{route.key}::{name}", value)

    @staticmethod
    async def _forget_route(rpc: "_RpcClient", key: str) -> None:
        for name in ("domain", "proxy", "user", "password"):
            with contextlib.suppress(RpcError):
                await rpc.call("htable.delete", "vaxla_trunks", f"{key}::{name}")

    async def rpc(self, method: str, *params: str | int) -> Any:
        """Any Kamailio RPC command (``dispatcher.list``, ``dlg.list``, ``pl.list``…)."""
        if self._rpc is None or not self._ready:
            raise FrontError("the SIP front is not running")
        return await self._rpc.call(method, *params)

    # -- configuration ---------------------------------------------------------------

    def render_config(self) -> str:
        """The kamailio.cfg for these settings."""
        settings = self.settings
        if not self._networks:
            trunks = _NO_TRUNK
        else:
            trunks = ",".join(str(network) for network in self._networks)
        template = resources.files("vaxla_server.media").joinpath(_TEMPLATE).read_text()
        return _Template(template).substitute(
            children=settings.children,
            mhomed=1 if self._wildcard else 0,
            sockets=self._sockets(),
            rpc_socket=self._paths.rpc_socket,
            dispatcher_list=self._paths.dispatcher_list,
            untrusted_rate=settings.untrusted_rate,
            call_rate=settings.call_rate,
            trunks=trunks,
            trunks_text=trunks if self._networks else "no trunk configured",
            uac_db=self._paths.uac_db,
            contact_addr=self._contact_address(),
            reg_timer_interval=_REG_TIMER_S,
            agent_secret=settings.agent_secret,
            realm=REALM,
            to_outside=self._to_outside(),
            tls_define="#!define WITH_TLS" if settings.tls is not None else "",
            tls_config=self._paths.tls_config,
        )

    def render_tls_config(self) -> str:
        """The tls module's configuration: the server's certificate, TLS 1.2 or later;
        phones are not asked for certificates of their own (their SIP credentials say
        who they are)."""
        tls = self.settings.tls
        assert tls is not None
        return (
            "[server:default]\n"
            "method = TLSv1.2+\n"
            "verify_certificate = no\n"
            "require_certificate = no\n"
            f"certificate = {tls.cert_file.absolute()}\n"
            f"private_key = {tls.key_file.absolute()}\n"
            "\n[client:default]\n"
            "method = TLSv1.2+\n"
            "verify_certificate = no\n"
            "require_certificate = no\n"
        )

    def _contact_address(self) -> str:
        """Where operators send calls for a registration trunk: the front's address (on
        a wildcard, the loopback one: give ``--bind`` an address to be reachable)."""
        if self._wildcard:
            return f"{self._probe_host()}:{self.settings.sip_port}"
        return self.address

    def _sockets(self) -> str:
        port = self.settings.sip_port
        tls = self.settings.tls
        if self._wildcard:
            lines = [f"port={port}"]
            if self.settings.listen == "::":
                lines.append("auto_bind_ipv6=1")
            if tls is not None:
                lines += ["enable_tls=yes", f"tls_port_no={tls.port}"]
        else:
            lines = [f"listen=udp:{self._host}:{port}", f"listen=tcp:{self._host}:{port}"]
            if tls is not None:
                lines += ["enable_tls=yes", f"listen=tls:{self._host}:{tls.port}"]
            if self._separate_internal:
                lines.append(f"listen=udp:127.0.0.1:{self._internal_port}")
        return "\n".join(lines)

    def _to_outside(self) -> str:
        if not self._separate_internal or self._wildcard:
            return "\t# one socket faces both sides, or mhomed picks one: nothing to do\n\treturn;"
        public = f"{self._host}:{self.settings.sip_port}"
        return (
            '\tif ($(ru{uri.transport}{s.tolower}) == "tcp") {\n'
            f'\t\t$fs = "tcp:{public}";\n'
            "\t} else {\n"
            f'\t\t$fs = "udp:{public}";\n'
            "\t}"
        )

    def _write_uac_table(self) -> None:
        """The uac module's registration table: empty (registrations come by RPC)."""
        self._paths.uac_db.mkdir(exist_ok=True)
        (self._paths.uac_db / "version").write_text(
            "table_name(string) table_version(int)\nuacreg:5\n"
        )
        (self._paths.uac_db / "uacreg").write_text(_UAC_TABLE)

    def _write_dispatcher_list(self) -> None:
        lines = ["# set destination flags priority attributes (rewritten by the server)"]
        internal = f"udp:127.0.0.1:{self._internal_port}"
        # Kamailio tries a set's destinations by priority, highest first: the pool's order.
        for priority, (uri, room) in enumerate(reversed(self._destinations.items())):
            flags = 0 if room else 4  # 4: disabled
            attributes = f"socket={internal}" if uri.startswith("sip:127.") else ""
            lines.append(f"1 {uri} {flags} {priority} {attributes}".rstrip())
        temporary = self._paths.dispatcher_list.with_suffix(".tmp")
        temporary.write_text("\n".join(lines) + "\n")
        temporary.replace(self._paths.dispatcher_list)

    async def _check_config(self, binary: str) -> None:
        check = await asyncio.create_subprocess_exec(
            binary, "-c", "-f", str(self._paths.config),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
        output, _ = await check.communicate()
        if check.returncode != 0:
            problems = _problems(output.decode(errors="replace").splitlines())
            raise FrontError(f"Kamailio refused its configuration {self._paths.config}: {problems}")

    # -- process ---------------------------------------------------------------------

    async def _launch(self, binary: str) -> None:
        """Start Kamailio and wait until it answers; on failure leave nothing running."""
        for stale in (self._paths.rpc_socket, self._paths.pid_file):
            with contextlib.suppress(FileNotFoundError):
                stale.unlink()
        self._recent.clear()
        loop = asyncio.get_running_loop()
        try:
            transport, process = await loop.subprocess_exec(
                lambda: _Process(self._log_line),
                binary,
                "-f", str(self._paths.config),
                "-DD", "-E",
                "-m", str(_SHM_MB), "-M", str(_PKG_MB),
                "-Y", str(self._paths.run_dir),
                "-P", str(self._paths.pid_file),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
                start_new_session=True,  # its children share its process group: ended with it
                preexec_fn=ended_with_this_process(signal.SIGTERM),
            )  # fmt: skip
        except OSError as error:
            raise FrontError(f"Kamailio could not be started: {error}") from error
        self._process = process
        try:
            self._rpc = await _RpcClient.open(self._paths.rpc_socket, self._paths.client_socket)
            await self._wait_ready(process)
            # Workers' room may have changed while it started: push what is current.
            async with self._dispatcher_lock:
                self._write_dispatcher_list()
                await self._rpc.call("dispatcher.reload")
                async with self._trunk_lock:
                    await self._push_trunks(self._rpc)
                self._ready = True
        except BaseException:
            await self._terminate()
            raise
        log.info(
            "Kamailio (pid %d) is the SIP front on %s; workers' proxy %s",
            transport.get_pid(), self.address, self.internal_uri,
        )  # fmt: skip

    async def _wait_ready(self, process: "_Process") -> None:
        assert self._rpc is not None
        deadline = time.monotonic() + _READY_TIMEOUT
        answered_rpc = False
        while True:
            if process.exited.done() or time.monotonic() > deadline:
                if process.exited.done():
                    reason = f"it exited with code {process.exited.result()}"
                else:
                    reason = f"it did not answer within {_READY_TIMEOUT:.0f} s"
                await self._terminate()
                raise FrontError(f"Kamailio did not start ({reason}): {_problems(self._recent)}")
            try:
                if not answered_rpc:
                    await self._rpc.call("core.version", timeout=0.3)
                    answered_rpc = True
                if await _answers_options(self._probe_host(), self.settings.sip_port):
                    return
            except FrontError:
                pass
            await asyncio.sleep(0.05)

    def _probe_host(self) -> str:
        if self.settings.listen == "0.0.0.0":
            return "127.0.0.1"
        if self.settings.listen == "::":
            return "::1"
        return self.settings.listen

    async def _supervise(self, binary: str) -> None:
        failures = 0
        while True:
            process = self._process
            assert process is not None
            started = time.monotonic()
            code = await process.exited
            if self._stopping:
                return
            pid = process.pid
            await self._terminate()
            log.error(
                "Kamailio (pid %d) exited with code %d; restarting it. Its last words: %s",
                pid, code, _problems(self._recent),
            )  # fmt: skip
            failures = 0 if time.monotonic() - started > _STABLE_RUN else failures + 1
            while True:
                await asyncio.sleep(_BACKOFF[min(failures, len(_BACKOFF) - 1)])
                try:
                    self._write_dispatcher_list()
                    await self._launch(binary)
                except (FrontError, OSError) as error:
                    failures += 1
                    log.error("Kamailio could not be restarted: %s", error)
                    continue
                break
            async with self._restarted:
                self._restarts += 1
                self._restarted.notify_all()
            log.warning("Kamailio restarted (restart %d), pid %s", self._restarts, self.pid)

    async def _terminate(self) -> None:
        """End the process this front started and its process group; close the RPC."""
        self._ready = False
        if self._rpc is not None:
            self._rpc.close()
            self._rpc = None
        process, self._process = self._process, None
        if process is None:
            return
        if not process.exited.done():
            self._quiet = True  # its complaints while shutting down are expected
            process.signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(asyncio.shield(process.exited), _STOP_TIMEOUT)
            except TimeoutError:
                log.warning("Kamailio (pid %d) ignored SIGTERM: killing it", process.pid)
                process.signal(signal.SIGKILL)
                await process.exited
            # On SIGTERM its main process ends its children, which then close the output.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(process.output_closed), _STOP_TIMEOUT)
        # Children outlive a main process that was killed; they are in its process group.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(process.output_closed), _STOP_TIMEOUT)
        process.close()
        self._quiet = False

    def _log_line(self, line: str) -> None:
        self._recent.append(line)
        match = _LOG_LINE.match(line)
        if match is None:
            log.debug("kamailio: %s", line)
            return
        level = _LEVELS[match["level"]]
        if self._quiet or (level == logging.INFO and match["origin"] != "<script>:"):
            level = logging.DEBUG
        log.log(level, "kamailio: %s", match["text"])

    async def _rpc_if_running(self, method: str, *params: str | int) -> Any:
        """An RPC command; nothing (None) when Kamailio died meanwhile — the supervisor
        pushes the current state when it is back."""
        rpc = self._rpc
        if rpc is None:
            return None
        try:
            return await rpc.call(method, *params)
        except RpcError:
            raise
        except FrontError:
            if self.pid is not None and self._ready:
                raise
            return None

    async def _end_dialog(self, dialog: dict[str, Any], worker_uri: str) -> bool:
        """End one dialog of a (dead) worker; whether it was ended."""
        state = int(dialog.get("state", 0))
        call_id = str(dialog.get("call-id", ""))
        cseq = str((dialog.get("caller") or {}).get("cseq") or "1")
        variables: dict[str, str] = {}
        for variable in dialog.get("variables") or []:
            variables.update(variable)
        try:
            if state == _DIALOG_CONFIRMED:  # BYE to both ends
                await self._rpc_if_running("dlg.end_dlg", dialog["h_entry"], dialog["h_id"])
            elif state in (1, 2) and variables.get("worker_side") == "callee":
                # offered to the worker, not answered: the caller gets a final answer now
                # (a CANCEL towards a dead worker would wait for its timeout)
                await self._rpc_if_running(
                    "tm.reply_callid", 480, "Temporarily Unavailable", call_id, cseq,
                    f"vaxla{os.urandom(4).hex()}", ".",
                )  # fmt: skip
            elif state in (1, 2):  # placed by the worker, not answered: CANCEL it
                await self._rpc_if_running("tm.cancel", call_id, cseq)
            else:
                return False
        except RpcError as error:
            log.warning("could not end call %s of worker %s: %s", call_id, worker_uri, error)
            return False
        log.info("ended call %s of worker %s (dialog state %d)", call_id, worker_uri, state)
        return True


class _Template(string.Template):
    delimiter = "@"


def installed_kamailio(name: str = "kamailio") -> str:
    """Kamailio's path; raises :class:`FrontError` saying how to install it."""
    binary = shutil.which(name)
    if binary is None:
        raise FrontError(f"Kamailio is not installed (make setup installs it): {name} not found")
    return binary


def _listen_host(listen: str) -> str:
    try:
        address = ipaddress.ip_address(listen)
    except ValueError:
        raise FrontError(f"the SIP front's listen address {listen!r} is no IP address") from None
    return f"[{address}]" if address.version == 6 else str(address)


def _check_destination(uri: str) -> None:
    match = _DESTINATION.match(uri)
    if match is None or not 0 < int(match["port"]) < 65536:
        raise FrontError(f"{uri!r} is not a worker's SIP address (sip:IP:PORT)")


def _paths(data_dir: Path, run_dir: Path | None = None) -> _Paths:
    """The front's files under ``data_dir``; its sockets in ``run_dir`` (default: the
    folder ``run`` beside its configuration)."""
    folder = data_dir.absolute() / "kamailio"
    run_dir = run_dir or folder / "run"
    return _Paths(
        folder=folder,
        config=folder / "kamailio.cfg",
        dispatcher_list=folder / "dispatcher.list",
        uac_db=folder / "uac",
        pid_file=folder / "kamailio.pid",
        tls_config=folder / "tls.cfg",
        run_dir=run_dir,
        rpc_socket=run_dir / "rpc.sock",
        client_socket=run_dir / "rpc-client.sock",
    )


def _write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` readable by this user only."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # also when the file was there before
    with os.fdopen(descriptor, "w") as file:
        file.write(text)


def _private_run_dir(folder: Path) -> Path:
    """A short folder in /tmp for the sockets of the front whose files are in ``folder``:
    the same one every time (a crash leaves no new one behind), this user's alone."""
    digest = hashlib.sha256(str(folder).encode()).hexdigest()[:16]
    path = Path(tempfile.gettempdir()) / f"vaxla-kamailio-{os.getuid()}-{digest}"
    try:
        path.mkdir(mode=0o700)
    except FileExistsError:
        found = path.lstat()
        if not stat.S_ISDIR(found.st_mode) or found.st_uid != os.getuid() or found.st_mode & 0o077:
            raise FrontError(f"{path} exists and is not a private folder of this user") from None
    return path


def _problems(lines: Sequence[str] | collections.deque[str]) -> str:
    """Kamailio's error lines (or its last lines when none says ERROR), joined."""
    errors = [line.strip() for line in lines if re.search(r"ERROR|CRITICAL|ALERT|BUG", line)]
    chosen = errors or [line.strip() for line in list(lines)[-5:]]
    return " | ".join(chosen) or "(no output)"


async def _version(binary: str) -> str:
    process = await asyncio.create_subprocess_exec(
        binary, "-v",
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await process.communicate()
    for line in output.decode(errors="replace").splitlines():
        if line.startswith("version:"):
            return line.removeprefix("version:").strip()
    raise FrontError(f"{binary} -v did not say its version (exit code {process.returncode})")


async def _answers_options(host: str, port: int, timeout: float = 0.3) -> bool:
    """Whether a SIP OPTIONS to the front gets a final answer."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    loop = asyncio.get_running_loop()
    answered: asyncio.Future[bytes] = loop.create_future()

    class Probe(asyncio.DatagramProtocol):
        def datagram_received(self, data: bytes, addr: Any) -> None:
            if data.startswith(b"SIP/2.0 2") and not answered.done():
                answered.set_result(data)

    transport, _ = await loop.create_datagram_endpoint(
        Probe, remote_addr=(host, port), family=family
    )
    try:
        local = transport.get_extra_info("sockname")
        local_host = f"[{local[0]}]" if family == socket.AF_INET6 else local[0]
        target = f"[{host}]" if family == socket.AF_INET6 else host
        tag = os.urandom(6).hex()
        request = (
            f"OPTIONS sip:{target}:{port} SIP/2.0\r\n"
            f"Via: SIP/2.0/UDP {local_host}:{local[1]};branch=z9hG4bK{tag};rport\r\n"
            f"From: <sip:vaxla-server@{local_host}>;tag={tag}\r\n"
            f"To: <sip:{target}:{port}>\r\n"
            f"Call-ID: {tag}@vaxla-server\r\n"
            "CSeq: 1 OPTIONS\r\n"
            "Max-Forwards: 70\r\n"
            "Content-Length: 0\r\n\r\n"
        )
        transport.sendto(request.encode())
        await asyncio.wait_for(answered, timeout)
    except (TimeoutError, OSError):
        return False
    finally:
        transport.close()
    return True
