"""Trunks as configuration on the whole server in demo mode (Kamailio, the media workers,
the API): SIPp is the operator, as its registrar that challenges every REGISTER
(``tests/sipp/registrar_challenges.xml``: 401, then 200 for the right password and
``403 Wrong password`` otherwise) and as the far end of an outside call that challenges
the INVITE (``tests/sipp/outside_challenges.xml``). An administrator adds each trunk
through the API; the registration's state is read from ``/config/trunk-registrations``
and the administrator's event socket. The password appears in no answer and no log line.
"""

import asyncio
import contextlib
import re
import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.test_call_control import ControlDemo, Socket, agents, outside_party
from tests.e2e.test_outbound_calls import authorize, outbound_demo
from tests.media.harness import SCENARIOS
from vaxla_protocol.offers import session_key
from vaxla_protocol.outbound import session_header
from vaxla_server.media.pool import free_udp_port
from vaxla_server.network import free_media_port

PASSWORD = "right-password"
"""The password ``registrar_challenges.xml`` and ``outside_challenges.xml`` accept."""
WRONG = "wrong-password"
CALLER_ID = "+46850001234"
NUMBER = "+4687654321"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ControlDemo]:
    # No --outside-gateway: outside calls leave through the stored trunk or not at all.
    yield from outbound_demo(tmp_path_factory.mktemp("trunks"), gateway=False)


class Registrar:
    """SIPp as the operator's registrar on loopback, on a port of its own, reading what
    it received from its message trace."""

    def __init__(self, tmp: Path) -> None:
        self.port = free_udp_port()
        self.trace = tmp / f"registrar-{self.port}.log"
        self.process = subprocess.Popen(
            [
                "sipp", "-sf", str(SCENARIOS / "registrar_challenges.xml"),
                "-i", "127.0.0.1", "-p", str(self.port), "-mp", str(free_media_port()),
                "-trace_msg", "-message_file", str(self.trace), "-nostdin",
            ],
            cwd=tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _lines(self) -> list[str]:
        with contextlib.suppress(FileNotFoundError):
            return self.trace.read_text(errors="replace").splitlines()
        return []

    def registers(self) -> int:
        """REGISTER requests received so far (a registration is two: the challenged one
        and the one with the credentials)."""
        return sum(line.startswith("REGISTER sip:") for line in self._lines())

    def accepted(self) -> int:
        """Registrations answered 200."""
        return sum(line.startswith("SIP/2.0 200 OK") for line in self._lines())

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(10)


@contextlib.contextmanager
def registrar(demo: ControlDemo) -> Iterator[Registrar]:
    started = Registrar(demo.tmp)
    try:
        yield started
    finally:
        started.stop()


@contextlib.contextmanager
def trunk(demo: ControlDemo, admin: str, body: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The trunk added through the API, deleted again at the end."""
    added = demo.post("/config/trunks", admin, body)
    try:
        yield added
    finally:
        response = demo.api.delete(
            f"/config/trunks/{body['name']}", headers={"Authorization": f"Bearer {admin}"}
        )
        assert response.status_code == 204, response.text


def registration_trunk(name: str, registrar: Registrar, password: str, **more: Any) -> Any:
    return {
        "name": name,
        "kind": "registration",
        "registrar": registrar.address,
        "username": "trunkuser",
        "password": password,
        "expiry_s": 10,
        **more,
    }


def state_of(demo: ControlDemo, admin: str, name: str) -> dict[str, Any] | None:
    states = demo.get("/config/trunk-registrations", admin)
    return next((state for state in states if state["trunk"] == name), None)


def reaches(demo: ControlDemo, admin: str, name: str, state: str) -> dict[str, Any]:
    """The trunk's registration once it is in ``state`` (within 15 s)."""

    def check() -> dict[str, Any] | None:
        found = state_of(demo, admin, name)
        return found if found is not None and found["state"] == state else None

    found: dict[str, Any] = wait_for(check, 15, f"trunk {name!r} {state}")
    return found


def wait_for(check: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while not (found := check()):
        assert time.monotonic() < deadline, f"not within {timeout} s: {what}"
        time.sleep(0.1)
    return found


def announced(socket: Socket, name: str, state: str) -> list[dict[str, Any]]:
    return [
        message["registration"]
        for message in socket.of("trunk_registration")
        if message["registration"]["trunk"] == name and message["registration"]["state"] == state
    ]


def test_a_registration_trunk_registers_on_the_challenge_and_registers_again(
    demo: ControlDemo,
) -> None:
    admin = demo.token("admin1")
    with contextlib.ExitStack() as stack, registrar(demo) as operator:
        watching = Socket(demo, "admin1", stack)
        agent_socket = Socket(demo, "agent7", stack)
        stack.callback(watching.close)
        stack.callback(agent_socket.close)
        with trunk(demo, admin, registration_trunk("Operator", operator, PASSWORD)) as added:
            assert added["password_set"] is True and "password" not in added
            registered = reaches(demo, admin, "Operator", "registered")
            assert registered["reason"] is None
            # Challenged once, then accepted: two REGISTERs and one 200.
            assert operator.registers() >= 2 and operator.accepted() >= 1
            wait_for(lambda: announced(watching, "Operator", "registered"), 5, "announced")
            # Kamailio renews the 10 s registration before it runs out, challenge and all.
            wait_for(lambda: operator.accepted() >= 2, 15, "registered again")
            assert state_of(demo, admin, "Operator")["state"] == "registered"  # type: ignore[index]
            for path in ("/config/trunks", "/config/trunks/Operator", "/config/document"):
                answer = demo.api.get(path, headers={"Authorization": f"Bearer {admin}"})
                assert answer.status_code == 200 and PASSWORD not in answer.text
        wait_for(lambda: announced(watching, "Operator", "unregistered"), 5, "unregistered")
        assert state_of(demo, admin, "Operator") is None
        assert not agent_socket.of("trunk_registration")  # agents are not told
    assert not [line for line in demo.server.read_available() if PASSWORD in line]


def test_a_wrong_password_fails_visibly_and_is_not_retried_in_a_storm(demo: ControlDemo) -> None:
    admin = demo.token("admin1")
    with contextlib.ExitStack() as stack, registrar(demo) as operator:
        watching = Socket(demo, "supervisor1", stack)
        stack.callback(watching.close)
        with trunk(demo, admin, registration_trunk("Wrong", operator, WRONG)):
            failed = reaches(demo, admin, "Wrong", "failed")
            assert failed["reason"] == "403 Wrong password"
            retry_at = datetime.fromisoformat(failed["retry_at"])
            since = datetime.fromisoformat(failed["since"])
            assert 29 < (retry_at - since).total_seconds() <= 31  # the first back-off: 30 s
            told = wait_for(lambda: announced(watching, "Wrong", "failed"), 5, "announced")
            assert told[-1]["reason"] == "403 Wrong password"
            # No storm: for the next 8 s the operator hears nothing more than the one
            # challenged REGISTER and the one with the (wrong) credentials.
            deadline = time.monotonic() + 8
            while time.monotonic() < deadline:
                assert operator.registers() == 2, "REGISTERs went on after the failure"
                time.sleep(0.2)
            assert state_of(demo, admin, "Wrong")["state"] == "failed"  # type: ignore[index]
    logged = [line for line in demo.server.read_available() if "refused the registration" in line]
    assert logged and "403 Wrong password" in logged[-1] and "'Wrong'" in logged[-1]
    assert not [line for line in demo.server.read_available() if WRONG in line]


def test_an_outside_call_leaves_through_the_trunk_with_its_caller_id_and_credentials(
    demo: ControlDemo,
) -> None:
    admin = demo.token("admin1")

    async def scenario() -> None:
        async with (
            outside_party(demo, "outside_challenges") as far_end,
            agents(demo, "agent3") as [(a3, p3)],
        ):
            demo.post("/agent/login", a3, {"sip_contact": p3.uri})
            assert demo.get("/agent/phone", a3)["outside_calls"] is True
            await authorize(demo, p3, a3)
            agent_id = demo.get("/agent", a3)["agent_id"]
            header = session_header(session_key(a3), agent_id, NUMBER)
            await p3.command(f"dial sip:{NUMBER}@{demo.sip} {header}")
            await p3.expect("answered", timeout=15)
            await p3.command("hangup")
            await p3.expect("ended")
            assert await asyncio.wait_for(far_end.wait(), 15) == 0

    with registrar(demo) as operator:
        body = registration_trunk(
            "Outbound",
            operator,
            PASSWORD,
            outbound=True,
            gateway=f"127.0.0.1:{demo.outside_port}",
            caller_id=CALLER_ID,
        )
        with trunk(demo, admin, body):
            # The trunk reaches the SIP front a moment after the API has stored it: a
            # call dialled before then has no way out (seen in CI on a loaded machine).
            reaches(demo, admin, "Outbound", "registered")
            asyncio.run(scenario())
        # Without the trunk, and without --outside-gateway, there is no way out.
        agent = demo.token("agent3")
        assert demo.get("/agent/phone", agent)["outside_calls"] is False
    assert not [line for line in demo.server.read_available() if PASSWORD in line]


def test_a_call_to_a_registration_trunks_contact_is_for_the_number_in_its_to_header(
    demo: ControlDemo,
) -> None:
    admin = demo.token("admin1")
    with registrar(demo) as operator:
        # The operator's calls come from 127.0.0.2: the trunk's address.
        body = registration_trunk("Inbound", operator, PASSWORD, addresses=["127.0.0.2"])
        with trunk(demo, admin, body):
            reaches(demo, admin, "Inbound", "registered")
            contact = re.search(r"vaxla-trunk-\d+", operator.trace.read_text())
            assert contact is not None  # the contact it registered
            answered = asyncio.run(
                demo.call("trunk_caller_to_contact.xml", contact.group(), source="127.0.0.2")
            )
            assert answered == 0  # entry point 200 answered it (an unknown number: 404)
        # Without the trunk, 127.0.0.2 is no trunk: refused before any worker.
        refused = asyncio.run(
            demo.call("trunk_caller_to_contact.xml", contact.group(), source="127.0.0.2")
        )
        assert refused != 0
