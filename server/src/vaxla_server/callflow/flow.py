"""What happens to one caller: entry point, opening hours, welcome, menus, digit
collection, the queue with its announcements and overflow, and the offer to an agent.

:class:`CallFlow` is the :class:`~vaxla_server.callflow.legs.CallRouter`'s handler (one
``await flow(leg)`` per call) and the contact centre's :class:`Delivery` (the centre
decides who is offered the caller; the flow rings that agent's softphone from the
caller's media worker). It reads the configuration as one :class:`ConfigDocument`,
replaced whenever the configuration changes, so a call sees one consistent version.
Every step a caller takes is in the event log through the centre.

The actions an entry point, a menu or an overflow rule can name run in
:meth:`CallFlow._run`: a menu, a queue, a digit collection, a message, a language switch,
a transfer to an outside number (called through the configured outside gateway from the
caller's worker and bridged), a voicemail box, a callback, and hang-up. A queue's own
callback (R17: its key, or imposed by a long estimated wait or outside a time window) is
taken in the queue's wait, the number confirmed, and the caller leaves the line keeping
its place; with the queue's ``schedule_key`` the caller keys a time to be called at
instead. A callback target (a menu key, an entry point, a queue's rule) makes the
caller a callback in the queue it names: at its place when it overflows from a wait,
at the queue's next opening (or a keyed time) when the queue is closed. A transfer
without an outside gateway is logged and ends the call with the reason, never silently.

The module layout: the record of a call and what the flow shares with the agent's call
control live in ``callflow/calls.py``; the call control (``control/flow.py``) is made
here and imported from here, never importing this module; an agent's outbound call is
``outbound/flow.py``; the worker's side of a call is ``callflow/legs.py``.
"""

import asyncio
import contextlib
import functools
import logging
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from vaxla_protocol.config import (
    Action,
    AnnouncementSetItem,
    Callback,
    CallbackItem,
    CallbackWindow,
    CollectDigits,
    ConfigDocument,
    DigitCollectionItem,
    EntryPointItem,
    GoToMenu,
    GoToQueue,
    HangUp,
    MenuItem,
    PlayMessage,
    QueueItem,
    RecordingRuleItem,
    SwitchLanguage,
    TransferTo,
    Voicemail,
    VoicemailBoxItem,
)
from vaxla_protocol.offers import OFFER_HEADER, OfferToken
from vaxla_server.callbacks.times import keyed_time, next_opening, next_time, said_time
from vaxla_server.callflow.calls import Call, CallRecording, Calls
from vaxla_server.callflow.legs import CallGone, CallLeg, CallRouter, NoRoom, RecordingFailed
from vaxla_server.centre import (
    CALLBACK_NUMBER,
    CENTRE_EVENTS,
    AgentLeg,
    CentreError,
    EndedBy,
    OfferedContact,
    OverflowRule,
)
from vaxla_server.centre.contact_centre import ContactCentre
from vaxla_server.clock import Clock, wait_for
from vaxla_server.config import (
    CallerInputError,
    EnteredData,
    PromptLibrary,
    Schedule,
    StatusKind,
    build_schedule,
    digit_rule,
    mask_personnummer,
)
from vaxla_server.config import Personnummer as PersonnummerValue
from vaxla_server.control.flow import CallControl, Rewait
from vaxla_server.directory.prompt import presence_prompts
from vaxla_server.media.messages import AgentLegState
from vaxla_server.media.numbers import Language, NumberOutOfRange, number_prompts
from vaxla_server.media.trunks import OutsideLine
from vaxla_server.offload import Background, Offload
from vaxla_server.outbound.flow import OUTSIDE_RING_S, outbound_call
from vaxla_server.recording.store import (
    DEFAULT_RETENTION_DAYS,
    CallFacts,
    Recordings,
    chosen,
)
from vaxla_server.store.events import (
    AgentLoggedOut,
    AnnouncementKind,
    CallbackReason,
    EndCause,
    Event,
    Moved,
)
from vaxla_server.voicemail.messages import VoicemailMessages

log = logging.getLogger(__name__)

MAX_STEPS = 200
"""Actions one call may take; a configuration that loops forever ends the call here."""
DIGIT_TIMEOUT_S = 5.0
"""Seconds between keys before a digit entry counts as finished."""
POSITION_KEY = "*"
REPEAT_CHOICE_KEY = "#"
"""Switches what the repeated queue message gives: the estimated wait or the position."""
CALLBACK_NUMBER_TRIES = 3
"""How many times a caller asking for a callback is asked for (or to confirm) the number
before it is left waiting in the line."""
CONFIRM_KEY = "1"
OTHER_NUMBER_KEY = "2"
"""After the number to call back is read back: 1 confirms it, 2 keys another (and
after the time of a scheduled callback: 1 confirms it, 2 keys another)."""
CALLBACK_TIME_TRIES = 3
"""How many times a caller is asked for the time of a scheduled callback."""
CALLBACK_TIME_DIGITS = 4
"""HHMM."""
FORCED_REASONS: frozenset[CallbackReason] = frozenset(
    {"long_wait", "outside_hours", "full", "nobody_logged_in"}
)
"""Callbacks the queue imposes: the caller is told so first."""
_REASON_OF_CAUSE: dict[str | None, CallbackReason] = {
    "closed": "closed",
    "holiday": "closed",
    "queue_full": "full",
    "nobody_logged_in": "nobody_logged_in",
}
"""Why the caller is sent to a callback target, by why it was turned away before."""
_REASON_OF_RULE: dict[OverflowRule, CallbackReason] = {
    "max_wait": "long_wait",
    "max_length": "full",
    "schedule": "closed",
    "nobody_logged_in": "nobody_logged_in",
}
STICKY_HOLD_S = 30.0
VOICEMAIL_STOP_KEY = "#"
CALL_RECORDING_MAX_S = 4 * 3600.0
"""The longest call recording (the worker's limit)."""
RECORDING_CLOSE_S = 10.0
"""How long after a message's end the flow waits for the worker's report that its file
is closed (it writes the header itself after 2 s)."""
"""How long a returning caller waits for the agent who served them last (R13) before any
other agent may take the call; at most the queue's sticky-agent window. The preference is
kept in memory: after a restart callers start afresh."""

CallbackNotReached = Literal["no_answer", "busy", "failed"]
WaitEnd = Literal["answered", "max_wait", "schedule", "nobody_logged_in", "callback"]
"""What ended a caller's wait in a queue."""


class FlowError(Exception):
    """The configuration cannot take this call any further (logged, the call ends)."""


@dataclass(frozen=True)
class FlowPlan:
    """One version of the configuration, indexed for the call flow."""

    document: ConfigDocument
    entry_points: Mapping[str, EntryPointItem]
    menus: Mapping[str, MenuItem]
    queues: Mapping[str, QueueItem]
    collections: Mapping[str, DigitCollectionItem]
    announcements: Mapping[str, AnnouncementSetItem]
    schedules: Mapping[str, Schedule]
    custom_prompts: Mapping[tuple[str, str], Path]
    voicemail_boxes: Mapping[str, VoicemailBoxItem]
    recording_by_queue: Mapping[str, RecordingRuleItem]
    recording_by_entry: Mapping[str, RecordingRuleItem]

    @classmethod
    def of(cls, document: ConfigDocument) -> "FlowPlan":
        return cls(
            document=document,
            entry_points={item.address: item for item in document.entry_points},
            menus={item.name: item for item in document.menus},
            queues={item.name: item for item in document.queues},
            collections={item.name: item for item in document.digit_collections},
            announcements={item.name: item for item in document.announcement_sets},
            schedules={item.name: build_schedule(item) for item in document.schedules},
            custom_prompts={
                (item.name, item.language.value): Path(item.custom_path)
                for item in document.prompts
                if item.custom_path is not None
            },
            voicemail_boxes={item.name: item for item in document.voicemail_boxes},
            recording_by_queue={
                rule.queue: rule for rule in document.recording_rules if rule.queue is not None
            },
            recording_by_entry={
                rule.entry_point: rule
                for rule in document.recording_rules
                if rule.entry_point is not None
            },
        )


class CallFlow:
    def __init__(
        self,
        *,
        centre: ContactCentre,
        plan: Callable[[], FlowPlan],
        clock: Clock,
        prompts: PromptLibrary | None = None,
        outside_gateway: str | None = None,
        outside_line: Callable[[], OutsideLine | None] | None = None,
        offload: Offload,
        session_keys: Callable[[int], list[str]] | None = None,
        voicemail: VoicemailMessages | None = None,
        recordings: Recordings | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self._centre = centre
        self._recordings = recordings
        """Where calls are recorded (R27); ``None``: a server without a data folder, which
        records no call."""
        self._rng = rng or random.Random()
        """Draws the calls a ``share`` rule records (seeded in tests)."""
        self._voicemail = voicemail
        """Where messages are kept; ``None``: a server without a data folder, where a
        caller sent to a voicemail box hears that it cannot be left."""
        self._offload = offload
        self._plan = plan
        self._clock = clock
        self._prompts = prompts or PromptLibrary()
        self._calls = Calls(centre.notifier, outside_gateway, outside_line)
        """The calls in progress and the outside gateway, shared with the call control."""
        self._event_loop: asyncio.AbstractEventLoop | None = None
        self._change: asyncio.Future[None] | None = None
        """Set (and replaced) whenever waiting callers must look at their rules again;
        made with the first call, on the loop the calls run on."""
        centre.notifier.subscribe(CENTRE_EVENTS, self._centre_events)
        self._served: dict[str, tuple[int, float]] = {}
        self._background = Background()
        self._router: CallRouter | None = None
        """Makes the calls of callbacks (``calls_out_by``)."""
        self._callback_rings: dict[int, tuple[int, asyncio.Task[None]]] = {}
        """Callbacks whose agent's phone rings: contact → (agent, the callback's task)."""
        self._callback_tasks: set[asyncio.Task[None]] = set()
        """Caller number → (the agent who last talked with them, when that ended)."""
        self._citizen_calls: dict[int, asyncio.Task[Any]] = {}
        """Callbacks made citizen first: contact → the task of its call to the citizen,
        which the next try's call waits for (the citizen let go first)."""
        self.control = CallControl(
            self._calls,
            centre,
            clock,
            music_on_hold=lambda language: self.prompt("music_on_hold", language),
            queue_refusal=self.queue_refusal,
            offload=offload,
            presence_files=self.presence_files,
        )
        """The agent's transfers and personal queue (``control/flow.py``)."""
        self._session_keys = session_keys or (lambda agent_id: [])
        """The keys of an agent's open API sessions: an outbound call's header may be made
        with any of them."""

    @property
    def calls(self) -> Calls:
        """The calls in progress by contact id (and what they share with the control)."""
        return self._calls

    async def queue_refusal(self, name: str) -> str | None:
        """Why a caller handed to queue ``name`` now would be turned away at once (its
        schedule closed, nobody logged in), in words; ``None`` when it can wait there."""
        queue = self._plan().queues.get(name)
        if queue is None:
            return f"queue {name!r} is not configured"
        if queue.flow.schedule is not None:
            status = self._plan().schedules[queue.flow.schedule].status_at(self._clock.now())
            if not status.is_open:
                return f"queue {name!r} is closed now"
        view = next((q for q in await self._offload(self._centre.queues) if q.name == name), None)
        if view is None or view.logged_in == 0:
            return f"nobody is logged in to queue {name!r}"
        return None

    # Prompts

    def prompt(self, name: str, language: str) -> Path:
        """The audio of ``name``: the administrator's file if there is one, else the
        default set's; raises :class:`FlowError` when there is neither."""
        custom = self._plan().custom_prompts.get((name, language))
        if custom is not None and custom.is_file():
            return custom
        default = self._prompts.default_path(name, language)
        if default is None:
            raise FlowError(f"no audio for prompt {name!r} in {language!r}")
        return default

    def _files(self, call: Call, *names: str) -> list[Path]:
        return [self.prompt(name, call.language) for name in names]

    # The call

    async def __call__(self, leg: CallLeg) -> None:
        if self._event_loop is None:
            self._event_loop = asyncio.get_running_loop()
            self._change = self._event_loop.create_future()
        if leg.session is not None:  # an agent's softphone calls an outside number
            await outbound_call(
                leg,
                centre=self._centre,
                line=self._calls.outside_line,
                session_keys=self._session_keys,
                progress=self._calls.progress,
                offload=self._offload,
            )
            return
        plan = self._plan()
        entry = plan.entry_points.get(leg.to_user)
        if entry is None:
            log.warning("call %s to unknown number %r: rejected", leg.call_id, leg.to_user)
            await leg.reject(404)
            return
        await leg.answer()
        language = entry.language.value
        contact_id = await self._offload(
            self._centre.enter, entry.address, leg.caller, "voice", language
        )
        call = Call(leg, contact_id, language, entry)
        self._calls.add(call)
        log.info("call %s is contact %d at entry point %s", leg.call_id, contact_id, entry.address)
        ended_by: EndedBy = "system"
        try:
            await self._record_from_start(call, plan.recording_by_entry.get(entry.address))
            await self._serve(call, plan)
            if call.cause is None:
                call.cause = "message"
        except CallGone as gone:
            if gone.side in ("caller", "agent"):
                ended_by = "caller" if gone.side == "caller" else "agent"
                if gone.cause == "media_timeout":
                    call.cause = "media_timeout"
                    log.warning("call %s (contact %d): no RTP from the %s; ended", leg.call_id,
                                contact_id, gone.side)  # fmt: skip
            else:
                call.cause = "worker_died" if gone.cause == "worker_died" else "error"
                log.warning("call %s (contact %d) lost: %s", leg.call_id, contact_id, gone.cause)
        except FlowError as error:
            log.error("call %s (contact %d): %s", leg.call_id, contact_id, error)
            call.cause = "no_route"
        finally:
            self._calls.remove(contact_id)
            await self._answer_not_read(call)
            for task in list(call.ringing.values()):
                task.cancel()
            try:
                if not self.control.handed_out(contact_id):  # ended at the hand-over
                    await self._offload(self._centre.ended, contact_id, ended_by, cause=call.cause)
            except CentreError as error:
                log.warning("contact %d could not be ended: %s", contact_id, error)
            with contextlib.suppress(CallGone):
                await leg.hangup()
            await self._close_recording(call, stop=False)

    async def _serve(self, call: Call, plan: FlowPlan) -> None:
        entry = call.entry
        storm = await self._storm(call)
        if storm:
            await call.leg.play(storm)
        if entry.schedule is not None:
            status = plan.schedules[entry.schedule].status_at(self._clock.now())
            if not status.is_open:
                holiday = status.kind is StatusKind.HOLIDAY
                call.cause = "holiday" if holiday else "closed"
                await self._run(call, entry.when_closed, default_prompt=call.cause)
                return
        if entry.welcome_prompt is not None:
            await call.leg.play(self._files(call, entry.welcome_prompt))
        await self._run(call, entry.first)

    async def _run(
        self, call: Call, action: Action | None, *, default_prompt: str | None = None
    ) -> None:
        """Carry out ``action`` and whatever it leads to, until the call is done."""
        if action is None:
            if default_prompt is not None:
                await call.leg.play(self._files(call, default_prompt))
            return
        next_action: Action | None = action
        for _ in range(MAX_STEPS):
            if next_action is None or isinstance(next_action, HangUp):
                return
            next_action = await self._step(call, next_action)
        raise FlowError(f"more than {MAX_STEPS} steps: the configuration loops")

    async def _step(self, call: Call, action: Action) -> Action | None:
        plan = self._plan()
        if isinstance(action, GoToMenu):
            return await self._menu(call, self._menu_item(plan, action.menu))
        if isinstance(action, SwitchLanguage):
            menu = self._menu_item(plan, action.menu)
            call.language = menu.language.value
            return await self._menu(call, menu)
        if isinstance(action, PlayMessage):
            await call.leg.play(self._files(call, action.prompt))
            return action.then
        if isinstance(action, CollectDigits):
            collection = plan.collections.get(action.collection)
            if collection is None:
                raise FlowError(f"digit collection {action.collection!r} is gone")
            entered = await self._collect(call, collection)
            if entered is not None:
                rule = next((r for r in action.rules if entered.startswith(r.prefix)), None)
                if rule is not None:
                    call.need(rule.priority, {rule.skill: rule.skill_level} if rule.skill else {})
                return action.then
            if collection.on_failure_menu is not None:
                return GoToMenu(menu=collection.on_failure_menu)
            return action.then
        if isinstance(action, GoToQueue):
            call.need(action.priority, action.skills)
            return await self._queue(call, action.queue)
        if isinstance(action, TransferTo):
            await self._transfer(call, action.number)
            return None
        if isinstance(action, Voicemail):
            await self._leave_message(call, action.box)
            return None
        if isinstance(action, Callback):
            await self._callback_target(call, action.queue)
            return None
        raise FlowError(f"{action.kind} is not available yet")

    async def _leave_message(self, call: Call, name: str) -> None:
        """The box's greeting and a beep, then the caller is recorded until the box's
        limit, ``#`` or the hang-up; the message is kept in every case (a caller who hung
        up at once leaves one marked short). ``#`` or the limit: a thank-you, then the
        flow hangs up."""
        box = self._plan().voicemail_boxes.get(name)
        if box is None:
            raise FlowError(f"voicemail box {name!r} is not configured")
        messages = self._voicemail
        if messages is None:
            raise FlowError(f"voicemail box {name!r}: this server keeps no files (no data folder)")
        leg = call.leg
        await self._close_recording(call, stop=True)  # the message is recorded on its own
        await leg.play([*self._files(call, box.greeting), self.prompt("beep", call.language)])
        finished = await leg.record(
            messages.path_for(leg.call_id), box.max_message_s, stop_key=VOICEMAIL_STOP_KEY
        )
        call.cause = "voicemail"
        stopping = False
        try:
            await leg.until_ended(asyncio.shield(finished))
            await leg.play(self._files(call, "voicemail_saved"))
        except asyncio.CancelledError:
            stopping = True  # the server stops: keep what is on disk now, without waiting
            raise
        finally:
            try:
                if not stopping:
                    await wait_for(self._clock, asyncio.shield(finished), RECORDING_CLOSE_S)
            except (TimeoutError, RecordingFailed) as error:
                log.warning("call %s: the voicemail recording did not end well: %s",
                            leg.call_id, error or "no report")  # fmt: skip
            message = await self._offload(
                messages.keep,
                box=box,
                contact_id=call.contact_id,
                call_id=leg.call_id,
                caller=leg.caller,
            )
            log.info("call %s left voicemail message %d in %r (%.1f s)", leg.call_id,
                     message.id, box.name, message.seconds)  # fmt: skip

    # Call recording (R27)

    async def _record_from_start(self, call: Call, rule: RecordingRuleItem | None) -> None:
        """Record the call from its answer: when the entry point's ``rule`` chooses it,
        after its consent prompt (kept); otherwise into a buffer that is deleted at the
        end unless the agent asks to keep it (a queue's rule may still choose it)."""
        if self._recordings is None:
            return
        if rule is not None and chosen(rule, self._rng):
            await self._record_by_rule(call, rule)
            return
        path = await self._offload(self._recordings.path_for, call.leg.call_id)
        finished = await call.leg.record(path, CALL_RECORDING_MAX_S, legs=("caller", "agent"))
        call.recording = CallRecording(finished, self._clock.now(), decided=rule is not None)

    async def _record_by_rule(self, call: Call, rule: RecordingRuleItem) -> None:
        """The rule chose the call: its consent prompt, then the recording starts."""
        recordings = self._recordings
        assert recordings is not None
        leg = call.leg
        await self._close_recording(call, stop=True)  # the buffer so far is not kept
        await leg.play(self._files(call, rule.consent_prompt))
        path = await self._offload(recordings.path_for, leg.call_id)
        finished = await leg.record(path, CALL_RECORDING_MAX_S, legs=("caller", "agent"))
        call.recording = CallRecording(
            finished,
            self._clock.now(),
            decided=True,
            keep_reason="rule",
            retention_days=rule.retention_days,
        )
        await self._offload(
            recordings.started,
            contact_id=call.contact_id,
            call_id=leg.call_id,
            reason="rule",
            rule=rule.name,
            consent_prompt=rule.consent_prompt,
        )

    async def _queue_recording(self, call: Call, queue: QueueItem) -> None:
        """A call reaching ``queue`` that no rule has decided yet: the queue's rule's turn."""
        recording = call.recording
        rule = self._plan().recording_by_queue.get(queue.name)
        if self._recordings is None or rule is None:
            return
        if recording is not None and recording.decided:
            return
        if chosen(rule, self._rng):
            await self._record_by_rule(call, rule)
        elif recording is not None:
            recording.decided = True

    async def keep_recording(self, contact_id: int, agent_id: int) -> None:
        """The agent ``agent_id`` asks to keep its call's recording: the whole call, its
        start included, is kept when it ends (logged with who asked). Refused in words
        (``CentreError`` when it is not the agent's call, ``FlowError`` otherwise)."""
        await self._offload(self._centre.own_call, contact_id, agent_id)
        call = self._calls.get(contact_id)
        recording = None if call is None else call.recording
        if call is None or recording is None or self._recordings is None:
            raise FlowError(f"contact {contact_id} is not being recorded on this server")
        if recording.keep_reason is not None:
            raise FlowError(f"contact {contact_id} is recorded already ({recording.keep_reason})")
        recording.keep_reason = "agent"
        await self._offload(
            self._recordings.started,
            contact_id=contact_id,
            call_id=call.leg.call_id,
            reason="agent",
            by_user=agent_id,
        )

    async def _close_recording(self, call: Call, *, stop: bool) -> None:
        """End the call's recording (``stop``: now; else the call's end did) and, once the
        worker has closed the file, keep it (with its checksum and length) or delete the
        buffer nobody asked to keep."""
        recording, recordings = call.recording, self._recordings
        if recording is None or recordings is None:
            return
        call.recording = None
        if stop:
            with contextlib.suppress(CallGone):
                await call.leg.stop_recording()
        with contextlib.suppress(TimeoutError, RecordingFailed):
            await wait_for(self._clock, asyncio.shield(recording.finished), RECORDING_CLOSE_S)
        leg = call.leg
        if recording.keep_reason is None:
            await self._offload(recordings.discard, contact_id=call.contact_id, call_id=leg.call_id)
            return
        agent_id = (
            call.answered.result() if call.answered is not None and call.answered.done() else None
        )
        names = await self._offload(self._centre.agent_names) if agent_id is not None else {}
        facts = CallFacts(
            contact_id=call.contact_id,
            call_id=leg.call_id,
            entry_point=call.entry.address,
            queue=None if call.queue is None else call.queue.name,
            agent_id=agent_id,
            agent_name=names.get(agent_id) if agent_id is not None else None,
            caller=leg.caller,
            started_at=recording.started_at,
        )
        kept = await self._offload(
            recordings.keep,
            facts,
            reason=recording.keep_reason,
            retention_days=recording.retention_days or DEFAULT_RETENTION_DAYS,
        )
        log.info("call %s recorded as %d (%.1f s)", leg.call_id, kept.id, kept.seconds)

    async def _transfer(self, call: Call, number: str) -> None:
        """Put the caller through to the outside ``number``: the outside leg is called
        from the caller's worker through the outside gateway and bridged, and the call
        ends when either side hangs up. Only a configured action (an overflow rule, a menu
        key) leads here, so the server dials out only where a rule asked it to."""
        leg = call.leg
        line = self._calls.outside_line
        if line is None:
            raise FlowError(
                f"transfer to {number}: no outside gateway is configured "
                "(a trunk with outbound: true, or vaxla-server serve --outside-gateway)"
            )
        uri = line.uri(number)
        await leg.play(self._files(call, "transferring"))
        log.info("contact %d: calling the outside number %s", call.contact_id, uri)
        await leg.start_playing(self._files(call, "music_on_hold"), loop=True)
        await leg.originate_agent_leg(uri, dict(line.headers))
        state = await leg.agent_leg_outcome(OUTSIDE_RING_S)
        if state is None or state.state == "failed":
            code = "no answer" if state is None else f"SIP {state.code}"
            log.warning("contact %d: %s did not answer (%s)", call.contact_id, uri, code)
            call.cause = "no_route"
            await leg.play(self._files(call, "goodbye"))
            return
        call.cause = "transferred"
        await self._offload(self._centre.put_through, call.contact_id, number)
        await leg.bridge()
        ended = await asyncio.shield(leg.ended)
        if ended.side == "caller":
            raise CallGone(ended.cause, ended.side)
        # The outside party hung up (or the worker went): the server ends the call.

    @staticmethod
    def _menu_item(plan: FlowPlan, name: str) -> MenuItem:
        menu = plan.menus.get(name)
        if menu is None:
            raise FlowError(f"menu {name!r} is gone")
        return menu

    # Menus

    async def _menu(self, call: Call, menu: MenuItem) -> Action | None:
        """Play the menu and take a key; an invalid key or silence tries again, up to
        ``retries`` more times, then ``on_timeout`` happens."""
        leg = call.leg
        for attempt in range(menu.retries + 1):
            digit = await leg.play_until_digit(self._files(call, menu.prompt))
            if digit is None:
                digit = await leg.next_digit(menu.timeout_s)
            if digit is None:
                log.info("contact %d: no key in menu %s", call.contact_id, menu.name)
                if attempt < menu.retries:
                    await leg.play(self._files(call, "no_input"))
                continue
            action = next((a for key, a in menu.keys.items() if key == digit), None)
            await self._offload(self._centre.menu_choice, call.contact_id, menu.name, digit)
            if action is not None:
                return action
            await leg.play(self._files(call, menu.invalid_prompt))
        return menu.on_timeout

    # Digit collection

    async def _collect(self, call: Call, collection: DigitCollectionItem) -> str | None:
        """Ask for the digits until they are valid, at most ``retries`` + 1 times; the
        valid entry is attached to the contact (R5) and returned as keyed."""
        rule = digit_rule(collection)
        leg = call.leg
        for attempt in range(1, collection.retries + 2):
            entered = await self._read_digits(call, collection)
            try:
                value = rule.validate(entered, today=self._local_today(call))
            except CallerInputError as error:
                log.info("contact %d: %s invalid: %s", call.contact_id, collection.name, error)
                await self._offload(
                    self._centre.digits_entered,
                    call.contact_id,
                    collection.name,
                    None,
                    valid=False,
                    attempt=attempt,
                )
                await leg.play(self._files(call, collection.invalid_prompt))
                continue
            shown = _shown(value)
            call.data[collection.name] = shown
            await self._offload(
                self._centre.digits_entered,
                call.contact_id,
                collection.name,
                shown,
                valid=True,
                attempt=attempt,
            )
            return entered
        return None

    async def _read_digits(self, call: Call, collection: DigitCollectionItem) -> str:
        leg = call.leg
        first = await leg.play_until_digit(self._files(call, collection.prompt))
        digits = "" if first is None else first
        limit = collection.max_length or 12
        while not digits.endswith("#") and len(digits) < limit:
            digit = await leg.next_digit(DIGIT_TIMEOUT_S)
            if digit is None:
                break
            digits += digit
        if not digits.endswith("#") and len(digits) >= limit:
            # Full length ends the entry; a '#' the caller adds out of habit ends it too.
            leg.swallow_terminator(DIGIT_TIMEOUT_S)
        return digits.removesuffix("#")

    def presence_files(self, call: Call, agent_id: int) -> list[Path]:
        """What the caller hears of the agent's hänvisning (R29), if it has one set: the
        reason and the return time, in the caller's language and the entry point's time
        zone (the server's without a schedule). Reads the centre: call it offloaded."""
        username = self._centre.agent_names().get(agent_id)
        view = None if username is None else self._centre.presence_of(username)
        if view is None:
            return []
        schedule = self._plan().schedules.get(call.entry.schedule or "")
        now = self._clock.now()
        zone = schedule.time_zone if schedule else now.astimezone().tzinfo
        assert zone is not None
        language: Language = "sv" if call.language == "sv" else "en"
        return self._files(call, *presence_prompts(view.reason, view.until, now, zone, language))

    def _local_today(self, call: Call) -> date:
        schedule = self._plan().schedules.get(call.entry.schedule or "")
        now = self._clock.now()
        return now.astimezone(schedule.time_zone).date() if schedule else now.date()

    # The queue

    async def _queue(self, call: Call, queue_name: str) -> Action | None:
        queue = self._plan().queues.get(queue_name)
        if queue is None:
            raise FlowError(f"queue {queue_name!r} is gone")
        views = await self._offload(self._centre.queues)
        view = next((q for q in views if q.name == queue_name), None)
        if view is None:
            raise FlowError(f"queue {queue_name!r} is not running")
        flow = queue.flow
        if flow.schedule is not None:
            status = self._plan().schedules[flow.schedule].status_at(self._clock.now())
            if not status.is_open:
                call.cause = "holiday" if status.kind is StatusKind.HOLIDAY else "closed"
                return await self._overflow(
                    call, view.queue_id, "schedule", flow.on_closed, waiting=False
                )
        if view.logged_in == 0:
            call.cause = "nobody_logged_in"
            return await self._overflow(
                call, view.queue_id, "nobody_logged_in", flow.on_nobody_logged_in, waiting=False
            )
        if flow.max_length is not None and view.waiting >= flow.max_length:
            call.cause = "queue_full"
            return await self._overflow(
                call, view.queue_id, "max_length", flow.on_max_length, waiting=False
            )
        call.cause = None
        await self._queue_recording(call, queue)
        priority, skills = _priority_and_skills(queue, call)
        call.queue = queue
        call.answered = asyncio.get_running_loop().create_future()
        preferred = self._sticky_agent(call.leg.caller, queue)
        position = await self._offload(
            self._centre.queue,
            call.contact_id,
            view.queue_id,
            priority=priority,
            skills=skills,
            data=call.data,
            preferred_agent=preferred,
            preferred_for_s=min(STICKY_HOLD_S, queue.sticky_agent_s) if preferred else 0.0,
        )
        call.last_position = position
        return await self._wait_in_queue(call, queue, view.queue_id)

    async def _wait_in_queue(self, call: Call, queue: QueueItem, queue_id: int) -> Action | None:
        """Wait for an agent with the announcements playing, until the caller is answered
        or an overflow rule takes them out. The rules are those of the newest
        configuration: a change (a shorter maximum wait, a new schedule) or the last agent
        logging out is applied to callers already waiting."""
        assert call.answered is not None
        reason = self._forced_on_arrival(call, queue)
        first = True
        while True:
            if reason is not None:
                if await self._callback(call, queue, reason):
                    return None  # the caller keeps its place without a voice leg
                reason, first = None, False
            rule, queue_id, queue = await self._wait_announced(call, queue, queue_id, first)
            if rule != "callback":
                break
            assert call.wants_callback is not None
            reason = call.wants_callback.result()
        if rule == "answered":
            again = await self._talk(call, call.answered.result())
            return await self._wait_again(call, again)
        flow = queue.flow
        action = {
            "max_wait": flow.on_max_wait,
            "schedule": flow.on_closed,
            "nobody_logged_in": flow.on_nobody_logged_in,
        }[rule]
        call.cause = {
            "max_wait": "queue_full",
            "schedule": "closed",
            "nobody_logged_in": "nobody_logged_in",
        }[rule]  # type: ignore[assignment]
        return await self._overflow(call, queue_id, rule, action, waiting=True)

    async def _wait_announced(
        self, call: Call, queue: QueueItem, queue_id: int, first: bool
    ) -> tuple[WaitEnd, int, QueueItem]:
        """Wait with the announcements playing (the first message if ``first``) until
        something ends the wait; returns what, and the queue the caller waits in then."""
        loop = asyncio.get_running_loop()
        call.wants_callback = loop.create_future()
        announcements = asyncio.create_task(self._announce(call, queue, first=first))
        try:
            while True:
                queue = self._plan().queues.get(queue.name, queue)
                rule = await self._wait_once(call, queue)
                if rule is not None:
                    return rule, queue_id, queue
                moved = await self._moved_to(call, queue_id)
                if moved is not None:  # a supervisor moved it: the new queue's rules apply
                    queue_id, queue = moved
                    call.queue = queue
                    announcements.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await announcements
                    call.wants_callback = loop.create_future()
                    announcements = asyncio.create_task(self._announce(call, queue))
        finally:
            announcements.cancel()
            with contextlib.suppress(asyncio.CancelledError, CallGone):
                await announcements

    async def _wait_once(self, call: Call, queue: QueueItem) -> WaitEnd | None:
        """What ended this wait; ``None`` when the configuration or the agents changed and
        the wait goes on under the new rules."""
        assert call.answered is not None and self._change is not None
        assert call.wants_callback is not None
        changed = self._change
        deadline = queue.flow.max_wait_s
        waited = (await self._offload(self._centre.contact, call.contact_id)).wait_seconds
        timer = (
            asyncio.ensure_future(self._clock.sleep(max(0.0, deadline - waited)))
            if deadline is not None
            else asyncio.get_running_loop().create_future()
        )
        closing = asyncio.ensure_future(self._until_closed(queue))
        try:
            await asyncio.wait(
                {call.answered, timer, closing, call.leg.ended, changed, call.wants_callback},
                return_when=asyncio.FIRST_COMPLETED,
            )
        finally:
            timer.cancel()
            closing.cancel()
        if call.leg.ended.done():
            ended = call.leg.ended.result()
            raise CallGone(ended.cause, ended.side)
        if call.answered.done():
            return "answered"
        if call.wants_callback.done():
            return "callback"
        if timer.done() and not timer.cancelled():
            return "max_wait"
        if closing.done() and not closing.cancelled():
            return "schedule"
        views = await self._offload(self._centre.queues)
        view = next((q for q in views if q.name == queue.name), None)
        if view is not None and view.logged_in == 0:
            return "nobody_logged_in"
        return None

    async def _moved_to(self, call: Call, queue_id: int) -> tuple[int, QueueItem] | None:
        """The queue the caller waits in now, if it is no longer ``queue_id`` (R16: a
        supervisor moved it); None while it waits there, or in an agent's personal queue."""
        view = await self._offload(self._centre.contact, call.contact_id)
        if view.queue_id is None or view.queue_id == queue_id or view.personal_agent is not None:
            return None
        name = (await self._offload(self._centre.queue_names)).get(view.queue_id)
        queue = None if name is None else self._plan().queues.get(name)
        return None if queue is None else (view.queue_id, queue)

    def notify_changed(self) -> None:
        """The configuration or the agents changed: waiting callers look at their rules
        again. Safe to call from any thread."""
        loop = self._event_loop
        if loop is not None:
            loop.call_soon_threadsafe(self._wake_waiters)

    def _wake_waiters(self) -> None:
        done, self._change = self._change, asyncio.get_running_loop().create_future()
        if done is not None and not done.done():
            done.set_result(None)

    def _centre_events(self, events: Sequence[Event]) -> None:
        if any(isinstance(event, AgentLoggedOut | Moved) for event in events):
            self.notify_changed()

    async def _until_closed(self, queue: QueueItem) -> None:
        """Returns when the queue's own schedule closes (never, without one)."""
        if queue.flow.schedule is None:
            await asyncio.get_running_loop().create_future()
            return
        schedule = self._plan().schedules[queue.flow.schedule]
        while True:
            status = schedule.status_at(self._clock.now())
            if not status.is_open:
                return
            if status.next_change is None:
                await asyncio.get_running_loop().create_future()
                return
            wait = (status.next_change - self._clock.now()).total_seconds()
            await self._clock.sleep(max(wait, 0.001))

    async def _overflow(
        self,
        call: Call,
        queue_id: int,
        rule: OverflowRule,
        action: Action | None,
        *,
        waiting: bool,
    ) -> Action | None:
        """Leave queue ``queue_id`` by ``rule`` (``waiting``: the caller waited there) to
        the action configured for it; without one, play the rule's default message and end
        the call. Into another queue, a waiting caller keeps its accumulated wait."""
        target = "message" if action is None else _describe(action)
        log.info("contact %d overflows (%s) to %s", call.contact_id, rule, target)
        if waiting and isinstance(action, Callback):
            return await self._overflow_to_callback(call, queue_id, rule, action)
        if waiting and isinstance(action, GoToQueue):
            to_queue = await self._queue_id(action.queue)
            await self._offload(
                self._centre.overflowed, call.contact_id, rule, target, to_queue=to_queue
            )
            queue = self._plan().queues[action.queue]
            call.queue, call.cause = queue, None
            call.answered = asyncio.get_running_loop().create_future()
            return await self._wait_in_queue(call, queue, to_queue)
        if waiting:
            await self._offload(self._centre.overflowed, call.contact_id, rule, target)
        else:
            await self._offload(self._centre.turned_away, call.contact_id, queue_id, rule, target)
        if action is None:
            await call.leg.play(self._files(call, _DEFAULT_PROMPTS[rule]))
            return None
        return action

    async def _queue_id(self, name: str) -> int:
        for view in await self._offload(self._centre.queues):
            if view.name == name:
                return view.queue_id
        raise FlowError(f"queue {name!r} is not running")

    async def _announce(self, call: Call, queue: QueueItem, *, first: bool = True) -> None:
        """The first message (and how to hear the position, and to choose between the
        estimated wait and the position), then music on hold with the position, estimated
        wait, agents answering and a periodic message in turn; ``*`` says the position
        again at any time, ``#`` switches the repeated message between the wait and the
        position (R9). The queue's callback key is said after the first and each repeated
        message; pressing it, or the estimated wait passing the queue's forced limit, ends
        the announcements with ``call.wants_callback`` resolved (R17)."""
        leg = call.leg
        item = self._plan().announcements.get(queue.flow.announcements or "")
        music = self._files(call, "music_on_hold")
        offer = self._callback_offer(call, queue)
        if await self._long_wait(call, queue):
            return
        if first and item is not None and item.first is not None:
            await self._log_announcement(call, "first", item.first)
            prompts = [item.first, "press_star_for_position"]
            if item.announce_position or item.announce_wait:
                prompts.append("press_hash_to_choose")
            await self._interruptible(call, self._files(call, *prompts) + offer, item, queue)
        periodic = list(item.periodic) if item is not None else []
        turn = 0
        while not self._callback_wanted(call):
            await leg.start_playing(music, loop=True)
            interval = item.periodic_interval_s if item is not None else 30.0
            key = await self._wait_for_key(call, interval, queue)
            if self._callback_keyed(call, queue, key):
                return
            if await self._long_wait(call, queue):
                return
            files: list[Path] = []
            if key == REPEAT_CHOICE_KEY:
                files += await self._choose_repeat(call, item)
            elif key == POSITION_KEY or self._repeats(call, item, "position"):
                files += await self._position_files(call)
            if key is None and item is not None:
                if self._repeats(call, item, "wait"):
                    files += await self._wait_files(call)
                if item.announce_agents_answering:
                    files += await self._answering_files(call, queue)
                if periodic:
                    prompt = periodic[turn % len(periodic)]
                    await self._log_announcement(call, "periodic", prompt)
                    files += self._files(call, prompt)
                    turn += 1
            files = await self._storm(call) + files
            if files:
                await self._interruptible(call, files + offer, item, queue)

    async def _storm(self, call: Call) -> list[Path]:
        """The storm message switched on at the caller's entry point, unless the caller
        has heard that one already (R6); noted in the log as heard."""
        storm = await self._offload(self._centre.storm_at, call.entry.address)
        if storm is None or call.storm_heard == storm.started_at:
            return []
        call.storm_heard = storm.started_at
        with contextlib.suppress(CentreError):
            await self._offload(
                self._centre.storm_heard, call.contact_id, storm.entry_point, storm.started_at
            )
        return [Path(storm.audio)]

    @staticmethod
    def _repeats(
        call: Call, item: AnnouncementSetItem | None, what: Literal["position", "wait"]
    ) -> bool:
        """Whether the repeated message gives ``what``: the caller's choice, else the
        announcement set's."""
        if item is None:
            return False
        if call.repeat is not None:
            return call.repeat == what
        return item.announce_position if what == "position" else item.announce_wait

    async def _choose_repeat(self, call: Call, item: AnnouncementSetItem | None) -> list[Path]:
        """``#``: the repeated message gives the other of the wait and the position from
        now on; say so, and give it at once."""
        call.repeat = "position" if self._repeats(call, item, "wait") else "wait"
        if call.repeat == "wait":
            return self._files(call, "repeat_wait") + await self._wait_files(call)
        return self._files(call, "repeat_position") + await self._position_files(call)

    async def _log_announcement(self, call: Call, kind: AnnouncementKind, prompt: str) -> None:
        # Answered or gone in the meantime: the announcement is not played either.
        with contextlib.suppress(CentreError):
            await self._offload(self._centre.announced, call.contact_id, kind, prompt)

    async def _answering_files(self, call: Call, queue: QueueItem) -> list[Path]:
        views = await self._offload(self._centre.queues)
        view = next((q for q in views if q.name == queue.name), None)
        if view is None:
            return []
        answering = view.logged_in - view.paused
        try:
            numbers = number_prompts(answering, call.language)  # type: ignore[arg-type]
        except NumberOutOfRange:
            return []
        await self._log_announcement(call, "agents_answering", f"agents_answering {answering}")
        return self._files(call, "agents_answering", *numbers)

    async def _wait_for_key(self, call: Call, seconds: float, queue: QueueItem) -> str | None:
        """``*``, ``#`` or the queue's callback key if pressed within ``seconds``; other
        keys are ignored while waiting."""
        remaining = seconds
        start = self._clock.monotonic()
        while remaining > 0:
            digit = await call.leg.next_digit(remaining)
            if digit is not None and digit in (
                POSITION_KEY,
                REPEAT_CHOICE_KEY,
                self._callback_key(queue),
                self._schedule_key(queue),
            ):
                return digit
            remaining = seconds - (self._clock.monotonic() - start)
        return None

    async def _interruptible(
        self, call: Call, files: list[Path], item: AnnouncementSetItem | None, queue: QueueItem
    ) -> None:
        digit = await call.leg.play_until_digit(files)
        if self._callback_keyed(call, queue, digit):
            pass
        elif digit == POSITION_KEY:
            await call.leg.play(await self._position_files(call))
        elif digit == REPEAT_CHOICE_KEY and item is not None:
            await call.leg.play(await self._choose_repeat(call, item))

    async def _position_files(self, call: Call) -> list[Path]:
        view = await self._offload(self._centre.contact, call.contact_id)
        position = view.position
        if position is None:
            return []
        if call.last_position is not None:
            position = min(position, call.last_position)
        call.last_position = position
        try:
            numbers = number_prompts(position, call.language)  # type: ignore[arg-type]
        except NumberOutOfRange:
            return []
        await self._log_announcement(call, "position", f"you_are_number {position}")
        return self._files(call, "you_are_number", *numbers, "in_the_queue")

    async def _wait_files(self, call: Call) -> list[Path]:
        estimate = (await self._offload(self._centre.contact, call.contact_id)).estimated_wait
        if estimate is None:
            return []
        minutes = round(estimate / 60)
        await self._log_announcement(call, "estimated_wait", f"about {minutes} min")
        if minutes < 1:
            return self._files(call, "estimated_wait_about", "less_than_one_minute")
        try:
            numbers = number_prompts(minutes, call.language)  # type: ignore[arg-type]
        except NumberOutOfRange:
            return []
        unit = "minute" if minutes == 1 else "minutes"
        return self._files(call, "estimated_wait_about", *numbers, unit)

    # Callbacks (R17)

    @staticmethod
    def _callback_key(queue: QueueItem) -> str | None:
        callback = queue.flow.callback
        return None if callback is None else callback.key

    @staticmethod
    def _schedule_key(queue: QueueItem) -> str | None:
        callback = queue.flow.callback
        return None if callback is None else callback.schedule_key

    def _callback_offer(self, call: Call, queue: QueueItem) -> list[Path]:
        """What says the queue's callback key ("to be called back …, press 3") and its
        schedule key ("to choose a time …, press 4")."""
        key, at_time = self._callback_key(queue), self._schedule_key(queue)
        files: list[Path] = []
        if key is not None:
            files += self._files(call, "callback_offer", f"number_{key}")
        if at_time is not None:
            files += self._files(call, "callback_schedule_offer", f"number_{at_time}")
        return files

    def _callback_keyed(self, call: Call, queue: QueueItem, digit: str | None) -> bool:
        """Whether ``digit`` is the queue's callback key or its schedule key: then the
        caller wants a callback (``call.wants_callback`` resolved), at a time it keys
        for the schedule key."""
        if digit is None:
            return False
        if digit == self._schedule_key(queue):
            call.callback_at_time = True
        elif digit != self._callback_key(queue):
            return False
        self._want_callback(call, "key")
        return True

    @staticmethod
    def _callback_wanted(call: Call) -> bool:
        return call.wants_callback is not None and call.wants_callback.done()

    @staticmethod
    def _want_callback(call: Call, reason: CallbackReason) -> None:
        if call.wants_callback is not None and not call.wants_callback.done():
            call.wants_callback.set_result(reason)

    def _forced_on_arrival(self, call: Call, queue: QueueItem) -> CallbackReason | None:
        """``outside_hours`` when the queue imposes a callback on callers arriving outside
        its ``forced_outside`` window now."""
        callback = queue.flow.callback
        if callback is None or callback.forced_outside is None or call.callback_declined:
            return None
        return "outside_hours" if _outside(callback.forced_outside, self._clock) else None

    async def _long_wait(self, call: Call, queue: QueueItem) -> bool:
        """Whether the caller's estimated wait passes the queue's ``forced_after_s``:
        then a callback is imposed (``call.wants_callback`` resolved)."""
        callback = queue.flow.callback
        if callback is None or callback.forced_after_s is None or call.callback_declined:
            return False
        estimate = (await self._offload(self._centre.contact, call.contact_id)).estimated_wait
        if estimate is None or estimate <= callback.forced_after_s:
            return False
        log.info("contact %d: estimated wait %.0f s imposes a callback", call.contact_id, estimate)
        self._want_callback(call, "long_wait")
        return True

    async def _callback(
        self,
        call: Call,
        queue: QueueItem,
        reason: CallbackReason,
        *,
        queue_id: int | None = None,
        closed: bool = False,
    ) -> bool:
        """The caller asked for a callback (``key``) or one is imposed: the number is
        confirmed (or keyed), the callback requested (the contact keeps its place in the
        line without a voice leg) and the caller told goodbye. False when the caller gave
        no number or the centre refused (an agent's phone rings for it now): the caller
        waits on in the line.

        With the schedule key pressed (``call.callback_at_time``) the caller keys the
        time it is called at; while the queue is ``closed`` it is called at the queue's
        next opening (or at a keyed time, when the queue has a schedule key).
        ``queue_id``: a caller in no line (sent by a callback target) becomes a callback
        in that queue."""
        terms = queue.flow.callback
        assert terms is not None
        at_time, call.callback_at_time = call.callback_at_time, False  # this request's
        if reason in FORCED_REASONS:
            await call.leg.play(self._files(call, "callback_forced"))
        number = await self._callback_number(call, terms)
        if number is None:
            log.info("contact %d: no number to call back; waits on", call.contact_id)
            call.callback_declined = True
            return False
        due: datetime | None = None
        if at_time or (closed and terms.schedule_key is not None):
            due = await self._callback_time(call, queue, terms)
            if due is None and not closed:
                log.info("contact %d: no time for the callback; waits on", call.contact_id)
                call.callback_declined = True
                return False
        if due is None and closed:
            due = await self._next_opening(call, queue)
            if due is None:
                log.warning("contact %d: queue %s never opens again: no callback",
                            call.contact_id, queue.name)  # fmt: skip
                return False
        try:
            await self._offload(
                self._centre.request_callback,
                call.contact_id,
                number,
                terms,
                reason=reason,
                queue_id=queue_id,
                due=due,
                priority=_priority_and_skills(queue, call)[0],
                data=call.data,
            )
        except CentreError as error:
            log.info("contact %d: no callback (%s); waits on", call.contact_id, error)
            return False
        # Offers for the callback no longer ring from this caller's leg.
        self._calls.remove(call.contact_id)
        log.info("contact %d: callback to %s (%s)%s", call.contact_id, number, reason,
                 "" if due is None else f" at {due.isoformat()}")  # fmt: skip
        goodbye = "callback_goodbye" if due is None else "callback_scheduled_goodbye"
        await call.leg.play(self._files(call, goodbye))
        return True

    def _zone(self, call: Call, queue: QueueItem) -> tuple[Schedule | None, tzinfo]:
        """The opening hours a scheduled callback keeps to: the queue's schedule, else
        the caller's entry point's (None: always open); and the time zone its time is
        keyed and said in: theirs, else the server's."""
        schedules = self._plan().schedules
        schedule = schedules.get(queue.flow.schedule or "") or schedules.get(
            call.entry.schedule or ""
        )
        zone = schedule.time_zone if schedule else self._clock.now().astimezone().tzinfo
        assert zone is not None
        return schedule, zone

    def _closed(self, call: Call, queue: QueueItem) -> bool:
        """Whether the opening hours a callback keeps to (``_zone``) are closed now."""
        schedule, _zone = self._zone(call, queue)
        return schedule is not None and not schedule.status_at(self._clock.now()).is_open

    def _said(self, call: Call, due: datetime, zone: tzinfo) -> list[str]:
        language: Language = "sv" if call.language == "sv" else "en"
        return said_time(due, self._clock.now(), zone, language)

    async def _callback_time(
        self, call: Call, queue: QueueItem, terms: CallbackItem
    ) -> datetime | None:
        """The time the caller keys (HHMM then #) for its callback: the next such time
        within the queue's opening hours and at least the queue's lead ahead, read back
        to be confirmed (1) or keyed again (2). A time that is not one, or is never open,
        is said to be so and asked again. None after :data:`CALLBACK_TIME_TRIES`."""
        leg = call.leg
        schedule, zone = self._zone(call, queue)
        lead = timedelta(minutes=terms.schedule_lead_min)
        for _ in range(CALLBACK_TIME_TRIES):
            first = await leg.play_until_digit(self._files(call, "callback_enter_time"))
            digits = "" if first is None else first
            while not digits.endswith("#") and len(digits) < CALLBACK_TIME_DIGITS:
                digit = await leg.next_digit(DIGIT_TIMEOUT_S)
                if digit is None:
                    break
                digits += digit
            if not digits.endswith("#"):
                leg.swallow_terminator(DIGIT_TIMEOUT_S)
            wanted = keyed_time(digits.removesuffix("#"))
            if wanted is None:
                log.info("contact %d: %r is not a time of day", call.contact_id, digits)
                await leg.play(self._files(call, "invalid_input"))
                continue
            due = next_time(wanted, self._clock.now(), zone, schedule, lead)
            if due is None:
                log.info("contact %d: %s is outside the opening hours of %s",
                         call.contact_id, wanted.isoformat("minutes"), queue.name)  # fmt: skip
                await leg.play(self._files(call, "callback_time_closed"))
                continue
            said = self._said(call, due, zone)
            files = self._files(call, "callback_we_call", *said, "callback_time_confirm")
            key = await leg.play_until_digit(files)
            if key is None:
                key = await leg.next_digit(DIGIT_TIMEOUT_S)
            if key == CONFIRM_KEY:
                return due
        return None

    async def _next_opening(self, call: Call, queue: QueueItem) -> datetime | None:
        """The closed queue's next opening, said to the caller ("Vi ringer dig i
        morgon klockan åtta")."""
        schedule, zone = self._zone(call, queue)
        if schedule is None:
            return None
        due = next_opening(schedule, self._clock.now())
        if due is not None:
            said = self._said(call, due, zone)
            await call.leg.play(self._files(call, "callback_we_call", *said))
        return due

    async def _callback_target(self, call: Call, name: str) -> None:
        """A callback target sent a caller in no line here (a menu key, an entry point,
        a queue's rule before it could wait): it becomes a callback in queue ``name``,
        its wait starting now; while the queue is closed (its schedule, else the entry
        point's: an entry point's ``when_closed``), at its next opening or a time the
        caller keys. A caller who gives no number hears goodbye."""
        queue = self._plan().queues.get(name)
        if queue is None:
            raise FlowError(f"queue {name!r} is gone")
        if queue.flow.callback is None:
            raise FlowError(f"queue {name!r} has no callback settings")
        queue_id = await self._queue_id(name)
        closed = self._closed(call, queue)
        reason = _REASON_OF_CAUSE.get(call.cause, "chosen")
        if closed:
            reason = "closed"
        call.cause = None
        if not await self._callback(call, queue, reason, queue_id=queue_id, closed=closed):
            await call.leg.play(self._files(call, "goodbye"))

    async def _overflow_to_callback(
        self, call: Call, queue_id: int, rule: OverflowRule, action: Callback
    ) -> Action | None:
        """A waiting caller's overflow rule sends it to a callback: in its own queue it
        stays at its place (its whole wait); in another it moves there keeping its wait
        (as an overflow into that queue), and waits on there if it gives no number."""
        queue = self._plan().queues.get(action.queue)
        if queue is None or queue.flow.callback is None:
            raise FlowError(f"queue {action.queue!r} has no callback settings")
        reason = _REASON_OF_RULE[rule]
        to_queue = await self._queue_id(action.queue)
        closed = rule == "schedule"
        if to_queue == queue_id:
            if await self._callback(call, queue, reason, closed=closed):
                return None
            await self._offload(self._centre.overflowed, call.contact_id, rule, "message")
            await call.leg.play(self._files(call, _DEFAULT_PROMPTS[rule]))
            return None
        target = _describe(action)
        await self._offload(
            self._centre.overflowed, call.contact_id, rule, target, to_queue=to_queue
        )
        call.queue, call.cause = queue, None
        call.answered = asyncio.get_running_loop().create_future()
        if await self._callback(call, queue, reason, closed=self._closed(call, queue)):
            return None
        return await self._wait_in_queue(call, queue, to_queue)

    async def _callback_number(self, call: Call, terms: CallbackItem) -> str | None:
        """The number to call back: the caller's own, read back digit by digit to be
        confirmed (1) or replaced (2) by one keyed ending with ``#``, itself read back;
        without a caller number one must be keyed. None after
        :data:`CALLBACK_NUMBER_TRIES` tries without a confirmed number."""
        leg = call.leg
        own = leg.caller if CALLBACK_NUMBER.fullmatch(leg.caller) else None
        if own is not None and not terms.confirm_number:
            return own
        number = own
        for _ in range(CALLBACK_NUMBER_TRIES):
            if number is None:
                number = await self._key_number(call)
                if number is None:
                    await leg.play(self._files(call, "invalid_input"))
                    continue
            said = ["number_plus" if c == "+" else f"number_{c}" for c in number]
            files = self._files(call, "callback_number_is", *said, "callback_confirm")
            key = await leg.play_until_digit(files)
            if key is None:
                key = await leg.next_digit(DIGIT_TIMEOUT_S)
            if key == CONFIRM_KEY:
                return number
            if key == OTHER_NUMBER_KEY:
                number = None
        return None

    async def _key_number(self, call: Call) -> str | None:
        """A number the caller keys, ending with ``#`` (or a pause); None if it is not
        a number to call."""
        leg = call.leg
        first = await leg.play_until_digit(self._files(call, "callback_enter_number"))
        digits = "" if first is None else first
        while not digits.endswith("#") and len(digits) <= 20:
            digit = await leg.next_digit(DIGIT_TIMEOUT_S)
            if digit is None:
                break
            digits += digit
        number = digits.removesuffix("#")
        return number if CALLBACK_NUMBER.fullmatch(number) else None

    # Offers (the centre's Delivery)

    def offer(self, contact: OfferedContact, agent: AgentLeg, token: OfferToken) -> None:
        """Ring ``agent`` for ``contact``. The centre may call this from its timer thread,
        so the work is handed to the event loop."""
        if contact.callback_number is not None:
            # A callback has no caller's leg: a media worker calls the agent, then the
            # citizen (R17).
            self._loop().call_soon_threadsafe(
                functools.partial(
                    self._start_callback,
                    contact.contact_id,
                    contact.callback_number,
                    agent,
                    token,
                    citizen_first=contact.callback_order == "citizen_first",
                    entry_point=contact.entry_point,
                )
            )
            return
        self._loop().call_soon_threadsafe(self._start_ring, contact.contact_id, agent, token)

    def withdraw(self, contact_id: int, agent_id: int) -> None:
        self._loop().call_soon_threadsafe(self._stop_ring, contact_id, agent_id)

    def _loop(self) -> asyncio.AbstractEventLoop:
        if self._event_loop is None:
            raise FlowError("the call flow has not taken a call yet: no event loop to ring from")
        return self._event_loop

    def _start_ring(self, contact_id: int, agent: AgentLeg, token: OfferToken) -> None:
        if self.control.take_over(contact_id, agent.agent_id):
            return  # an attended transfer connected that agent already
        call = self._calls.get(contact_id)
        if call is None or agent.sip_contact is None:
            log.warning(
                "contact %d cannot ring agent %d (%s)",
                contact_id,
                agent.agent_id,
                "no softphone contact" if call else "the call is gone",
            )
            self._background.spawn(self._decline(contact_id, agent.agent_id))
            return
        task = asyncio.create_task(self._ring(call, agent.agent_id, agent.sip_contact, token))
        call.ringing[agent.agent_id] = task

    async def _decline(self, contact_id: int, agent_id: int) -> None:
        with contextlib.suppress(CentreError):
            await self._offload(self._centre.declined, contact_id, agent_id)

    def _stop_ring(self, contact_id: int, agent_id: int) -> None:
        ringing = self._callback_rings.get(contact_id)
        if ringing is not None and ringing[0] == agent_id:
            del self._callback_rings[contact_id]
            ringing[1].cancel()  # the offer is gone before the agent answered
        call = self._calls.get(contact_id)
        task = None if call is None else call.ringing.pop(agent_id, None)
        if task is not None and not task.done():
            task.cancel()

    async def _ring(self, call: Call, agent_id: int, sip_contact: str, token: OfferToken) -> None:
        leg = call.leg
        try:
            await leg.originate_agent_leg(sip_contact, {OFFER_HEADER: token.header_value()})
            state = await leg.agent_leg_state("answered", "failed")
        except asyncio.CancelledError:
            with contextlib.suppress(CallGone):
                await leg.cancel_agent_leg()
            raise
        except CallGone:
            return
        finally:
            call.ringing.pop(agent_id, None)
        if state.state == "failed":
            with contextlib.suppress(CentreError):
                await self._offload(self._centre.declined, call.contact_id, agent_id)
            return
        try:
            await self._offload(self._centre.answered, call.contact_id, agent_id)
        except CentreError as error:
            log.warning(
                "contact %d answered by agent %d too late: %s", call.contact_id, agent_id, error
            )
            await leg.hangup_agent()
            return
        if call.answered is not None and not call.answered.done():
            call.answered.set_result(agent_id)

    # Callbacks (R17): calls the server makes

    def calls_out_by(self, router: CallRouter) -> None:
        """Make callbacks' calls through ``router`` (``CallRouter.originate``), on the
        running event loop (the offers of callbacks waiting since before a restart come
        before any caller's call)."""
        self._router = router
        if self._event_loop is None:
            self._event_loop = asyncio.get_running_loop()
            self._change = self._event_loop.create_future()

    def _start_callback(
        self,
        contact_id: int,
        number: str,
        agent: AgentLeg,
        token: OfferToken,
        *,
        citizen_first: bool = False,
        entry_point: str = "",
    ) -> None:
        if agent.sip_contact is None or self._router is None:
            why = "no media pool" if self._router is None else "no softphone contact"
            log.warning("callback %d cannot ring agent %d: %s", contact_id, agent.agent_id, why)
            self._background.spawn(self._decline(contact_id, agent.agent_id))
            return
        if citizen_first:
            if contact_id in self._callback_rings:
                # One call to the citizen at a time (ring_all offers to several agents):
                # the first offer made holds the callback, the others are declined.
                self._background.spawn(self._decline(contact_id, agent.agent_id))
                return
            entry = self._plan().entry_points.get(entry_point)
            language = "sv" if entry is None else entry.language.value
            made = self._call_citizen_first(
                contact_id, number, agent.agent_id, agent.sip_contact, token, language
            )
        else:
            made = self._call_back(contact_id, number, agent.agent_id, agent.sip_contact, token)
        task = asyncio.create_task(made, name=f"callback {contact_id}")
        self._callback_rings[contact_id] = (agent.agent_id, task)
        self._callback_tasks.add(task)
        task.add_done_callback(self._callback_tasks.discard)

    async def _call_back(
        self, contact_id: int, number: str, agent_id: int, sip_contact: str, token: OfferToken
    ) -> None:
        """Agent first: a media worker calls the agent's softphone with the offer; once
        it answers, the citizen's number through the outside line while the agent hears
        it ring; once that answers the two are bridged until one hangs up."""
        assert self._router is not None
        try:
            leg = await self._router.originate(
                sip_contact, {OFFER_HEADER: token.header_value()}, number
            )
        except NoRoom as error:
            log.warning("callback %d cannot ring agent %d: %s", contact_id, agent_id, error)
            self._callback_rings.pop(contact_id, None)
            await self._decline(contact_id, agent_id)
            return
        try:
            # The centre's ring timeout withdraws the offer (and so cancels this).
            state = await leg.originated_outcome(OUTSIDE_RING_S)
        except asyncio.CancelledError:
            with contextlib.suppress(CallGone):
                await leg.hangup()
            raise
        except CallGone:
            state = None
        if self._callback_rings.get(contact_id, (None,))[0] == agent_id:
            del self._callback_rings[contact_id]
        if state is None or state.state == "failed":
            log.info("callback %d: agent %d did not answer (%s)", contact_id, agent_id,
                     "no answer" if state is None else f"SIP {state.code}")  # fmt: skip
            await self._decline(contact_id, agent_id)
            with contextlib.suppress(CallGone):
                await leg.hangup()
            return
        try:
            await self._offload(self._centre.answered, contact_id, agent_id)
        except CentreError as error:
            log.warning("callback %d answered by agent %d too late: %s", contact_id, agent_id,
                        error)  # fmt: skip
            with contextlib.suppress(CallGone):
                await leg.hangup()
            return
        await self._dial_citizen(leg, contact_id, agent_id, number)

    async def _dial_citizen(
        self, leg: CallLeg, contact_id: int, agent_id: int, number: str
    ) -> None:
        """The agent took the callback: one try at the citizen's number. No answer, busy
        or a failure (the agent hanging up before the answer too) is a try that reached
        nobody (the centre retries or closes it); an answer is a call like any other."""
        line = self._calls.outside_line
        if line is None:
            log.warning(
                "callback %d to %s cannot be made: no outside gateway is configured (a trunk "
                "with outbound: true, or vaxla-server serve --outside-gateway)",
                contact_id,
                number,
            )
            await self._not_reached(contact_id, "failed")
            with contextlib.suppress(CallGone):
                await leg.hangup()
            return
        uri = line.uri(number)
        talking = False
        by: EndedBy = "system"
        cause: EndCause | None = None
        try:
            await self._offload(self._centre.callback_dialled, contact_id)
            await leg.ringback()  # the agent hears it ring
            await leg.originate_agent_leg(uri, dict(line.headers))
            state = await leg.agent_leg_outcome(
                OUTSIDE_RING_S,
                ringing=lambda: self._calls.progress(agent_id, contact_id, "ringing"),
            )
            if state is None or state.state == "failed":
                code = None if state is None else state.code
                outcome = _not_reached_outcome(code)
                log.info("callback %d: %s not reached (%s, SIP %s)", contact_id, uri, outcome,
                         code)  # fmt: skip
                await self._not_reached(contact_id, outcome)
                await leg.hangup()
                return
            await self._offload(self._centre.callback_answered, contact_id)
            talking = True
            await leg.bridge()
            self._calls.progress(agent_id, contact_id, "bridged")
            ended = await asyncio.shield(leg.ended)
            # The worker's "caller" is the agent's softphone here, its "agent" the citizen.
            by = "agent" if ended.side == "caller" else "caller"
        except CallGone as gone:
            if not talking:
                log.info("callback %d: the call ended before %s answered (%s)", contact_id, uri,
                         gone)  # fmt: skip
                await self._not_reached(contact_id, "failed")
                return
            by = "agent" if gone.side == "caller" else "caller"
            if gone.side == "server":
                by, cause = "system", "worker_died" if gone.cause == "worker_died" else "error"
        except CentreError as error:
            log.warning("callback %d: %s", contact_id, error)
            with contextlib.suppress(CallGone):
                await leg.hangup()
            if not talking:
                await self._not_reached(contact_id, "failed")  # never left taken
                return
            cause = "error"
        try:
            await self._offload(self._centre.ended, contact_id, by, cause=cause)
        except CentreError as error:
            log.warning("callback %d could not be ended: %s", contact_id, error)

    async def _call_citizen_first(
        self,
        contact_id: int,
        number: str,
        agent_id: int,
        sip_contact: str,
        token: OfferToken,
        language: str,
    ) -> None:
        """Citizen first (R17): the offer to ``agent_id`` is held (``citizen_dialled``)
        while a media worker calls the citizen's number through the outside line; the
        agent's phone does not ring yet. No answer, busy or a failure is a try that
        reached nobody: the agent, never rung, is released without a RONA, and the
        centre retries or closes the callback as unreachable (with its SMS).

        Once the citizen answers (``citizen_answered``, logged before the agent is rung)
        it hears ``callback_hello`` ("this is the callback you asked for; you are put
        through to an agent"), then music, while the agent's softphone is rung with the
        offer; the agent's answer (``answered``) bridges them. An agent who lets it ring
        out (the centre's ring timeout withdraws the offer, cancelling this task) or
        declines it: the citizen hears ``callback_agent_missed`` ("you keep your place;
        we will call you again") and is let go, and the callback waits on at its place
        in the line, the same try, for the next agent, whose offer calls the citizen
        once this call is over. The citizen hanging up before an agent answered is a
        try that failed. The language is the entry point's the caller rang."""
        assert self._router is not None
        previous = self._citizen_calls.get(contact_id)
        me = asyncio.current_task()
        assert me is not None
        self._citizen_calls[contact_id] = me
        try:
            try:
                await self._offload(self._centre.citizen_dialled, contact_id, agent_id)
            except CentreError as error:
                log.warning("callback %d cannot be made for agent %d: %s", contact_id,
                            agent_id, error)  # fmt: skip
                self._release_ring(contact_id, me)
                return
            if previous is not None and previous is not me and not previous.done():
                await asyncio.wait([previous])  # the last try's citizen is let go first
            await self._citizen_then_agent(
                contact_id, number, agent_id, sip_contact, token, language, me
            )
        finally:
            self._release_ring(contact_id, me)
            self._citizen_call_over(contact_id, me)

    async def _citizen_then_agent(
        self,
        contact_id: int,
        number: str,
        agent_id: int,
        sip_contact: str,
        token: OfferToken,
        language: str,
        me: asyncio.Task[Any],
    ) -> None:
        assert self._router is not None
        line = self._calls.outside_line
        if line is None:
            log.warning(
                "callback %d to %s cannot be made: no outside gateway is configured (a trunk "
                "with outbound: true, or vaxla-server serve --outside-gateway)",
                contact_id,
                number,
            )
            self._release_ring(contact_id, me)
            await self._not_reached(contact_id, "failed")
            return
        uri = line.uri(number)
        try:
            leg = await self._router.originate(uri, dict(line.headers), number)
        except NoRoom as error:
            log.warning("callback %d cannot call %s: %s", contact_id, uri, error)
            self._release_ring(contact_id, me)
            await self._not_reached(contact_id, "failed")
            return
        on_line = False
        try:
            state = await leg.originated_outcome(OUTSIDE_RING_S)
            if state is None or state.state == "failed":
                code = None if state is None else state.code
                outcome = _not_reached_outcome(code)
                log.info("callback %d: %s not reached (%s, SIP %s)", contact_id, uri, outcome,
                         code)  # fmt: skip
                with contextlib.suppress(CallGone):
                    await leg.hangup()
                self._release_ring(contact_id, me)
                await self._not_reached(contact_id, outcome)
                return
            await self._offload(self._centre.citizen_answered, contact_id)
            on_line = True
            await leg.originate_agent_leg(sip_contact, {OFFER_HEADER: token.header_value()})
            agent = await self._hello_while_ringing(leg, language)
            if agent.state == "answered":
                await self._offload(self._centre.answered, contact_id, agent_id)
        except asyncio.CancelledError:
            # The offer was withdrawn: the agent let it ring out, went away, or the
            # callback was moved or cancelled. The citizen is let go (told, if it waits
            # on) before this task ends: the next try's call waits for that.
            me.uncancel()
            await self._let_citizen_go(leg, contact_id, language, on_line, ringing=on_line)
            raise
        except CallGone as gone:
            log.info("callback %d: the call to %s ended before an agent answered (%s)",
                     contact_id, uri, gone)  # fmt: skip
            self._release_ring(contact_id, me)
            await self._not_reached(contact_id, "failed")
            return
        except CentreError as error:  # the offer went meanwhile (an answer too late)
            log.warning("callback %d for agent %d: %s", contact_id, agent_id, error)
            if on_line:  # the agent's phone answered: hung up
                with contextlib.suppress(CallGone):
                    await leg.hangup_agent()
            await self._let_citizen_go(leg, contact_id, language, on_line, ringing=False)
            return
        if agent.state == "failed":
            log.info("callback %d: agent %d did not take it (SIP %s)", contact_id, agent_id,
                     agent.code)  # fmt: skip
            self._release_ring(contact_id, me)
            await self._decline(contact_id, agent_id)
            await self._let_citizen_go(leg, contact_id, language, on_line=True, ringing=False)
            return
        self._release_ring(contact_id, me)
        await self._citizen_talks(leg, contact_id, agent_id)

    async def _hello_while_ringing(self, leg: CallLeg, language: str) -> AgentLegState:
        """The citizen hears ``callback_hello`` and then music until the agent's phone,
        ringing meanwhile, answers or fails; an agent who answers during the hello is
        put through at once (the hello stops: the agent greets the citizen)."""
        hello = asyncio.ensure_future(leg.play([self.prompt("callback_hello", language)]))
        agent = asyncio.ensure_future(leg.agent_leg_state("answered", "failed"))
        try:
            await asyncio.wait({hello, agent}, return_when=asyncio.FIRST_COMPLETED)
            if not agent.done():
                await hello
                await leg.start_playing([self.prompt("music_on_hold", language)], loop=True)
            return await agent
        finally:
            for task in (hello, agent):
                if not task.done():
                    task.cancel()
                elif not task.cancelled():
                    task.exception()  # seen, whichever way the wait ended

    async def _citizen_talks(self, leg: CallLeg, contact_id: int, agent_id: int) -> None:
        """Citizen first: the agent took the citizen waiting on the line; they talk
        until one hangs up."""
        by: EndedBy = "system"
        cause: EndCause | None = None
        try:
            await leg.bridge()
            self._calls.progress(agent_id, contact_id, "bridged")
            ended = await asyncio.shield(leg.ended)
            by = "caller" if ended.side == "caller" else "agent"
        except CallGone as gone:
            by = "caller" if gone.side == "caller" else "agent"
            if gone.side == "server":
                by, cause = "system", "worker_died" if gone.cause == "worker_died" else "error"
        try:
            await self._offload(self._centre.ended, contact_id, by, cause=cause)
        except CentreError as error:
            log.warning("callback %d could not be ended: %s", contact_id, error)

    async def _let_citizen_go(
        self,
        leg: CallLeg,
        contact_id: int,
        language: str,
        on_line: bool,
        *,
        ringing: bool = True,
    ) -> None:
        """Hang up the citizen of a try made citizen first that no agent took. A citizen
        on the line whose callback waits on is told first that it keeps its place and
        will be called again."""
        with contextlib.suppress(CallGone):
            if ringing:
                await leg.cancel_agent_leg()
            waits = False
            if on_line:
                with contextlib.suppress(CentreError):
                    view = await self._offload(self._centre.contact, contact_id)
                    waits = view.callback_number is not None
            if waits:
                await leg.play([self.prompt("callback_agent_missed", language)])
            await leg.hangup()

    def _citizen_call_over(self, contact_id: int, task: asyncio.Task[Any]) -> None:
        if self._citizen_calls.get(contact_id) is task:
            del self._citizen_calls[contact_id]

    def _release_ring(self, contact_id: int, task: asyncio.Task[Any]) -> None:
        """The offer ``task`` rang for is over: the next offer of the contact rings."""
        ringing = self._callback_rings.get(contact_id)
        if ringing is not None and ringing[1] is task:
            del self._callback_rings[contact_id]

    async def _not_reached(self, contact_id: int, outcome: CallbackNotReached) -> None:
        try:
            await self._offload(self._centre.callback_not_reached, contact_id, outcome)
        except CentreError as error:
            log.warning("callback %d: its try could not be closed: %s", contact_id, error)

    async def _answer_not_read(self, call: Call) -> None:
        """The call ended while an agent's phone rang: an answer the worker reported
        before the end but the ring's task had not read yet (the server behind the
        workers) is told to the centre, so the agent who answered and hung up is logged
        as having answered, not the call as never answered."""
        if len(call.ringing) != 1 or not call.leg.reported_answer():
            return
        (agent_id,) = call.ringing
        try:
            await self._offload(self._centre.answered, call.contact_id, agent_id)
        except CentreError as error:
            log.warning("contact %d: agent %d's answer came too late: %s",
                        call.contact_id, agent_id, error)  # fmt: skip
            return
        log.info("contact %d: agent %d answered as the call ended", call.contact_id, agent_id)

    async def _talk(self, call: Call, agent_id: int) -> Rewait | None:
        """Caller and agent talk until one of them hangs up (:class:`CallGone`) or the
        agent hands the caller on (the wait that follows). Music on hold plays to the
        caller while the agent's softphone holds the call."""
        await call.leg.bridge(self._files(call, "music_on_hold"))
        try:
            return await self.control.during_call(call, agent_id)
        finally:
            if call.leg.caller:
                self._served[call.leg.caller] = (agent_id, self._clock.monotonic())

    async def _wait_again(self, call: Call, again: Rewait | None) -> Action | None:
        """After a transfer or a park: wait in the queue, or in a personal queue until
        answered there (and talk again) or sent back to the queue it came from."""
        while again is not None:
            queue_id = again.queue_id
            if again.personal:
                back = await self.control.wait_personal(call, again)
                if back is None:
                    assert call.answered is not None
                    again = await self._talk(call, call.answered.result())
                    continue
                queue_id = back
            name = (await self._offload(self._centre.queue_names)).get(queue_id)
            queue = self._plan().queues.get(name or "")
            if queue is None:
                raise FlowError(f"queue {name or queue_id!r} is gone")
            call.queue = queue
            return await self._wait_in_queue(call, queue, queue_id)
        return None

    def _sticky_agent(self, caller: str, queue: QueueItem) -> int | None:
        """The agent who last served ``caller``, if that ended within the queue's
        sticky-agent window (R13)."""
        served = self._served.get(caller)
        if served is None or queue.sticky_agent_s <= 0:
            return None
        agent_id, ended = served
        if self._clock.monotonic() - ended > queue.sticky_agent_s:
            return None
        return agent_id


def _not_reached_outcome(code: int | None) -> CallbackNotReached:
    """What a try that reached nobody was, by the SIP code of the citizen's call's end
    (``None``: it rang out)."""
    return (
        "busy" if code in (486, 600) else
        "no_answer" if code in (None, 408, 480, 487) else "failed"
    )  # fmt: skip


def _outside(window: CallbackWindow, clock: Clock) -> bool:
    """Whether the local time now is outside ``window``."""
    local = clock.now().astimezone(ZoneInfo(window.time_zone)).time()
    return not window.start <= local < window.end


_DEFAULT_PROMPTS: dict[OverflowRule, str] = {
    "max_length": "goodbye",
    "max_wait": "goodbye",
    "schedule": "closed",
    "nobody_logged_in": "nobody_logged_in",
}


def _shown(value: EnteredData) -> str:
    """How the agent sees an entry: a personnummer masked but for its last four digits,
    a PIN never (only that it was entered and valid)."""
    if isinstance(value, PersonnummerValue):
        return mask_personnummer(value)
    if value.kind.value == "pin":
        return "****"
    return value.digits


def _priority_and_skills(queue: QueueItem, call: Call) -> tuple[int, dict[str, int]]:
    """Priority and extra skills from the caller's number (the queue's first matching
    rule) together with what the menu keys and entered data gave (R12)."""
    priority, skills = call.priority, dict(call.skills)
    for rule in queue.flow.priority_rules:
        if call.leg.caller.startswith(rule.prefix):
            priority = max(priority, rule.priority)
            if rule.skill is not None:
                skills[rule.skill] = max(skills.get(rule.skill, 0), rule.skill_level)
            break
    return priority, skills


def _describe(action: Action) -> str:
    if isinstance(action, GoToQueue):
        return f"queue {action.queue}"
    if isinstance(action, GoToMenu):
        return f"menu {action.menu}"
    if isinstance(action, PlayMessage):
        return f"message {action.prompt}"
    if isinstance(action, TransferTo):
        return f"number {action.number}"
    if isinstance(action, Voicemail):
        return f"voicemail {action.box}"
    if isinstance(action, Callback):
        return f"callback {action.queue}"
    return action.kind
