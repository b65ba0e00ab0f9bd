"""Simulated agents: at most 4 per process (one pjsua2 endpoint each), driven by a loop.

Each agent logs in through the HTTP API, reports its SIP contact, answers offers whose
``X-Vaxla-Offer`` header verifies with its session key after ``answer_after`` seconds,
hangs up after ``talk`` seconds, and ``wrap_up`` seconds later classifies the call (with
the first active classification code, if any) and says it is ready. INVITEs that do not
verify are refused with 403. The group prints its counters as one JSON line per second
on stdout, for the parent process to add up.
"""

import contextlib
import json
import re
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import httpx
import pjsua2 as pj

from vaxla_protocol.offers import (
    OFFER_HEADER,
    InvalidOfferToken,
    session_key,
    verify_offer_header,
)
from vaxla_server.sim.endpoint import MAX_LEGS, SimEndpoint

_HEADER = re.compile(rf"^{re.escape(OFFER_HEADER)}[ \t]*:[ \t]*(.*?)\r?$", re.I | re.M)


WRAP_UP_CHECKS = 50  # times the agent's state is read before giving up on wrap-up
WRAP_UP_CHECK_S = 0.1


class SimApiError(Exception):
    """The server refused a request the simulated agent needs (login, contact)."""


class Phase(Enum):
    IDLE = "idle"
    RINGING = "ringing"
    TALKING = "talking"
    WRAP_UP = "wrap_up"


@dataclass
class Timing:
    answer_after: float
    talk: float
    wrap_up: float


@dataclass
class Counters:
    answered: int = 0
    talking: int = 0
    refused: int = 0
    ended: int = 0
    errors: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "answered": self.answered,
            "talking": self.talking,
            "refused": self.refused,
            "ended": self.ended,
            "errors": self.errors,
        }


class Api:
    """The few agent routes of the HTTP API, for one logged-in agent."""

    def __init__(self, client: httpx.Client, username: str, password: str) -> None:
        self.client = client
        response = client.post("/auth/login", json={"username": username, "password": password})
        if response.status_code != 200:
            raise SimApiError(
                f"{username} could not log in: {response.status_code} {response.text}"
            )
        self.token: str = response.json()["token"]
        self.headers = {"Authorization": f"Bearer {self.token}"}

    def post(self, path: str, body: object) -> httpx.Response:
        return self.client.post(path, json=body, headers=self.headers)

    def first_classification_code(self) -> str | None:
        response = self.client.get("/config/classification-codes", headers=self.headers)
        if response.status_code != 200:
            return None
        for item in response.json():
            if item.get("active"):
                return str(item["code"])
        return None


@dataclass
class Agent:
    username: str
    api: Api
    key: str
    code: str | None
    phase: Phase = Phase.IDLE
    call: "_Call | None" = None
    due: float = 0.0  # when the current phase's next step is due (monotonic seconds)
    wrap_up_checks: int = 0
    finished: list["_Call"] = field(default_factory=list)


class _Call(pj.Call):  # type: ignore[misc]
    def __init__(self, group: "AgentGroup", account: Any, call_id: int) -> None:
        super().__init__(account, call_id)
        self.group = group
        self.agent: Agent | None = None

    def onCallState(self, prm: Any) -> None:
        if self.getInfo().state == pj.PJSIP_INV_STATE_DISCONNECTED:
            self.group.disconnected(self)

    def onCallMediaState(self, prm: Any) -> None:
        info = self.getInfo()
        if any(m.status == pj.PJSUA_CALL_MEDIA_ACTIVE for m in info.media):
            self.group.media_active(self)


class _Account(pj.Account):  # type: ignore[misc]
    def __init__(self, group: "AgentGroup") -> None:
        super().__init__()
        self.group = group

    def onIncomingCall(self, prm: Any) -> None:
        self.group.incoming(_Call(self.group, self, prm.callId), str(prm.rdata.wholeMsg))


class AgentGroup:
    """Up to 4 agents sharing one pjsua2 endpoint in this process."""

    def __init__(
        self,
        server: str,
        usernames: list[str],
        password: str,
        timing: Timing,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not 1 <= len(usernames) <= MAX_LEGS:
            raise ValueError(f"a process holds 1 to {MAX_LEGS} agents, not {len(usernames)}")
        self.timing = timing
        self.clock = clock
        self.counters = Counters()
        self.agents: list[Agent] = []
        self.refused: list[_Call] = []
        self.client = httpx.Client(base_url=server.rstrip("/") + "/api/v1", timeout=10)
        self.sip = SimEndpoint(_Account(self), "agent")
        self.contact = contact = f"sip:agent@{self.sip.address}"
        try:
            for username in usernames:
                api = Api(self.client, username, password)
                code = api.first_classification_code()
                agent = Agent(username, api, session_key(api.token), code)
                response = api.post("/agent/login", {"sip_contact": contact})
                if response.status_code != 200:
                    raise SimApiError(
                        f"{username} could not log in as agent: "
                        f"{response.status_code} {response.text}"
                    )
                self.agents.append(agent)
        except BaseException:
            self.close()
            raise

    # pjsua2 callbacks (on the loop's thread, inside libHandleEvents)

    def incoming(self, call: _Call, message: str) -> None:
        head = message.split("\r\n\r\n", 1)[0]
        match = _HEADER.search(head)
        value = match.group(1) if match else None
        answer = pj.CallOpParam(True)
        for agent in self.agents:
            try:
                verify_offer_header(agent.key, value)
            except InvalidOfferToken:
                continue
            if agent.phase is not Phase.IDLE:
                break  # busy: 486 below, the server offers the contact elsewhere
            call.agent = agent
            agent.call = call
            agent.phase = Phase.RINGING
            agent.due = self.clock() + self.timing.answer_after
            answer.statusCode = 180
            call.answer(answer)
            return
        else:
            self.counters.refused += 1
            self.refused.append(call)
            answer.statusCode = 403
            call.answer(answer)
            return
        self.refused.append(call)
        answer.statusCode = 486
        call.answer(answer)

    def media_active(self, call: _Call) -> None:
        agent = call.agent
        if agent is not None and agent.call is call and agent.phase is Phase.RINGING:
            agent.phase = Phase.TALKING
            agent.due = self.clock() + self.timing.talk
            self.counters.answered += 1

    def disconnected(self, call: _Call) -> None:
        agent = call.agent
        if agent is None or agent.call is not call:
            return
        agent.finished.append(call)
        agent.call = None
        if agent.phase is Phase.TALKING:
            self.counters.ended += 1
            agent.phase = Phase.WRAP_UP
            agent.due = self.clock() + self.timing.wrap_up
        else:  # the caller went before the agent answered
            agent.phase = Phase.IDLE

    # The loop

    def step(self) -> None:
        """Do what is due: answer, hang up, end wrap-up; forget finished calls."""
        now = self.clock()
        for agent in self.agents:
            agent.finished.clear()
            if agent.phase is Phase.IDLE or now < agent.due:
                continue
            # The pjsua2 call's callbacks (media active, DISCONNECTED) may run inside it,
            # so ``due`` is set first and the call is kept to see if it is still current.
            call = agent.call
            if agent.phase is Phase.RINGING and call is not None:
                answer = pj.CallOpParam(True)
                answer.statusCode = 200
                agent.due = float("inf")  # until the media is active
                try:
                    call.answer(answer)
                except pj.Error:  # the caller went while it rang: pjsua2 has no call left
                    if agent.call is call:
                        self.disconnected(call)
            elif agent.phase is Phase.TALKING and call is not None:
                agent.due = float("inf")  # until DISCONNECTED
                try:
                    call.hangup(pj.CallOpParam(True))
                except pj.Error:  # gone already: no DISCONNECTED will come
                    if agent.call is call:
                        self.disconnected(call)
            elif agent.phase is Phase.WRAP_UP:
                self.end_wrap_up(agent)
        self.refused = [c for c in self.refused if c.isActive()]
        self.counters.talking = sum(a.phase is Phase.TALKING for a in self.agents)

    def end_wrap_up(self, agent: Agent) -> None:
        """Classify and say ready once the server has the agent in wrap-up (the server
        hears of the hang-up from its worker a moment after the phone does)."""
        response = agent.api.client.get("/agent", headers=agent.api.headers)
        state = response.json().get("state") if response.status_code == 200 else None
        if state != "wrap_up":
            agent.wrap_up_checks += 1
            if state != "available" and agent.wrap_up_checks < WRAP_UP_CHECKS:
                agent.due = self.clock() + WRAP_UP_CHECK_S
                return
        agent.phase = Phase.IDLE
        agent.wrap_up_checks = 0
        if state != "wrap_up":
            if state != "available":
                self.counters.errors += 1  # never saw the wrap-up: the server's state is odd
            return  # the server ended the wrap-up itself
        if agent.code is not None:
            response = agent.api.post("/agent/classification", {"code": agent.code})
            if response.status_code != 200:
                self.counters.errors += 1
        response = agent.api.post("/agent/ready", {})
        if response.status_code not in (200, 409):  # 409: the wrap-up ended meanwhile
            self.counters.errors += 1

    def run(self, stop: Callable[[], bool], report_every: float = 1.0) -> None:
        ready = {"ready": [a.username for a in self.agents], "contact": self.contact}
        print(json.dumps(ready), flush=True)
        next_report = self.clock() + report_every
        while not stop():
            self.sip.pump(10)
            self.step()
            if self.clock() >= next_report:
                next_report += report_every
                print(json.dumps(self.counters.as_dict()), flush=True)
        print(json.dumps(self.counters.as_dict()), flush=True)

    def close(self) -> None:
        """Hang up, log the agents out, destroy the endpoint."""
        for agent in self.agents:
            if agent.call is not None:
                with contextlib.suppress(pj.Error):
                    agent.call.hangup(pj.CallOpParam(True))
        deadline = self.clock() + 2
        while any(a.call is not None for a in self.agents) and self.clock() < deadline:
            self.sip.pump(10)
        for agent in self.agents:
            agent.call = None
            agent.finished.clear()
            with contextlib.suppress(httpx.HTTPError):
                agent.api.post("/agent/logout", {})
        self.refused.clear()
        self.sip.destroy()
        self.client.close()


def run_group(server: str, usernames: list[str], password: str, timing: Timing) -> int:
    """A child process's work: run the group until SIGTERM/SIGINT; the exit status."""
    stopping = False

    def stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        group = AgentGroup(server, usernames, password, timing)
    except (SimApiError, httpx.HTTPError) as error:
        print(f"vaxla-sim agents: {error}", file=sys.stderr, flush=True)
        return 1
    try:
        group.run(lambda: stopping)
    finally:
        group.close()
    return 0
