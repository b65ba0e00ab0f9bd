"""Shared voicemail end to end (R7): a real server (the demo site: Kamailio, the media
pool, the call flow, its store), a SIPp caller playing the sip-tester G.711 pcap to an
entry point whose queue has nobody logged in, and the message it leaves: kept under the
data folder, checksummed, non-silent, in the log, and mailed with its WAV attached
through a real SMTP server (aiosmtpd on loopback)."""

import asyncio
import signal
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from tests.e2e.test_demo_calls import sipp_call
from tests.media.harness import sip_tester_pcaps
from tests.server.alarms.smtp import smtp_server
from tests.server_process import ServerProcess, assert_workers_gone, front_address
from vaxla_server.audio import SILENCE_DBFS, file_sha256, wav_rms_dbfs
from vaxla_server.network import free_sip_port
from vaxla_server.store import open_store
from vaxla_server.store.events import Ended, EventKind, VoicemailLeft
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
