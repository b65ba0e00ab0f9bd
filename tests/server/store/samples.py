"""One event of every kind, for the store tests."""

from datetime import UTC, datetime, timedelta, timezone

from vaxla_server.store.events import (
    Abandoned,
    AgentAutoPaused,
    AgentLoggedIn,
    AgentLoggedOut,
    AgentPaused,
    AgentReady,
    AgentStandby,
    AlarmAcknowledged,
    AlarmCleared,
    AlarmRaised,
    AnnouncementPlayed,
    Answered,
    BoardDeleted,
    BoardLinkCreated,
    BoardLinkRevoked,
    BoardSaved,
    CallbackAnswered,
    CallbackCancelled,
    CallbackDialled,
    CallbackNoAnswer,
    CallbackRequested,
    CallbackRetried,
    CallbackUnreachable,
    Classified,
    ContactEntered,
    DigitsEntered,
    DirectoryImported,
    Ended,
    Event,
    EventKind,
    MenuChoice,
    Moved,
    NotAnswered,
    Offered,
    OutboundAnswered,
    OutboundCall,
    Overflowed,
    Parked,
    PersonRemoved,
    PersonSaved,
    Picked,
    PresenceEnded,
    PresenceSet,
    PriorityChanged,
    PromptAudioSet,
    PromptRecorded,
    PromptRecordingFailed,
    Queued,
    RecordingChanged,
    RecordingDiscarded,
    RecordingKept,
    RecordingPurged,
    RecordingRead,
    RecordingStarted,
    ReportMailed,
    ReportScheduleDeleted,
    ReportScheduleSaved,
    SmsQueued,
    SmsReport,
    SmsSent,
    StormEnded,
    StormHeard,
    StormStarted,
    Transferred,
    TransferReturned,
    VoicemailHandled,
    VoicemailLeft,
    VoicemailPurged,
    VoicemailTaskQueued,
    WrapUpEnded,
    WrapUpStarted,
)

T0 = datetime(2026, 11, 23, 8, 0, 0, 123456, tzinfo=UTC)
STOCKHOLM_WINTER = timezone(timedelta(hours=1))


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


_EVENTS: list[Event] = [
    AgentLoggedIn(at=at(0), agent_id=7, queue_id=1),
    AgentReady(at=at(1), agent_id=7),
    ContactEntered(
        at=at(10).astimezone(STOCKHOLM_WINTER),
        contact_id=100,
        entry_point="100",
        caller="+46701234567",
        language="sv",
    ),
    MenuChoice(at=at(14), contact_id=100, menu="main-sv", key="1"),
    DigitsEntered(at=at(20), contact_id=100, collection="customer", digits="4711", valid=True),
    Queued(at=at(21), contact_id=100, queue_id=1, priority=2, position=3),
    AnnouncementPlayed(
        at=at(22), contact_id=100, queue_id=1, announcement="position", prompt="sv/position"
    ),
    Offered(at=at(40), contact_id=100, queue_id=1, agent_id=7),
    NotAnswered(
        at=at(55), contact_id=100, queue_id=1, agent_id=7, reason="no_answer", ring_seconds=15
    ),
    AgentAutoPaused(at=at(55), agent_id=7, contact_id=100, reason="no answer"),
    Moved(at=at(60), contact_id=100, queue_id=1, to_queue_id=2, by_agent_id=9),
    Overflowed(
        at=at(90), contact_id=100, queue_id=2, rule="max_wait", target="queue:3", wait_seconds=69.5
    ),
    Answered(at=at(100), contact_id=100, queue_id=3, agent_id=8, wait_seconds=79.0),
    Transferred(at=at(130), contact_id=100, agent_id=8, queue_id=3, to_number="+4687654321"),
    Parked(at=at(131), contact_id=100, agent_id=8, queue_id=3),
    Parked(at=at(131), contact_id=100, agent_id=8, queue_id=3, held=True),
    TransferReturned(
        at=at(131), contact_id=100, agent_id=8, to_agent_id=7, queue_id=3, after_seconds=20.0
    ),
    Classified(at=at(131), contact_id=100, agent_id=8, code="billing"),
    Ended(at=at(160), contact_id=100, queue_id=3, agent_id=8, by="caller", talk_seconds=60.0),
    WrapUpStarted(at=at(160), agent_id=8, contact_id=100, seconds=30),
    WrapUpEnded(at=at(170), agent_id=8, contact_id=100, early=True),
    Abandoned(at=at(200), contact_id=101, queue_id=1, position=4, wait_seconds=33.25),
    CallbackRequested(
        at=at(210),
        contact_id=102,
        queue_id=1,
        number="+46701112233",
        wait_seconds=12,
        reason="long_wait",
        order="citizen_first",
        tries=3,
        retry_interval_s=60,
        sms_text="Vi har försökt ringa dig från Support.",
    ),
    CallbackDialled(
        at=at(211), contact_id=102, queue_id=1, agent_id=8, number="+46701112233", attempt=1
    ),
    CallbackNoAnswer(
        at=at(212),
        contact_id=102,
        queue_id=1,
        agent_id=8,
        number="+46701112233",
        attempt=1,
        outcome="busy",
    ),
    CallbackRetried(at=at(213), contact_id=102, queue_id=1, attempt=2, after_s=60),
    CallbackAnswered(
        at=at(214), contact_id=102, queue_id=1, agent_id=8, number="+46701112233", attempt=2
    ),
    CallbackUnreachable(
        at=at(215), contact_id=105, queue_id=1, number="+46701112234", attempts=3, sms_text="Hej"
    ),
    CallbackCancelled(at=at(216), contact_id=106, queue_id=1, by_user=12),
    AgentPaused(at=at(300), agent_id=7, reason="lunch"),
    AgentLoggedOut(at=at(400), agent_id=7, queue_id=1, forced=True),
    OutboundCall(at=at(500), contact_id=103, agent_id=8, number="+4687654321"),
    OutboundAnswered(at=at(504), contact_id=103, agent_id=8, ring_seconds=4.0),
    PriorityChanged(
        at=at(600), contact_id=104, queue_id=1, from_priority=0, priority=3, by_user=12
    ),
    Picked(at=at(610), contact_id=104, queue_id=1, agent_id=7, offered=True, by_user=12),
    StormStarted(
        at=at(700),
        entry_point="100",
        audio="/var/lib/vaxla/storm/a1.wav",
        text="Driftstörning",
        by_user=12,
    ),
    StormHeard(at=at(701), contact_id=105, entry_point="100", started_at=at(700)),
    StormEnded(at=at(800), entry_point="100", by_user=12),
    BoardSaved(at=at(600), board_id=1, name="Floor 1", added=True, by_user=3),
    BoardLinkCreated(at=at(601), link_id=1, board_id=1, by_user=3),
    BoardLinkRevoked(at=at(602), link_id=1, board_id=1, by_user=3),
    BoardDeleted(at=at(603), board_id=1, name="Floor 1", by_user=3),
    AgentStandby(at=at(600), agent_id=9, standing_by=True),
    AlarmRaised(
        at=at(610),
        rule="support-waiting",
        queue_id=1,
        metric="waiting_count",
        comparison=">",
        threshold=5,
        value=6,
        severity="critical",
    ),
    AlarmAcknowledged(at=at(620), rule="support-waiting", queue_id=1, by_user=3),
    AlarmCleared(at=at(630), rule="support-waiting", queue_id=1, value=2),
    VoicemailLeft(
        at=at(640),
        contact_id=7,
        message_id=1,
        box="Kansliet",
        caller="+46701234567",
        seconds=12.5,
        short=False,
        silent=False,
    ),
    VoicemailTaskQueued(
        at=at(645),
        contact_id=8,
        queue_id=1,
        message_id=1,
        box="Kansliet",
        caller="+46701234567",
        seconds=12.5,
        received_at=at(640),
    ),
    VoicemailHandled(at=at(650), message_id=1, box="Kansliet", by_user=3, by_name="Anna"),
    VoicemailPurged(
        at=at(660), message_id=1, box="Kansliet", received_at=at(640), retention_days=30
    ),
    RecordingStarted(
        at=at(661),
        contact_id=7,
        call_id="w1-7",
        reason="rule",
        rule="Support",
        consent_prompt="recording_consent",
    ),
    RecordingStarted(at=at(661), contact_id=8, call_id="w1-8", reason="agent", by_user=4),
    RecordingKept(
        at=at(662), contact_id=7, recording_id=1, call_id="w1-7", seconds=40.5, sha256="ab" * 32
    ),
    RecordingDiscarded(at=at(662), contact_id=9, call_id="w1-9", seconds=31.0),
    RecordingChanged(
        at=at(663), recording_id=1, tags=["complaint"], keep=True, by_user=3, by_name="Anna"
    ),
    RecordingPurged(at=at(664), recording_id=1, started_at=at(600), retention_days=90),
    RecordingRead(at=at(664), recording_id=1, format="mp3", by_user=3, by_name="Anna"),
    SmsQueued(
        at=at(665),
        message_id=1,
        to="+46701112233",
        sender="Vaxla",
        purpose="agent",
        template="called",
        contact_id=100,
        by_user=7,
    ),
    SmsSent(at=at(670), message_id=1, attempts=2, gateway_ref="abc123"),
    SmsReport(at=at(675), message_id=1, status="delivered", report="DELIVRD"),
    ReportScheduleSaved(
        at=at(680),
        name="daily",
        schedule={"name": "daily", "report": "queues", "recipients": ["boss@example.se"]},
        added=True,
        by_user=3,
    ),
    ReportMailed(
        at=at(690), name="daily", start=at(0), end=at(600), recipients=["boss@example.se"]
    ),
    ReportScheduleDeleted(at=at(700), name="daily", by_user=3),
    PersonSaved(at=at(740), person_id=1, name="Åsa Öberg", added=True, by_user=3),
    PersonRemoved(at=at(741), person_id=1, name="Åsa Öberg", by_user=3),
    DirectoryImported(at=at(742), source="csv", added=12, replaced=1, by_user=3),
    PresenceSet(
        at=at(750), username="asa", reason="lunch", until=at(4100), by_user=7, by_name="asa"
    ),
    PresenceEnded(at=at(4100), username="asa", expired=True),
    PromptAudioSet(
        at=at(4150),
        name="closed",
        language="sv",
        source="upload",
        path="/var/lib/vaxla/prompts/cd.wav",
        by_user=3,
        by_name="admin",
    ),
    PromptRecorded(
        at=at(4200),
        call="pc1",
        name="welcome",
        language="sv",
        phone="+46701234567",
        seconds=4.2,
        path="/var/lib/vaxla/prompts/ab.wav",
        by_user=3,
        by_name="admin",
    ),
    PromptRecordingFailed(
        at=at(4300),
        call="pc2",
        name="welcome",
        language="en",
        phone="sip:kim@10.0.0.5",
        reason="the phone did not answer (SIP 480)",
        by_user=3,
        by_name="admin",
    ),
]

SAMPLES: dict[EventKind, Event] = {event.kind: event for event in _EVENTS}
