"""Shared voicemail end to end (R7): a real server (the demo site: Kamailio, the media
pool, the call flow, its store), a SIPp caller playing the sip-tester G.711 pcap to an
entry point whose queue has nobody logged in, and the message it leaves: kept under the
data folder, checksummed, non-silent, in the log, and mailed with its WAV attached
through a real SMTP server (aiosmtpd on loopback). And a box that routes its messages to
a queue's agents: the message becomes a voicemail task an agent takes and handles."""

import asyncio
import json
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from websockets.asyncio.client import connect

from tests.e2e.test_demo_calls import sipp_call
from tests.media.harness import sip_tester_pcaps
from tests.server.alarms.smtp import smtp_server
from tests.server_process import ServerProcess, assert_workers_gone, front_address
from vaxla_protocol import PROTOCOL_VERSION
from vaxla_protocol.agent import AgentState
from vaxla_protocol.events import SERVER_EVENT, AgentStateChanged, OfferMade
from vaxla_server.audio import SILENCE_DBFS, file_sha256, wav_rms_dbfs
from vaxla_server.network import free_sip_port
from vaxla_server.store import open_store
from vaxla_server.store.events import Ended, EventKind, VoicemailLeft, VoicemailTaskQueued
from vaxla_server.voicemail.messages import MESSAGES

# aiosmtpd's own warning, in its thread (see tests/server/alarms/smtp.py).
pytestmark = pytest.mark.filterwarnings("ignore:Session.login_data is deprecated")
BOX = {
    "name": "Kansliet",
    "greeting": "voicemail_greeting",
    "max_message_s": 5,
    "reader_roles": ["supervisor"],
    "notify_emails": ["kansli@example.se"],
    "attach_audio": True,
}
QUEUE = {
    "name": "Kansli",
    "flow": {"on_nobody_logged_in": {"kind": "voicemail", "box": "Kansliet"}},
}
LINE = {"address": "300", "name": "Kansliet", "first": {"kind": "queue", "queue": "Kansli"}}


def test_a_caller_nobody_can_answer_leaves_a_message_in_the_box(tmp_path: Path) -> None:
    (tmp_path / "pcap").symlink_to(sip_tester_pcaps())
    data = tmp_path / "data"
    args = ["--demo", "--sip-port", str(free_sip_port())]
    with ServerProcess(data, args, timeout=120) as server, smtp_server(tmp_path) as smtp:
        with httpx.Client(base_url=server.url + "/api/v1", timeout=10) as api:
            login = api.post("/auth/login", json={"username": "admin1", "password": "demo"})
            api.headers["Authorization"] = f"Bearer {login.json()['token']}"
            mail = {"host": smtp.host, "port": smtp.port, "tls": "off", "sender": "vaxla@x.se"}
            assert api.put("/config/mail-server", json=mail).is_success
            assert api.post("/config/voicemail-boxes", json=BOX).status_code == 201
            assert api.post("/config/queues", json=QUEUE).status_code == 201
            assert api.post("/config/entry-points", json=LINE).status_code == 201
        # Nobody is logged in to Kansli: the caller hears the greeting and the beep,
        # talks from 4 s after the answer, and the box's 5 s limit ends the message.
        front = front_address(server.log_lines)
        status = asyncio.run(sipp_call(front, tmp_path, "caller_leaves_message.xml", "300"))
        assert status == 0, "".join(server.read_available()[-40:])
        [notice] = smtp.inbox.wait_for(1)
        assert server.stop() == -signal.SIGTERM
    assert_workers_gone(server.log_lines)

    with open_store(data_dir=data) as store:
        with store.engine.connect() as connection:
            [message] = connection.execute(select(MESSAGES)).all()
        [left] = [e.event for e in store.events.read(kinds=[EventKind.VOICEMAIL_LEFT])]
        [ended] = [e.event for e in store.events.read(kinds=[EventKind.ENDED])]
    path = Path(message.path)
    assert path.parent == data / "voicemail" and path.name.endswith(".wav")
    assert message.box == "Kansliet" and message.caller == "sipp"
    # Cut at the box's 5 s limit; the recorder stops on its next 20 ms frame (5.02 seen).
    assert 4.0 <= message.seconds <= 5.1, message
    assert not message.short and not message.silent
    assert file_sha256(path) == message.sha256
    assert wav_rms_dbfs(path) > SILENCE_DBFS  # the pcap's voice
    assert isinstance(left, VoicemailLeft) and left.message_id == message.id
    assert (left.box, left.caller, left.seconds) == ("Kansliet", "sipp", message.seconds)
    assert isinstance(ended, Ended) and ended.cause == "voicemail"
    assert ended.contact_id == left.contact_id
    assert notice["To"] == "kansli@example.se"
    assert notice["Subject"] == "Vaxla: nytt röstmeddelande i Kansliet från sipp"
    [wav] = list(notice.iter_attachments())
    assert wav.get_content_type() == "audio/wav" and wav.get_filename() == path.name
    assert wav.get_content() == path.read_bytes()


TASK_BOX = {**BOX, "notify_emails": [], "attach_audio": False, "task_queue": "Support"}


def test_a_message_left_becomes_a_task_an_agent_takes_and_handles(tmp_path: Path) -> None:
    """The box routes its messages to Support as voicemail tasks (R7): agent1, logged in
    to Support (an agent session, no reader of the box), is offered the message over its
    event socket, plays it, takes it and marks it handled; the task then ends, as a
    call's, with the agent's wrap-up."""
    (tmp_path / "pcap").symlink_to(sip_tester_pcaps())
    data = tmp_path / "data"
    args = ["--demo", "--sip-port", str(free_sip_port())]
    with ServerProcess(data, args, timeout=120) as server:
        with httpx.Client(base_url=server.url + "/api/v1", timeout=10) as api:
            admin = {"Authorization": f"Bearer {token(api, 'admin1')}"}
            assert api.post("/config/voicemail-boxes", json=TASK_BOX, headers=admin).is_success
            assert api.post("/config/queues", json=QUEUE, headers=admin).status_code == 201
            assert api.post("/config/entry-points", json=LINE, headers=admin).status_code == 201
            agent_token = token(api, "agent1")
            agent = {"Authorization": f"Bearer {agent_token}"}
            me = api.get("/agent", headers=agent).json()
            support = next(q["id"] for q in me["member_of"] if q["name"] == "Support")
            assert api.post("/agent/login", json={"queues": [support]}, headers=agent).is_success
            front = front_address(server.log_lines)
            socket_url = server.url.replace("http", "ws", 1) + "/api/v1/events"
            try:
                offer, status, audio, states = asyncio.run(
                    task_offered_and_handled(api, agent, agent_token, socket_url, front, tmp_path)
                )
            finally:
                api.post("/agent/logout", json={}, headers=agent)
        assert server.stop() == -signal.SIGTERM
    assert_workers_gone(server.log_lines)
    assert status == 0

    assert offer.voicemail is not None
    assert (offer.voicemail.box, offer.voicemail.caller, offer.queue) == (
        "Kansliet", "sipp", "Support",
    )  # fmt: skip
    assert 4.0 <= offer.voicemail.seconds <= 5.1
    assert states == ["busy", "wrap_up"]
    wav = tmp_path / "heard.wav"
    wav.write_bytes(audio)
    assert wav_rms_dbfs(wav) > SILENCE_DBFS  # the message the agent played: the pcap's voice
    with open_store(data_dir=data) as store:
        [queued] = [e.event for e in store.events.read(kinds=[EventKind.VOICEMAIL_TASK_QUEUED])]
        steps = [
            e.event
            for e in store.events.read(limit=100000)
            if getattr(e.event, "contact_id", None) == offer.contact_id
        ]
    assert isinstance(queued, VoicemailTaskQueued)
    assert (queued.contact_id, queued.message_id) == (offer.contact_id, offer.voicemail.message_id)
    # Its way, as a call's: then the agent's wrap-up (ended by its log-out at the latest).
    assert [e.kind.value for e in steps][:7] == [
        "contact_entered", "voicemail_task_queued", "queued", "offered", "answered", "ended",
        "wrap_up_started",
    ]  # fmt: skip
    ended = next(e for e in steps if isinstance(e, Ended))
    assert (ended.by, ended.cause, ended.agent_id) == ("agent", "voicemail_handled", me["agent_id"])


def token(api: httpx.Client, user: str) -> str:
    response = api.post("/auth/login", json={"username": user, "password": "demo"})
    response.raise_for_status()
    found: str = response.json()["token"]
    return found


async def task_offered_and_handled(
    api: httpx.Client,
    agent: dict[str, str],
    agent_token: str,
    socket_url: str,
    front: str,
    tmp: Path,
) -> tuple[OfferMade, int, bytes, list[str]]:
    """The caller leaves its message; the agent's socket tells of the task offered, the
    agent plays and takes it, then marks it handled; the agent's states that follow."""
    async with connect(socket_url) as socket:
        await socket.send(json.dumps({"token": agent_token, "protocol_version": PROTOCOL_VERSION}))
        caller = asyncio.create_task(sipp_call(front, tmp, "caller_leaves_message.xml", "300"))
        offer = await next_event(socket, lambda e: isinstance(e, OfferMade) and e.voicemail)
        assert isinstance(offer, OfferMade) and offer.voicemail is not None
        message = offer.voicemail.message_id
        audio = await asyncio.to_thread(
            api.get, f"/voicemail/messages/{message}/audio", headers=agent
        )
        assert audio.status_code == 200, audio.text  # offered: the agent may play it
        taken = await asyncio.to_thread(
            api.post, f"/voicemail/tasks/{offer.contact_id}/take", headers=agent
        )
        assert taken.status_code == 200, taken.text
        states: list[str] = [(await next_state(socket, {"busy"})).state]
        handled = await asyncio.to_thread(
            api.post, f"/voicemail/messages/{message}/handled", headers=agent
        )
        assert handled.status_code == 200, handled.text
        states.append((await next_state(socket, {"wrap_up", "available"})).state)
        return offer, await caller, audio.content, states


async def next_event(socket: Any, wanted: Callable[[Any], object]) -> Any:
    """The next message of the socket that is ``wanted`` (the server's word, not a poll)."""
    while True:
        message = SERVER_EVENT.validate_json(await asyncio.wait_for(socket.recv(), 60))
        if wanted(message):
            return message


async def next_state(socket: Any, states: set[str]) -> AgentState:
    event = await next_event(
        socket, lambda e: isinstance(e, AgentStateChanged) and e.agent.state in states
    )
    state: AgentState = event.agent
    return state
