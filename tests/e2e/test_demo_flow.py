"""Call-flow rules on the demo server as a process, with SIPp as the outside caller
(keys by SIP INFO) and as the outside party behind the outside gateway, and a pjsua2
softphone as the agent: each test changes the demo's configuration through the API as an
administrator would, places a real call, and reads the call log (``GET /api/v1/calls``)
and the event log (the server's own database). Times are configured short."""

import array
import json
import math
import os
import random
import re
import signal
import subprocess
import sys
import time
import wave
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.media.harness import AGENT_PHONE, SCENARIOS
from tests.server_process import ServerProcess, front_address, print_sipp_errors
from tests.sim.test_live import ANSWERING, Sim
from vaxla_protocol.offers import session_key
from vaxla_server.media.pool import free_udp_port
from vaxla_server.network import free_media_port, free_sip_port, udp_port_free
from vaxla_server.store.database import create_store_engine, sqlite_url
from vaxla_server.store.event_log import EventLog
from vaxla_server.store.events import (
    Abandoned,
    AgentAutoPaused,
    AnnouncementPlayed,
    ContactEntered,
    DigitsEntered,
    Ended,
    Event,
    MenuChoice,
    NotAnswered,
    Overflowed,
    StormHeard,
    StormStarted,
)

NUMBER = "0701234567"


class Site:
    def __init__(self, server: ServerProcess, sip: str, tmp: Path, gateway_port: int) -> None:
        self.server = server
        self.sip = sip
        self.tmp = tmp
        self.gateway_port = gateway_port
        self.api = httpx.Client(base_url=server.url + "/api/v1", timeout=10)
        self.log = EventLog(create_store_engine(sqlite_url(tmp / "data")))
        self.admin = self.token("admin1")

    def token(self, user: str) -> str:
        response = self.api.post("/auth/login", json={"username": user, "password": "demo"})
        response.raise_for_status()
        token: str = response.json()["token"]
        return token

    def get(self, path: str, **params: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.admin}"}
        response = self.api.get(path, params=params, headers=headers)
        response.raise_for_status()
        return response.json()

    def put(self, path: str, body: object) -> Any:
        headers = {"Authorization": f"Bearer {self.admin}"}
        response = self.api.put(path, json=body, headers=headers)
        assert response.is_success, response.text
        return response.json()

    def call(self, number: str, *, hold_ms: int, scenario: str = "caller_hangs_up.xml") -> int:
        """SIPp dials ``number`` and hangs up ``hold_ms`` after the answer; its status."""
        return subprocess.run(
            ["sipp", self.sip, "-sf", str(SCENARIOS / scenario), "-s", number, "-m", "1",
             "-d", str(hold_ms), "-i", "127.0.0.1", "-p", str(free_udp_port()),
             "-mp", str(free_media_port()), "-timeout", "30s", "-timeout_error", "-nostdin"],
            cwd=self.tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=40,
        ).returncode  # fmt: skip

    def press(self, number: str, keys: Sequence[str], *, hold_ms: int | None = None) -> int:
        """SIPp dials ``number`` and presses ``keys`` by SIP INFO, 300 ms apart; then
        hangs up after ``hold_ms``, or (``None``) waits for the server to hang up."""
        caller = self.start_pressing(number, keys, hold_ms=hold_ms)
        try:
            return caller.wait(50)
        finally:
            if caller.poll() is None:
                caller.kill()
                caller.wait()

    def start_pressing(
        self, number: str, keys: Sequence[str], *, hold_ms: int | None = None
    ) -> subprocess.Popen[bytes]:
        scenario = self.tmp / f"keys-{''.join(keys).replace('#', 'h')}-{hold_ms}.xml"
        scenario.write_text(keys_scenario(keys, hold_ms))
        return subprocess.Popen(
            ["sipp", self.sip, "-sf", str(scenario), "-s", number, "-m", "1",
             "-i", "127.0.0.1", "-p", str(free_udp_port()), "-mp", str(free_media_port()),
             "-timeout", "40s", "-timeout_error", "-nostdin"],
            cwd=self.tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def outside_party(self, messages: Path) -> subprocess.Popen[bytes]:
        """SIPp on the gateway's port, ``tests/sipp/outside_answers.xml``: answers one call
        and waits for its BYE, every message through the front (not SIPp's built-in
        ``uas``, which leaves the front's Record-Route out: see the scenario). Its messages
        go to ``messages``, its errors next to it (``.errors``)."""
        return subprocess.Popen(
            ["sipp", "-sf", str(SCENARIOS / "outside_answers.xml"),
             "-i", "127.0.0.1", "-p", str(self.gateway_port), "-mp", str(free_media_port()),
             "-m", "1", "-nostdin", "-timeout", "30s", "-timeout_error",
             "-trace_msg", "-message_file", str(messages),
             "-trace_err", "-error_file", str(messages.with_suffix(".errors"))],
            cwd=self.tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def newest_call(self, *, ended: bool = True) -> dict[str, Any]:
        """The newest call's record; with ``ended`` once it is no longer in progress (the
        server hears of a hang-up a moment after SIPp, which has exited by now)."""
        for _ in range(100):  # a bound only, against a hang on a loaded machine
            calls: list[dict[str, Any]] = self.get("/calls")
            if not ended or calls[0]["outcome"] != "in_progress":
                break
            time.sleep(0.1)
        return calls[0]

    def events(self, contact: int) -> list[Event]:
        return [logged.event for logged in self.log.read(contact=contact)]


def keys_scenario(keys: Sequence[str], hold_ms: int | None) -> str:
    """A SIPp caller that presses ``keys`` by SIP INFO (application/dtmf-relay)."""
    head = (SCENARIOS / "caller_hangs_up.xml").read_text().split("  <pause/>")[0]
    steps = []
    for cseq, key in enumerate(keys, start=2):
        steps.append(f"""  <pause milliseconds="300"/>
  <send retrans="500">
    <![CDATA[
      INFO [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      [routes]
      From: sipp <sip:4670[call_number]@[local_ip]:[local_port]>;tag=[pid]SIPpTag[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: {cseq} INFO
      Contact: sip:sipp@[local_ip]:[local_port]
      Max-Forwards: 70
      Content-Type: application/dtmf-relay
      Content-Length: [len]

      Signal={key}
      Duration=160
    ]]>
  </send>
  <recv response="200"/>
""")
    if hold_ms is None:
        end = (SCENARIOS / "caller_bench.xml").read_text().split("  </send>\n", 2)[2]
        end = end[end.index('  <recv request="BYE"/>') :]
    else:
        end = f'  <pause milliseconds="{hold_ms}"/>' + (
            (SCENARIOS / "caller_hangs_up.xml").read_text().split("  <pause/>")[1]
        ).replace("CSeq: 3 BYE", f"CSeq: {len(keys) + 2} BYE")
    return head + "".join(steps) + end


class Phone:
    """``tests/media/agent_phone.py``: a pjsua2 softphone for one agent session."""

    def __init__(self, token: str, tmp: Path, *options: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(AGENT_PHONE), "--key", session_key(token),
             "--record", str(tmp / f"heard-{token[:8]}.wav"), *options],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        )  # fmt: skip
        self.address = str(self.expect("ready")["address"])

    def expect(self, event: str) -> dict[str, object]:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.startswith("{") and (message := json.loads(line))["event"] == event:
                return message  # type: ignore[no-any-return]
        raise AssertionError(f"the agent phone ended before {event!r}")

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write("quit\n")
        self.process.stdin.close()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        assert self.process.stdout is not None
        self.process.stdout.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp("flow")
    gateway_port = free_udp_port()
    args = ["--demo", "--sip-port", str(free_sip_port()),
            "--outside-gateway", f"sip:127.0.0.1:{gateway_port}"]  # fmt: skip
    with ServerProcess(tmp / "data", args, timeout=120) as server:
        site = Site(server, front_address(server.log_lines), tmp, gateway_port)
        yield site
        site.api.close()
        server.stop()


@pytest.fixture
def support(site: Site) -> Iterator[dict[str, Any]]:
    """Support's configuration, put back as it was after the test."""
    original = site.get("/config/queues/Support")
    yield site.get("/config/queues/Support")
    site.put("/config/queues/Support", original)


def test_nobody_logged_in_overflows_to_an_outside_number(
    site: Site, support: dict[str, Any]
) -> None:
    support["flow"]["on_nobody_logged_in"] = {"kind": "transfer", "number": NUMBER}
    site.put("/config/queues/Support", support)
    messages = site.tmp / "outside.log"
    outside = site.outside_party(messages)
    try:
        assert site.call("200", hold_ms=4000) == 0
        # The outside party was called, answered, and got the BYE when the caller left.
        assert outside.wait(20) == 0
    finally:
        if outside.poll() is None:
            outside.kill()
            outside.wait()
        if outside.returncode:
            print_sipp_errors(messages.with_suffix(".errors"), outside.returncode)
    assert f"INVITE sip:{NUMBER}@127.0.0.1:{site.gateway_port}" in messages.read_text()
    record = site.newest_call()
    assert (record["entry_point"], record["outcome"], record["agent"]) == (
        "200",
        "overflowed",
        None,
    )
    events = site.events(record["id"])
    overflowed = [e for e in events if isinstance(e, Overflowed)]
    assert [(e.rule, e.target) for e in overflowed] == [("nobody_logged_in", f"number {NUMBER}")]
    ended = [e for e in events if isinstance(e, Ended)]
    assert [(e.by, e.cause) for e in ended] == [("caller", "transferred")]


def kinds_of(events: list[Event], kind: type[Event]) -> list[Any]:
    return [e for e in events if isinstance(e, kind)]


@pytest.fixture
def entry_200(site: Site) -> Iterator[dict[str, Any]]:
    """Entry point 200's configuration, put back as it was after the test."""
    original = site.get("/config/entry-points/200")
    yield site.get("/config/entry-points/200")
    site.put("/config/entry-points/200", original)


def never_open(site: Site) -> str:
    """A schedule with no opening hours (added once)."""
    headers = {"Authorization": f"Bearer {site.admin}"}
    if site.api.get("/config/schedules/never", headers=headers).status_code == 404:
        created = site.api.post("/config/schedules", json={"name": "never"}, headers=headers)
        assert created.status_code == 201, created.text
    return "never"


def test_outside_opening_hours_the_caller_hears_closed(
    site: Site, entry_200: dict[str, Any]
) -> None:
    never_open(site)
    site.put("/config/entry-points/200", {**entry_200, "schedule": "never"})
    assert site.press("200", []) == 0  # the server hangs up after the message
    record = site.newest_call()
    assert (record["entry_point"], record["outcome"], record["queue"]) == ("200", "closed", None)
    ended = kinds_of(site.events(record["id"]), Ended)
    assert [(e.by, e.cause) for e in ended] == [("system", "closed")]


def test_an_invalid_key_is_refused_and_the_next_key_taken(site: Site) -> None:
    # 7 is no choice in the demo's Swedish menu; 1 is Support, where nobody is logged in.
    assert site.press("100", ["7", "1"]) == 0
    record = site.newest_call()
    assert (record["entry_point"], record["outcome"]) == ("100", "overflowed")
    choices = kinds_of(site.events(record["id"]), MenuChoice)
    assert [(c.menu, c.key) for c in choices] == [("main_sv", "7"), ("main_sv", "1")]


def test_entered_digits_are_checked_and_asked_for_again(site: Site) -> None:
    # 3: customer number (4 to 10 digits) then Support; 12 is too short, 123456 fits.
    keys = ["3", "1", "2", "#", "1", "2", "3", "4", "5", "6", "#"]
    assert site.press("100", keys) == 0
    record = site.newest_call()
    assert record["entry_point"] == "100"
    entered = kinds_of(site.events(record["id"]), DigitsEntered)
    assert [(d.collection, d.valid, d.digits, d.attempt) for d in entered] == [
        ("customer_number", False, None, 1),
        ("customer_number", True, "123456", 2),
    ]


def test_an_agent_who_lets_it_ring_is_paused_and_the_caller_abandons_with_position(
    site: Site, support: dict[str, Any]
) -> None:
    site.put("/config/queues/Support", {**support, "ring_timeout_s": 2})
    token = site.token("agent5")
    phone = Phone(token, site.tmp, "--no-answer")
    headers = {"Authorization": f"Bearer {token}"}
    try:
        login = site.api.post(
            "/agent/login", json={"sip_contact": f"sip:agent@{phone.address}"}, headers=headers
        )
        assert login.status_code == 200, login.text
        assert site.press("200", [], hold_ms=6000) == 0  # waits 6 s, then hangs up
        agents = {a["username"]: a for a in site.get("/agents")}
        agent5 = agents["agent5"]
        assert (agent5["state"], agent5["reason"]) == ("paused", "no answer")
    finally:
        site.api.post("/agent/logout", json={}, headers=headers)
        phone.close()
    record = site.newest_call()
    assert (record["entry_point"], record["outcome"], record["agent"]) == ("200", "abandoned", None)
    events = site.events(record["id"])
    assert [(e.reason, e.ring_seconds >= 2) for e in kinds_of(events, NotAnswered)] == [
        ("no_answer", True)
    ]
    assert [e.agent_id for e in kinds_of(events, AgentAutoPaused)] == [agent5["agent_id"]]
    abandoned = kinds_of(events, Abandoned)
    assert [(a.position, a.wait_seconds > 5) for a in abandoned] == [(1, True)]


def test_the_language_key_leads_to_the_english_menu(site: Site) -> None:
    # 9 switches the Swedish menu to the English one, where 1 is Support.
    assert site.press("100", ["9", "1"]) == 0
    record = site.newest_call()
    assert record["entry_point"] == "100"
    choices = kinds_of(site.events(record["id"]), MenuChoice)
    assert [(c.menu, c.key) for c in choices] == [("main_sv", "9"), ("main_en", "1")]


def test_the_maximum_wait_lets_the_caller_go_with_a_message(
    site: Site, support: dict[str, Any]
) -> None:
    # The demo sends callers on to Sales after 5 minutes; here: 2 s, then the goodbye.
    goodbye = {"kind": "message", "prompt": "goodbye"}
    flow = {**support["flow"], "max_wait_s": 2, "on_max_wait": goodbye}
    site.put("/config/queues/Support", {**support, "flow": flow})
    token = site.token("agent6")
    phone = Phone(token, site.tmp)
    headers = {"Authorization": f"Bearer {token}"}
    try:
        contact = {"sip_contact": f"sip:agent@{phone.address}"}
        assert site.api.post("/agent/login", json=contact, headers=headers).status_code == 200
        paused = site.api.post("/agent/pause", json={"reason": "lunch"}, headers=headers)
        assert paused.status_code == 200, paused.text
        assert site.press("200", []) == 0  # the server hangs up after the message
    finally:
        site.api.post("/agent/logout", json={}, headers=headers)
        phone.close()
    record = site.newest_call()
    assert (record["entry_point"], record["outcome"], record["agent"]) == (
        "200", "overflowed", None,
    )  # fmt: skip
    assert record["wait_seconds"] >= 2
    overflowed = kinds_of(site.events(record["id"]), Overflowed)
    assert [(o.rule, o.target, o.wait_seconds >= 2) for o in overflowed] == [
        ("max_wait", "message goodbye", True)
    ]


def test_a_caller_to_100_pressing_1_reaches_a_simulated_agent(site: Site) -> None:
    timing = ["--answer-after", "0.2", "--talk", "1", "--wrap-up", "0.2", "--report", "1"]
    sim = Sim("agents", "--server", site.server.url, "--count", "1", "--first", "7", *timing)
    try:
        sim.wait_for(ANSWERING)
        # The agent answers, talks 1 s and hangs up; the server then hangs up on SIPp.
        assert site.press("100", ["1"]) == 0
        sim.wait_for(re.compile(r"answered 1 talking 0 refused 0 errors 0"), timeout=30)
        sim.process.send_signal(signal.SIGTERM)
        assert sim.process.wait(30) == 0
    finally:
        sim.close()
    record = site.newest_call()
    assert (record["entry_point"], record["queue"], record["outcome"], record["agent"]) == (
        "100", "Support", "answered", "agent7",
    )  # fmt: skip
    assert record["classification"] is not None


def test_a_full_queue_turns_the_next_caller_away(site: Site, support: dict[str, Any]) -> None:
    goodbye = {"kind": "message", "prompt": "goodbye"}
    flow = {**support["flow"], "max_length": 1, "on_max_length": goodbye}
    site.put("/config/queues/Support", {**support, "flow": flow})
    token = site.token("agent8")
    phone = Phone(token, site.tmp)
    headers = {"Authorization": f"Bearer {token}"}
    first = None
    try:
        contact = {"sip_contact": f"sip:agent@{phone.address}"}
        assert site.api.post("/agent/login", json=contact, headers=headers).status_code == 200
        paused = site.api.post("/agent/pause", json={"reason": "lunch"}, headers=headers)
        assert paused.status_code == 200, paused.text
        first = site.start_pressing("200", [], hold_ms=5000)  # waits, then hangs up
        queues = {q["name"]: q for q in site.get("/queues")}
        for _ in range(50):
            if queues["Support"]["waiting"] == 1:
                break
            time.sleep(0.1)
            queues = {q["name"]: q for q in site.get("/queues")}
        assert site.press("200", []) == 0  # turned away: the server hangs up after goodbye
        assert first.wait(30) == 0
    finally:
        if first is not None and first.poll() is None:
            first.kill()
            first.wait()
        site.api.post("/agent/logout", json={}, headers=headers)
        phone.close()
    second, waiting = site.get("/calls")[:2]
    assert (waiting["outcome"], second["outcome"]) == ("abandoned", "overflowed")
    overflowed = kinds_of(site.events(second["id"]), Overflowed)
    assert [(o.rule, o.target, o.wait_seconds) for o in overflowed] == [
        ("max_length", "message goodbye", 0.0)
    ]


def test_wrap_up_ended_early_and_the_returning_caller_gets_the_same_agent(site: Site) -> None:
    phones: dict[str, tuple[Phone, dict[str, str]]] = {}
    try:
        for name in ("agent3", "agent4"):
            token = site.token(name)
            phone = Phone(token, site.tmp)
            headers = {"Authorization": f"Bearer {token}"}
            phones[name] = (phone, headers)
            contact = {"sip_contact": f"sip:agent@{phone.address}"}
            assert site.api.post("/agent/login", json=contact, headers=headers).status_code == 200
        assert site.press("200", [], hold_ms=1500) == 0  # talks, then hangs up
        first = site.newest_call()
        served = first["agent"]
        assert first["outcome"] == "answered" and served in phones
        headers = phones[served][1]
        for _ in range(50):  # the server hears of the hang-up a moment after SIPp
            state = site.api.get("/agent", headers=headers).json()
            if state["state"] != "busy":
                break
            time.sleep(0.1)
        assert state["state"] == "wrap_up"  # Support's wrap-up is 10 s
        assert site.api.post("/agent/ready", json={}, headers=headers).status_code == 200
        assert site.api.get("/agent", headers=headers).json()["state"] == "available"
        # The same caller again: the other agent has been idle longer (longest idle), yet
        # the agent who served the caller is offered the call (Support's sticky window).
        assert site.press("200", [], hold_ms=1500) == 0
        second = site.newest_call()
        assert (second["caller"], second["outcome"], second["agent"]) == (
            first["caller"], "answered", served,
        )  # fmt: skip
    finally:
        for phone, headers in phones.values():
            site.api.post("/agent/logout", json={}, headers=headers)
            phone.close()


def test_a_closed_queue_sends_the_caller_to_its_closed_target(
    site: Site, support: dict[str, Any]
) -> None:
    goodbye = {"kind": "message", "prompt": "goodbye"}
    flow = {**support["flow"], "schedule": never_open(site), "on_closed": goodbye}
    site.put("/config/queues/Support", {**support, "flow": flow})
    assert site.press("200", []) == 0  # the server hangs up after the message
    record = site.newest_call()
    assert (record["entry_point"], record["outcome"]) == ("200", "closed")
    events = site.events(record["id"])
    overflowed = kinds_of(events, Overflowed)
    assert [(o.rule, o.target) for o in overflowed] == [("schedule", "message goodbye")]
    assert [e.cause for e in kinds_of(events, Ended)] == ["closed"]


def free_rtp_ports(count: int = 10) -> int:
    """The first of ``count`` UDP ports on loopback that are free now."""
    for _ in range(200):
        first = random.randrange(30000, 60000, 2)
        if all(udp_port_free("127.0.0.1", first + i) for i in range(count)):
            return first
    raise AssertionError(f"no {count} free UDP ports in a row")


def envelope(path: Path, frame_s: float = 0.02) -> list[float]:
    """The loudness (RMS) of each ``frame_s`` of a 16-bit mono WAV file (its samples read
    to the end, as a recorder that was not closed leaves its header's sizes at 0)."""
    with wave.open(str(path)) as audio:
        rate = audio.getframerate()
    data = path.read_bytes()[44:]
    samples = array.array("h", data[: len(data) // 2 * 2])
    step = max(1, int(rate * frame_s))
    frames = [samples[i : i + step] for i in range(0, len(samples) - step + 1, step)]
    return [math.sqrt(sum(s * s for s in frame) / len(frame)) for frame in frames]


def best_match(needle: list[float], haystack: list[float]) -> float:
    """The highest normalised correlation of ``needle`` with any stretch of ``haystack``:
    1.0 where the same sound is heard again, louder or softer."""

    def centred(values: Sequence[float]) -> tuple[list[float], float]:
        mean = sum(values) / len(values)
        shifted = [v - mean for v in values]
        return shifted, math.sqrt(sum(v * v for v in shifted)) or 1.0

    pattern, norm = centred(needle)
    best = 0.0
    for start in range(len(haystack) - len(needle) + 1):
        window, window_norm = centred(haystack[start : start + len(needle)])
        best = max(
            best, sum(a * b for a, b in zip(pattern, window, strict=True)) / (norm * window_norm)
        )
    return best


def test_a_storm_message_is_heard_by_new_callers_at_once_and_by_waiting_ones_next(
    site: Site,
) -> None:
    standard = site.get("/config/announcement-sets/standard")
    site.put("/config/announcement-sets/standard", {**standard, "periodic_interval_s": 5})
    supervisor = {"Authorization": f"Bearer {site.token('supervisor1')}"}
    agent = site.token("agent10")
    headers = {"Authorization": f"Bearer {agent}"}
    # A pjsua2 caller that records what it hears, on RTP ports of its own.
    caller = Phone(agent, site.tmp, "--rtp-port", str(free_rtp_ports()))
    storm_url = "/storm/200"
    try:
        assert site.api.post("/agent/login", json={"sip_contact": "sip:nobody@127.0.0.1:9"},
                             headers=headers).status_code == 200  # fmt: skip
        paused = site.api.post("/agent/pause", json={"reason": "lunch"}, headers=headers)
        assert paused.status_code == 200, paused.text
        assert caller.process.stdin is not None
        caller.process.stdin.write(f"dial sip:200@{site.sip}\n")
        caller.process.stdin.flush()
        caller.expect("answered")
        waiting_since = datetime.now(UTC)
        for _ in range(300):
            if any(q["waiting"] == 1 for q in site.get("/queues") if q["name"] == "Support"):
                break
            time.sleep(0.1)
        # Only now is its call surely in the log: before, the newest could be an earlier one.
        waiting = site.newest_call(ended=False)
        assert waiting["outcome"] == "in_progress", waiting
        words = {"text": "Vi har just nu en driftstörning i telefonin. Försök igen senare."}
        on = site.api.put(storm_url, json=words, headers=supervisor)
        assert on.status_code == 200, on.text
        assert (on.json()["entry_point"], on.json()["by"]) == ("200", "supervisor1")
        assert [s["entry_point"] for s in site.api.get("/storm", headers=headers).json()] == ["200"]
        # The caller already waiting hears it at its next announcement (every 5 s; the
        # bound only guards against a hang on a loaded machine).
        for _ in range(600):
            if kinds_of(site.events(waiting["id"]), StormHeard):
                break
            time.sleep(0.1)
        (heard,) = kinds_of(site.events(waiting["id"]), StormHeard)
        announced = len(kinds_of(site.events(waiting["id"]), AnnouncementPlayed))
        before = int((heard.at - waiting_since).total_seconds() / 0.02)
        # A new caller hears it at once, before anything else.
        assert site.press("200", [], hold_ms=1500) == 0
        new = site.newest_call()
        kinds = [type(event) for event in site.events(new["id"])]
        assert kinds[:2] == [ContactEntered, StormHeard], kinds
        # The waiting caller's next announcements are the usual ones, not the storm again.
        for _ in range(300):
            if len(kinds_of(site.events(waiting["id"]), AnnouncementPlayed)) > announced:
                break
            time.sleep(0.1)
        assert len(kinds_of(site.events(waiting["id"]), AnnouncementPlayed)) > announced
        off = site.api.delete(storm_url, headers=supervisor)
        assert off.status_code == 204, off.text
        assert site.press("200", [], hold_ms=1500) == 0
        assert kinds_of(site.events(site.newest_call()["id"]), StormHeard) == []
        assert len(kinds_of(site.events(waiting["id"]), StormHeard)) == 1
    finally:
        site.api.delete(storm_url, headers=supervisor)
        site.api.post("/agent/logout", json={}, headers=headers)
        site.put("/config/announcement-sets/standard", standard)
        caller.close()
    # What the waiting caller heard holds the storm message as the server spoke it.
    (started,) = [
        e.event for e in site.log.read(limit=100_000) if isinstance(e.event, StormStarted)
    ]
    assert heard.started_at == started.at
    spoken = envelope(Path(started.audio))
    heard_audio = envelope(site.tmp / f"heard-{agent[:8]}.wav")
    assert best_match(spoken, heard_audio) > 0.9  # 0.995 measured
    assert best_match(spoken, heard_audio[:before]) < 0.7  # music and prompts: 0.34


def test_a_caller_put_through_to_a_colleague_at_lunch_hears_the_hanvisning(site: Site) -> None:
    """R29 with real phones: agent11 answers a pjsua2 caller and puts it through blind to
    agent17, whose hänvisning says lunch until two hours from now. The caller hears it:
    the prompts' own sound ("Personen du söker", "är på lunch") is found in what its
    phone recorded. The transfer completes only once the hänvisning has been played."""
    answering, away, calling = site.token("agent11"), site.token("agent17"), site.token("agent15")
    caller = Phone(calling, site.tmp, "--rtp-port", str(free_rtp_ports()))
    phone = Phone(answering, site.tmp)
    headers = {"Authorization": f"Bearer {answering}"}
    away_headers = {"Authorization": f"Bearer {away}"}
    back = datetime.now(UTC).replace(second=0, microsecond=0) + timedelta(hours=2)
    try:
        lunch = {"reason": "lunch", "until": back.isoformat()}
        assert site.api.put("/presence", json=lunch, headers=away_headers).status_code == 200
        contact = {"sip_contact": f"sip:agent@{phone.address}"}
        assert site.api.post("/agent/login", json=contact, headers=headers).status_code == 200
        assert caller.process.stdin is not None
        caller.process.stdin.write(f"dial sip:200@{site.sip}\n")
        caller.process.stdin.flush()
        caller.expect("answered")
        phone.expect("answered")
        for _ in range(300):  # the call flow hands the answered call to the call control
            if (mine := site.api.get("/agent", headers=headers).json()["last_contact"]) is not None:
                break
            time.sleep(0.1)
        # agent17 logs in only now (Support's caller is agent11's): its phone rings, unanswered.
        ringing_only = {"sip_contact": "sip:nobody@127.0.0.1:9"}
        assert site.api.post("/agent/login", json=ringing_only, headers=away_headers).is_success
        blind = {"contact_id": mine, "kind": "agent", "target": "agent17"}
        put_through = site.api.post("/agent/transfer", json=blind, headers=headers, timeout=60)
        assert put_through.status_code == 200, put_through.text
        assert put_through.json()["state"] == "completed"
    finally:
        site.api.delete("/presence", headers=away_headers)
        for token in (answering, away):
            site.api.post("/agent/logout", json={}, headers={"Authorization": f"Bearer {token}"})
        caller.close()
        phone.close()
    heard = envelope(site.tmp / f"heard-{calling[:8]}.wav")
    prompts = Path(__file__).parents[2] / "resources" / "prompts" / "sv"
    for name in ("presence_intro", "presence_lunch"):
        said = envelope(prompts / f"{name}.wav")[:-10]  # the last 0.2 s may still be on its way
        assert best_match(said, heard) > 0.9, name
