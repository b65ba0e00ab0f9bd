"""The call flow over the real contact centre, store and configuration, with a media
worker double that plays every prompt file in one second of a ManualClock."""

import asyncio
import math
import random
import struct
import wave
from collections.abc import Iterator
from datetime import UTC, datetime, time
from pathlib import Path

import pytest

from tests.server.config.conftest import add_user
from vaxla_protocol.config import (
    AgentProfileItem,
    AnnouncementSetItem,
    CollectDigits,
    ConfigDocument,
    DigitCollectionItem,
    DigitKind,
    EntryPointItem,
    GoToMenu,
    GoToQueue,
    Language,
    MembershipItem,
    MenuItem,
    OpeningInterval,
    PauseReasonItem,
    QueueFlowItem,
    QueueItem,
    ScheduleItem,
    SwitchLanguage,
    Weekday,
)
from vaxla_protocol.offers import session_key
from vaxla_server.callflow.flow import CallFlow, FlowPlan
from vaxla_server.callflow.legs import CallRouter
from vaxla_server.centre import follow_offers
from vaxla_server.centre.contact_centre import ContactCentre
from vaxla_server.clock import ManualClock
from vaxla_server.config import Configuration
from vaxla_server.media.messages import (
    AgentLegState,
    Bridge,
    CallEnded,
    Dtmf,
    Hangup,
    IncomingCall,
    Originate,
    OriginateAgentLeg,
    OriginatedState,
    Play,
    PlaybackFinished,
    Record,
    RecordingEnd,
    RecordingFinished,
    Reject,
    StopPlayback,
    StopRecording,
    ToWorker,
)
from vaxla_server.offload import inline
from vaxla_server.recording.store import Recordings
from vaxla_server.store import Store, open_store
from vaxla_server.store.event_log import LoggedEvent
from vaxla_server.voicemail.messages import VoicemailMessages

MONDAY_MORNING = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 10:00 in Stockholm
SATURDAY = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
AGENT_CONTACT = "sip:anna@127.0.0.1:5070"


def document(**queue_flow: object) -> ConfigDocument:
    weekdays = [
        Weekday.MONDAY,
        Weekday.TUESDAY,
        Weekday.WEDNESDAY,
        Weekday.THURSDAY,
        Weekday.FRIDAY,
    ]
    office = {day: [OpeningInterval(start=time(8), end=time(17))] for day in weekdays}
    support_flow = QueueFlowItem.model_validate({"announcements": "standard", **queue_flow})
    return ConfigDocument(
        pause_reasons=[
            PauseReasonItem(code="no_answer", label_sv="Svarade inte", label_en="No answer")
        ],
        schedules=[ScheduleItem(name="office", weekly=office)],
        announcement_sets=[
            AnnouncementSetItem(
                name="standard",
                first="queue_first",
                periodic=["queue_periodic_1", "queue_periodic_2"],
                periodic_interval_s=30,
                announce_position=True,
            )
        ],
        queues=[
            QueueItem(name="Support", ring_timeout_s=15, wrap_up_s=10, flow=support_flow),
            QueueItem(name="Sales"),
        ],
        agents=[
            AgentProfileItem(
                username=name,
                memberships=[MembershipItem(queue="Support"), MembershipItem(queue="Sales")],
            )
            for name in ("anna", "bo")
        ],
        digit_collections=[
            DigitCollectionItem(
                name="customer",
                kind=DigitKind.CUSTOMER_NUMBER,
                min_length=4,
                max_length=8,
                prompt="enter_customer_number",
                retries=1,
            )
        ],
        menus=[
            MenuItem(
                name="main",
                language=Language.SV,
                prompt="demo_menu_main",
                keys={
                    "1": GoToQueue(queue="Support"),
                    "2": CollectDigits(collection="customer", then=GoToQueue(queue="Sales")),
                    "9": SwitchLanguage(menu="main_en"),
                },
            ),
            MenuItem(
                name="main_en",
                language=Language.EN,
                prompt="demo_menu_main",
                keys={"1": GoToQueue(queue="Support"), "9": SwitchLanguage(menu="main")},
            ),
        ],
        entry_points=[
            EntryPointItem(
                address="100",
                name="Main",
                schedule="office",
                welcome_prompt="welcome",
                first=GoToMenu(menu="main"),
            ),
            EntryPointItem(address="200", name="Support", first=GoToQueue(queue="Support")),
        ],
    )


def write_tone(path: Path, seconds: float) -> None:
    """What a worker records: a 440 Hz tone (a voice) of ``seconds``, 8 kHz 16-bit mono."""
    samples = (
        int(8000 * math.sin(2 * math.pi * 440 * n / 8000)) for n in range(int(seconds * 8000))
    )
    with wave.open(str(path), "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(8000)
        audio.writeframes(b"".join(struct.pack("<h", s) for s in samples))


class FakeWorker:
    """The media worker's side of the protocol: each prompt file plays for one second of
    the manual clock; the test plays the caller and the agent's phone."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.sent: list[ToWorker] = []
        self.router: CallRouter | None = None
        self.playing: dict[str, str] = {}
        self.played: dict[str, list[str]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._calls = 0
        self._made = 0
        self.records_calls = False
        """Carry out ``record`` as the worker does (for the call recording's tests): a
        440 Hz tone for as long as the recording ran, reported when it ends (stopped,
        or the call's end)."""
        self.recording: dict[str, tuple[Record, float]] = {}

    def new_call(self) -> str:
        """A call id for a call the server makes (``MediaPool.new_call``)."""
        self._made += 1
        return f"w1-o{self._made}"

    async def send(self, command: ToWorker) -> None:
        self.sent.append(command)
        call_id = getattr(command, "call_id", "")
        if isinstance(command, Play):
            self.playing[call_id] = command.play_id
            self.played.setdefault(call_id, []).extend(Path(f).stem for f in command.files)
            if not command.loop:
                task = asyncio.create_task(self._finish_play(call_id, command))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)
        elif isinstance(command, StopPlayback | Bridge):
            self.playing.pop(call_id, None)
        elif isinstance(command, Hangup) and command.side == "caller":
            self._to_server(CallEnded(call_id=call_id, cause="server_hangup", side="server"))
            self._close_recording(call_id, "hangup")
        elif isinstance(command, Reject):
            self._to_server(CallEnded(call_id=call_id, cause="rejected", side="server"))
        elif isinstance(command, Record) and self.records_calls:
            self.recording[call_id] = (command, self.clock.monotonic())
        elif isinstance(command, StopRecording) and self.records_calls:
            self._close_recording(call_id, "stopped")

    def _close_recording(self, call_id: str, end: RecordingEnd) -> None:
        if call_id not in self.recording:
            return
        record, since = self.recording.pop(call_id)
        seconds = round(self.clock.monotonic() - since, 3)
        write_tone(Path(record.path), seconds)
        report = RecordingFinished(
            call_id=call_id, record_id=record.record_id, path=record.path, seconds=seconds, end=end
        )
        self._to_server(report)

    async def _finish_play(self, call_id: str, play: Play) -> None:
        await self.clock.sleep(len(play.files))
        if self.playing.get(call_id) == play.play_id:
            del self.playing[call_id]
            self._to_server(PlaybackFinished(call_id=call_id, play_id=play.play_id))

    def _to_server(self, message: object) -> None:
        assert self.router is not None
        self.router(message)  # type: ignore[arg-type]

    # The caller and the agent's phone

    def call(self, to: str, caller: str = "+46701234567") -> str:
        self._calls += 1
        call_id = f"w1-{self._calls}"
        incoming = IncomingCall(
            call_id=call_id,
            to_user=to,
            from_uri=f"<sip:{caller}@10.0.0.1>",
            source_address="127.0.0.1:5060",
        )
        self._to_server(incoming)
        return call_id

    def press(self, call_id: str, keys: str) -> None:
        for key in keys:
            self._to_server(Dtmf(call_id=call_id, digit=key))

    def hang_up(self, call_id: str, side: str = "caller") -> None:
        cause = "caller_hangup" if side == "caller" else "agent_hangup"
        self._to_server(CallEnded(call_id=call_id, cause=cause, side=side))
        self._close_recording(call_id, "hangup")

    def agent_leg(self, call_id: str, state: str, code: int | None = None) -> None:
        self._to_server(AgentLegState(call_id=call_id, state=state, code=code))

    def originated(self, call_id: str, state: str, code: int | None = None) -> None:
        """The far end of a call the server made rings, answers or fails (then ends)."""
        self._to_server(OriginatedState(call_id=call_id, state=state, code=code))
        if state == "failed":
            self._to_server(CallEnded(call_id=call_id, cause="media_error", side="caller"))

    def made(self) -> list[Originate]:
        """The calls the server made, in order."""
        return [c for c in self.sent if isinstance(c, Originate)]

    def originations(self, call_id: str) -> list[OriginateAgentLeg]:
        return [c for c in self.sent if isinstance(c, OriginateAgentLeg) and c.call_id == call_id]

    def commands(self, call_id: str) -> list[str]:
        return [c.type for c in self.sent if getattr(c, "call_id", None) == call_id]


class Site:
    """One configured contact centre with its call flow, driven by a manual clock."""

    def __init__(
        self,
        store: Store,
        start: datetime,
        doc: ConfigDocument,
        *,
        outside_gateway: str | None = None,
        voicemail: VoicemailMessages | None = None,
        recordings: Recordings | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.store = store
        self.clock = ManualClock(start)
        self.users = {name: add_user(store.engine, name) for name in ("anna", "bo")}
        self.config = Configuration(store.engine)
        self.config.apply_document(doc)
        self.centre = ContactCentre(log=store.events, config=self.config, clock=self.clock.now)
        self.centre.start()
        self.plan = FlowPlan.of(self.config.export_document())
        self.flow = CallFlow(
            centre=self.centre,
            plan=lambda: self.plan,
            clock=self.clock,
            outside_gateway=outside_gateway,
            offload=inline,  # the manual clock settles the loop: no threads to wait for
            voicemail=voicemail,
            recordings=recordings,
            rng=rng,
        )
        follow_offers(self.centre.notifier, self.flow)
        self.worker = FakeWorker(self.clock)
        self.worker.records_calls = recordings is not None
        self.router = CallRouter(self.worker, self.flow, self.clock, new_call=self.worker.new_call)
        self.worker.router = self.router

    def log_in(self, name: str, contact: str = AGENT_CONTACT) -> None:
        self.centre.log_in(self.users[name], session_key=session_key(name), sip_contact=contact)

    async def advance(self, seconds: float, step: float = 1.0) -> None:
        """Move time in steps, firing the centre's due timers at each."""
        remaining = seconds
        while remaining > 1e-9:
            delta = min(step, remaining)
            await self.clock.advance(delta)
            self.centre.tick()
            await self.clock.settle()
            remaining -= delta

    def events(self, contact: int | None = None) -> list[LoggedEvent]:
        return self.store.events.read(contact=contact, limit=10_000)

    def kinds(self, contact: int) -> list[str]:
        return [logged.event.kind.value for logged in self.events(contact)]


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    """The flow's rules do not depend on the engine; the store tests cover both."""
    with open_store(data_dir=tmp_path / "data") as store:
        yield store
