"""A caller's call in a media worker, as something the call flow can ``await``.

The media pool hands every worker message to one :class:`CallRouter`. The router makes a
:class:`CallLeg` for each incoming call, starts the call flow for it, and feeds the leg the
messages of its call id (digits, finished playbacks, agent-leg states, the end). The flow
awaits the leg: ``await leg.play(files)``, ``await leg.next_digit(timeout=5)``. Once the
call has ended every wait raises :class:`CallGone`, so a flow never waits on a caller who
is no longer there, and the flow's task always learns how and by whom the call ended.
"""

import asyncio
import itertools
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Generic, Protocol, TypeVar

from vaxla_server.clock import Clock, wait_for
from vaxla_server.media.messages import (
    AgentLegState,
    AgentLegStateName,
    Answer,
    Bridge,
    CallEnded,
    CancelAgentLeg,
    CancelConsult,
    CommandFailed,
    CompleteConsult,
    Consult,
    ConsultState,
    ConsultStateName,
    Dtmf,
    FromWorker,
    Hangup,
    IncomingCall,
    LegEndCause,
    Originate,
    OriginateAgentLeg,
    OriginatedState,
    Play,
    PlaybackFinished,
    Record,
    RecordedLeg,
    RecordingFinished,
    Reject,
    Ringback,
    Side,
    StopPlayback,
    StopRecording,
    ToWorker,
)

log = logging.getLogger(__name__)
T = TypeVar("T")
TERMINATOR = "#"
"""The key that ends a digit entry."""


class RecordingFailed(Exception):
    """The worker could not record (the reason it gave)."""


class MediaSender(Protocol):
    async def send(self, command: ToWorker) -> None: ...


class _Mailbox(Generic[T]):
    """States a worker reported, in order, until the flow takes them. Unlike an
    ``asyncio.Queue`` read through a task, a state stays here until it is taken
    synchronously, so a cancelled or ended wait never loses one."""

    def __init__(self) -> None:
        self._items: deque[T] = deque()
        self._arrived = asyncio.Event()

    def put(self, item: T) -> None:
        self._items.append(item)
        self._arrived.set()

    def clear(self) -> None:
        self._items.clear()

    def __bool__(self) -> bool:
        return bool(self._items)

    def take(self) -> T | None:
        """The oldest state not yet taken, or ``None``."""
        return self._items.popleft() if self._items else None

    async def arrival(self) -> None:
        """Until a state is here to take."""
        while not self._items:
            self._arrived.clear()
            await self._arrived.wait()


class CallGone(Exception):
    """The call ended while the flow waited on it."""

    def __init__(self, cause: LegEndCause, side: Side) -> None:
        self.cause = cause
        self.side = side
        super().__init__(f"the call ended ({cause}, by {side})")


class CallLeg:
    """One caller's call, from ``incoming_call`` to ``call_ended``."""

    def __init__(self, sender: MediaSender, incoming: IncomingCall, clock: Clock) -> None:
        self.call_id = incoming.call_id
        self.to_user = incoming.to_user
        self.from_uri = incoming.from_uri
        self.source_address = incoming.source_address
        self.session = incoming.session
        """The ``X-Vaxla-Session`` header of an agent's outbound call (unverified)."""
        self._sender = sender
        self._clock = clock
        self._loop = asyncio.get_running_loop()
        self._digits: asyncio.Queue[str] = asyncio.Queue()
        self._agent_states: _Mailbox[AgentLegState] = _Mailbox()
        self._consult_states: _Mailbox[ConsultState] = _Mailbox()
        self._originated_states: _Mailbox[OriginatedState] = _Mailbox()
        self._plays: dict[str, asyncio.Future[None]] = {}
        self._recordings: dict[str, asyncio.Future[RecordingFinished]] = {}
        self._play_ids = itertools.count(1)
        self._terminator_until: float | None = None
        """Until when (clock seconds, monotonic) a '#' ends the entry just completed
        instead of being the next key; see :meth:`swallow_terminator`."""
        self.ended: asyncio.Future[CallEnded] = self._loop.create_future()

    @property
    def recording(self) -> bool:
        """A recording was started whose report has not come yet."""
        return bool(self._recordings)

    @property
    def caller(self) -> str:
        """The caller's number (the user part of the From URI), or the whole URI."""
        uri = self.from_uri.strip("<>")
        user = uri.split(":", 1)[-1].split("@", 1)[0]
        return user or uri

    # Fed by the router

    def deliver(self, message: FromWorker) -> None:
        if isinstance(message, Dtmf):
            if self._terminator_until is not None:
                until, self._terminator_until = self._terminator_until, None
                if message.digit == TERMINATOR and self._clock.monotonic() <= until:
                    return
            self._digits.put_nowait(message.digit)
        elif isinstance(message, PlaybackFinished):
            future = self._plays.pop(message.play_id, None)
            if future is not None and not future.done():
                future.set_result(None)
        elif isinstance(message, RecordingFinished):
            recording = self._recordings.pop(message.record_id, None)
            if recording is not None and not recording.done():
                recording.set_result(message)
        elif isinstance(message, AgentLegState):
            self._agent_states.put(message)
        elif isinstance(message, ConsultState):
            self._consult_states.put(message)
        elif isinstance(message, OriginatedState):
            self._originated_states.put(message)
        elif isinstance(message, CallEnded):
            if not self.ended.done():
                self.ended.set_result(message)
            if message.cause == "worker_died":  # no report will come: the file is as it is
                for recording in self._recordings.values():
                    if not recording.done():
                        recording.set_exception(RecordingFailed("the media worker was lost"))
                self._recordings.clear()
            for future in self._plays.values():
                future.cancel()
            self._plays.clear()
        elif isinstance(message, CommandFailed):
            log.warning("call %s: %s failed: %s", self.call_id, message.command, message.reason)
            if message.command == "originate" and not self.ended.done():
                # The call was never made (no room left in the worker): it is over.
                self.ended.set_result(
                    CallEnded(call_id=self.call_id, cause="media_error", side="server")
                )
            if message.command == "record":  # one recording at a time: the one asked for
                for recording in self._recordings.values():
                    if not recording.done():
                        recording.set_exception(RecordingFailed(message.reason))
                self._recordings.clear()

    # What the flow awaits

    def _check(self) -> None:
        if self.ended.done():
            ended = self.ended.result()
            raise CallGone(ended.cause, ended.side)

    async def _until_ended(self, awaitable: Awaitable[T]) -> T:
        """``awaitable``'s result, or :class:`CallGone` as soon as the call ends."""
        try:
            self._check()
        except CallGone:
            if asyncio.iscoroutine(awaitable):
                awaitable.close()  # never started: no "never awaited" warning
            raise
        task = asyncio.ensure_future(awaitable)
        waits: set[asyncio.Future[object]] = {task, self.ended}  # type: ignore[arg-type]
        try:
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            if not task.done():
                task.cancel()
            elif not task.cancelled():
                task.exception()  # seen, also when the end or a cancel wins the race
        if task.done() and not task.cancelled():
            return task.result()
        self._check()
        raise AssertionError("unreachable: the wait ended without a result or an end")

    async def _send(self, command: ToWorker) -> None:
        self._check()
        await self._sender.send(command)

    async def answer(self) -> None:
        await self._send(Answer(call_id=self.call_id))

    async def reject(self, code: int, reason: str | None = None) -> None:
        await self._send(Reject(call_id=self.call_id, code=code, reason=reason))

    async def start_playing(self, files: Sequence[Path], *, loop: bool = False) -> str:
        """Start ``files`` (replacing what plays now); the play id."""
        play_id = f"p{next(self._play_ids)}"
        if not loop:
            self._plays[play_id] = self._loop.create_future()
        await self._send(
            Play(call_id=self.call_id, play_id=play_id, files=[str(f) for f in files], loop=loop)
        )
        return play_id

    async def play(self, files: Sequence[Path]) -> None:
        """Play ``files`` to the end."""
        play_id = await self.start_playing(files)
        await self._until_ended(asyncio.shield(self._plays[play_id]))

    async def play_until_digit(self, files: Sequence[Path]) -> str | None:
        """Play ``files``; a key pressed meanwhile stops the playback and is returned."""
        if not self._digits.empty():
            return self._digits.get_nowait()
        play_id = await self.start_playing(files)
        finished = self._plays[play_id]
        digit = asyncio.ensure_future(self._digits.get())
        either: set[asyncio.Future[object]] = {finished, digit}  # type: ignore[arg-type]
        try:
            await self._until_ended(asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED))
        finally:
            if not digit.done():
                digit.cancel()
        if digit.done() and not digit.cancelled():
            if not finished.done():
                self._plays.pop(play_id, None)
                finished.cancel()
                await self.stop_playback()
            return digit.result()
        return None

    async def record(
        self,
        path: Path,
        max_seconds: float,
        *,
        stop_key: str | None = None,
        legs: Sequence[RecordedLeg] = ("caller",),
    ) -> "asyncio.Future[RecordingFinished]":
        """Start recording what the caller says (``legs``: and the agent, mixed, from
        whenever the call has one) into ``path``; the future gets the worker's report
        when it ends (its length, the key, the hang-up), also after the call has ended:
        a recording outlives its call."""
        record_id = f"r{next(self._play_ids)}"
        finished: asyncio.Future[RecordingFinished] = self._loop.create_future()
        self._recordings[record_id] = finished
        await self._send(
            Record(
                call_id=self.call_id,
                record_id=record_id,
                path=str(path),
                max_seconds=max_seconds,
                stop_key=stop_key,
                legs=list(legs),
            )
        )
        return finished

    async def stop_recording(self) -> None:
        """End the call's recording now (its future gets the report, ``stopped``)."""
        await self._send(StopRecording(call_id=self.call_id))

    async def until_ended(self, awaitable: Awaitable[T]) -> T:
        """``awaitable``'s result, or :class:`CallGone` as soon as the call ends."""
        return await self._until_ended(awaitable)

    async def stop_playback(self) -> None:
        await self._send(StopPlayback(call_id=self.call_id))

    async def next_digit(self, timeout: float) -> str | None:
        """The next key the caller presses, or ``None`` after ``timeout`` seconds."""
        try:
            return await self._until_ended(wait_for(self._clock, self._digits.get(), timeout))
        except TimeoutError:
            return None

    def swallow_terminator(self, within: float) -> None:
        """A digit entry just ended at its full length: if the caller's next key is '#'
        (waiting already, or pressed within ``within`` seconds) it ended that entry and
        is dropped, so the next menu or collection does not read it as an empty entry.
        Any other key is the next step's, and so is a '#' after another key or later."""
        pending: list[str] = []
        while not self._digits.empty():
            pending.append(self._digits.get_nowait())
        if pending:
            if pending[0] == TERMINATOR:
                pending.pop(0)
            self._terminator_until = None
        else:
            self._terminator_until = self._clock.monotonic() + within
        for digit in pending:
            self._digits.put_nowait(digit)

    def clear_digits(self) -> None:
        while not self._digits.empty():
            self._digits.get_nowait()

    async def originate_agent_leg(self, sip_uri: str, headers: dict[str, str]) -> None:
        self._agent_states.clear()
        await self._send(OriginateAgentLeg(call_id=self.call_id, sip_uri=sip_uri, headers=headers))

    async def agent_leg_state(self, *wanted: AgentLegStateName) -> AgentLegState:
        """The agent leg's next state among ``wanted`` (or any, if none are named).

        A state the worker reported before the call ended is handed over even when the
        end came too: an agent who answered and hung up before the flow looked is still
        an answer (only then does the call's end raise :class:`CallGone`)."""
        while True:
            state = self._agent_states.take()
            if state is None:
                try:
                    await self._until_ended(self._agent_states.arrival())
                except CallGone:
                    if not self._agent_states:
                        raise  # nothing came before the end
                continue
            if not wanted or state.state in wanted:
                return state

    def reported_answer(self) -> bool:
        """Whether the worker reported the agent leg answered in a state not yet taken
        (taking them all): the flow asks when the call ended while an agent's phone
        rang."""
        answered = False
        while (state := self._agent_states.take()) is not None:
            answered = answered or state.state == "answered"
        return answered

    async def agent_leg_outcome(
        self, within: float, *, ringing: Callable[[], None] | None = None
    ) -> AgentLegState | None:
        """The originated agent leg's answer or failure; ``None`` when neither came within
        ``within`` seconds (the leg is cancelled then). ``ringing`` is called once, when
        the far end first says it rings (180 or 183)."""

        async def outcome() -> AgentLegState:
            rang = False
            while True:
                state = await self.agent_leg_state("ringing", "answered", "failed")
                if state.state != "ringing":
                    return state
                if ringing is not None and not rang:
                    rang = True
                    ringing()

        try:
            return await wait_for(self._clock, outcome(), within)
        except TimeoutError:
            await self.cancel_agent_leg()
            return None

    async def originated_outcome(self, within: float) -> OriginatedState | None:
        """The answer or failure of the call the server made (``originate``); ``None``
        when neither came within ``within`` seconds (the call is hung up then). A state
        the worker reported before the call ended is handed over even when the end came
        too."""

        async def outcome() -> OriginatedState:
            while True:
                state = self._originated_states.take()
                if state is None:
                    try:
                        await self._until_ended(self._originated_states.arrival())
                    except CallGone:
                        if not self._originated_states:
                            raise
                    continue
                if state.state != "ringing":
                    return state

        try:
            return await wait_for(self._clock, outcome(), within)
        except TimeoutError:
            await self.hangup()
            return None

    async def ringback(self) -> None:
        """The unanswered caller hears the ringing tone (early media) until answered."""
        await self._send(Ringback(call_id=self.call_id))

    async def cancel_agent_leg(self) -> None:
        await self._send(CancelAgentLeg(call_id=self.call_id))

    async def bridge(self, music_on_hold: Sequence[Path] = ()) -> None:
        """Connect caller and agent; ``music_on_hold`` plays to the caller while the
        agent's softphone holds the call."""
        await self._send(
            Bridge(call_id=self.call_id, music_on_hold=[str(f) for f in music_on_hold])
        )

    async def consult(self, sip_uri: str, headers: dict[str, str]) -> None:
        """Attended transfer: the caller leaves the bridge, ``sip_uri`` is called."""
        self._consult_states.clear()
        await self._send(Consult(call_id=self.call_id, sip_uri=sip_uri, headers=headers))

    async def consult_state(self, *wanted: ConsultStateName) -> ConsultState:
        """The consultation leg's next state among ``wanted`` (or any)."""
        while True:
            state = self._consult_states.take()
            if state is None:
                await self._until_ended(self._consult_states.arrival())
                continue
            if not wanted or state.state in wanted:
                return state

    async def complete_consult(self) -> None:
        await self._send(CompleteConsult(call_id=self.call_id))

    async def cancel_consult(self) -> None:
        await self._send(CancelConsult(call_id=self.call_id))

    async def hangup(self) -> None:
        if not self.ended.done():
            await self._sender.send(Hangup(call_id=self.call_id, side="caller"))

    async def hangup_agent(self) -> None:
        await self._send(Hangup(call_id=self.call_id, side="agent"))


CallHandler = Callable[[CallLeg], Awaitable[None]]
NewCall = Callable[[], str]
"""A call id on a media worker with room for a call the server makes
(``MediaPool.new_call``); raises when no worker has room."""


class NoRoom(Exception):
    """No media worker can make a call now (the reason is the pool's)."""


class CallRouter:
    """The media pool's message handler: one :class:`CallLeg` and one flow task per call."""

    def __init__(
        self,
        sender: MediaSender,
        handler: CallHandler,
        clock: Clock,
        *,
        new_call: NewCall | None = None,
    ) -> None:
        self._sender = sender
        self._new_call = new_call
        self._handler = handler
        self._clock = clock
        self._legs: dict[str, CallLeg] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def active_calls(self) -> int:
        return len(self._legs)

    def __call__(self, message: FromWorker) -> None:
        if isinstance(message, IncomingCall):
            new = CallLeg(self._sender, message, self._clock)
            self._legs[new.call_id] = new
            task = asyncio.create_task(self._run(new), name=f"call {new.call_id}")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
            return
        call_id = getattr(message, "call_id", None)
        leg = self._legs.get(call_id) if isinstance(call_id, str) else None
        if leg is None:
            return
        leg.deliver(message)
        if leg.ended.done() and not leg.recording:
            # A recording's report comes once its file is closed, after the call's end.
            self._legs.pop(leg.call_id, None)

    async def originate(self, sip_uri: str, headers: dict[str, str], number: str) -> CallLeg:
        """Make a call with no caller's leg (a callback, R17): ``sip_uri`` is called from
        a media worker with room, its far end the leg's caller (``number`` its caller
        number). The leg is fed the call's messages as an incoming caller's is; the
        caller of this method awaits it (``originated_outcome``) and ends it. Raises
        :class:`NoRoom` when no worker can make a call now."""
        if self._new_call is None:
            raise NoRoom("this server has no media pool to make calls from")
        try:
            call_id = self._new_call()
        except Exception as error:
            raise NoRoom(str(error)) from error
        # Its far end is its caller: the number called is the leg's caller number.
        made = IncomingCall(
            call_id=call_id, to_user=number, from_uri=f"<sip:{number}@server>",
            source_address="server",
        )  # fmt: skip
        leg = CallLeg(self._sender, made, self._clock)
        self._legs[call_id] = leg
        try:
            await self._sender.send(Originate(call_id=call_id, sip_uri=sip_uri, headers=headers))
        except Exception as error:  # the worker was lost meanwhile
            self._legs.pop(call_id, None)
            raise NoRoom(f"the call could not be started: {error}") from error
        return leg

    async def _run(self, leg: CallLeg) -> None:
        try:
            await self._handler(leg)
        except CallGone:
            pass
        except Exception:
            log.exception("the call flow failed on call %s; hanging up", leg.call_id)
            try:
                await leg.hangup()
            except Exception:
                log.exception("could not hang up call %s", leg.call_id)

    async def drain(self) -> None:
        """Wait for every running flow to finish (at shutdown, after the calls ended)."""
        await asyncio.gather(*self._tasks, return_exceptions=True)
