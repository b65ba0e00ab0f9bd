"""CallLeg and CallRouter with a recording sender in place of the media pool."""

import asyncio
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import pytest

from vaxla_server.callflow.legs import CallGone, CallLeg, CallRouter
from vaxla_server.clock import ManualClock
from vaxla_server.media.messages import (
    AgentLegState,
    CallEnded,
    Dtmf,
    IncomingCall,
    OriginateAgentLeg,
    Play,
    PlaybackFinished,
    StopPlayback,
    ToWorker,
)

INCOMING = IncomingCall(
    call_id="w1-1",
    to_user="100",
    from_uri="<sip:+46701234567@10.0.0.1>",
    source_address="127.0.0.1:5060",
)
PROMPT = [Path("/prompts/sv/welcome.wav")]


class Sender:
    def __init__(self) -> None:
        self.sent: list[ToWorker] = []

    async def send(self, command: ToWorker) -> None:
        self.sent.append(command)


def run(coroutine: Coroutine[Any, Any, None]) -> None:
    asyncio.run(coroutine)


def test_the_caller_number_comes_from_the_from_uri() -> None:
    async def scenario() -> None:
        leg = CallLeg(Sender(), INCOMING, ManualClock())
        assert leg.caller == "+46701234567"

    run(scenario())


def test_play_waits_for_the_worker_to_finish() -> None:
    async def scenario() -> None:
        sender, clock = Sender(), ManualClock()
        leg = CallLeg(sender, INCOMING, clock)
        playing = asyncio.create_task(leg.play(PROMPT))
        await clock.settle()
        (play,) = sender.sent
        assert isinstance(play, Play) and play.files == [str(PROMPT[0])]
        assert not playing.done()
        leg.deliver(PlaybackFinished(call_id="w1-1", play_id=play.play_id))
        await playing

    run(scenario())


def test_a_key_interrupts_a_prompt_and_stops_it() -> None:
    async def scenario() -> None:
        sender, clock = Sender(), ManualClock()
        leg = CallLeg(sender, INCOMING, clock)
        playing = asyncio.create_task(leg.play_until_digit(PROMPT))
        await clock.settle()
        leg.deliver(Dtmf(call_id="w1-1", digit="2"))
        assert await playing == "2"
        assert isinstance(sender.sent[-1], StopPlayback)

    run(scenario())


def test_next_digit_times_out_on_the_clock() -> None:
    async def scenario() -> None:
        clock = ManualClock()
        leg = CallLeg(Sender(), INCOMING, clock)
        waiting = asyncio.create_task(leg.next_digit(timeout=5))
        await clock.advance(4)
        assert not waiting.done()
        await clock.advance(1)
        assert await waiting is None
        leg.deliver(Dtmf(call_id="w1-1", digit="#"))
        assert await leg.next_digit(timeout=5) == "#"

    run(scenario())


def test_every_wait_ends_when_the_caller_hangs_up() -> None:
    async def scenario() -> None:
        sender, clock = Sender(), ManualClock()
        leg = CallLeg(sender, INCOMING, clock)
        playing = asyncio.create_task(leg.play(PROMPT))
        digit = asyncio.create_task(leg.next_digit(timeout=60))
        agent = asyncio.create_task(leg.agent_leg_state("answered"))
        await clock.settle()
        leg.deliver(CallEnded(call_id="w1-1", cause="caller_hangup", side="caller"))
        for task in (playing, digit, agent):
            with pytest.raises(CallGone) as gone:
                await task
            assert (gone.value.cause, gone.value.side) == ("caller_hangup", "caller")
        with pytest.raises(CallGone):
            await leg.answer()
        await clock.settle()
        assert clock.sleepers == 0

    run(scenario())


def test_agent_leg_states_are_waited_for_by_name() -> None:
    async def scenario() -> None:
        sender, clock = Sender(), ManualClock()
        leg = CallLeg(sender, INCOMING, clock)
        await leg.originate_agent_leg("sip:agent1@127.0.0.1:5070", {"X-Vaxla-Offer": "o1;ab"})
        assert isinstance(sender.sent[-1], OriginateAgentLeg)
        waiting = asyncio.create_task(leg.agent_leg_state("answered", "failed"))
        leg.deliver(AgentLegState(call_id="w1-1", state="ringing"))
        await clock.settle()
        assert not waiting.done()
        leg.deliver(AgentLegState(call_id="w1-1", state="failed", code=486))
        assert (await waiting).code == 486

    run(scenario())


def test_an_answer_reported_before_the_end_is_handed_over_first() -> None:
    """The agent answered and hung up before the flow looked: the worker's answer and the
    call's end came together. The answer is still read, and only then does the end
    raise."""

    async def scenario() -> None:
        sender, clock = Sender(), ManualClock()
        leg = CallLeg(sender, INCOMING, clock)
        await leg.originate_agent_leg("sip:agent1@127.0.0.1:5070", {})
        leg.deliver(AgentLegState(call_id="w1-1", state="ringing"))
        leg.deliver(AgentLegState(call_id="w1-1", state="answered"))
        leg.deliver(CallEnded(call_id="w1-1", cause="agent_hangup", side="agent"))
        assert (await leg.agent_leg_state("answered", "failed")).state == "answered"
        with pytest.raises(CallGone):
            await leg.agent_leg_state("answered", "failed")

    run(scenario())


def test_a_cancelled_wait_leaves_the_answer_for_the_flow_to_find() -> None:
    """A ring's task cancelled after the answer arrived but before it ran loses nothing:
    the answer stays with the leg until taken (``reported_answer``)."""

    async def scenario() -> None:
        sender, clock = Sender(), ManualClock()
        leg = CallLeg(sender, INCOMING, clock)
        await leg.originate_agent_leg("sip:agent1@127.0.0.1:5070", {})
        waiting = asyncio.create_task(leg.agent_leg_state("answered", "failed"))
        await clock.settle()
        leg.deliver(AgentLegState(call_id="w1-1", state="answered"))
        leg.deliver(CallEnded(call_id="w1-1", cause="agent_hangup", side="agent"))
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        assert leg.reported_answer()
        assert not leg.reported_answer()  # taken once

    run(scenario())


def test_the_router_runs_one_flow_per_call_and_forgets_ended_calls() -> None:
    async def scenario() -> None:
        sender, clock = Sender(), ManualClock()
        heard: list[str] = []

        async def flow(leg: CallLeg) -> None:
            await leg.answer()
            heard.append(await leg.next_digit(timeout=10) or "none")
            await leg.next_digit(timeout=10)

        router = CallRouter(sender, flow, clock)
        router(INCOMING)
        router(INCOMING.model_copy(update={"call_id": "w1-2"}))
        await clock.settle()
        assert router.active_calls == 2
        router(Dtmf(call_id="w1-1", digit="5"))
        router(Dtmf(call_id="w9-9", digit="5"))  # unknown call: ignored
        await clock.advance(10)
        assert sorted(heard) == ["5", "none"]
        router(CallEnded(call_id="w1-1", cause="caller_hangup", side="caller"))
        router(CallEnded(call_id="w1-2", cause="worker_died", side="server"))
        await router.drain()
        assert router.active_calls == 0

    run(scenario())


def test_a_failing_flow_hangs_the_call_up() -> None:
    async def scenario() -> None:
        sender, clock = Sender(), ManualClock()

        async def broken(leg: CallLeg) -> None:
            raise RuntimeError("bug")

        router = CallRouter(sender, broken, clock)
        router(INCOMING)
        await router.drain()
        assert [command.type for command in sender.sent] == ["hangup"]

    run(scenario())
