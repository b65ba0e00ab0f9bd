"""A prompt recorded by phone (R31): the server calls the administrator's phone, plays
what to do and a tone, records until ``#``, the hang-up or :data:`MAX_SECONDS`, and makes
the recording the prompt through the same conversion as an upload (8 kHz mono).

A number is called through the outside line (a trunk with ``outbound: true`` or the
outside gateway), as callbacks' and agents' outside calls are; a SIP URI directly from
the media worker. A recording under :data:`MIN_SECONDS` or without a voice is refused
in words and the prompt stays as it was. Each call ends in the event log with who asked
for it: ``prompt_recorded`` in the same transaction as the prompt's change, or
``prompt_recording_failed`` with the reason; its state (:class:`PromptCall`) changes only
after that.
"""

import asyncio
import contextlib
import logging
import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from vaxla_protocol.config import Language, PromptCall, PromptCallStateName, PromptItem
from vaxla_server.audio import (
    SILENCE_DBFS,
    AudioError,
    closed_recording,
    convert,
    wav_rms_dbfs,
)
from vaxla_server.callflow.legs import CallGone, CallRouter, NoRoom, RecordingFailed
from vaxla_server.clock import Clock, wait_for
from vaxla_server.config import Configuration
from vaxla_server.media.trunks import OutsideLine
from vaxla_server.offload import Offload
from vaxla_server.store import EventLog
from vaxla_server.store.events import PromptRecorded, PromptRecordingFailed

log = logging.getLogger(__name__)

INSTRUCTION = "record_prompt"
"""The default prompt played first: "Record after the tone, press hash when done"."""
BEEP = "beep"
STOP_KEY = "#"
MAX_SECONDS = 120.0
MIN_SECONDS = 1.0
"""A recording shorter than this is refused (a phone hung up at the tone)."""
RING_S = 60.0
"""How long the phone may ring before the call counts as not answered."""
CLOSE_S = 10.0
"""How long the worker's report that the file is closed is waited for."""
RATE = 8000
KEPT = 100
"""Finished calls kept to be asked about (the oldest forgotten first)."""


class PromptCallRefused(Exception):
    """The call cannot be started (the message says why); nothing was done."""


@dataclass(frozen=True)
class Asker:
    """Who asked for the call (an administrator)."""

    user_id: int
    name: str


def _not_answered(code: int | None) -> str:
    if code in (486, 600):
        return f"the phone was busy (SIP {code})"
    if code in (None, 408, 480, 487):
        return "the phone did not answer" + ("" if code is None else f" (SIP {code})")
    return f"the call could not be made (SIP {code})"


class PromptCalls:
    """The prompts being recorded by phone, and the last ones recorded or failed."""

    def __init__(
        self,
        *,
        router: CallRouter,
        outside_line: Callable[[], OutsideLine | None],
        configuration: Configuration,
        events: EventLog,
        prompt: Callable[[str, str], Path],
        folder: Path,
        clock: Clock,
        offload: Offload,
        ring_s: float = RING_S,
    ) -> None:
        self._router = router
        self._outside_line = outside_line
        self._configuration = configuration
        self._events = events
        self._prompt = prompt
        """A prompt's audio by name and language (the call flow's: custom, else default)."""
        self.folder = folder
        """Where prompts' files are kept (``prompts/`` of the data folder)."""
        self._clock = clock
        self._offload = offload
        self._ring_s = ring_s
        self._calls: dict[str, PromptCall] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}

    def get(self, call_id: str) -> PromptCall | None:
        return self._calls.get(call_id)

    async def start(self, name: str, language: Language, phone: str, by: Asker) -> PromptCall:
        """Call ``phone`` to record the prompt ``name`` in ``language``; the call's state
        (``calling``). Refused (:class:`PromptCallRefused`) when a number is given and no
        outside line is configured, or the same prompt is being recorded already."""
        busy = next((c for c in self._calls.values() if c.name == name and c.language is language
                     and c.state in ("calling", "recording")), None)  # fmt: skip
        if busy is not None:
            raise PromptCallRefused(
                f"the prompt {name!r} in {language.value!r} is being recorded by phone "
                f"already ({busy.phone}, {busy.state}, asked by {busy.by})"
            )
        if phone.startswith(("sip:", "sips:")):
            uri, headers = phone, {}
            number = phone.split(":", 1)[1].split("@", 1)[0]
        else:
            line = self._outside_line()
            if line is None:
                raise PromptCallRefused(
                    "no outside line is configured to call a number through (a trunk with "
                    "outbound: true, or --outside-gateway); give the phone's SIP URI instead"
                )
            uri, headers, number = line.uri(phone), dict(line.headers), phone
        call = PromptCall(
            id=f"pc-{uuid.uuid4().hex[:12]}", name=name, language=language, phone=phone,
            state="calling", by=by.name, started_at=self._clock.now(),
        )  # fmt: skip
        finished = [c.id for c in self._calls.values() if c.id not in self._tasks]
        for forgotten in finished[: max(0, len(self._calls) + 1 - KEPT)]:  # the oldest first
            del self._calls[forgotten]
        self._calls[call.id] = call
        task = asyncio.create_task(self._run(call, uri, headers, number, by), name=call.id)
        self._tasks[call.id] = task
        task.add_done_callback(lambda _task: self._tasks.pop(call.id, None))
        log.info("%s asked to record prompt %s (%s) by phone: calling %s (%s)", by.name, name,
                 language.value, phone, call.id)  # fmt: skip
        return call

    async def wait(self, call_id: str) -> PromptCall:
        """The call's state once it is saved or failed."""
        task = self._tasks.get(call_id)
        if task is not None:
            await asyncio.shield(task)
        return self._calls[call_id]

    async def stop(self) -> None:
        """Cancel the calls in progress (the server stops)."""
        for task in list(self._tasks.values()):
            task.cancel()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)

    def _set(self, call: PromptCall, state: PromptCallStateName, **values: object) -> PromptCall:
        changed = call.model_copy(update={"state": state, **values})
        self._calls[call.id] = changed
        return changed

    async def _run(
        self, call: PromptCall, uri: str, headers: dict[str, str], number: str, by: Asker
    ) -> None:
        try:
            reason = await self._record(call, uri, headers, number, by)
        except asyncio.CancelledError:
            await self._offload(self._failed, call, "the server stopped during the call", by)
            raise
        except Exception as error:
            log.exception("recording prompt %s by phone failed", call.name)
            reason = f"the server failed: {error}"
        if reason is not None:
            await self._offload(self._failed, call, reason, by)

    async def _record(
        self, call: PromptCall, uri: str, headers: dict[str, str], number: str, by: Asker
    ) -> str | None:
        """Make the call and keep its recording; why it failed, or ``None`` when saved."""
        try:
            leg = await self._router.originate(uri, headers, number)
        except NoRoom as error:
            return f"no media worker could make the call: {error}"
        path = self.folder / "by-phone" / f"{call.id}.wav"
        try:
            try:
                answer = await leg.originated_outcome(self._ring_s)
            except CallGone:
                return "the call ended before it was answered"
            if answer is None:
                return f"the phone did not answer within {self._ring_s:.0f} s"
            if answer.state == "failed":
                return _not_answered(answer.code)
            files = [self._prompt(INSTRUCTION, call.language.value),
                     self._prompt(BEEP, call.language.value)]  # fmt: skip
            try:
                await leg.play(files)
            except CallGone:
                return "the phone hung up before the tone"
            path.parent.mkdir(parents=True, exist_ok=True)
            finished = await leg.record(path, MAX_SECONDS, stop_key=STOP_KEY)
            self._set(call, "recording")
            with contextlib.suppress(CallGone):
                await leg.until_ended(asyncio.shield(finished))
            with contextlib.suppress(CallGone):
                await leg.hangup()
            try:
                await wait_for(self._clock, asyncio.shield(finished), CLOSE_S)
            except (TimeoutError, RecordingFailed) as error:
                log.warning("%s: the recording did not end well: %s", call.id,
                            error or "no report")  # fmt: skip
            return await self._offload(self._keep, call, path, by)
        finally:
            with contextlib.suppress(CallGone):
                await leg.hangup()
            path.unlink(missing_ok=True)

    def _keep(self, call: PromptCall, path: Path, by: Asker) -> str | None:
        """Make the recording the prompt (converted as an upload is), logged in the same
        transaction; the reason it is refused, or ``None``."""
        seconds = closed_recording(path, RATE)
        if seconds < MIN_SECONDS:
            return (
                f"the recording is {seconds:.1f} s long, under the {MIN_SECONDS:.0f} s a "
                "prompt needs; the prompt was not replaced"
            )
        try:
            level = wav_rms_dbfs(path)
            if level < SILENCE_DBFS:
                heard = "no sound at all" if level == -math.inf else f"{level:.0f} dBFS"
                return (
                    f"the recording is silent ({heard}; a voice is above {SILENCE_DBFS:.0f} "
                    "dBFS); the prompt was not replaced"
                )
            made = convert(path.read_bytes(), "wav", self.folder)
        except AudioError as error:
            return f"the recording could not be used: {error}; the prompt was not replaced"
        item = PromptItem(name=call.name, language=call.language, custom_path=str(made))
        event = PromptRecorded(
            at=self._clock.now(), call=call.id, name=call.name, language=call.language.value,
            phone=call.phone, seconds=round(seconds, 3), path=str(made), by_user=by.user_id,
            by_name=by.name,
        )  # fmt: skip
        self._configuration.set_prompt(item, [event])
        self._set(call, "saved", seconds=round(seconds, 3))
        log.info("prompt %s (%s) recorded by phone from %s for %s: %.1f s", call.name,
                 call.language.value, call.phone, by.name, seconds)  # fmt: skip
        return None

    def _failed(self, call: PromptCall, reason: str, by: Asker) -> None:
        event = PromptRecordingFailed(
            at=self._clock.now(), call=call.id, name=call.name, language=call.language.value,
            phone=call.phone, reason=reason, by_user=by.user_id, by_name=by.name,
        )  # fmt: skip
        self._events.append([event])
        self._set(self._calls[call.id], "failed", reason=reason)
        log.info("prompt %s (%s) by phone from %s failed: %s", call.name, call.language.value,
                 call.phone, reason)  # fmt: skip
