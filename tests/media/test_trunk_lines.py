"""The stored trunks on the SIP front (``TrunkLines``), on the real configuration and store
with a stand-in front that records what it is told and answers registrations' states as
the test sets them, and a manual clock: a refused registration is tried again after 30,
then 60 s, and after 30 s again once it has succeeded; a registration Kamailio lost (a
restart) is added again at once; the networks are the command line's and the trunks';
outside calls leave through the outbound trunk with its caller ID, or the outside gateway.
``tests/e2e/test_trunks.py`` does the same against Kamailio and SIPp."""

import asyncio
import ipaddress
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from vaxla_protocol.config import TrunkItem, TrunkKind
from vaxla_server.clock import ManualClock
from vaxla_server.config import Configuration
from vaxla_server.media.kamailio import Network, Registration, RegistrationStatus, TrunkRoute
from vaxla_server.media.trunks import TRUNK_REGISTRATIONS, TrunkLines
from vaxla_server.store import Store, open_store

REGISTERED = TrunkItem(
    name="Operator",
    kind=TrunkKind.REGISTRATION,
    registrar="192.0.2.5:5060",
    username="trunkuser",
    password="secret-pass",
    expiry_s=600,
    outbound=True,
    caller_id="+46850001234",
)


class StandInFront:
    """What ``TrunkLines`` uses of ``KamailioFront``, recorded."""

    pid: int | None = 4242

    def __init__(self) -> None:
        self.networks: list[Network] = []
        self.routes: list[TrunkRoute] = []
        self.registered: list[Registration] = []
        self.removed: list[str] = []
        self.states: dict[str, RegistrationStatus] = {}

    async def set_trunks(self, networks: Sequence[Network], routes: Sequence[TrunkRoute]) -> None:
        self.networks, self.routes = list(networks), list(routes)

    async def register(self, registration: Registration) -> None:
        self.registered.append(registration)
        self.states[registration.uuid] = RegistrationStatus(registration.uuid, 16 | 2, None)

    async def unregister(self, uuid: str) -> None:
        self.removed.append(uuid)
        self.states.pop(uuid, None)

    async def registrations(self) -> dict[str, RegistrationStatus]:
        return dict(self.states)

    def answer(self, flags: int, answer: str | None) -> None:
        (uuid,) = self.states
        self.states[uuid] = RegistrationStatus(uuid, flags, answer)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with open_store(data_dir=tmp_path / "data") as opened:
        yield opened


async def until(check: Callable[[], Any], what: str, timeout: float = 5.0) -> None:
    """Wait for ``check()`` (the configuration is read in a thread: real time passes)."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"not within {timeout} s: {what}"
        await asyncio.sleep(0.01)


def lines_on(store: Store, front: StandInFront, clock: ManualClock, **options: Any) -> TrunkLines:
    configuration = Configuration(store.engine)
    return TrunkLines(configuration, front, clock=clock, **options)  # type: ignore[arg-type]


def test_a_refused_registration_is_tried_again_later_each_time(store: Store) -> None:
    front, clock = StandInFront(), ManualClock()
    lines = lines_on(store, front, clock, retry_s=(30.0, 60.0))
    news: list[Any] = []
    lines._configuration.notifier.subscribe(TRUNK_REGISTRATIONS, news.append)
    lines._configuration.trunks.add(REGISTERED)

    async def scenario() -> None:
        await lines.start()
        try:
            assert [r.aor for r in front.registered] == ["sip:trunkuser@192.0.2.5:5060"]
            assert front.registered[0].password == "secret-pass"
            front.answer(16 | 1, "403 Forbidden")  # given up by Kamailio
            await clock.advance(1)
            (state,) = lines.states()
            assert (state.state, state.reason) == ("failed", "403 Forbidden")
            assert state.retry_at == state.since + timedelta(seconds=30)
            await clock.advance(28)
            assert len(front.registered) == 1  # not before its 30 s
            await clock.advance(2)
            assert len(front.registered) == 2
            front.answer(16 | 1, "403 Forbidden")
            await clock.advance(58)
            assert len(front.registered) == 2  # the second wait is 60 s
            await clock.advance(3)
            assert len(front.registered) == 3
            front.answer(16 | 4, "200 OK")
            await clock.advance(1)
            assert lines.states()[0].state == "registered"
            front.answer(16 | 1, None)  # a refresh that got no answer: 30 s again
            await clock.advance(1)
            assert lines.states()[0].reason == "no answer from the registrar"
            await clock.advance(29)
            assert len(front.registered) == 3
            await clock.advance(1.5)
            assert len(front.registered) == 4
        finally:
            await lines.stop()

    asyncio.run(scenario())
    states = [(message.state, message.reason) for message in news]
    assert states[:3] == [
        ("registering", None),
        ("failed", "403 Forbidden"),
        ("registering", None),
    ]
    assert ("registered", None) in states


def test_a_registration_kamailio_lost_is_added_again(store: Store) -> None:
    front, clock = StandInFront(), ManualClock()
    lines = lines_on(store, front, clock)
    lines._configuration.trunks.add(REGISTERED)

    async def scenario() -> None:
        await lines.start()
        try:
            front.answer(16 | 4, "200 OK")
            await clock.advance(1)
            front.states.clear()  # Kamailio restarted: its registrations are gone
            await clock.advance(1)
            assert len(front.registered) == 2
        finally:
            await lines.stop()

    asyncio.run(scenario())


def test_networks_and_the_outside_line_follow_the_stored_trunks(store: Store) -> None:
    front, clock = StandInFront(), ManualClock()
    command_line = (ipaddress.ip_network("203.0.113.0/24"),)
    lines = lines_on(store, front, clock, networks=command_line, outside_gateway="sip:gw:5070")
    trunks = lines._configuration.trunks
    assert lines.outside_line() is not None
    assert lines.outside_line().uri("+4670") == "sip:+4670@gw:5070"  # type: ignore[union-attr]

    async def scenario() -> None:
        await lines.start()
        try:
            by_address = TrunkItem(name="PBX", kind=TrunkKind.IP, addresses=["192.0.2.10"])
            await asyncio.to_thread(trunks.add, by_address)
            await until(lambda: len(front.networks) == 2, "the PBX's address")
            assert [str(n) for n in front.networks] == ["203.0.113.0/24", "192.0.2.10/32"]
            await asyncio.to_thread(trunks.add, REGISTERED)
            await until(lambda: front.registered, "the registration")
            line = lines.outside_line()
            assert line is not None
            assert line.uri("+4670") == "sip:+4670@192.0.2.5:5060"
            key = front.registered[0].uuid
            assert line.headers == {"X-Vaxla-Trunk": key, "X-Vaxla-Caller-Id": "+46850001234"}
            assert [(r.key, r.username, r.password) for r in front.routes] == [
                (key, "trunkuser", "secret-pass")
            ]
            await asyncio.to_thread(trunks.delete, "Operator")
            await until(lambda: front.removed == [key], "the registration removed")
            line = lines.outside_line()
            assert line is not None and line.uri("1") == "sip:1@gw:5070" and not line.headers
            assert lines.states() == []
        finally:
            await lines.stop()

    asyncio.run(scenario())


@pytest.mark.parametrize("sip_tls", [True, False])
def test_a_trunk_over_tls_with_srtp_is_reached_over_tls_and_asks_for_srtp(
    store: Store, caplog: pytest.LogCaptureFixture, sip_tls: bool
) -> None:
    """``transport: tls``: the outside calls' Request-URI, the outbound proxy and the
    REGISTER's next hop say ``;transport=tls``; ``srtp`` goes to the worker in its own
    header. Back to udp and off, the URIs are plain and the header gone. On a server
    without SIP over TLS the trunk is taken as it is, with a warning in the log."""
    front, clock = StandInFront(), ManualClock()
    lines = lines_on(store, front, clock, sip_tls=sip_tls)
    trunks = lines._configuration.trunks

    def registered(**changes: Any) -> TrunkItem:
        return TrunkItem.model_validate(REGISTERED.model_dump() | changes)

    encrypted = registered(transport="tls", srtp="mandatory")

    async def scenario() -> None:
        await lines.start()
        try:
            await asyncio.to_thread(trunks.add, encrypted)
            await until(lambda: front.registered, "the registration")
            (registration,) = front.registered
            assert registration.proxy == "sip:192.0.2.5:5060;transport=tls"
            line = lines.outside_line()
            assert line is not None
            assert line.uri("+4670") == "sip:+4670@192.0.2.5:5060;transport=tls"
            assert line.headers["X-Vaxla-Srtp"] == "mandatory"
            warned = [r.getMessage() for r in caplog.records if "no SIP over TLS" in r.getMessage()]
            assert warned == ([] if sip_tls else [
                "trunk 'Operator': transport tls, but this server has no SIP over TLS "
                "(--sip-tls-port): its registration and outside calls will fail"
            ])  # fmt: skip
            through_proxy = registered(
                transport="tls", srtp="mandatory", outbound_proxy="proxy.op.test:5061"
            )
            await asyncio.to_thread(trunks.replace, "Operator", through_proxy)
            await until(lambda: len(front.registered) == 2, "registered again")
            assert front.registered[-1].proxy == "sip:proxy.op.test:5061;transport=tls"
            assert [r.proxy for r in front.routes] == ["sip:proxy.op.test:5061;transport=tls"]
            plain = registered(outbound_proxy="proxy.op.test:5061")
            await asyncio.to_thread(trunks.replace, "Operator", plain)
            await until(lambda: len(front.registered) == 3, "registered again, over udp")
            assert front.registered[-1].proxy == "sip:proxy.op.test:5061"
            line = lines.outside_line()
            assert line is not None and line.uri("1") == "sip:1@192.0.2.5:5060"
            assert "X-Vaxla-Srtp" not in line.headers
        finally:
            await lines.stop()

    asyncio.run(scenario())
