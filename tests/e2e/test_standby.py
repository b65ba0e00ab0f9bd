"""A stand-by agent end to end (R23): the demo server, a caller from SIPp waiting in
Support while the only agent logged in is paused, and a stand-by agent's pjsua2 phone.
The server logs the stand-by agent in (its phone rings and takes the call), and out
again once Support has been calm for its ``calm_s``; its event socket tells it both
moves, and the event log has them, by the system, with the reason."""

import asyncio
import json
from pathlib import Path
from typing import Any

from websockets.asyncio.client import connect

from tests.e2e.test_demo_calls import Demo, demo
from vaxla_protocol import PROTOCOL_VERSION
from vaxla_protocol.alarms import StandbyMoved
from vaxla_protocol.events import SERVER_EVENT
from vaxla_server.store import open_store
from vaxla_server.store.events import AgentLoggedIn, AgentLoggedOut, EventKind

__all__ = ["demo"]  # the demo server of the demo calls' tests, one for this module

STANDBY_AGENT = "agent10"  # Support and Sales


def configure(demo: Demo, admin: str) -> None:
    """Support calls its stand-by agents in at one caller waiting, calm after 2 s; agent10
    is a stand-by agent."""
    headers = {"Authorization": f"Bearer {admin}"}
    support = demo.get("/config/queues/Support", admin)
    support["standby"] = {"waiting": 1, "calm_s": 2}
    assert demo.api.put("/config/queues/Support", json=support, headers=headers).is_success
    profile = demo.get(f"/config/agents/{STANDBY_AGENT}", admin)
    profile["standby"] = True
    del profile["username"]  # named by the path
    answer = demo.api.put(f"/config/agents/{STANDBY_AGENT}", json=profile, headers=headers)
    assert answer.is_success, answer.text


def test_a_waiting_caller_calls_the_stand_by_agent_in_and_calm_lets_it_go(
    demo: Demo, tmp_path: Path
) -> None:
    configure(demo, demo.token("admin1"))
    paused, standby = demo.token("agent1"), demo.token(STANDBY_AGENT)

    async def scenario() -> list[StandbyMoved]:
        phone = await demo.agent_phone(standby)
        moves: list[StandbyMoved] = []
        url = demo.server.url.replace("http", "ws", 1) + "/api/v1/events"
        try:
            async with connect(url) as socket:
                await socket.send(
                    json.dumps({"token": standby, "protocol_version": PROTOCOL_VERSION})
                )
                # agent1 is in Support but paused: a caller waits rather than being let go.
                demo.post("/agent/login", paused, {"queues": [support_id(demo, paused)]})
                demo.post("/agent/pause", paused, {"reason": "lunch"})
                state = demo.post("/agent/standby", standby, {"sip_contact": phone.uri})
                assert (state["state"], state["standing_by"], state["queues"]) == (
                    "offline", True, [],
                )  # fmt: skip
                caller = asyncio.create_task(demo.call("caller_talks.xml", "200"))
                moves.append(await standby_move(socket))
                await phone.expect("ringing", timeout=20)
                await phone.expect("answered")
                await phone.expect("ended", timeout=20)
                assert await caller == 0
                moves.append(await standby_move(socket))
            return moves
        finally:
            demo.log_out(paused)
            demo.api.delete("/agent/standby", headers={"Authorization": f"Bearer {standby}"})
            await phone.command("quit")
            await phone.process.wait()

    moves = asyncio.run(scenario())
    assert [(m.queue, m.logged_in) for m in moves] == [("Support", True), ("Support", False)]
    assert moves[0].reason == "1 caller waiting in 'Support' (stand-by at 1)"
    assert moves[1].reason == "'Support' calm for 2 s"
    agent_id = moves[0].agent_id
    with open_store(data_dir=demo.tmp / "data") as store:
        logged = [
            entry.event
            for entry in store.events.read(
                kinds=[EventKind.AGENT_LOGGED_IN, EventKind.AGENT_LOGGED_OUT], limit=100000
            )
            if getattr(entry.event, "agent_id", None) == agent_id
        ]
    assert [(type(e), e.reason) for e in logged if isinstance(e, AgentLoggedIn | AgentLoggedOut)][
        -2:
    ] == [(AgentLoggedIn, moves[0].reason), (AgentLoggedOut, moves[1].reason)]
    record = demo.get("/calls", demo.token("supervisor1"))[0]
    assert (record["queue"], record["agent"], record["outcome"]) == (
        "Support", STANDBY_AGENT, "answered",
    )  # fmt: skip


def support_id(demo: Demo, token: str) -> int:
    me: dict[str, Any] = demo.get("/agent", token)
    return next(int(q["id"]) for q in me["member_of"] if q["name"] == "Support")


async def standby_move(socket: Any) -> StandbyMoved:
    """The next stand-by move the socket tells (the server's word, not a poll)."""
    while True:
        message = SERVER_EVENT.validate_json(await asyncio.wait_for(socket.recv(), 30))
        if isinstance(message, StandbyMoved):
            return message
