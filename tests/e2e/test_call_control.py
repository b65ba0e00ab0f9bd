"""The agent's call control on the whole server in demo mode: SIPp calls 200 (Support),
pjsua2 softphone processes are the agents, the HTTP API transfers and parks, and SIPp
(``tests/sipp/outside_*.xml``) is the outside number behind the outside gateway."""

import array
import asyncio
import contextlib
import io
import json
import math
import os
import signal
import sys
import threading
import wave
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from tests.e2e.test_demo_calls import Demo
from tests.media.harness import AGENT_PHONE, SCENARIOS, AgentPhone, sip_tester_pcaps
from tests.media.test_kamailio import udp_bound
from tests.server_process import ServerProcess, front_address, print_sipp_errors, worker_pids
from vaxla_protocol import API_PREFIX, PROTOCOL_VERSION
from vaxla_protocol.events import EVENTS_PATH
from vaxla_server.media.pool import free_udp_port
from vaxla_server.network import free_media_port, free_sip_port
from vaxla_server.store import open_store
from vaxla_server.store.events import Answered, CallbackAnswered, CallbackRequested, Offered


class ControlDemo(Demo):
    outside_port: int = 0
    _watch: "Socket | None" = None
    _sockets: contextlib.ExitStack | None = None

    def watch(self) -> "Socket":
        """A supervisor's event socket, open from the first call to the demo's end: it
        sees every agent's call progress, transfers and personal queue."""
        if self._watch is None:
            self._sockets = contextlib.ExitStack()
            self._watch = Socket(self, "supervisor1", self._sockets)
        return self._watch

    def progress(self, state: str, agent_id: int) -> list[dict[str, Any]]:
        """The ``call_progress`` messages of ``agent_id``'s calls in ``state``, in order."""
        return [
            m
            for m in self.watch().of("call_progress")
            if m["agent_id"] == agent_id and m["state"] == state
        ]

    def close(self) -> None:
        if self._watch is not None and self._sockets is not None:
            self._watch.close()
            self._sockets.close()
        self.api.close()

    def answer(self, path: str, token: str, body: object | None = None) -> httpx.Response:
        return self.api.post(path, json=body, headers={"Authorization": f"Bearer {token}"})

    async def broken_phone(self) -> AgentPhone:
        """A softphone that verifies offers with another session's key: it refuses."""
        process = await asyncio.create_subprocess_exec(
            sys.executable, str(AGENT_PHONE), "--key", "not-the-session-key", "--record",
            str(self.tmp / "broken.wav"),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        )  # fmt: skip
        phone = AgentPhone(process, self.tmp / "broken.wav")
        phone.address = str((await phone.expect("ready"))["address"])
        return phone


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ControlDemo]:
    tmp = tmp_path_factory.mktemp("control")
    (tmp / "pcap").symlink_to(sip_tester_pcaps())
    sip_port, outside_port = free_sip_port(), free_udp_port()
    args = [
        "--demo", "--sip-port", str(sip_port),
        "--outside-gateway", f"sip:127.0.0.1:{outside_port}",
    ]  # fmt: skip
    with ServerProcess(tmp / "data", args, timeout=120) as server:
        sip = front_address(server.log_lines)
        demo = ControlDemo(server, sip, tmp, min(worker_pids(server.log_lines).values()))
        demo.outside_port = outside_port
        yield demo
        demo.close()
        assert server.stop() == -signal.SIGTERM


@contextlib.asynccontextmanager
async def agents(demo: ControlDemo, *names: str) -> AsyncIterator[list[tuple[str, AgentPhone]]]:
    """Each agent's token and softphone, logged in to all its queues; logged out and
    quit at the end."""
    started: list[tuple[str, AgentPhone]] = []
    try:
        for name in names:
            token = demo.token(name)
            phone = await demo.agent_phone(token)
            started.append((token, phone))
        yield started
    finally:
        for token, phone in started:
            with contextlib.suppress(httpx.HTTPError):
                demo.api.post(
                    "/agent/logout", json={}, headers={"Authorization": f"Bearer {token}"}
                )
            await phone.command("quit")
            await phone.process.wait()


@contextlib.asynccontextmanager
async def outside_party(
    demo: ControlDemo, scenario: str
) -> AsyncIterator[asyncio.subprocess.Process]:
    """SIPp as the number the gateway calls, ``tests/sipp/SCENARIO.xml``, started in the
    demo's folder (its pcaps) and killed if still running at the end; its error file is
    printed when it fails. (Not SIPp's built-in ``uas``: see ``outside_answers.xml``.)"""
    errors = demo.tmp / f"{scenario}.errors"
    outside = await asyncio.create_subprocess_exec(
        "sipp", "-sf", str(SCENARIOS / f"{scenario}.xml"), "-mp", str(free_media_port()),
        "-trace_err", "-error_file", str(errors),
        "-i", "127.0.0.1", "-p", str(demo.outside_port), "-m", "1", "-nostdin", "-timeout", "30s",
        cwd=demo.tmp, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    try:
        # A call dialled before SIPp listens is refused by the port (seen in CI, loaded).
        await until(lambda: udp_bound("127.0.0.1", demo.outside_port), 10)
        yield outside
    finally:
        if outside.returncode is None:
            outside.kill()
            await outside.wait()
        if outside.returncode:
            print_sipp_errors(errors, outside.returncode)


async def connected(
    demo: ControlDemo, token: str, phone: AgentPhone, scenario: str = "caller_waits.xml"
) -> tuple[int, Any]:
    """A caller to 200 answered by the agent and bridged, so the call control takes the
    agent's requests for it: its contact id and SIPp's task."""
    agent_id = demo.get("/agent", token)["agent_id"]
    before = len(demo.progress("bridged", agent_id))
    demo.post("/agent/login", token, {"sip_contact": phone.uri})
    caller = asyncio.create_task(demo.call(scenario, "200"))
    await phone.expect("answered", timeout=20)
    contact = await bridged(demo, agent_id, before)
    assert demo.get("/agent", token)["last_contact"] == contact
    return contact, caller


async def bridged(demo: ControlDemo, agent_id: int, before: int) -> int:
    """The contact of the agent's next bridged call after the ``before`` it had: the
    server says ``bridged`` when the call flow hands the call to the call control."""
    await until(lambda: len(demo.progress("bridged", agent_id)) > before)
    contact = demo.progress("bridged", agent_id)[before]["contact_id"]
    assert isinstance(contact, int)
    return contact


async def target_answered(demo: ControlDemo, state: dict[str, Any]) -> None:
    """Until the server knows the attended transfer's target answered (the consultation
    can be completed; an agent who hangs up now leaves the caller with the target)."""
    tid = state["transfer_id"]
    await until(
        lambda: any(
            m["state"] == "target_answered" and m["transfer_id"] == tid
            for m in demo.watch().of("call_progress")
        )
    )


async def until(check: Callable[[], bool], timeout: float = 5) -> None:
    """Wait until ``check()`` holds (the server acts on what the phones did just after)."""
    for _ in range(int(timeout / 0.1)):
        if check():
            return
        await asyncio.sleep(0.1)
    assert check()


def record_of(demo: ControlDemo, contact: int) -> dict[str, Any]:
    calls: list[dict[str, Any]] = demo.get("/calls", demo.token("supervisor1"))
    return next(call for call in calls if call["id"] == contact)


def test_blind_transfer_to_a_queue(demo: ControlDemo) -> None:
    """Sales keeps office hours (the demo): at night a transfer there is refused, so the
    caller is handed back to Support (no schedule), where agent10 takes it."""

    async def scenario() -> int:
        async with agents(demo, "agent1", "agent10") as [(a1, p1), (a10, p10)]:
            contact, caller = await connected(demo, a1, p1)
            to_sales = demo.answer(
                "/agent/transfer", a1, {"contact_id": contact, "kind": "queue", "target": "Sales"}
            )
            assert to_sales.status_code == 409  # nobody in Sales (or closed)
            assert "Sales" in to_sales.json()["detail"]
            demo.post("/agent/login", a10, {"sip_contact": p10.uri})
            state = demo.post(
                "/agent/transfer", a1, {"contact_id": contact, "kind": "queue", "target": "Support"}
            )
            assert (state["state"], state["kind"], state["attended"]) == (
                "completed",
                "queue",
                False,
            )
            assert (await p1.expect("ended"))["by"] == "remote"
            assert demo.get("/agent", a1)["state"] == "wrap_up"
            await p10.expect("answered", timeout=20)
            await p10.command("hangup")
            await p10.expect("ended")
            assert await caller == 0
            return contact

    contact = asyncio.run(scenario())
    record = record_of(demo, contact)
    assert (record["agent"], record["outcome"], record["queue"]) == (
        "agent1", "answered", "Support",
    )  # fmt: skip
    assert record["transferred_to"] == "queue Support"


def test_hold_and_resume_from_the_softphone_keep_the_call(demo: ControlDemo) -> None:
    """The worker plays music on hold to the caller while held (tests/media checks the
    worker's side); here: the server's bridge survives hold and resume, and the agent's
    hang-up still ends the call for the caller."""

    async def scenario() -> None:
        async with agents(demo, "agent9") as [(a9, p9)]:
            _contact, caller = await connected(demo, a9, p9)
            await p9.command("hold")
            await p9.expect("held")
            # Held for half a second on purpose (no condition to wait for: the point is
            # that nothing happens): the server must not take the hold for an end.
            await asyncio.sleep(0.5)
            assert demo.get("/agent", a9)["state"] == "busy"
            await p9.command("unhold")
            await p9.expect("resumed")
            await p9.command("hangup")
            await p9.expect("ended")
            assert await caller == 0

    asyncio.run(scenario())


def test_bad_transfers_are_refused_and_change_nothing(demo: ControlDemo) -> None:
    async def scenario() -> None:
        async with agents(demo, "agent4", "agent5") as [(a4, p4), (a5, p5)]:
            contact, caller = await connected(demo, a4, p4)
            c = contact
            cases = [
                (a4, {"contact_id": c, "kind": "queue", "target": "Nowhere"}, 404, "Nowhere"),
                (a4, {"contact_id": c, "kind": "agent", "target": "nobody"}, 404, "nobody"),
                (a4, {"contact_id": c, "kind": "agent", "target": "agent6"}, 409, "not logged in"),
                (a4, {"contact_id": c, "kind": "number", "target": "12ab"}, 422, "not a telephone"),
                (a4, {"contact_id": c, "kind": "queue", "target": "Sales", "attended": True}, 422,
                 "attended"),
                (a4, {"contact_id": 999999, "kind": "queue", "target": "Sales"}, 404, "999999"),
                (a5, {"contact_id": c, "kind": "queue", "target": "Sales"}, 409, "not a call"),
            ]  # fmt: skip
            for token, body, status, words in cases:
                response = demo.answer("/agent/transfer", token, body)
                assert response.status_code == status, (body, response.text)
                assert words in response.json()["detail"], response.text
            assert demo.answer("/agent/park", a5, {"contact_id": contact}).status_code == 409
            # An attended transfer needs an available agent; agent5 pauses for lunch.
            demo.post("/agent/login", a5, {"sip_contact": p5.uri})
            demo.post("/agent/pause", a5, {"reason": "lunch"})
            attended = {"contact_id": c, "kind": "agent", "target": "agent5", "attended": True}
            response = demo.answer("/agent/transfer", a4, attended)
            assert response.status_code == 409 and "is paused" in response.json()["detail"]
            assert demo.answer("/agent/transfer/t999/complete", a4).status_code == 404
            # Nothing changed: agent4 still talks with the caller.
            assert demo.get("/agent", a4)["state"] == "busy"
            await p4.command("hangup")
            await p4.expect("ended")
            assert await caller == 0

    asyncio.run(scenario())


def test_park_and_take_back(demo: ControlDemo) -> None:
    async def scenario() -> None:
        async with agents(demo, "agent2") as [(a2, p2)]:
            contact, caller = await connected(demo, a2, p2)
            parked = demo.post("/agent/park", a2, {"contact_id": contact})
            assert (parked["contact_id"], parked["queue"]) == (contact, "Support")
            assert (await p2.expect("ended"))["by"] == "remote"
            listed = demo.get("/agent/parked", a2)
            assert [p["contact_id"] for p in listed] == [contact]
            assert demo.get("/agent", a2)["state"] == "wrap_up"  # Support: 10 s wrap-up
            taken = demo.post(f"/agent/parked/{contact}/take", a2, None)
            assert taken["contact_id"] == contact
            await p2.expect("ringing", timeout=10)
            await p2.expect("answered")
            await until(lambda: demo.get("/agent/parked", a2) == [])
            await p2.command("hangup")
            await p2.expect("ended")
            assert await caller == 0

    asyncio.run(scenario())


def test_a_caller_who_hangs_up_while_parked_is_abandoned(demo: ControlDemo) -> None:
    async def scenario() -> int:
        async with agents(demo, "agent7") as [(a7, p7)]:
            contact, caller = await connected(demo, a7, p7, "caller_talks.xml")
            demo.post("/agent/park", a7, {"contact_id": contact})
            assert await caller == 0  # the caller hangs up 2.5 s after the answer
            await until(lambda: demo.get("/agent/parked", a7) == [])
            return int(contact)

    contact = asyncio.run(scenario())
    assert record_of(demo, contact)["ended_at"] is not None


def test_blind_transfer_to_an_agent_who_refuses_goes_back_to_the_queue(demo: ControlDemo) -> None:
    async def scenario() -> None:
        async with agents(demo, "agent3", "agent8") as [(a3, p3), (a8, p8)]:
            contact, caller = await connected(demo, a3, p3)
            broken_token = demo.token("agent11")
            broken = await demo.broken_phone()
            try:
                demo.post("/agent/login", broken_token, {"sip_contact": broken.uri})
                state = demo.post(
                    "/agent/transfer",
                    a3,
                    {"contact_id": contact, "kind": "agent", "target": "agent11"},
                )
                assert state["state"] == "completed"
                await p3.expect("ended")
                await broken.expect("refused", timeout=10)
                # Back in Support: agent8, logged in now, is offered the caller.
                demo.post("/agent/login", a8, {"sip_contact": p8.uri})
                await p8.expect("answered", timeout=20)
                await p8.command("hangup")
                await p8.expect("ended")
                assert await caller == 0
            finally:
                demo.answer("/agent/logout", broken_token, {})
                await broken.command("quit")
                await broken.process.wait()

    asyncio.run(scenario())


def test_attended_transfer_to_an_agent_completed(demo: ControlDemo) -> None:
    stack = contextlib.ExitStack()
    socket = Socket(demo, "agent2", stack)

    async def scenario() -> int:
        async with agents(demo, "agent1", "agent2") as [(a1, p1), (a2, p2)]:
            contact, caller = await connected(demo, a1, p1)
            demo.post("/agent/login", a2, {"sip_contact": p2.uri})
            state = demo.post(
                "/agent/transfer",
                a1,
                {"contact_id": contact, "kind": "agent", "target": "agent2", "attended": True},
            )
            assert state["state"] == "consulting"
            tid = state["transfer_id"]
            ringing = await p2.expect("ringing", timeout=10)
            # agent2's desktop learns who rings it: an offer with the ringing offer id.
            await until(lambda: any(m["contact_id"] == contact for m in socket.of("offer")))
            (offer,) = [m for m in socket.of("offer") if m["contact_id"] == contact]
            assert offer["offer_id"] == ringing["offer_id"]
            assert offer["queue"] == "Support"
            await p2.expect("answered", timeout=10)
            await target_answered(demo, state)
            done = demo.post(f"/agent/transfer/{tid}/complete", a1, None)
            assert done["state"] == "completed"
            assert (await p1.expect("ended"))["by"] == "remote"
            await until(lambda: demo.get("/agent", a2)["state"] == "busy")
            assert demo.answer(f"/agent/transfer/{tid}/cancel", a1).status_code == 409
            await p2.command("hangup")
            await p2.expect("ended")
            assert await caller == 0
            return contact

    try:
        contact = asyncio.run(scenario())
    finally:
        socket.close()
        stack.close()
    record = record_of(demo, contact)
    assert (record["agent"], record["transferred_to"]) == ("agent1", "agent agent2")


def test_the_agent_hanging_up_during_a_consultation_leaves_the_caller_with_the_target(
    demo: ControlDemo,
) -> None:
    async def scenario() -> None:
        async with agents(demo, "agent5", "agent6") as [(a5, p5), (a6, p6)]:
            contact, caller = await connected(demo, a5, p5)
            demo.post("/agent/login", a6, {"sip_contact": p6.uri})
            state = demo.post(
                "/agent/transfer",
                a5,
                {"contact_id": contact, "kind": "agent", "target": "agent6", "attended": True},
            )
            await p6.expect("answered", timeout=10)
            await target_answered(demo, state)  # else the caller would go back to the queue
            await p5.command("hangup")
            await p5.expect("ended")
            await until(lambda: demo.get("/agent", a6)["state"] == "busy")
            await p6.command("hangup")
            await p6.expect("ended")
            assert await caller == 0

    asyncio.run(scenario())


def test_a_consultation_nobody_answers_rings_out_and_the_agent_keeps_the_caller(
    demo: ControlDemo,
) -> None:
    """Support's ring timeout (15 s) bounds the consultation's ringing."""
    stack = contextlib.ExitStack()
    socket = Socket(demo, "agent3", stack)

    async def scenario() -> None:
        async with agents(demo, "agent3") as [(a3, p3)]:
            silent_token = demo.token("agent4")
            silent = await demo.agent_phone(silent_token, "--no-answer")
            try:
                contact, caller = await connected(demo, a3, p3)
                demo.post("/agent/login", silent_token, {"sip_contact": silent.uri})
                state = demo.post(
                    "/agent/transfer",
                    a3,
                    {"contact_id": contact, "kind": "agent", "target": "agent4", "attended": True},
                )
                await silent.expect("ringing", timeout=10)
                await until(
                    lambda: any(m["transfer"]["state"] == "failed" for m in socket.of("transfer")),
                    timeout=20,
                )
                failed = socket.of("transfer")[-1]["transfer"]
                assert failed["transfer_id"] == state["transfer_id"]
                assert "did not answer" in failed["detail"]
                assert demo.get("/agent", a3)["state"] == "busy"
                await p3.command("hangup")  # agent3 still has the caller
                await p3.expect("ended")
                assert await caller == 0
            finally:
                demo.answer("/agent/logout", silent_token, {})
                await silent.command("quit")
                await silent.process.wait()

    try:
        asyncio.run(scenario())
    finally:
        socket.close()
        stack.close()


def test_attended_transfer_cancelled_bridges_the_caller_back(demo: ControlDemo) -> None:
    async def scenario() -> None:
        async with agents(demo, "agent3", "agent4") as [(a3, p3), (a4, p4)]:
            contact, caller = await connected(demo, a3, p3)
            demo.post("/agent/login", a4, {"sip_contact": p4.uri})
            state = demo.post(
                "/agent/transfer",
                a3,
                {"contact_id": contact, "kind": "agent", "target": "agent4", "attended": True},
            )
            await p4.expect("answered", timeout=10)
            await target_answered(demo, state)
            cancelled = demo.post(f"/agent/transfer/{state['transfer_id']}/cancel", a3, None)
            assert cancelled["state"] == "cancelled"
            assert (await p4.expect("ended"))["by"] == "remote"
            assert demo.get("/agent", a3)["state"] == "busy"
            await p3.command("hangup")  # agent3 has the caller again
            await p3.expect("ended")
            assert await caller == 0

    asyncio.run(scenario())


def test_a_busy_outside_number_sends_the_caller_back_to_the_queue(demo: ControlDemo) -> None:
    async def scenario() -> None:
        async with (
            outside_party(demo, "outside_busy") as outside,
            agents(demo, "agent7", "agent8") as [(a7, p7), (a8, p8)],
        ):
            contact, caller = await connected(demo, a7, p7)
            state = demo.post(
                "/agent/transfer",
                a7,
                {"contact_id": contact, "kind": "number", "target": "0812345"},
            )
            assert state["state"] == "completed"
            await p7.expect("ended")
            assert await asyncio.wait_for(outside.wait(), 10) == 0  # it said 486
            # Back in Support (agent7 wraps up): agent8 takes the caller.
            demo.post("/agent/login", a8, {"sip_contact": p8.uri})
            await p8.expect("answered", timeout=20)
            await p8.command("hangup")
            await p8.expect("ended")
            assert await caller == 0

    asyncio.run(scenario())


def test_attended_transfer_to_an_outside_number(demo: ControlDemo) -> None:
    async def scenario() -> int:
        async with (
            outside_party(demo, "outside_answers") as outside,
            agents(demo, "agent2") as [(a2, p2)],
        ):
            # The caller hangs up 2.5 s after the answer: consult and complete before.
            contact, caller = await connected(demo, a2, p2, "caller_talks.xml")
            body = {"contact_id": contact, "kind": "number", "target": "0701234567"}
            state = demo.post("/agent/transfer", a2, {**body, "attended": True})
            assert state["state"] == "consulting"
            await target_answered(demo, state)  # the number answers at once
            response = demo.answer(f"/agent/transfer/{state['transfer_id']}/complete", a2)
            assert response.status_code == 200, response.text
            assert response.json()["state"] == "completed"
            assert (await p2.expect("ended"))["by"] == "remote"
            assert await caller == 0
            assert await asyncio.wait_for(outside.wait(), 10) == 0  # it got the BYE
            return contact

    contact = asyncio.run(scenario())
    events = demo.get("/calls", demo.token("supervisor1"))
    record = next(call for call in events if call["id"] == contact)
    assert (record["agent"], record["outcome"]) == ("agent2", "answered")


def test_blind_transfer_to_an_outside_number(demo: ControlDemo) -> None:
    async def scenario() -> int:
        async with (
            outside_party(demo, "outside_answers") as outside,
            agents(demo, "agent5") as [(a5, p5)],
        ):
            # The caller talks 2.5 s after the answer, then hangs up.
            contact, caller = await connected(demo, a5, p5, "caller_talks.xml")
            state = demo.post(
                "/agent/transfer",
                a5,
                {"contact_id": contact, "kind": "number", "target": "+46701234567"},
            )
            assert state["state"] == "completed"
            await p5.expect("ended")
            # Busy until the outside party answers; then agent5 wraps up.
            await until(lambda: demo.get("/agent", a5)["state"] == "wrap_up")
            assert await caller == 0
            # The outside party was called, answered and got the BYE.
            assert await asyncio.wait_for(outside.wait(), 10) == 0
            return contact

    contact = asyncio.run(scenario())
    record = record_of(demo, contact)
    assert (record["agent"], record["outcome"]) == ("agent5", "answered")
    assert record["transferred_to"] == "number +46701234567"
    assert record["ended_at"] is not None


class Socket:
    """The event socket of one user, read in a thread into ``messages``."""

    def __init__(self, demo: ControlDemo, user: str, stack: contextlib.ExitStack) -> None:
        url = demo.server.url.replace("http://", "ws://") + API_PREFIX + EVENTS_PATH
        self.connection: ClientConnection = stack.enter_context(connect(url))
        token = demo.token(user)
        self.connection.send(f'{{"token": "{token}", "protocol_version": {PROTOCOL_VERSION}}}')
        self.messages: list[dict[str, Any]] = []
        self._welcomed = threading.Event()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()
        # The server subscribes the socket before its Welcome: nothing after is missed.
        assert self._welcomed.wait(10), "no Welcome on the event socket"

    def _read(self) -> None:
        with contextlib.suppress(ConnectionClosed):
            for raw in self.connection:
                message = json.loads(raw)
                self.messages.append(message)
                if message["type"] == "welcome":
                    self._welcomed.set()

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [m for m in self.messages if m["type"] == kind]

    def close(self) -> None:
        self.connection.close()
        self.thread.join(5)


def test_the_event_socket_carries_transfers_and_the_personal_queue_by_role(
    demo: ControlDemo,
) -> None:
    stack = contextlib.ExitStack()
    sockets = {user: Socket(demo, user, stack) for user in ("agent6", "agent12", "supervisor1")}

    def seen(user: str) -> list[dict[str, Any]]:
        return [m for m in sockets[user].messages if m["type"] in ("parked", "transfer")]

    async def scenario() -> None:
        async with agents(demo, "agent6") as [(a6, p6)]:
            contact, caller = await connected(demo, a6, p6)
            demo.post("/agent/park", a6, {"contact_id": contact})
            await p6.expect("ended")
            await until(lambda: bool(sockets["supervisor1"].of("parked")))
            demo.post(f"/agent/parked/{contact}/take", a6, None)
            await p6.expect("answered", timeout=10)
            await until(lambda: len(sockets["agent6"].of("parked")) >= 2)
            demo.post(
                "/agent/transfer", a6, {"contact_id": contact, "kind": "queue", "target": "Support"}
            )
            await p6.expect("ended")
            await until(lambda: bool(sockets["agent6"].of("transfer")))
            # Until the supervisor's socket, a connection of its own, has had all of it too.
            await until(lambda: seen("supervisor1") == seen("agent6"))
            caller.cancel()  # nobody else takes it: stop SIPp (the server ends it with its stop)
            with contextlib.suppress(asyncio.CancelledError):
                await caller

    try:
        asyncio.run(scenario())
        agent6 = demo.get("/agent", demo.token("agent6"))["agent_id"]
        parked = sockets["agent6"].of("parked")
        assert [len(m["contacts"]) for m in parked][:2] == [1, 0]
        assert all(m["agent_id"] == agent6 for m in parked)
        (transfer,) = sockets["agent6"].of("transfer")
        assert transfer["transfer"]["state"] == "completed"
        assert transfer["transfer"]["target"] == "Support"
        assert sockets["supervisor1"].of("parked") == parked
        assert sockets["supervisor1"].of("transfer") == [transfer]
        # Another agent sees neither.
        assert sockets["agent12"].of("parked") == sockets["agent12"].of("transfer") == []
    finally:
        for socket in sockets.values():
            socket.close()
        stack.close()


RETUR_CALLBACK = {"key": "5", "sms_text": "Vi har försökt ringa dig från Retur."}
CITIZEN = "+46701234567"
"""The number ``caller_asks_callback.xml`` calls from: the one called back."""


@contextlib.contextmanager
def retur_queue(demo: ControlDemo, line: str, retries: int, **terms: object) -> Iterator[str]:
    """A queue ``Retur<line>`` of its own (a failed test's calls left in it touch no
    other test) with the callback on key 5 and ``retries`` (and ``terms``), behind entry
    point ``line``, agent11 its only member; removed at the end. Yields the queue's name."""
    name = f"Retur{line}"
    headers = {"Authorization": f"Bearer {demo.token('admin1')}"}
    callback = {**RETUR_CALLBACK, "retries": retries, **terms}
    queue = {
        "name": name,
        "requirements": {"support": 1},
        "ring_timeout_s": 15,
        "wrap_up_s": 10,
        "flow": {"announcements": "standard", "callback": callback},
    }
    entry = {"address": line, "name": name, "first": {"kind": "queue", "queue": name}}
    assert demo.api.post("/config/queues", json=queue, headers=headers).status_code == 201
    assert demo.api.post("/config/entry-points", json=entry, headers=headers).is_success
    profile = demo.api.get("/config/agents/agent11", headers=headers).json()
    del profile["username"]  # the key of the route, not of its body
    member = {**profile, "memberships": [{"queue": name}]}
    try:
        assert demo.api.put("/config/agents/agent11", json=member, headers=headers).is_success
        yield name
    finally:
        demo.api.put("/config/agents/agent11", json=profile, headers=headers)
        demo.api.delete(f"/config/entry-points/{line}", headers=headers)
        demo.api.delete(f"/config/queues/{name}", headers=headers)


async def asked_for_callback(demo: ControlDemo, queue: str, token: str, phone: AgentPhone) -> int:
    """agent11 logged in to ``queue`` and paused; a caller asks for a callback on its own
    number and is let go: the callback's contact id, waiting in the queue."""
    demo.post("/agent/login", token, {"sip_contact": phone.uri})
    demo.post("/agent/pause", token, {"reason": "lunch"})
    assert await demo.call("caller_asks_callback.xml", queue.removeprefix("Retur")) == 0
    [kept] = waiting_in(demo, queue)
    assert kept["callback_number"] == CITIZEN
    contact: int = kept["contact_id"]
    return contact


def waiting_in(demo: ControlDemo, name: str) -> list[dict[str, Any]]:
    supervisor = demo.token("supervisor1")
    queue = next(q["id"] for q in demo.get("/queues", supervisor) if q["name"] == name)
    contacts: list[dict[str, Any]] = demo.get(f"/queues/{queue}/contacts", supervisor)
    return contacts


def test_a_callback_keeps_its_place_and_bridges_the_agent_with_the_citizen(
    demo: ControlDemo,
) -> None:
    """R17 on a queue of its own (nobody else's callers wait there): a caller asks for a
    callback and is let go, a later caller waits; the agent, ready, is offered the
    callback first. A media worker calls the agent's phone with the offer, then the
    citizen's number through the outside gateway (SIPp answering), and bridges them."""

    async def scenario() -> tuple[int, int]:
        async with (
            outside_party(demo, "outside_answers") as citizen,
            agents(demo, "agent11") as [(token, phone)],
        ):
            agent_id = demo.get("/agent", token)["agent_id"]
            callback = await asked_for_callback(demo, queue, token, phone)
            later = asyncio.create_task(demo.call("caller_waits.xml", "400"))
            await until(lambda: len(waiting_in(demo, queue)) == 2, timeout=20)
            demo.watch()  # open before the offer: the call's progress is not missed
            before = len(demo.progress("bridged", agent_id))
            demo.post("/agent/ready", token, {})
            # The agent's phone is called for the callback, then the citizen's number.
            await phone.expect("answered", timeout=20)
            assert await bridged(demo, agent_id, before) == callback
            await phone.command("hangup")
            assert (await phone.expect("ended"))["by"] == "local"
            assert await asyncio.wait_for(citizen.wait(), 15) == 0  # answered, got the BYE
            # Then the later caller, once the agent is ready again.
            await until(lambda: demo.get("/agent", token)["state"] == "wrap_up")
            demo.post("/agent/ready", token, {})
            await phone.expect("answered", timeout=20)
            second = await bridged(demo, agent_id, before + 1)
            await phone.command("hangup")
            await phone.expect("ended")
            assert await asyncio.wait_for(later, 40) == 0
            return callback, second

    with retur_queue(demo, "400", retries=0) as queue:
        callback, second = asyncio.run(scenario())
    ours = [e for e in _logged(demo) if getattr(e, "contact_id", None) in (callback, second)]
    [request] = [e for e in ours if isinstance(e, CallbackRequested)]
    assert (request.contact_id, request.number, request.reason) == (callback, CITIZEN, "key")
    kinds = [e.kind.value for e in ours if getattr(e, "contact_id", None) == callback]
    assert kinds.index("callback_requested") < kinds.index("callback_dialled")
    assert kinds.index("callback_dialled") < kinds.index("callback_answered")
    assert "ended" in kinds and "callback_no_answer" not in kinds
    # The place kept: offered and answered before the later caller was offered at all.
    offers = [e.contact_id for e in ours if isinstance(e, Offered)]
    answers = [e.contact_id for e in ours if isinstance(e, Answered)]
    assert offers == [callback, second] and answers == [callback, second], (offers, answers)


def test_a_busy_citizen_closes_the_callback_as_unreachable_and_queues_the_sms(
    demo: ControlDemo,
) -> None:
    """No retries: the citizen's number is busy (SIPp answers 486), the agent's call is
    hung up, the callback closed as unreachable and the queue's text queued to the
    citizen (no SMS gateway here: it waits in the outbox)."""

    async def scenario() -> int:
        async with (
            outside_party(demo, "outside_busy") as citizen,
            agents(demo, "agent11") as [(token, phone)],
        ):
            callback = await asked_for_callback(demo, queue, token, phone)
            demo.post("/agent/ready", token, {})
            await phone.expect("answered", timeout=20)
            assert (await phone.expect("ended", timeout=20))["by"] == "remote"
            assert await asyncio.wait_for(citizen.wait(), 15) == 0  # it said 486
            supervisor = demo.token("supervisor1")

            def texts() -> list[dict[str, Any]]:
                sent: list[dict[str, Any]] = demo.get("/sms/messages", supervisor)
                return [m for m in sent if m["purpose"] == "callback" and m["to"] == CITIZEN]

            await until(lambda: bool(texts()), timeout=15)
            [text] = texts()
            assert (text["to"], text["text"]) == (CITIZEN, RETUR_CALLBACK["sms_text"])
            assert waiting_in(demo, queue) == []
            return callback

    with retur_queue(demo, "401", retries=0) as queue:
        callback = asyncio.run(scenario())
    kinds = [e.kind.value for e in _logged(demo) if getattr(e, "contact_id", None) == callback]
    tail = ["callback_dialled", "callback_no_answer", "callback_unreachable", "ended"]
    assert [k for k in kinds if k in tail] == tail, kinds


def test_a_callback_made_citizen_first_rings_the_agent_only_once_the_citizen_answered(
    demo: ControlDemo,
) -> None:
    """Citizen first (R17): at the callback's turn the server calls the citizen's number
    (SIPp answering) while the agent's offer is held; only once the citizen answered
    (``callback_answered`` in the log) does the agent's phone ring with the offer, and
    its answer bridges the two."""

    async def scenario() -> tuple[int, float]:
        async with (
            outside_party(demo, "outside_answers") as citizen,
            agents(demo, "agent11") as [(token, phone)],
        ):
            agent_id = demo.get("/agent", token)["agent_id"]
            callback = await asked_for_callback(demo, queue, token, phone)
            demo.watch()  # open before the offer: the call's progress is not missed
            before = len(demo.progress("bridged", agent_id))
            demo.post("/agent/ready", token, {})
            ringing = await phone.expect("ringing", timeout=30)
            assert citizen.returncode is None  # SIPp holds the answered call
            await phone.expect("answered", timeout=10)
            assert await bridged(demo, agent_id, before) == callback
            await phone.command("hangup")
            assert (await phone.expect("ended"))["by"] == "local"
            assert await asyncio.wait_for(citizen.wait(), 15) == 0  # answered, got the BYE
            rang_at = ringing["at"]
            assert isinstance(rang_at, float)
            return callback, rang_at

    with retur_queue(demo, "404", retries=0, order="citizen_first") as queue:
        callback, rang_at = asyncio.run(scenario())
    ours = [e for e in _logged(demo) if getattr(e, "contact_id", None) == callback]
    # The phone rang (its own wall clock) only after the citizen answered (the log's).
    [citizen_answered] = [e for e in ours if isinstance(e, CallbackAnswered)]
    assert citizen_answered.at.timestamp() <= rang_at, (citizen_answered.at, rang_at)
    kinds = [e.kind.value for e in ours]
    order = ["offered", "callback_dialled", "callback_answered", "answered", "ended"]
    assert [k for k in kinds if k in order] == order, kinds
    assert "not_answered" not in kinds and "callback_no_answer" not in kinds


def test_a_citizen_first_callback_not_answered_never_rings_the_agent(
    demo: ControlDemo,
) -> None:
    """Citizen first, no retries: the citizen's number is busy (SIPp answers 486); the
    agent's phone never rings, the agent is not paused for it, and the callback is
    closed as unreachable with the queue's text queued to the citizen."""

    async def scenario() -> int:
        async with (
            outside_party(demo, "outside_busy") as citizen,
            agents(demo, "agent11") as [(token, phone)],
        ):
            supervisor = demo.token("supervisor1")
            # The demo server is shared: an earlier test may have texted this citizen.
            before = {m["id"] for m in demo.get("/sms/messages", supervisor)}
            callback = await asked_for_callback(demo, queue, token, phone)
            demo.post("/agent/ready", token, {})
            assert await asyncio.wait_for(citizen.wait(), 30) == 0  # it said 486

            def texts() -> list[dict[str, Any]]:
                sent: list[dict[str, Any]] = demo.get("/sms/messages", supervisor)
                return [
                    m
                    for m in sent
                    if m["purpose"] == "callback" and m["to"] == CITIZEN and m["id"] not in before
                ]

            await until(lambda: bool(texts()), timeout=15)
            [text] = texts()
            assert (text["to"], text["text"]) == (CITIZEN, RETUR_CALLBACK["sms_text"])
            assert waiting_in(demo, queue) == []
            assert demo.get("/agent", token)["state"] == "available"  # never rung: no RONA
            # Whatever the phone said by now is read: it never rang.
            with contextlib.suppress(TimeoutError):
                await phone.expect("ringing", timeout=1)
            assert [e["event"] for e in phone.events if e["event"] == "ringing"] == []
            return callback

    with retur_queue(demo, "405", retries=0, order="citizen_first") as queue:
        callback = asyncio.run(scenario())
    kinds = [e.kind.value for e in _logged(demo) if getattr(e, "contact_id", None) == callback]
    tail = ["offered", "callback_dialled", "callback_no_answer", "callback_unreachable", "ended"]
    assert [k for k in kinds if k in tail] == tail, kinds
    assert "not_answered" not in kinds and "answered" not in kinds


def test_an_agent_who_lets_the_waiting_citizen_ring_out_leaves_the_callback_in_line(
    demo: ControlDemo,
) -> None:
    """Citizen first: the citizen (SIPp) answers, the agent's phone rings and is not
    answered; at the queue's ring timeout (15 s) the agent is paused (RONA), the
    citizen is told it keeps its place and is let go (SIPp gets the BYE), and the
    callback waits on in the line for the next agent."""
    headers = {"Authorization": f"Bearer {demo.token('supervisor1')}"}

    async def scenario() -> int:
        async with outside_party(demo, "outside_answers") as citizen:
            token = demo.token("agent11")
            phone = await demo.agent_phone(token, "--no-answer")
            try:
                callback = await asked_for_callback(demo, queue, token, phone)
                demo.post("/agent/ready", token, {})
                await phone.expect("ringing", timeout=30)
                assert (await phone.expect("ended", timeout=25))["by"] == "remote"
                assert await asyncio.wait_for(citizen.wait(), 20) == 0  # told, then the BYE
                await until(lambda: demo.get("/agent", token)["state"] == "paused")
                [kept] = waiting_in(demo, queue)
                assert (kept["contact_id"], kept["callback_number"]) == (callback, CITIZEN)
                queue_id = kept["queue_id"]
                cancelled = demo.api.delete(
                    f"/queues/{queue_id}/contacts/{callback}/callback", headers=headers
                )
                assert cancelled.status_code == 204, cancelled.text
                return callback
            finally:
                with contextlib.suppress(httpx.HTTPError):
                    demo.api.post(
                        "/agent/logout", json={}, headers={"Authorization": f"Bearer {token}"}
                    )
                await phone.command("quit")
                await phone.process.wait()

    with retur_queue(demo, "406", retries=0, order="citizen_first") as queue:
        callback = asyncio.run(scenario())
    kinds = [e.kind.value for e in _logged(demo) if getattr(e, "contact_id", None) == callback]
    order = ["callback_dialled", "callback_answered", "not_answered", "agent_auto_paused"]
    assert [k for k in kinds if k in order] == order, kinds
    assert "callback_no_answer" not in kinds and "answered" not in kinds
    assert kinds[-2:] == ["callback_cancelled", "ended"], kinds


def test_a_callback_scheduled_by_the_caller_is_made_at_its_time(demo: ControlDemo) -> None:
    """A caller presses the schedule key (4), confirms its number and keys a time two
    minutes ahead (HHMM, the server's local time: the queue has no schedule, so any time
    is within its hours); it waits out of the line (the supervisor sees it with its time)
    and the ready agent is offered nothing until it is due; then the agent's phone is
    called and the citizen (SIPp answering) bridged with it."""

    async def scenario() -> tuple[int, datetime]:
        async with agents(demo, "agent11") as [(token, phone)]:
            agent_id = demo.get("/agent", token)["agent_id"]
            demo.post("/agent/login", token, {"sip_contact": phone.uri})
            demo.post("/agent/pause", token, {"reason": "lunch"})
            wanted = (datetime.now().astimezone() + timedelta(minutes=2)).replace(
                second=0, microsecond=0
            )
            digits = wanted.strftime("%H%M")
            keys = {"h1": digits[0], "h2": digits[1], "m1": digits[2], "m2": digits[3]}
            assert (
                await demo.call(
                    "caller_schedules_callback.xml", queue.removeprefix("Retur"), keys=keys
                )
                == 0
            )
            [kept] = waiting_in(demo, queue)
            assert (kept["state"], kept["position"], kept["callback_number"]) == (
                "scheduled",
                0,
                CITIZEN,
            )
            assert datetime.fromisoformat(kept["callback_due"]) == wanted
            callback: int = kept["contact_id"]
            demo.watch()
            before = len(demo.progress("bridged", agent_id))
            demo.post("/agent/ready", token, {})
            # Nothing is offered before its time, though the agent is ready. (The
            # citizen's SIPp gives up after 30 s: it starts just before.)
            early = (wanted - datetime.now().astimezone()).total_seconds() - 8
            await asyncio.sleep(max(0.0, early))
            assert demo.get("/agent", token)["state"] == "available"
            assert waiting_in(demo, queue)[0]["state"] == "scheduled"
            async with outside_party(demo, "outside_answers") as citizen:
                await phone.expect("answered", timeout=30)
                assert await bridged(demo, agent_id, before) == callback
                await phone.command("hangup")
                assert (await phone.expect("ended"))["by"] == "local"
                assert await asyncio.wait_for(citizen.wait(), 15) == 0
            return callback, wanted

    with retur_queue(demo, "407", retries=0, schedule_key="4", schedule_lead_min=0) as queue:
        callback, wanted = asyncio.run(scenario())
    ours = [e for e in _logged(demo) if getattr(e, "contact_id", None) == callback]
    [request] = [e for e in ours if isinstance(e, CallbackRequested)]
    assert (request.number, request.reason, request.due_at) == (CITIZEN, "key", wanted)
    [offered] = [e for e in ours if isinstance(e, Offered)]
    assert offered.at >= wanted
    kinds = [e.kind.value for e in ours]
    assert kinds.index("callback_requested") < kinds.index("offered")
    assert kinds.index("callback_dialled") < kinds.index("callback_answered")


def _logged(demo: ControlDemo) -> list[Any]:
    with open_store(data_dir=demo.tmp / "data") as store:
        return [e.event for e in store.events.read(limit=100_000)]


@contextlib.contextmanager
def switchboard(demo: ControlDemo, line: str) -> Iterator[str]:
    """The switchboard (R29): a queue ``Växeln<line>`` (sequential: receptionists in the
    configured order) behind entry point ``line``, with operator1 — an operator given an
    agent profile, a receptionist — its only member; removed at the end."""
    name = f"Växeln{line}"
    headers = {"Authorization": f"Bearer {demo.token('admin1')}"}
    queue = {"name": name, "strategy": "sequential", "ring_timeout_s": 15, "wrap_up_s": 0}
    entry = {"address": line, "name": name, "first": {"kind": "queue", "queue": name}}
    assert demo.api.post("/config/queues", json=queue, headers=headers).status_code == 201
    assert demo.api.post("/config/entry-points", json=entry, headers=headers).is_success
    profile = {"memberships": [{"queue": name, "order": 0}]}
    given = demo.api.put("/config/agents/operator1", json=profile, headers=headers)
    assert given.is_success, given.text
    try:
        yield name
    finally:
        demo.api.delete("/config/agents/operator1", headers=headers)
        demo.api.delete(f"/config/entry-points/{line}", headers=headers)
        demo.api.delete(f"/config/queues/{name}", headers=headers)


def test_a_receptionist_holds_three_callers_connects_them_announced_and_blind(
    demo: ControlDemo,
) -> None:
    """operator1 answers three callers to the switchboard on its softphone and holds the
    first two (out of the dispatcher, never offered meanwhile); connects the third blind
    to agent14, whose phone refuses, so the caller comes back to it and is ended;
    retrieves the first and connects it announced to agent13, who answers; retrieves the
    second and ends it. The event log and the call log say so."""

    async def scenario() -> list[int]:
        async with agents(demo, "operator1", "agent13") as [(r, pr), (c, pc)]:
            broken_token = demo.token("agent14")
            broken = await demo.broken_phone()
            try:
                demo.post("/agent/login", broken_token, {"sip_contact": broken.uri})
                demo.post("/agent/login", c, {"sip_contact": pc.uri})
                me = demo.get("/agent", r)["agent_id"]
                demo.post("/agent/login", r, {"sip_contact": pr.uri})
                callers, contacts = [], []
                for n in range(3):
                    before = len(demo.progress("bridged", me))
                    callers.append(asyncio.create_task(demo.call("caller_waits.xml", "402")))
                    await pr.expect("answered", timeout=20)
                    contacts.append(await bridged(demo, me, before))
                    if n < 2:
                        body = {"contact_id": contacts[n], "hold": True}
                        assert demo.post("/agent/park", r, body)["held"]
                        assert (await pr.expect("ended"))["by"] == "remote"
                first, second, third = contacts
                held = demo.get("/agent/parked", r)
                assert [(p["contact_id"], p["held"]) for p in held] == [
                    (first, True), (second, True),
                ]  # fmt: skip

                # Blind to agent14 with a come-back: refused, so back to the receptionist.
                before = len(demo.progress("bridged", me))
                blind = {
                    "contact_id": third, "kind": "agent", "target": "agent14",
                    "come_back_after_s": 10,
                }  # fmt: skip
                assert demo.post("/agent/transfer", r, blind)["state"] == "completed"
                await pr.expect("ended")
                await broken.expect("refused", timeout=10)
                await pr.expect("answered", timeout=20)  # the receptionist's phone again
                assert await bridged(demo, me, before) == third
                await pr.command("hangup")
                await pr.expect("ended")
                assert await callers[2] == 0

                # Retrieve the first and connect it announced to agent13.
                before = len(demo.progress("bridged", me))
                assert demo.post(f"/agent/parked/{first}/take", r, None)["contact_id"] == first
                await pr.expect("answered", timeout=20)
                assert await bridged(demo, me, before) == first
                announced = {
                    "contact_id": first,
                    "kind": "agent",
                    "target": "agent13",
                    "attended": True,
                }
                state = demo.post("/agent/transfer", r, announced)
                assert state["state"] == "consulting"
                await pc.expect("answered", timeout=10)
                await target_answered(demo, state)
                done = demo.post(f"/agent/transfer/{state['transfer_id']}/complete", r, None)
                assert done["state"] == "completed"
                assert (await pr.expect("ended"))["by"] == "remote"
                await pc.command("hangup")
                await pc.expect("ended")
                assert await callers[0] == 0

                # Retrieve the second and end it.
                before = len(demo.progress("bridged", me))
                demo.post(f"/agent/parked/{second}/take", r, None)
                await pr.expect("answered", timeout=20)
                assert await bridged(demo, me, before) == second
                await pr.command("hangup")
                await pr.expect("ended")
                assert await callers[1] == 0
                assert demo.get("/agent/parked", r) == []
                return contacts
            finally:
                demo.answer("/agent/logout", broken_token, {})
                await broken.command("quit")
                await broken.process.wait()

    with switchboard(demo, "402"):
        first, second, third = asyncio.run(scenario())
    logged = _logged(demo)
    kinds = {  # the call's own events (its recording's buffer is discarded after its end)
        contact: [
            e.kind.value
            for e in logged
            if getattr(e, "contact_id", None) == contact
            and not e.kind.value.startswith("recording_")
        ]
        for contact in (first, second, third)
    }
    assert "parked" in kinds[first] and "transferred" in kinds[first], kinds[first]
    assert "parked" in kinds[second] and kinds[second][-1] == "ended", kinds[second]
    assert "transfer_returned" in kinds[third] and kinds[third][-1] == "ended", kinds[third]
    record = record_of(demo, first)
    assert (record["agent"], record["transferred_to"]) == ("operator1", "agent agent13")


def test_an_administrator_records_a_prompt_by_phone(demo: ControlDemo) -> None:
    """R31 with a real worker: admin1 has the server call 0701234567 (SIPp behind the
    outside gateway), which hears the instruction and the tone, talks for 4 s and hangs
    up; the recording becomes the Swedish ``welcome`` prompt, served as its audio, and
    the log says who recorded it."""
    admin = demo.token("admin1")
    url = "/config/prompts/welcome/record-by-phone"

    async def scenario() -> dict[str, Any]:
        async with outside_party(demo, "outside_records_a_prompt") as phone:
            started = demo.answer(url, admin, {"language": "sv", "phone": "0701234567"})
            assert started.status_code == 202, started.text
            call = started.json()
            assert call["state"] == "calling"

            def state() -> dict[str, Any]:
                answer = demo.api.get(
                    f"{url}/{call['id']}", headers={"Authorization": f"Bearer {admin}"}
                )
                assert answer.status_code == 200, answer.text
                found: dict[str, Any] = answer.json()
                return found

            await until(lambda: state()["state"] in ("saved", "failed"), timeout=40)
            assert await phone.wait() == 0
            return state()

    done = asyncio.run(scenario())
    assert done["state"] == "saved", done
    assert 2.0 <= done["seconds"] <= 6.0, done
    audio = demo.api.get(
        "/config/prompts/sv/welcome/audio", headers={"Authorization": f"Bearer {admin}"}
    )
    assert audio.status_code == 200
    with wave.open(io.BytesIO(audio.content)) as heard:
        assert (heard.getframerate(), heard.getnchannels()) == (8000, 1)
        samples = array.array("h", heard.readframes(heard.getnframes()))
    loudness = math.sqrt(sum(s * s for s in samples) / len(samples))
    assert loudness > 300, loudness  # the pcap's speech, not silence
    kinds = [e.kind.value for e in _logged(demo)]
    assert "prompt_recorded" in kinds
