"""The trunks to operators on the SIP front: which networks calls are accepted from, which
trunk outside numbers leave through, and each registration trunk's registration.

:class:`TrunkLines` follows the stored trunks (every committed change of a trunk or the
whole document) and keeps the front in step: the networks are the command line's
``--trunk`` networks and every stored trunk's addresses; the trunk marked ``outbound``
carries the outside calls (else ``--outside-gateway``, as before trunks were
configuration); every registration trunk is registered by Kamailio (``uac``).

Kamailio registers and refreshes a registration itself, and gives up on one the
registrar refuses (a wrong password: ``403``, or ``401`` again after the credentials). It
is then tried again from here, after a back-off that doubles with every failure in a row
(``RETRY_S``: 30 s up to 15 minutes by default), so a wrong password costs the operator a
REGISTER and its challenge every so often, not a storm. A registration that Kamailio no
longer has (it was restarted) is added again at once.

What each registration's state is (registering, registered, failed with the registrar's
reason, unregistered once its trunk is gone) is answered by :meth:`TrunkLines.states` and
published on :data:`TRUNK_REGISTRATIONS` whenever it changes; a failure is logged with its
reason (never with a password).
"""

import asyncio
import contextlib
import ipaddress
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from vaxla_protocol.config import RegistrationState, TrunkKind, TrunkRegistration, TrunkTransport
from vaxla_server.clock import Clock
from vaxla_server.config import CONFIG_CHANGED, ConfigChange, Configuration, Trunk
from vaxla_server.media.kamailio import (
    FrontError,
    KamailioFront,
    Network,
    Registration,
    RegistrationStatus,
    TrunkRoute,
)
from vaxla_server.media.messages import SRTP_HEADER
from vaxla_server.notifier import Topic

log = logging.getLogger(__name__)

TRUNK_REGISTRATIONS: Topic[TrunkRegistration] = Topic("the trunks' registrations")
RETRY_S = (30.0, 60.0, 120.0, 240.0, 480.0, 900.0)
"""Seconds before a refused registration is tried again: the n-th failure in a row waits
the n-th figure (the last one from then on)."""
POLL_S = 1.0
"""How often Kamailio is asked how its registrations stand."""
NO_ANSWER = "no answer from the registrar"


@dataclass(frozen=True)
class OutsideLine:
    """Where an outside number is called: ``<scheme>:<number>@<host>``, with ``headers``
    for the front (which trunk, which caller ID) on the worker's INVITE."""

    host: str
    headers: dict[str, str] = field(default_factory=dict)
    scheme: str = "sip"

    def uri(self, number: str) -> str:
        """The request URI for ``number``: the number becomes the user part, e.g.
        ``sip:+46701234567@gw.example.net:5060``."""
        return f"{self.scheme}:{number}@{self.host}"

    @classmethod
    def of_gateway(cls, gateway: str) -> "OutsideLine":
        """The line through ``--outside-gateway`` (``sip:host[:port][;params]``)."""
        scheme, rest = gateway.split(":", 1)
        return cls(rest.split("@", 1)[-1], scheme=scheme)


@dataclass
class _Registered:
    """One registration trunk as this side follows it."""

    trunk: str
    registration: Registration
    since: datetime
    state: RegistrationState = "unregistered"
    reason: str | None = None
    failures: int = 0
    retry_at: float | None = None
    """When (the clock's monotonic seconds) a failed registration is tried again."""
    retry_at_time: datetime | None = None


def trunk_key(trunk: Trunk) -> str:
    """The trunk's name on the front (``X-Vaxla-Trunk``, the registration's contact
    user): its row id, so a renamed trunk stays the same registration."""
    return f"vaxla-trunk-{trunk.id}"


class TrunkLines:
    """The stored trunks on the front; see the module docstring."""

    def __init__(
        self,
        configuration: Configuration,
        front: KamailioFront,
        *,
        clock: Clock,
        networks: Sequence[Network] = (),
        outside_gateway: str | None = None,
        retry_s: Sequence[float] = RETRY_S,
        poll_s: float = POLL_S,
        sip_tls: bool = False,
    ) -> None:
        self._configuration = configuration
        self._front = front
        self._clock = clock
        self._networks = tuple(networks)
        self._gateway = None if outside_gateway is None else OutsideLine.of_gateway(outside_gateway)
        self._retry_s = tuple(retry_s)
        self._poll_s = poll_s
        self._sip_tls = sip_tls
        """Whether the front speaks SIP over TLS (``--sip-tls-port``): a tls trunk needs it."""
        self._outside: OutsideLine | None = self._gateway
        self._registered: dict[str, _Registered] = {}
        self._wires: dict[str, TrunkRegistration] = {}
        """What :meth:`states` answers: replaced whole on the loop, read from any thread."""
        self._changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._unsubscribe = configuration.notifier.subscribe(CONFIG_CHANGED, self._on_change)

    # -- what the rest of the server asks ----------------------------------------

    def outside_line(self) -> OutsideLine | None:
        """Where outside numbers go now: the outbound trunk, else ``--outside-gateway``,
        else nowhere (``None``)."""
        return self._outside

    def states(self) -> list[TrunkRegistration]:
        """Every registration trunk's registration, in trunk-name order (from any
        thread: it reads what the loop last wrote)."""
        return sorted(self._wires.values(), key=lambda registration: registration.trunk)

    # -- life cycle ---------------------------------------------------------------

    async def start(self) -> None:
        """Push the stored trunks to the (started) front and follow them from now on."""
        self._loop = asyncio.get_running_loop()
        await self._apply(await asyncio.to_thread(self._configuration.trunks.stored))
        self._task = asyncio.create_task(self._follow(), name="trunk-registrations")

    async def stop(self) -> None:
        self._unsubscribe()
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    # -- the work -----------------------------------------------------------------

    def _on_change(self, change: ConfigChange) -> None:
        if change.what not in ("trunk", "document") or self._loop is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop is closed: the server stops
            self._loop.call_soon_threadsafe(self._changed.set)

    async def _follow(self) -> None:
        while True:
            if self._changed.is_set():
                self._changed.clear()
                try:
                    await self._apply(await asyncio.to_thread(self._configuration.trunks.stored))
                except Exception:
                    log.exception("the trunks could not be given to the SIP front")
            try:
                await self._check()
            except FrontError as error:
                log.warning("the trunks' registrations could not be read: %s", error)
            except Exception:  # the next round tries again; the loop must not end
                log.exception("the trunks' registrations could not be checked")
            sleep = asyncio.ensure_future(self._clock.sleep(self._poll_s))
            changed = asyncio.ensure_future(self._changed.wait())
            try:
                await asyncio.wait((sleep, changed), return_when=asyncio.FIRST_COMPLETED)
            finally:
                sleep.cancel()
                changed.cancel()

    async def _apply(self, trunks: list[Trunk]) -> None:
        networks = list(self._networks)
        routes: list[TrunkRoute] = []
        outside = self._gateway
        wanted: dict[str, tuple[str, Registration]] = {}
        for trunk in trunks:
            item, key = trunk.item, trunk_key(trunk)
            for address in item.addresses:
                network = ipaddress.ip_network(address, strict=False)
                if network not in networks:
                    networks.append(network)
            if item.transport is TrunkTransport.TLS and not self._sip_tls:
                log.warning(
                    "trunk %r: transport tls, but this server has no SIP over TLS "
                    "(--sip-tls-port): its registration and outside calls will fail",
                    item.name,
                )
            # SIP over TCP or TLS: the URIs the front sends to say so (udp is the default).
            transport = (
                "" if item.transport is TrunkTransport.UDP else f";transport={item.transport}"
            )
            proxy = None if item.outbound_proxy is None else f"sip:{item.outbound_proxy}{transport}"
            host = item.gateway or item.registrar
            if host is not None:
                domain = item.registrar or host  # the caller ID's domain: the operator's
                routes.append(TrunkRoute(key, domain, proxy, item.username, trunk.password))
                if item.outbound:
                    headers = {"X-Vaxla-Trunk": key}
                    if item.caller_id is not None:
                        headers["X-Vaxla-Caller-Id"] = item.caller_id
                    if item.srtp != "off":
                        headers[SRTP_HEADER] = item.srtp
                    outside = OutsideLine(f"{host}{transport}", headers)
            if item.kind is TrunkKind.REGISTRATION:
                assert item.registrar is not None and item.username is not None
                # The REGISTER goes to the outbound proxy, else the registrar, over the
                # trunk's transport.
                sent_to = proxy or (f"sip:{item.registrar}{transport}" if transport else None)
                registration = Registration(
                    key, item.registrar, item.username, trunk.password, item.expiry_s, sent_to
                )
                wanted[key] = (item.name, registration)
        await self._front.set_trunks(networks, routes)
        self._outside = outside
        for key in set(self._registered) - set(wanted):
            gone = self._registered.pop(key)
            await self._front.unregister(key)
            gone.state, gone.reason = "unregistered", None
            gone.retry_at = gone.retry_at_time = None
            log.info("trunk %r: no longer registered (the trunk was removed)", gone.trunk)
            self._publish(key, gone)
            self._wires = {other: wire for other, wire in self._wires.items() if other != key}
        for key, (name, registration) in wanted.items():
            known = self._registered.get(key)
            if known is not None and known.registration == registration:
                if known.trunk != name:  # renamed
                    known.trunk = name
                    self._publish(key, known)
                continue
            entry = _Registered(name, registration, since=self._clock.now())
            self._registered[key] = entry
            await self._register(entry)

    async def _register(self, entry: _Registered) -> None:
        entry.retry_at = entry.retry_at_time = None
        self._set(entry, "registering", None)
        log.info(
            "trunk %r: registering %s", entry.trunk, entry.registration.aor
        )  # no password in a log line
        await self._front.register(entry.registration)

    async def _check(self) -> None:
        if not self._registered:
            return
        found = await self._front.registrations()
        now = self._clock.monotonic()
        for key, entry in list(self._registered.items()):
            if entry.retry_at is not None:
                if now >= entry.retry_at:
                    await self._register(entry)
                continue
            status = found.get(key)
            if status is None:
                if self._front.pid is not None and entry.state != "failed":
                    # Kamailio does not have it (it was restarted): add it again.
                    await self._register(entry)
                continue
            if status.registered:
                entry.failures = 0
                self._set(entry, "registered", None)
            elif status.failed:
                self._failed(entry, status, now)

    def _failed(self, entry: _Registered, status: RegistrationStatus, now: float) -> None:
        answer = status.answer
        reason = answer if answer and not answer.startswith(("1", "2")) else NO_ANSWER
        delay = self._retry_s[min(entry.failures, len(self._retry_s) - 1)]
        entry.failures += 1
        entry.retry_at = now + delay
        entry.retry_at_time = self._clock.now() + timedelta(seconds=delay)
        log.warning(
            "trunk %r: the registrar refused the registration of %s: %s; trying again in %.0f s",
            entry.trunk, entry.registration.aor, reason, delay,
        )  # fmt: skip
        self._set(entry, "failed", reason, force=True)

    def _set(
        self,
        entry: _Registered,
        state: RegistrationState,
        reason: str | None,
        *,
        force: bool = False,
    ) -> None:
        if (entry.state, entry.reason) == (state, reason) and not force:
            return
        if entry.state != state:
            entry.since = self._clock.now()
            if state == "registered":
                log.info("trunk %r: registered as %s", entry.trunk, entry.registration.aor)
        entry.state, entry.reason = state, reason
        self._publish(entry.registration.uuid, entry)

    def _publish(self, key: str, entry: _Registered) -> None:
        wire = self._wire(entry)
        self._wires = {**self._wires, key: wire}
        self._configuration.notifier.publish(TRUNK_REGISTRATIONS, wire)

    @staticmethod
    def _wire(entry: _Registered) -> TrunkRegistration:
        return TrunkRegistration(
            trunk=entry.trunk, state=entry.state, reason=entry.reason,
            retry_at=entry.retry_at_time, since=entry.since,
        )  # fmt: skip
