"""An agent's outbound call on the whole server in demo mode (R1): the agent's pjsua2
softphone (tests/media/agent_phone.py, and the desktop's own PhoneDesk) sends the INVITE
for a number to the media worker named by ``GET /agent/phone`` with its
``X-Vaxla-Session`` header; the worker calls the number through the outside gateway
(SIPp, ``tests/sipp/outside_*.xml``) and bridges. Without the header, with a header made
for another number or by no session, the worker refuses 403 (the trunk is elsewhere);
without the SIP credentials ``GET /agent/phone`` hands out, the front challenges (407) and
no worker sees the call; a server without an outside gateway refuses 503 "no outside
gateway"."""

import asyncio
import contextlib
import math
import os
import re
import signal
import wave
from collections.abc import Coroutine, Iterator
from pathlib import Path
from typing import Any

# Before any QApplication exists: tests never need a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtWidgets import QApplication

from tests.e2e.test_call_control import ControlDemo, agents, outside_party, until
from tests.e2e.test_desktop_phone import turn_qt
from tests.e2e.test_desktop_phone import until as until_qt
from tests.media.harness import sip_tester_pcaps
from tests.server_process import ServerProcess, front_address, worker_pids
from vaxla_desktop.api.client import ServerClient
from vaxla_desktop.api.outbound import OutboundApi
from vaxla_desktop.core.dial import parse_dial_link
from vaxla_desktop.phone import PhoneDesk
from vaxla_desktop.phone_settings import PhoneSettings
from vaxla_desktop.sip.bridge import SoftphoneBridge
from vaxla_desktop.ui.phone_panel import PhonePanel
from vaxla_protocol.offers import session_key
from vaxla_protocol.outbound import SESSION_HEADER, session_header
from vaxla_server.media.pool import free_udp_port
from vaxla_server.network import free_sip_port

NUMBER = "+4687654321"


def outbound_demo(tmp: Any, gateway: bool) -> Iterator[ControlDemo]:
    """The demo server, with the outside gateway on ``demo.outside_port`` or without one
    (``tests/e2e/test_trunks.py`` adds its trunks to the latter)."""
    (tmp / "pcap").symlink_to(sip_tester_pcaps())
    sip_port, outside_port = free_sip_port(), free_udp_port()
    # The trunk is elsewhere (TEST-NET-1): the agents' softphones on loopback are not it.
    args = ["--demo", "--sip-port", str(sip_port), "--trunk", "192.0.2.0/24"]
    # Calls follow each other quickly here (four refused in a row, then one more): a worker
    # that refused one may not have room again yet on a loaded machine, so six are ready.
    args += ["--media-workers", "6:200"]
    if gateway:
        args += ["--outside-gateway", f"sip:127.0.0.1:{outside_port}"]
    with ServerProcess(tmp / "data", args, timeout=120) as server:
        sip = front_address(server.log_lines)
        demo = ControlDemo(server, sip, tmp, min(worker_pids(server.log_lines).values()))
        demo.outside_port = outside_port
        yield demo
        demo.close()
        assert server.stop() == -signal.SIGTERM


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ControlDemo]:
    yield from outbound_demo(tmp_path_factory.mktemp("outbound"), gateway=True)


@pytest.fixture(scope="module")
def no_gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ControlDemo]:
    yield from outbound_demo(tmp_path_factory.mktemp("no-gateway"), gateway=False)


def _loudness(path: Path, skip_s: float = 0.0) -> int:
    with wave.open(str(path)) as audio:
        audio.setpos(min(int(skip_s * audio.getframerate()), audio.getnframes()))
        frames = audio.readframes(audio.getnframes())
    return max((abs(s) for s in memoryview(frames).cast("h")), default=0)


def _tone_runs(path: Path, hz: float = 425.0, block_s: float = 0.05) -> list[tuple[float, float]]:
    """When (start, end in seconds) the recording holds a tone of ``hz``: blocks of
    ``block_s`` that are loud and whose energy is mostly at ``hz`` (Goertzel), joined."""
    with wave.open(str(path)) as audio:
        rate = audio.getframerate()
        samples = memoryview(audio.readframes(audio.getnframes())).cast("h").tolist()
    size = int(rate * block_s)
    coefficient = 2 * math.cos(2 * math.pi * hz / rate)
    runs: list[tuple[float, float]] = []
    for start in range(0, len(samples) - size + 1, size):
        block = samples[start : start + size]
        energy = sum(x * x for x in block)
        s1 = s2 = 0.0
        for x in block:
            s1, s2 = x + coefficient * s1 - s2, s1
        at_hz = (s1 * s1 + s2 * s2 - coefficient * s1 * s2) * 2 / size
        if energy / size > 300**2 and at_hz / energy > 0.8:
            begin, end = start / rate, (start + size) / rate
            if runs and abs(runs[-1][1] - begin) < 1e-9:
                runs[-1] = (runs[-1][0], end)
            else:
                runs.append((begin, end))
    return runs


async def authorize(demo: ControlDemo, phone: Any, token: str) -> None:
    """Give the agent's phone the SIP credentials ``GET /agent/phone`` hands out."""
    given = demo.get("/agent/phone", token)["credentials"]
    await phone.command(f"credentials {given['realm']} {given['username']} {given['password']}")
    await phone.expect("credentials_set", timeout=5)


def _header(demo: ControlDemo, token: str, number: str) -> str:
    agent_id = demo.get("/agent", token)["agent_id"]
    return session_header(session_key(token), agent_id, number)


async def progressed(demo: ControlDemo, token: str, state: str) -> None:
    """Until the server says the agent's outbound call is ``ringing`` (the number's 180
    reached the worker) or ``bridged`` (the number answered and talks with the agent).
    Each test's agent makes one call in the module, so any such message is that call's."""
    agent_id = demo.get("/agent", token)["agent_id"]
    await until(lambda: bool(demo.progress(state, agent_id)), timeout=15)


def test_the_agent_calls_a_number_through_the_gateway_and_the_call_log_shows_it(
    demo: ControlDemo,
) -> None:
    async def scenario() -> None:
        async with (
            outside_party(demo, "outside_answers") as outside,
            agents(demo, "agent3") as [(a3, p3)],
        ):
            demo.post("/agent/login", a3, {"sip_contact": p3.uri})
            await authorize(demo, p3, a3)
            phone = demo.get("/agent/phone", a3)
            credentials = phone.pop("credentials")
            assert phone == {
                "sip_uri": f"sip:{demo.sip}",
                "outside_calls": True,
                "header": SESSION_HEADER,
                "tls_uri": None,  # no --sip-tls-port: the phone stays on UDP
                "srtp": "off",
            }
            assert credentials["realm"] == "vaxla"
            assert credentials["username"].endswith(f":{demo.get('/agent', a3)['agent_id']}")
            target = f"sip:{NUMBER}@{phone['sip_uri'].removeprefix('sip:')}"
            demo.watch()  # open before the call: its progress is not missed
            await p3.command(f"dial {target} {_header(demo, a3, NUMBER)}")
            await p3.expect("answered", timeout=15)
            await progressed(demo, a3, "bridged")
            assert demo.get("/agent", a3)["state"] == "busy"
            await asyncio.sleep(0.5)  # they talk half a second: the call log's talk time
            await p3.command("hangup")
            assert (await p3.expect("ended"))["by"] == "local"
            # The number was called through the gateway, answered and got the BYE.
            assert await asyncio.wait_for(outside.wait(), 10) == 0
            await until(lambda: demo.get("/agent", a3)["state"] == "available")

    asyncio.run(scenario())
    calls: list[dict[str, Any]] = demo.get("/calls", demo.token("supervisor1"))
    record = next(call for call in calls if call["direction"] == "outbound")
    assert (record["entry_point"], record["agent"], record["outcome"]) == (
        NUMBER, "agent3", "answered",
    )  # fmt: skip
    assert record["ended_at"] is not None and record["talk_seconds"] > 0.3


def test_a_busy_number_fails_the_agents_call_with_its_status(demo: ControlDemo) -> None:
    async def scenario() -> None:
        async with (
            outside_party(demo, "outside_busy") as outside,
            agents(demo, "agent7") as [(a7, p7)],
        ):
            demo.post("/agent/login", a7, {"sip_contact": p7.uri})
            await authorize(demo, p7, a7)
            await p7.command(f"dial sip:0812345@{demo.sip} {_header(demo, a7, '0812345')}")
            ended = await p7.expect("ended", timeout=15)
            assert (ended["code"], ended["reason"]) == (486, "the number is busy")
            assert await asyncio.wait_for(outside.wait(), 10) == 0  # it said 486
            await until(lambda: demo.get("/agent", a7)["state"] == "available")

    asyncio.run(scenario())
    calls: list[dict[str, Any]] = demo.get("/calls", demo.token("supervisor1"))
    record = next(c for c in calls if c["direction"] == "outbound" and c["agent"] == "agent7")
    assert (record["entry_point"], record["outcome"], record["talk_seconds"]) == (
        "0812345", "failed", 0.0,
    )  # fmt: skip


def test_the_agent_hangs_up_while_the_number_rings(demo: ControlDemo) -> None:
    async def scenario() -> None:
        async with (
            outside_party(demo, "outside_rings") as outside,
            agents(demo, "agent8") as [(a8, p8)],
        ):
            demo.post("/agent/login", a8, {"sip_contact": p8.uri})
            await authorize(demo, p8, a8)
            demo.watch()  # open before the call: its progress is not missed
            await p8.command(f"dial sip:0812345@{demo.sip} {_header(demo, a8, '0812345')}")
            await until(lambda: demo.get("/agent", a8)["state"] == "busy")
            # Until the number rings (its 180 reached the worker): hung up before, the
            # worker may not have called it yet, and the number would never hear of it.
            await progressed(demo, a8, "ringing")
            await p8.command("hangup")
            assert (await p8.expect("ended"))["by"] == "local"
            # The number got the CANCEL and said 487; agent8 is free again.
            assert await asyncio.wait_for(outside.wait(), 10) == 0
            await until(lambda: demo.get("/agent", a8)["state"] == "available")

    asyncio.run(scenario())
    calls: list[dict[str, Any]] = demo.get("/calls", demo.token("supervisor1"))
    record = next(c for c in calls if c["direction"] == "outbound" and c["agent"] == "agent8")
    assert (record["outcome"], record["ended_at"] is not None) == ("failed", True)


def test_the_number_hangs_up_and_the_agents_call_ends(demo: ControlDemo) -> None:
    async def scenario() -> Path:
        async with outside_party(demo, "outside_hangs_up") as outside:
            async with agents(demo, "agent9") as [(a9, p9)]:
                demo.post("/agent/login", a9, {"sip_contact": p9.uri})
                await authorize(demo, p9, a9)
                await p9.command(f"dial sip:0812345@{demo.sip} {_header(demo, a9, '0812345')}")
                await p9.expect("answered", timeout=15)
                assert (await p9.expect("ended", timeout=10))["by"] == "remote"
                assert await asyncio.wait_for(outside.wait(), 10) == 0
                await until(lambda: demo.get("/agent", a9)["state"] == "available")
            return p9.record  # complete: the phone has quit

    heard = asyncio.run(scenario())
    # The agent heard the number's G.711 audio through the worker's bridge.
    assert _loudness(heard) > 1000
    calls: list[dict[str, Any]] = demo.get("/calls", demo.token("supervisor1"))
    record = next(c for c in calls if c["direction"] == "outbound" and c["agent"] == "agent9")
    assert record["outcome"] == "answered" and record["talk_seconds"] > 2.0


def test_the_agent_hears_the_ringing_tone_until_the_number_answers(demo: ControlDemo) -> None:
    """No early media from the number (180 only): the worker plays the agent the Swedish
    ringing tone (425 Hz, 1 s in 5) as early media (183 with SDP) from the dialling to
    the answer, and nothing of it after. The number answers 5.5 s in, within the second
    second of tone, so a tone left playing would be heard in the answered call."""

    async def scenario() -> tuple[Path, float]:
        loop = asyncio.get_running_loop()
        async with outside_party(demo, "outside_rings_then_answers") as outside:
            async with agents(demo, "agent10") as [(a10, p10)]:
                await authorize(demo, p10, a10)
                # In no queue: busy all the same while it calls, offline after.
                await p10.command(f"dial sip:0812345@{demo.sip} {_header(demo, a10, '0812345')}")
                await p10.expect("early_media", timeout=10)
                early_at = loop.time()
                assert demo.get("/agent", a10)["state"] == "busy"
                await p10.expect("answered", timeout=15)
                rang = loop.time() - early_at
                await asyncio.sleep(1.5)  # 1.5 s of the answered call, recorded
                await p10.command("hangup")
                assert (await p10.expect("ended"))["by"] == "local"
                assert await asyncio.wait_for(outside.wait(), 10) == 0  # it got the BYE
                await until(lambda: demo.get("/agent", a10)["state"] == "offline")
            return p10.record, rang  # complete: the phone has quit

    heard, rang = asyncio.run(scenario())
    assert 5.0 < rang < 6.5
    before = _tone_runs(heard.with_suffix(".early.wav"))
    # 1 s of tone at once, 4 s without, then the next until the answer cut it short.
    assert len(before) == 2, before
    (on1, off1), (on2, off2) = before
    assert on1 < 0.5 and off1 - on1 == pytest.approx(1.0, abs=0.15), before
    assert on2 - on1 == pytest.approx(5.0, abs=0.15), before
    assert 0.1 < off2 - on2 < 0.95, before
    # The answered call: the number sends no sound, and no tone is left over. The worker
    # stops the tone before it answers the agent, but what it sent just before is still
    # in the phone's jitter buffer then (measured: 40 ms); a tone left playing would last
    # to the end of its second (0.3 s or more here).
    after = _tone_runs(heard, block_s=0.01)
    assert all(end <= 0.1 for _, end in after), after
    assert _loudness(heard, skip_s=0.1) < 300


def test_the_numbers_early_media_is_passed_to_the_agent_instead_of_the_tone(
    demo: ControlDemo,
) -> None:
    """The number's network sends early media (183 with SDP and sound, as an operator's
    own ringing or announcement): the agent hears that instead of the worker's tone."""

    async def scenario() -> Path:
        async with outside_party(demo, "outside_early_media") as outside:
            async with agents(demo, "agent11") as [(a11, p11)]:
                await authorize(demo, p11, a11)
                await p11.command(f"dial sip:0812345@{demo.sip} {_header(demo, a11, '0812345')}")
                await p11.expect("early_media", timeout=10)
                await p11.expect("answered", timeout=15)
                await asyncio.sleep(1.0)  # a second of the answered call, recorded
                await p11.command("hangup")
                assert (await p11.expect("ended"))["by"] == "local"
                assert await asyncio.wait_for(outside.wait(), 10) == 0  # it got the BYE
            return p11.record

    heard = asyncio.run(scenario())
    early = heard.with_suffix(".early.wav")
    assert _loudness(early) > 1000  # the number's pcap, before the answer
    assert not [run for run in _tone_runs(early) if run[1] - run[0] > 0.3], _tone_runs(early)


def test_an_outbound_call_without_credentials_or_a_valid_session_header_is_refused(
    demo: ControlDemo,
) -> None:
    async def scenario() -> None:
        async with agents(demo, "agent4") as [(a4, p4)]:
            demo.post("/agent/login", a4, {"sip_contact": p4.uri})
            target = f"sip:{NUMBER}@{demo.sip}"
            # Without the credentials GET /agent/phone gives, the front challenges the
            # INVITE and the phone, with none to answer, ends the call: 407.
            await p4.command(f"dial {target} {_header(demo, a4, NUMBER)}")
            ended = await p4.expect("ended", timeout=10)
            assert ended["code"] == 407, ended
            await authorize(demo, p4, a4)
            other_number = _header(demo, a4, "+4611111111")
            agent_id = demo.get("/agent", a4)["agent_id"]
            forged = session_header(session_key("not-the-token"), agent_id, NUMBER)
            # A session of agent4's that has ended (logged out) makes no valid header.
            ended_token = demo.token("agent4")
            ended_session = session_header(session_key(ended_token), agent_id, NUMBER)
            assert demo.answer("/auth/logout", ended_token).status_code == 204
            for header in ("", other_number, forged, ended_session):
                await p4.command(f"dial {target} {header}".strip())
                ended = await p4.expect("ended", timeout=10)
                assert ended["code"] == 403, ended
            # A number that is not one: 484, saying so.
            await p4.command(f"dial sip:12ab@{demo.sip} {_header(demo, a4, '12ab')}")
            ended = await p4.expect("ended", timeout=10)
            assert (ended["code"], ended["reason"]) == (484, "not a number")
            assert demo.get("/agent", a4)["state"] == "available"

    asyncio.run(scenario())
    calls: list[dict[str, Any]] = demo.get("/calls", demo.token("supervisor1"))
    assert not [c for c in calls if c["direction"] == "outbound" and c["agent"] == "agent4"]


def test_without_an_outside_gateway_the_call_is_refused_with_the_reason(
    no_gateway: ControlDemo,
) -> None:
    demo = no_gateway

    async def scenario() -> None:
        async with agents(demo, "agent3") as [(a3, p3)]:
            demo.post("/agent/login", a3, {"sip_contact": p3.uri})
            await authorize(demo, p3, a3)
            phone = demo.get("/agent/phone", a3)
            assert phone["outside_calls"] is False
            await p3.command(f"dial sip:{NUMBER}@{demo.sip} {_header(demo, a3, NUMBER)}")
            ended = await p3.expect("ended", timeout=10)
            assert (ended["code"], ended["reason"]) == (503, "no outside gateway")

    asyncio.run(scenario())
    demo.server.wait_for_line(re.compile(r"outbound call to \+4687654321 refused: no outside"))


def test_the_desktop_dials_a_tel_link_through_the_server_and_hangs_up(
    demo: ControlDemo, qapp: QApplication, tmp_path: Path
) -> None:
    """``vaxla-desktop tel:+46 8 765 43 21`` as the app runs it: PhoneDesk.dial."""

    async def scenario() -> None:
        async with outside_party(demo, "outside_answers") as outside:
            client = ServerClient(demo.server.url)
            await client.login("agent6", "demo")
            bridge = SoftphoneBridge(
                lambda: session_key(client.token), bind="127.0.0.1", audio=False
            )
            panel = PhonePanel()
            tasks: set[asyncio.Task[None]] = set()

            def spawn(work: Coroutine[Any, Any, None]) -> None:
                tasks.add(asyncio.ensure_future(work))

            desk = PhoneDesk(
                panel,
                bridge,
                PhoneSettings(tmp_path / "settings.ini"),
                username="agent6",
                spawn=spawn,
                outbound=OutboundApi(client),
                server_url=demo.server.url,
            )
            pump = asyncio.create_task(turn_qt(qapp))
            try:
                # At once after the app's log-in, before joining a queue: as `vaxla-desktop
                # tel:...` dials. The agent is busy for the call, in a queue or not, to itself
                # and on the supervisors' wallboard; offline again after it.
                token = client.token
                supervisor = demo.token("supervisor1")

                def wallboard() -> str:
                    everyone = demo.get("/agents", supervisor)
                    return str(next(a["state"] for a in everyone if a["username"] == "agent6"))

                assert (demo.get("/agent", token)["state"], wallboard()) == ("offline", "offline")
                demo.watch()  # open before the call: its progress is not missed
                desk.dial(parse_dial_link("tel:+46-8-765 43 21"))
                await until_qt(lambda: panel.state_label.text() == "In call")
                assert (demo.get("/agent", token)["state"], wallboard()) == ("busy", "busy")
                await progressed(demo, token, "bridged")
                panel.hang_up_button.click()
                await until_qt(lambda: panel.state_label.text() != "In call")
                assert await asyncio.wait_for(outside.wait(), 10) == 0  # it got the BYE
                await until(lambda: demo.get("/agent", token)["state"] == "offline")
                assert wallboard() == "offline"
            finally:
                with contextlib.suppress(Exception):
                    await client.call("POST", "/agent/logout", json={})
                for task in (pump, *tasks):
                    task.cancel()
                await asyncio.gather(pump, *tasks, return_exceptions=True)
                desk.close()
                panel.deleteLater()
                await client.logout()
                await client.aclose()

    asyncio.run(scenario())
    calls: list[dict[str, Any]] = demo.get("/calls", demo.token("supervisor1"))
    record = next(c for c in calls if c["direction"] == "outbound" and c["agent"] == "agent6")
    assert (record["entry_point"], record["outcome"]) == (NUMBER, "answered")
