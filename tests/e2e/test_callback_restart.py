"""R17 end to end across a restart, with a real SMS gateway: a SIPp caller asks for a
callback and is let go; the server is stopped and started again on the same data; the
callback is still in its queue's line with the wait it had; at its turn the agent's
pjsua2 phone is called, then the citizen's number, which is busy (SIPp answers 486);
with no retries left the callback is closed unreachable and its SMS reaches the operator
through Kannel (``fakesmsc`` prints it), with the queue's shared sender."""

import asyncio
import contextlib
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tests.e2e.test_call_control import (
    CITIZEN,
    RETUR_CALLBACK,
    ControlDemo,
    agents,
    asked_for_callback,
    outside_party,
    until,
    waiting_in,
)
from tests.media.harness import sip_tester_pcaps
from tests.server.alarms.smtp import free_tcp_port
from tests.server.sms.kannel import SECRET, USER, kannel
from tests.server_process import ServerProcess, assert_workers_gone, front_address, worker_pids
from vaxla_server.media.pool import free_udp_port
from vaxla_server.network import free_sip_port
from vaxla_server.store import open_store

QUEUE = "Retur410"
SENDER = "Returen"


@contextlib.contextmanager
def started(data: Path, tmp: Path) -> Iterator[ControlDemo]:
    """The demo server on ``data``, with its outside gateway on a port of its own."""
    sip_port, outside_port = free_sip_port(), free_udp_port()
    args = [
        "--demo", "--sip-port", str(sip_port),
        "--outside-gateway", f"sip:127.0.0.1:{outside_port}",
    ]  # fmt: skip
    with ServerProcess(data, args, timeout=120) as server:
        demo = ControlDemo(
            server,
            front_address(server.log_lines),
            tmp,
            min(worker_pids(server.log_lines).values()),
        )
        demo.outside_port = outside_port
        try:
            yield demo
        finally:
            demo.close()
            assert server.stop() == -signal.SIGTERM
    assert_workers_gone(server.log_lines)


def the_queue(demo: ControlDemo) -> None:
    """Retur410 with the callback on key 5 and no retries behind entry point 410, agent11
    its only member (this server is the test's own: nothing to take away after)."""
    admin = {"Authorization": f"Bearer {demo.token('admin1')}"}
    queue = {
        "name": QUEUE,
        "requirements": {"support": 1},
        "ring_timeout_s": 15,
        "wrap_up_s": 10,
        "flow": {"announcements": "standard", "callback": {**RETUR_CALLBACK, "retries": 0}},
    }
    entry = {"address": "410", "name": QUEUE, "first": {"kind": "queue", "queue": QUEUE}}
    assert demo.api.post("/config/queues", json=queue, headers=admin).status_code == 201
    assert demo.api.post("/config/entry-points", json=entry, headers=admin).is_success
    profile = demo.api.get("/config/agents/agent11", headers=admin).json()
    del profile["username"]  # the key of the route, not of its body
    member = {**profile, "memberships": [{"queue": QUEUE}]}
    assert demo.api.put("/config/agents/agent11", json=member, headers=admin).is_success


def test_a_callback_survives_a_restart_and_an_unreachable_citizen_gets_the_sms_by_kannel(
    tmp_path: Path,
) -> None:
    (tmp_path / "pcap").symlink_to(sip_tester_pcaps())
    data = tmp_path / "data"

    # Asked for, then the server stops.
    with started(data, tmp_path) as demo:
        the_queue(demo)

        async def ask() -> tuple[int, float]:
            async with agents(demo, "agent11") as [(token, phone)]:
                callback = await asked_for_callback(demo, QUEUE, token, phone)
            [kept] = waiting_in(demo, QUEUE)
            return callback, float(kept["wait_s"])

        callback, wait_before = asyncio.run(ask())

    # Started again on the same data: the callback waits on, its wait kept.
    with started(data, tmp_path) as demo:
        [kept] = waiting_in(demo, QUEUE)
        assert (kept["contact_id"], kept["callback_number"]) == (callback, CITIZEN)
        assert (kept["state"], kept["position"]) == ("waiting", 1)
        assert float(kept["wait_s"]) >= wait_before

        sendsms_port = free_tcp_port()
        gateway: dict[str, Any] = {
            "kind": "kannel", "host": "127.0.0.1", "port": sendsms_port,
            "username": USER, "password": SECRET, "default_sender": "Kommunen",
            "queue_senders": {QUEUE: SENDER},
        }  # fmt: skip
        admin = {"Authorization": f"Bearer {demo.token('admin1')}"}
        answer = demo.api.put("/config/sms-gateway", json=gateway, headers=admin)
        assert answer.status_code == 200, answer.text

        async def unreachable() -> None:
            async with (
                outside_party(demo, "outside_busy") as citizen,
                agents(demo, "agent11") as [(token, phone)],
            ):
                demo.post("/agent/login", token, {"sip_contact": phone.uri})
                demo.post("/agent/ready", token, {})
                await phone.expect("answered", timeout=30)  # the callback's call to the agent
                assert await asyncio.wait_for(citizen.wait(), 30) == 0  # it said 486
                await phone.expect("ended", timeout=30)
                await until(lambda: waiting_in(demo, QUEUE) == [], timeout=15)

        with kannel(tmp_path / "kannel", sendsms_port) as operator:
            asyncio.run(unreachable())
            line = operator.received(CITIZEN, timeout=60)
        assert SENDER in line and "Vi har f" in line, line

    with open_store(data_dir=data) as store:
        ours = [
            e.event
            for e in store.events.read(limit=100_000)
            if getattr(e.event, "contact_id", None) == callback
        ]
    kinds = [e.kind.value for e in ours]
    order = ["callback_requested", "callback_dialled", "callback_no_answer", "callback_unreachable"]
    assert [k for k in kinds if k in order] == order, kinds
