"""An agent's control of the call it is in: transfer (blind or attended; to a queue, an
agent or an outside number) and the personal queue (park, take back; R22).

The API asks (``control/routes.py``), the caller's own flow task carries it out: while caller
and agent talk, :meth:`CallControl.during_call` is what that task awaits, so every change
of the call's legs happens in the one task that owns the call, in order. A request is
checked before it is handed over — unknown contact, not this agent's call, unknown
queue or user, a malformed number or no outside gateway are refused and change nothing.

- Blind to a queue: the agent's leg ends, the caller hears music on hold and waits in the
  queue with the wait it had when answered; the agent wraps up as after any call.
- Blind to an agent: the same, in that agent's personal queue, so the agent's softphone
  rings with an offer token as for any offer; declined, rung out or not taken within the
  ring time, the caller goes back to the queue it came from (``TransferChanged`` failed).
- Blind to a number: the agent's leg ends and the outside number is called from the
  caller's worker through the outside gateway and bridged; if it does not answer the
  caller goes back to its queue.
- Attended (agent or number): the caller hears music on hold while the agent talks with
  the target on a consultation leg; *complete* bridges the caller with the target and ends
  the agent's leg, *cancel* ends the consultation and bridges the caller back.
- Park: the agent's leg ends and the caller waits in the agent's personal queue (music on
  hold); *take* offers it to the agent again.

``TransferChanged``, ``ParkedChanged`` and ``CallProgress`` go to
:meth:`CallControl.subscribe`'s listeners (the event socket filters them by role): a
``bridged`` progress when the call control starts taking the agent's requests for a call,
``target_answered`` when an attended transfer's target answered and it can be completed.

The control knows the flow only through what it is given: the calls and the outside
gateway (:class:`~vaxla_server.callflow.calls.Calls`), the music on hold and whether a
queue takes a caller now; the flow imports this module, never the other way round.
"""

import asyncio
import contextlib
import functools
import itertools
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from vaxla_protocol.control import (
    ParkedChanged,
    ParkedContact,
    TransferChanged,
    TransferKind,
    TransferRequest,
    TransferState,
    TransferStateName,
)
from vaxla_protocol.events import OfferMade
from vaxla_protocol.offers import OFFER_HEADER
from vaxla_server.callflow.calls import Call, CallMessage, Calls, Listener
from vaxla_server.callflow.legs import CallGone
from vaxla_server.centre import CENTRE_EVENTS, CentreError, ContactView
from vaxla_server.centre.contact_centre import ContactCentre
from vaxla_server.clock import Clock, wait_for
from vaxla_server.offload import Background, Offload
from vaxla_server.outbound.flow import NUMBER, OUTSIDE_RING_S
from vaxla_server.store.events import (
    Abandoned,
    Answered,
    Ended,
    Event,
    Parked,
    Queued,
    TransferReturned,
)

log = logging.getLogger(__name__)

LEG_GONE_S = 5.0
"""How long the worker may take to end the agent's leg before the handover goes on."""
KEPT_TRANSFERS = 1000
"""Transfers remembered for complete/cancel to answer "completed already" (the oldest go)."""
ControlMessage = CallMessage
"""What the event socket gets from here; an ``OfferMade`` tells the target of an attended
transfer who is ringing it (the consultation is not a dispatcher offer)."""


class ControlError(Exception):
    """A request that cannot be carried out; ``status`` is the HTTP status to answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Rewait:
    """After a handover the caller waits again: in queue ``queue_id``, or (``personal``)
    in an agent's personal queue with ``queue_id`` the queue it came from."""

    queue_id: int
    personal: bool = False
    music: bool = True


@dataclass
class _Transfer:
    transfer_id: str
    agent_id: int
    contact_id: int
    kind: TransferKind
    target: str
    attended: bool
    state: TransferStateName = "consulting"
    detail: str = ""
    to_agent: int | None = None
    to_queue: int | None = None
    uri: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    """For the front: the trunk an outside number is called through, its caller ID."""
    target_answered: bool = False
    come_back_after_s: float | None = None
    ring_until: float = 0.0
    """Clock seconds (monotonic) when an unanswered consultation gives up."""

    def wire(self) -> TransferState:
        return TransferState(
            transfer_id=self.transfer_id,
            contact_id=self.contact_id,
            kind=self.kind,
            target=self.target,
            attended=self.attended,
            state=self.state,
            detail=self.detail,
        )


@dataclass
class _Request:
    action: Literal["transfer", "complete", "cancel", "park"]
    transfer: _Transfer | None
    done: "asyncio.Future[TransferState | ParkedContact]"
    hold: bool = False


@dataclass
class _Talk:
    """A call that is connected to its agent, and what the agent asked of it."""

    call: Call
    agent_id: int
    inbox: asyncio.Queue[_Request] = field(default_factory=asyncio.Queue)
    transfer: _Transfer | None = None
    """The attended transfer under way."""


_OUTSIDE = object()
"""The caller talks with an outside party now: the call goes on until someone hangs up."""


class CallControl:
    def __init__(
        self,
        calls: Calls,
        centre: ContactCentre,
        clock: Clock,
        *,
        music_on_hold: Callable[[str], Path],
        queue_refusal: Callable[[str], Awaitable[str | None]],
        offload: Offload,
        presence_files: Callable[[Call, int], list[Path]] = lambda call, agent_id: [],
    ) -> None:
        """``music_on_hold(language)`` is the audio a caller holds with;
        ``queue_refusal(name)`` why queue ``name`` would turn a caller away now (``None``
        when it takes one): the flow's configuration answers both.
        ``presence_files(call, agent_id)``: what a caller put through to that agent hears
        of its hänvisning (R29), nothing when it has none (read offloaded)."""
        self._calls = calls
        self._music_on_hold = music_on_hold
        self._queue_refusal = queue_refusal
        self._centre = centre
        self._clock = clock
        self._offload = offload
        self._presence_files = presence_files
        self._talking: dict[int, _Talk] = {}
        self._transfers: dict[str, _Transfer] = {}
        self._ids = itertools.count(1)
        self._returns: dict[int, asyncio.Future[int]] = {}
        self._background = Background()
        """Contacts in a personal queue → resolved with the queue they go back to."""
        self._blind_to_agent: dict[int, _Transfer] = {}
        self._handover: dict[int, int] = {}
        """Contact → the agent an attended transfer connected it to (answer at once)."""
        self._handed_out: set[int] = set()
        """Contacts handed to an outside number: ended for the centre at the hand-over."""
        self._parked_shown: dict[int, list[int]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        centre.notifier.subscribe(CENTRE_EVENTS, self._centre_events)

    # Listeners (the event socket)

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Tell ``listener`` the calls' messages (transfers, personal queues, progress)."""
        return self._calls.subscribe(listener)

    def _publish(self, message: ControlMessage) -> None:
        self._calls.publish(message)

    def _transfer_changed(self, transfer: _Transfer) -> None:
        self._publish(TransferChanged(agent_id=transfer.agent_id, transfer=transfer.wire()))

    # The API's requests (checked here, carried out by the call's flow task)

    async def transfer(self, agent_id: int, request: TransferRequest) -> TransferState:
        talk = await self._talk_of(request.contact_id, agent_id)
        if talk.transfer is not None:
            raise ControlError(
                409, f"an attended transfer of contact {request.contact_id} is under way"
            )
        transfer = _Transfer(
            transfer_id=f"t{next(self._ids)}",
            agent_id=agent_id,
            contact_id=request.contact_id,
            kind=request.kind,
            target=request.target,
            attended=request.attended,
            come_back_after_s=request.come_back_after_s,
        )
        if request.come_back_after_s is not None and (
            request.attended or request.kind is not TransferKind.AGENT
        ):
            raise ControlError(
                422,
                "come_back_after_s is for a blind transfer to an agent only: an attended "
                "one is answered already, a queue or number does not come back",
            )
        if request.kind is TransferKind.QUEUE:
            if request.attended:
                raise ControlError(
                    422, "an attended transfer goes to an agent or a number, not a queue"
                )
            queue_names = await self._offload(self._centre.queue_names)
            names = {name: queue_id for queue_id, name in queue_names.items()}
            if request.target not in names:
                known = ", ".join(sorted(names)) or "none"
                raise ControlError(404, f"no queue named {request.target!r}; queues: {known}")
            refusal = await self._queue_refusal(request.target)
            if refusal is not None:
                raise ControlError(409, refusal)
            transfer.to_queue = names[request.target]
        elif request.kind is TransferKind.AGENT:
            agent_names = await self._offload(self._centre.agent_names)
            users = {name: user_id for user_id, name in agent_names.items()}
            if request.target not in users:
                raise ControlError(404, f"no agent named {request.target!r}")
            transfer.to_agent = users[request.target]
            await self._offload(self._centre.check_transfer_target, agent_id, transfer.to_agent)
            state = (await self._offload(self._centre.agent, transfer.to_agent)).state
            if request.attended and state != "available":
                # The consultation is not a dispatcher offer: only a free agent is sure
                # to be handed the caller at completion.
                raise ControlError(
                    409,
                    f"agent {request.target!r} is {state.replace('_', '-')}: an attended "
                    "transfer needs an available agent (a blind one waits for them)",
                )
        else:
            if not NUMBER.match(request.target):
                raise ControlError(
                    422,
                    f"{request.target!r} is not a telephone number "
                    "(digits, optionally a leading +)",
                )
            line = self._calls.outside_line
            if line is None:
                raise ControlError(
                    409, "no outside gateway is configured: calls to numbers are not possible"
                )
            transfer.uri = line.uri(request.target)
            transfer.headers = dict(line.headers)
        result = await self._ask(talk, "transfer", transfer)
        assert isinstance(result, TransferState)
        return result

    async def complete(self, agent_id: int, transfer_id: str) -> TransferState:
        transfer, talk = self._consulting(agent_id, transfer_id)
        if not transfer.target_answered:
            raise ControlError(409, f"{transfer.target} has not answered yet: cancel or wait")
        result = await self._ask(talk, "complete", transfer)
        assert isinstance(result, TransferState)
        return result

    async def cancel(self, agent_id: int, transfer_id: str) -> TransferState:
        transfer, talk = self._consulting(agent_id, transfer_id)
        result = await self._ask(talk, "cancel", transfer)
        assert isinstance(result, TransferState)
        return result

    async def park(self, agent_id: int, contact_id: int, *, hold: bool = False) -> ParkedContact:
        talk = await self._talk_of(contact_id, agent_id)
        if talk.transfer is not None:
            raise ControlError(409, f"an attended transfer of contact {contact_id} is under way")
        result = await self._ask(talk, "park", None, hold=hold)
        assert isinstance(result, ParkedContact)
        return result

    def parked(self, agent_id: int) -> list[ParkedContact]:
        """(Reads the centre: from a thread, never the event loop; the API's routes run
        in its thread pool, the flow through its offload.)"""
        return [self._parked_contact(view) for view in self._centre.parked(agent_id)]

    def take(self, agent_id: int, contact_id: int) -> ParkedContact:
        view = self._centre.take_parked(contact_id, agent_id)
        return self._parked_contact(view)

    async def _talk_of(self, contact_id: int, agent_id: int) -> _Talk:
        # unknown, or not this agent's: refused
        await self._offload(self._centre.own_call, contact_id, agent_id)
        talk = self._talking.get(contact_id)
        if talk is None or talk.agent_id != agent_id:
            raise ControlError(409, f"contact {contact_id} is not connected to you yet")
        return talk

    def _consulting(self, agent_id: int, transfer_id: str) -> tuple[_Transfer, _Talk]:
        transfer = self._transfers.get(transfer_id)
        if transfer is None or transfer.agent_id != agent_id:
            raise ControlError(404, f"no transfer {transfer_id!r} of yours")
        talk = self._talking.get(transfer.contact_id)
        if transfer.state != "consulting" or talk is None or talk.transfer is not transfer:
            raise ControlError(409, f"transfer {transfer_id} is {transfer.state} already")
        return transfer, talk

    async def _ask(
        self,
        talk: _Talk,
        action: Literal["transfer", "complete", "cancel", "park"],
        transfer: _Transfer | None,
        *,
        hold: bool = False,
    ) -> TransferState | ParkedContact:
        done: asyncio.Future[TransferState | ParkedContact] = (
            asyncio.get_running_loop().create_future()
        )
        if transfer is not None:
            self._transfers[transfer.transfer_id] = transfer
            while len(self._transfers) > KEPT_TRANSFERS:
                del self._transfers[next(iter(self._transfers))]
        talk.inbox.put_nowait(_Request(action, transfer, done, hold))
        waits: set[asyncio.Future[object]] = {done, talk.call.leg.ended}  # type: ignore[arg-type]
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        if not done.done():
            done.cancel()
            raise ControlError(409, f"contact {talk.call.contact_id} ended meanwhile")
        return done.result()

    def _parked_contact(self, view: ContactView) -> ParkedContact:
        assert view.personal_agent is not None and view.parked_at is not None
        names = self._centre.queue_names()
        queue = names.get(view.queue_id, str(view.queue_id)) if view.queue_id is not None else ""
        return ParkedContact(
            contact_id=view.contact_id,
            agent_id=view.personal_agent,
            caller=view.caller,
            queue=queue,
            parked_at=view.parked_at,
            wait_s=view.wait_seconds,
            held=view.held,
            came_back_from=(
                None
                if view.came_back_from is None
                else self._centre.agent_names().get(view.came_back_from)
            ),
        )

    # The flow's side

    async def during_call(self, call: Call, agent_id: int) -> Rewait | None:
        """What the call's task awaits while caller and agent talk (the flow has sent the
        bridge): the agent's requests, carried out in order. Returns when the caller must
        wait again; raises :class:`CallGone` when the call ends. The ``bridged`` progress
        says when the requests are taken: before it they are refused."""
        self._loop = asyncio.get_running_loop()
        leg = call.leg
        talk = _Talk(call, agent_id)
        self._talking[call.contact_id] = talk
        self._calls.progress(agent_id, call.contact_id, "bridged")
        try:
            while True:
                getter = asyncio.ensure_future(talk.inbox.get())
                waits: set[asyncio.Future[object]] = {leg.ended, getter}  # type: ignore[arg-type]
                consult = agent_gone = rang_out = None
                if talk.transfer is not None:
                    consult = asyncio.ensure_future(
                        leg.consult_state("answered", "failed", "ended")
                    )
                    agent_gone = asyncio.ensure_future(leg.agent_leg_state("ended", "failed"))
                    waits |= {consult, agent_gone}  # type: ignore[arg-type]
                    if not talk.transfer.target_answered:
                        left = talk.transfer.ring_until - self._clock.monotonic()
                        rang_out = asyncio.ensure_future(self._clock.sleep(max(left, 0.0)))
                        waits.add(rang_out)  # type: ignore[arg-type]
                try:
                    await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
                finally:
                    for task in (getter, consult, agent_gone, rang_out):
                        if task is not None and not task.done():
                            task.cancel()
                if leg.ended.done():
                    ended = leg.ended.result()
                    raise CallGone(ended.cause, ended.side)
                rang = rang_out is not None and rang_out.done() and not rang_out.cancelled()
                if rang and not (consult is not None and consult.done()):
                    await self._ring_out(talk)
                elif consult is not None and consult.done() and not consult.cancelled():
                    self._consult_moved(talk, consult.result().state, consult.result().code)
                if (
                    talk.transfer is not None
                    and agent_gone is not None
                    and agent_gone.done()
                    and not agent_gone.cancelled()
                ):
                    outcome = await self._agent_left_consultation(talk)
                    if outcome is not None:
                        return await self._outcome(call, outcome)
                if getter.done() and not getter.cancelled():
                    request = getter.result()
                    try:
                        outcome = await self._carry_out(talk, request)
                    except (ControlError, CentreError) as error:
                        if not request.done.done():
                            request.done.set_exception(error)
                        continue
                    if outcome is not None:
                        return await self._outcome(call, outcome)
        finally:
            self._talking.pop(call.contact_id, None)
            while not talk.inbox.empty():
                pending = talk.inbox.get_nowait()
                if not pending.done.done():
                    pending.done.set_exception(
                        ControlError(409, f"contact {call.contact_id} is not connected any more")
                    )

    async def _outcome(self, call: Call, outcome: object) -> Rewait:
        if outcome is _OUTSIDE:
            # Talking with an outside party through the worker until either hangs up.
            ended = await asyncio.shield(call.leg.ended)
            raise CallGone(ended.cause, ended.side)
        assert isinstance(outcome, Rewait)
        return outcome

    async def wait_personal(self, call: Call, rewait: Rewait) -> int | None:
        """The caller waits in a personal queue: ``None`` once answered (``call.answered``),
        or the queue it goes back to (a blind transfer the agent did not take)."""
        leg = call.leg
        returned = self._returns.setdefault(
            call.contact_id, asyncio.get_running_loop().create_future()
        )
        try:
            if rewait.music and not (call.answered is not None and call.answered.done()):
                await leg.start_playing([self._moh(call)], loop=True)
            assert call.answered is not None
            waits: set[asyncio.Future[object]] = {call.answered, returned, leg.ended}  # type: ignore[arg-type]
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            self._returns.pop(call.contact_id, None)
        if leg.ended.done():
            ended = leg.ended.result()
            raise CallGone(ended.cause, ended.side)
        if call.answered.done():
            return None
        return returned.result()

    def handed_out(self, contact_id: int) -> bool:
        """Whether the contact went to an outside number (the centre ended it then); the
        call flow forgets it with this question, at the call's end."""
        if contact_id in self._handed_out:
            self._handed_out.discard(contact_id)
            return True
        return False

    def take_over(self, contact_id: int, agent_id: int) -> bool:
        """Whether an offer of ``contact_id`` to ``agent_id`` is the hand-over of an
        attended transfer (the agent is connected already): then it is answered here and
        the softphone is not rung again."""
        if self._handover.get(contact_id) != agent_id:
            return False
        del self._handover[contact_id]
        self._background.spawn(self._taken_over(contact_id, agent_id))
        return True

    async def _taken_over(self, contact_id: int, agent_id: int) -> None:
        call = self._calls.get(contact_id)
        try:
            await self._offload(self._centre.answered, contact_id, agent_id)
        except CentreError as error:
            log.warning(
                "contact %d: the attended transfer's hand-over failed: %s", contact_id, error
            )
            return
        if call is not None and call.answered is not None and not call.answered.done():
            call.answered.set_result(agent_id)

    async def _carry_out(self, talk: _Talk, request: _Request) -> object:
        call = talk.call
        transfer = request.transfer
        if request.action == "park":
            await self._drop_agent(call)
            self._expect_return(call)
            view = await self._offload(
                functools.partial(self._centre.park, hold=request.hold),
                call.contact_id,
                talk.agent_id,
            )
            parked = await self._offload(self._parked_contact, view)
            _resolve(request, parked)
            await self._refresh_parked([talk.agent_id])
            return Rewait(parked_queue(view), personal=True)
        assert transfer is not None
        if request.action == "cancel":
            await call.leg.cancel_consult()
            await self._consult_gone(call)
            talk.transfer = None
            transfer.state, transfer.detail = "cancelled", ""
            _resolve(request, transfer.wire())
            self._transfer_changed(transfer)
            return None
        if request.action == "complete":
            return await self._complete(talk, transfer, request)
        if transfer.attended:
            return await self._consult(talk, transfer, request)
        return await self._blind(talk, transfer, request)

    async def _blind(self, talk: _Talk, transfer: _Transfer, request: _Request) -> object:
        call = talk.call
        came_from = (
            await self._offload(self._centre.own_call, call.contact_id, talk.agent_id)
        ).queue_id
        if transfer.kind is TransferKind.QUEUE:
            assert transfer.to_queue is not None
            await self._drop_agent(call)
            await self._offload(
                self._centre.transfer_to_queue, call.contact_id, talk.agent_id, transfer.to_queue
            )
            self._done(transfer, request, "completed")
            return Rewait(transfer.to_queue)
        if transfer.kind is TransferKind.AGENT:
            assert transfer.to_agent is not None
            await self._drop_agent(call)
            presence = await self._offload(self._presence_files, call, transfer.to_agent)
            if presence:  # the colleague's hänvisning, then music while it rings
                await call.leg.play(presence)
                await call.leg.start_playing([self._moh(call)], loop=True)
            self._expect_return(call)
            self._blind_to_agent[call.contact_id] = transfer
            await self._offload(
                functools.partial(
                    self._centre.transfer_to_agent,
                    come_back_after_s=transfer.come_back_after_s,
                ),
                call.contact_id,
                talk.agent_id,
                transfer.to_agent,
            )
            self._done(transfer, request, "completed")
            assert came_from is not None
            return Rewait(came_from, personal=True)
        assert transfer.uri is not None
        await self._drop_agent(call)
        self._done(transfer, request, "completed")
        await call.leg.originate_agent_leg(transfer.uri, dict(transfer.headers))
        state = await call.leg.agent_leg_outcome(OUTSIDE_RING_S)
        if state is None or state.state == "failed":
            why = "no answer" if state is None else f"SIP {state.code}"
            transfer.state = "failed"
            transfer.detail = (
                f"{transfer.target} did not answer ({why}); the caller is back in the queue"
            )
            self._transfer_changed(transfer)
            assert came_from is not None
            await self._offload(
                self._centre.transfer_to_queue, call.contact_id, talk.agent_id, came_from
            )
            return Rewait(came_from)
        await self._hand_out(call.contact_id, talk.agent_id, transfer.target, attended=False)
        await call.leg.bridge([self._moh(call)])
        return _OUTSIDE

    async def _consult(self, talk: _Talk, transfer: _Transfer, request: _Request) -> object:
        call = talk.call
        headers = dict(transfer.headers)
        ring = OUTSIDE_RING_S
        if transfer.kind is TransferKind.AGENT:
            assert transfer.to_agent is not None
            target, token = await self._offload(
                self._centre.consult_offer, call.contact_id, talk.agent_id, transfer.to_agent
            )
            assert target.sip_contact is not None
            transfer.uri = target.sip_contact
            headers = {OFFER_HEADER: token.header_value()}
            view = await self._offload(self._centre.own_call, call.contact_id, talk.agent_id)
            if view.queue_id is not None:
                queue_names = await self._offload(self._centre.queue_names)
                settings = await self._offload(self._centre.queue_settings, view.queue_id)
                self._publish(
                    OfferMade(
                        agent_id=transfer.to_agent,
                        offer_id=token.offer_id,
                        contact_id=view.contact_id,
                        queue_id=view.queue_id,
                        queue=queue_names.get(view.queue_id, str(view.queue_id)),
                        caller=view.caller,
                        entry_point=view.entry_point,
                        wait_s=view.wait_seconds,
                        data=dict(view.data),
                    )
                )
                ring = settings.ring_timeout_s
        assert transfer.uri is not None
        transfer.ring_until = self._clock.monotonic() + ring
        await call.leg.consult(transfer.uri, headers)
        await call.leg.start_playing([self._moh(call)], loop=True)
        talk.transfer = transfer
        transfer.state = "consulting"
        _resolve(request, transfer.wire())
        self._transfer_changed(transfer)
        return None

    async def _complete(self, talk: _Talk, transfer: _Transfer, request: _Request) -> object:
        call = talk.call
        await call.leg.complete_consult()
        try:
            state = await wait_for(
                self._clock, call.leg.consult_state("completed", "ended", "failed"), LEG_GONE_S
            )
        except TimeoutError:
            raise ControlError(
                409, "the media worker did not complete the transfer; it is still consulting"
            ) from None
        if state.state != "completed":
            # The target hung up just before: the caller is back with the agent.
            self._consult_moved(talk, state.state, state.code)
            raise ControlError(409, f"transfer {transfer.transfer_id} {transfer.detail}")
        talk.transfer = None
        return await self._hand_over(talk, transfer, request)

    async def _hand_over(
        self, talk: _Talk, transfer: _Transfer, request: _Request | None
    ) -> object:
        """The consultation's target has the caller now (the worker bridged them)."""
        call = talk.call
        if transfer.kind is TransferKind.NUMBER:
            await self._hand_out(call.contact_id, talk.agent_id, transfer.target, attended=True)
            outcome: object = _OUTSIDE
        else:
            assert transfer.to_agent is not None
            view = await self._offload(self._centre.own_call, call.contact_id, talk.agent_id)
            came_from = view.queue_id
            self._new_answer(call)
            self._handover[call.contact_id] = transfer.to_agent
            await self._offload(
                self._centre.transfer_to_agent,
                call.contact_id,
                talk.agent_id,
                transfer.to_agent,
                attended=True,
            )
            assert came_from is not None
            outcome = Rewait(came_from, personal=True, music=False)
        if request is not None:
            self._done(transfer, request, "completed")
        else:
            transfer.state = "completed"
            self._transfer_changed(transfer)
        return outcome

    async def _hand_out(
        self, contact_id: int, agent_id: int, number: str, *, attended: bool
    ) -> None:
        await self._offload(
            self._centre.transferred_out, contact_id, agent_id, number, attended=attended
        )
        self._handed_out.add(contact_id)

    def _consult_moved(self, talk: _Talk, state: str, code: int | None) -> None:
        transfer = talk.transfer
        assert transfer is not None
        if state == "answered":
            transfer.target_answered = True
            self._calls.progress(
                transfer.agent_id,
                transfer.contact_id,
                "target_answered",
                transfer_id=transfer.transfer_id,
            )
            return
        # The target hung up or never answered: the worker bridged the caller back.
        talk.transfer = None
        transfer.state = "failed"
        transfer.detail = (
            f"{transfer.target} hung up"
            if state == "ended"
            else f"{transfer.target} did not answer (SIP {code})"
        )
        self._transfer_changed(transfer)

    async def _ring_out(self, talk: _Talk) -> None:
        """The consultation rang too long unanswered: it ends, the agent keeps the caller."""
        transfer = talk.transfer
        assert transfer is not None
        await talk.call.leg.cancel_consult()
        await self._consult_gone(talk.call)
        talk.transfer = None
        transfer.state = "failed"
        transfer.detail = f"{transfer.target} did not answer"
        self._transfer_changed(transfer)

    async def _agent_left_consultation(self, talk: _Talk) -> object:
        """The agent hung up during an attended transfer: an answered target takes the
        caller (as if completed), else the caller goes back to its queue."""
        transfer = talk.transfer
        assert transfer is not None
        call = talk.call
        talk.transfer = None
        if transfer.target_answered:
            await call.leg.complete_consult()
            with contextlib.suppress(TimeoutError):
                await wait_for(self._clock, call.leg.consult_state("completed"), LEG_GONE_S)
            return await self._hand_over(talk, transfer, None)
        await call.leg.cancel_consult()
        await self._consult_gone(call)
        transfer.state = "failed"
        transfer.detail = (
            "the agent hung up before the target answered; the caller is back in the queue"
        )
        self._transfer_changed(transfer)
        view = await self._offload(self._centre.own_call, call.contact_id, talk.agent_id)
        came_from = view.queue_id
        assert came_from is not None
        await call.leg.start_playing([self._moh(call)], loop=True)
        self._new_answer(call)
        await self._offload(
            self._centre.transfer_to_queue, call.contact_id, talk.agent_id, came_from
        )
        return Rewait(came_from)

    async def _consult_gone(self, call: Call) -> None:
        with contextlib.suppress(TimeoutError):
            await wait_for(self._clock, call.leg.consult_state("ended", "failed"), LEG_GONE_S)

    def _done(self, transfer: _Transfer, request: _Request, state: TransferStateName) -> None:
        transfer.state = state
        _resolve(request, transfer.wire())
        self._transfer_changed(transfer)

    async def _drop_agent(self, call: Call) -> None:
        """End the agent's leg (the caller stays, on music on hold) and make the call
        ready to be answered again."""
        leg = call.leg
        await leg.hangup_agent()
        with contextlib.suppress(TimeoutError):
            await wait_for(self._clock, leg.agent_leg_state("ended", "failed"), LEG_GONE_S)
        await leg.start_playing([self._moh(call)], loop=True)
        self._new_answer(call)

    def _new_answer(self, call: Call) -> None:
        call.answered = asyncio.get_running_loop().create_future()

    def _expect_return(self, call: Call) -> None:
        self._returns[call.contact_id] = asyncio.get_running_loop().create_future()

    def _moh(self, call: Call) -> Path:
        return self._music_on_hold(call.language)

    # The centre's events (under its lock: hand over to the loop)

    def _centre_events(self, events: Sequence[Event]) -> None:
        loop = self._loop
        if loop is None:
            return
        relevant = [
            e
            for e in events
            if isinstance(e, Parked | TransferReturned | Answered | Abandoned | Ended | Queued)
        ]
        if relevant:
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(self._after_events_soon, relevant)

    def _after_events_soon(self, events: Sequence[Event]) -> None:
        self._background.spawn(self._after_events(events))

    async def _after_events(self, events: Sequence[Event]) -> None:
        agents: set[int] = set(self._parked_shown)
        for event in events:
            if isinstance(event, Parked):
                agents.add(event.agent_id)
            if isinstance(event, TransferReturned):
                agents.add(event.agent_id)
                self._came_back(event)
            if isinstance(event, Queued):
                await self._back_in_queue(event)
            if isinstance(event, Answered | Abandoned | Ended):
                self._blind_to_agent.pop(event.contact_id, None)
            if isinstance(event, Abandoned | Ended):
                self._handover.pop(event.contact_id, None)
        await self._refresh_parked(sorted(agents))

    def _came_back(self, event: TransferReturned) -> None:
        """A receptionist's blind connection was not answered: it failed, and the caller
        waits (held) in the receptionist's personal queue, offered to it again."""
        transfer = self._blind_to_agent.pop(event.contact_id, None)
        if transfer is not None:
            transfer.state = "failed"
            transfer.detail = (
                f"{transfer.target} did not answer in {event.after_seconds:.0f} s; "
                "the caller is back with you"
            )
            self._transfer_changed(transfer)

    async def _back_in_queue(self, event: Queued) -> None:
        returned = self._returns.get(event.contact_id)
        if returned is None or returned.done():
            return
        returned.set_result(event.queue_id)
        transfer = self._blind_to_agent.pop(event.contact_id, None)
        if transfer is not None:
            names = await self._offload(self._centre.queue_names)
            queue = names.get(event.queue_id, str(event.queue_id))
            transfer.state = "failed"
            transfer.detail = (
                f"{transfer.target} did not take the call; the caller is back in {queue}"
            )
            self._transfer_changed(transfer)

    async def _refresh_parked(self, agents: Sequence[int]) -> None:
        for agent_id in agents:
            try:
                contacts = await self._offload(self.parked, agent_id)
            except CentreError:
                continue
            ids = [contact.contact_id for contact in contacts]
            if self._parked_shown.get(agent_id, []) == ids:
                continue
            if ids:
                self._parked_shown[agent_id] = ids
            else:
                self._parked_shown.pop(agent_id, None)
            self._publish(ParkedChanged(agent_id=agent_id, contacts=contacts))


def _resolve(request: _Request, answer: TransferState | ParkedContact) -> None:
    """Answer the API's request, unless it stopped waiting (the call ended)."""
    if not request.done.done():
        request.done.set_result(answer)


def parked_queue(view: ContactView) -> int:
    assert view.queue_id is not None
    return view.queue_id
