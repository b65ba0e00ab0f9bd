"""Simulated callers: up to 4 concurrent legs per process (one pjsua2 endpoint each).

A caller dials the target; when the server answers it waits ``MENU_DELAY`` seconds for
the menu prompt, sends ``digits`` as RFC 2833 events, and stays on the line. A caller
cannot tell from the SIP dialog when the server bridges it to an agent (the worker
bridges inside its conference bridge, with no re-INVITE), so the choice here is a fixed
time: the caller hangs up ``patience + talk`` seconds after the server answered, unless
the server (an agent hanging up, an overflow message ending) ends the call first. With
simulated agents whose ``--talk`` is shorter than that, a bridged caller is ended by the
agent, and a caller who was never bridged gives up after its patience.
"""

import contextlib
import json
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pjsua2 as pj

from vaxla_server.sim.endpoint import MAX_LEGS, SimEndpoint, SimEndpointError

MENU_DELAY = 1.5


@dataclass
class CallerPlan:
    target: str
    rate: float  # calls per second placed by this process
    count: int | None  # calls this process places (None: until stopped)
    digits: str
    patience: float
    talk: float


@dataclass
class CallerCounters:
    placed: int = 0
    answered: int = 0
    failed: int = 0
    hung_up: int = 0  # by the caller, its patience (+ talk) over
    ended_by_server: int = 0
    skipped: int = 0  # due while all 4 legs were busy: placed later

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


class _Call(pj.Call):  # type: ignore[misc]
    def __init__(self, group: "CallerGroup", account: Any) -> None:
        super().__init__(account)
        self.group = group
        self.answered_at: float | None = None
        self.dtmf_sent = False
        self.local_hangup = False
        self.done = False

    def onCallState(self, prm: Any) -> None:
        info = self.getInfo()
        if info.state == pj.PJSIP_INV_STATE_CONFIRMED and self.answered_at is None:
            self.answered_at = self.group.clock()
            self.group.counters.answered += 1
        elif info.state == pj.PJSIP_INV_STATE_DISCONNECTED and not self.done:
            self.done = True
            if self.answered_at is None:
                self.group.counters.failed += 1
            elif self.local_hangup:
                self.group.counters.hung_up += 1
            else:
                self.group.counters.ended_by_server += 1

    def onCallMediaState(self, prm: Any) -> None:
        # Send the null device's silence: without a source the stream sends no RTP, and
        # then no RFC 2833 digits either.
        info = self.getInfo()
        for index, media in enumerate(info.media):
            if media.type == pj.PJMEDIA_TYPE_AUDIO and media.status == pj.PJSUA_CALL_MEDIA_ACTIVE:
                self.group.silence.startTransmit(self.getAudioMedia(index))


class _Account(pj.Account):  # type: ignore[misc]
    def onIncomingCall(self, prm: Any) -> None:
        call = pj.Call(self, prm.callId)
        answer = pj.CallOpParam(True)
        answer.statusCode = 403  # a simulated caller takes no calls
        call.answer(answer)


class CallerGroup:
    def __init__(self, plan: CallerPlan, clock: Callable[[], float] = time.monotonic) -> None:
        self.plan = plan
        self.clock = clock
        self.counters = CallerCounters()
        self.calls: list[_Call] = []
        self.sip = SimEndpoint(_Account(), "caller")
        self.silence = self.sip.endpoint.audDevManager().getCaptureDevMedia()

    def place(self) -> None:
        call = _Call(self, self.sip.account)
        self.calls.append(call)
        self.counters.placed += 1
        try:
            call.makeCall(self.plan.target, pj.CallOpParam(True))
        except pj.Error:
            call.done = True
            self.counters.failed += 1

    def step(self) -> None:
        now = self.clock()
        hold = self.plan.patience + self.plan.talk
        for call in self.calls:
            if call.done or call.answered_at is None:
                continue
            if not call.dtmf_sent and self.plan.digits and now >= call.answered_at + MENU_DELAY:
                call.dtmf_sent = True
                with contextlib.suppress(pj.Error):
                    call.dialDtmf(self.plan.digits)
            if not call.local_hangup and now >= call.answered_at + hold:
                call.local_hangup = True
                with contextlib.suppress(pj.Error):
                    call.hangup(pj.CallOpParam(True))
        self.calls = [c for c in self.calls if not c.done]

    def run(self, stop: Callable[[], bool], report_every: float = 1.0) -> None:
        print(json.dumps({"ready": self.sip.address}), flush=True)
        interval = 1.0 / self.plan.rate
        next_call = self.clock()
        next_report = next_call + report_every
        while not stop():
            now = self.clock()
            remaining = self.plan.count is None or self.counters.placed < self.plan.count
            if remaining and now >= next_call:
                if len(self.calls) < MAX_LEGS:
                    self.place()
                    next_call += interval
                else:
                    self.counters.skipped += 1
                    next_call = now + interval / 4
            elif not remaining and not self.calls:
                break
            self.sip.pump(5)
            self.step()
            if self.clock() >= next_report:
                next_report += report_every
                print(json.dumps(self.counters.as_dict()), flush=True)
        print(json.dumps(self.counters.as_dict()), flush=True)

    def close(self) -> None:
        for call in self.calls:
            call.local_hangup = True
            with contextlib.suppress(pj.Error):
                call.hangup(pj.CallOpParam(True))
        deadline = self.clock() + 2
        while any(not c.done for c in self.calls) and self.clock() < deadline:
            self.sip.pump(10)
        self.calls.clear()
        self.sip.destroy()


def run_group(plan: CallerPlan) -> int:
    stopping = False

    def stop(_signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        group = CallerGroup(plan)
    except SimEndpointError as error:
        print(f"vaxla-sim callers: {error}", file=sys.stderr, flush=True)
        return 1
    try:
        group.run(lambda: stopping)
    finally:
        group.close()
    return 0
