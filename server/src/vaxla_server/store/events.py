"""The event catalogue: every change of a contact or an agent, as a typed model.

An event names the instant it happened (``at``, time-zone aware, kept in UTC) and its
subjects (``contact_id``, ``agent_id``, ``queue_id``, the dispatcher's integer ids). The
store keeps the subjects in their own indexed columns and every other field in the
event's JSON payload. Statistics and reports are computed from these events alone, so
a field belongs here when a report will need it.
"""

from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter, field_validator

ContactId = Annotated[int, Field(ge=0)]
AgentId = Annotated[int, Field(ge=0)]
QueueId = Annotated[int, Field(ge=0)]
Seconds = Annotated[float, Field(ge=0)]
ByUser = Annotated[int, Field(ge=0)] | None
"""On an agent's log-out, ready, pause and wrap-up end, and on a supervisor's control of
a waiting contact (move, priority, pick): the user (a supervisor or an administrator)
who did it; None when the agent did it, or the system."""


class EventKind(StrEnum):
    """The closed set of event kinds; the value is what the log's ``kind`` column holds."""

    CONTACT_ENTERED = "contact_entered"
    MENU_CHOICE = "menu_choice"
    DIGITS_ENTERED = "digits_entered"
    QUEUED = "queued"
    ANNOUNCEMENT_PLAYED = "announcement_played"
    OFFERED = "offered"
    ANSWERED = "answered"
    NOT_ANSWERED = "not_answered"
    AGENT_AUTO_PAUSED = "agent_auto_paused"
    TRANSFERRED = "transferred"
    PARKED = "parked"
    TRANSFER_RETURNED = "transfer_returned"
    MOVED = "moved"
    OVERFLOWED = "overflowed"
    ABANDONED = "abandoned"
    CALLBACK_REQUESTED = "callback_requested"
    CALLBACK_DIALLED = "callback_dialled"
    CALLBACK_ANSWERED = "callback_answered"
    CALLBACK_NO_ANSWER = "callback_no_answer"
    CALLBACK_RETRIED = "callback_retried"
    CALLBACK_UNREACHABLE = "callback_unreachable"
    CALLBACK_CANCELLED = "callback_cancelled"
    ENDED = "ended"
    AGENT_LOGGED_IN = "agent_logged_in"
    AGENT_LOGGED_OUT = "agent_logged_out"
    AGENT_READY = "agent_ready"
    AGENT_PAUSED = "agent_paused"
    WRAP_UP_STARTED = "wrap_up_started"
    WRAP_UP_ENDED = "wrap_up_ended"
    CLASSIFIED = "classified"
    OUTBOUND_CALL = "outbound_call"
    OUTBOUND_ANSWERED = "outbound_answered"
    STORM_STARTED = "storm_started"
    STORM_ENDED = "storm_ended"
    STORM_HEARD = "storm_heard"
    PRIORITY_CHANGED = "priority_changed"
    PICKED = "picked"
    BOARD_SAVED = "board_saved"
    BOARD_DELETED = "board_deleted"
    BOARD_LINK_CREATED = "board_link_created"
    BOARD_LINK_REVOKED = "board_link_revoked"
    AGENT_STANDBY = "agent_standby"
    ALARM_RAISED = "alarm_raised"
    ALARM_CLEARED = "alarm_cleared"
    ALARM_ACKNOWLEDGED = "alarm_acknowledged"
    SMS_QUEUED = "sms_queued"
    SMS_SENT = "sms_sent"
    SMS_REPORT = "sms_report"
    VOICEMAIL_LEFT = "voicemail_left"
    VOICEMAIL_HANDLED = "voicemail_handled"
    VOICEMAIL_PURGED = "voicemail_purged"
    VOICEMAIL_TASK_QUEUED = "voicemail_task_queued"
    REPORT_SCHEDULE_SAVED = "report_schedule_saved"
    REPORT_SCHEDULE_DELETED = "report_schedule_deleted"
    REPORT_MAILED = "report_mailed"
    PERSON_SAVED = "person_saved"
    PERSON_REMOVED = "person_removed"
    DIRECTORY_IMPORTED = "directory_imported"
    PRESENCE_SET = "presence_set"
    PRESENCE_ENDED = "presence_ended"
    RECORDING_STARTED = "recording_started"
    RECORDING_KEPT = "recording_kept"
    RECORDING_DISCARDED = "recording_discarded"
    RECORDING_CHANGED = "recording_changed"
    RECORDING_PURGED = "recording_purged"
    RECORDING_READ = "recording_read"
    PROMPT_AUDIO_SET = "prompt_audio_set"
    PROMPT_RECORDED = "prompt_recorded"
    PROMPT_RECORDING_FAILED = "prompt_recording_failed"


Channel = Literal["voice", "chat", "email", "callback", "voicemail"]
"""A contact's kind: ``voicemail`` is a voicemail task (R7), a message left in a box
whose ``task_queue`` routes it to that queue's agents like a call."""
AnnouncementKind = Literal[
    "first", "periodic", "position", "estimated_wait", "agents_answering", "callback_offer"
]
EndCause = Literal[
    "closed",
    "holiday",
    "nobody_logged_in",
    "queue_full",
    "message",
    "no_route",
    "worker_died",
    "media_timeout",
    "restart",
    "error",
    "transferred",
    "callback_unreachable",
    "callback_cancelled",
    "voicemail",
    "voicemail_handled",
    "voicemail_purged",
]
"""Why the server ended a contact that no agent took (``Ended.cause``): outside opening
hours, on a holiday, with nobody logged in, the queue full, after a closing message, with
nowhere to send it, its media worker lost, its far end silent (no RTP) for the media
timeout, the server restarted under it, another
failure, put through to an outside number (the call ended there), after leaving a
voicemail message (whoever hung up), a voicemail task whose message was marked handled
(by its agent, or by a reader in the Voicemail tab) or purged, or a callback that
reached nobody after its last try or that a supervisor cancelled. An answered contact
may end by ``worker_died`` too."""


class BaseEvent(BaseModel):
    """Fields every event has. Events are values: frozen, and unknown fields are refused."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    at: AwareDatetime

    @field_validator("at")
    @classmethod
    def _in_utc(cls, at: datetime) -> datetime:
        return at.astimezone(UTC)


# Contacts: from arrival to the end of the call.


class ContactEntered(BaseEvent):
    """A contact arrived at an entry point (a called number or address)."""

    kind: Literal[EventKind.CONTACT_ENTERED] = EventKind.CONTACT_ENTERED
    contact_id: ContactId
    entry_point: str
    channel: Channel = "voice"
    caller: str | None = None
    language: str | None = None


class MenuChoice(BaseEvent):
    """The caller pressed ``key`` in ``menu``."""

    kind: Literal[EventKind.MENU_CHOICE] = EventKind.MENU_CHOICE
    contact_id: ContactId
    menu: str
    key: str


class DigitsEntered(BaseEvent):
    """The caller keyed in digits for a digit collection.

    ``digits`` is None for secret collections (PINs), which the log must not keep.
    """

    kind: Literal[EventKind.DIGITS_ENTERED] = EventKind.DIGITS_ENTERED
    contact_id: ContactId
    collection: str
    digits: str | None
    valid: bool
    attempt: Annotated[int, Field(ge=1)] = 1


class Queued(BaseEvent):
    """The contact started waiting in a queue."""

    kind: Literal[EventKind.QUEUED] = EventKind.QUEUED
    contact_id: ContactId
    queue_id: QueueId
    priority: int = 0
    position: Annotated[int, Field(ge=1)]


class AnnouncementPlayed(BaseEvent):
    """A queue announcement was played to a waiting caller."""

    kind: Literal[EventKind.ANNOUNCEMENT_PLAYED] = EventKind.ANNOUNCEMENT_PLAYED
    contact_id: ContactId
    queue_id: QueueId
    announcement: AnnouncementKind
    prompt: str


class Offered(BaseEvent):
    """The contact was offered to an agent (the agent's phone rings)."""

    kind: Literal[EventKind.OFFERED] = EventKind.OFFERED
    contact_id: ContactId
    queue_id: QueueId | None
    agent_id: AgentId


class Answered(BaseEvent):
    """The agent answered; ``wait_seconds`` is the caller's accumulated wait until now."""

    kind: Literal[EventKind.ANSWERED] = EventKind.ANSWERED
    contact_id: ContactId
    queue_id: QueueId | None
    agent_id: AgentId
    wait_seconds: Seconds


class NotAnswered(BaseEvent):
    """An offer ended without an answer: the agent declined it, let it ring out, or it was
    withdrawn because the agent paused, logged out or was auto-paused (``withdrawn``; a
    citizen-first callback's offer held while the citizen was called ends so too, with
    ``ring_seconds`` 0 when the agent's phone never rang)."""

    kind: Literal[EventKind.NOT_ANSWERED] = EventKind.NOT_ANSWERED
    contact_id: ContactId
    queue_id: QueueId | None
    agent_id: AgentId
    reason: Literal["declined", "no_answer", "withdrawn"]
    ring_seconds: Seconds


class AgentAutoPaused(BaseEvent):
    """The server paused an agent who let ``contact_id`` ring out (RONA)."""

    kind: Literal[EventKind.AGENT_AUTO_PAUSED] = EventKind.AGENT_AUTO_PAUSED
    agent_id: AgentId
    contact_id: ContactId | None
    reason: str


class Transferred(BaseEvent):
    """The agent handed the contact on: to another agent, a queue or an outside number.
    Without an agent (``agent_id`` null), the call flow put the caller through to the
    outside number by a configured transfer (a menu key, an overflow rule) and it
    answered."""

    kind: Literal[EventKind.TRANSFERRED] = EventKind.TRANSFERRED
    contact_id: ContactId
    agent_id: AgentId | None
    queue_id: QueueId | None
    to_agent_id: AgentId | None = None
    to_queue_id: QueueId | None = None
    to_number: str | None = None
    attended: bool = False


class Parked(BaseEvent):
    """The agent parked its answered contact in its own personal queue (R22): the caller
    hears music on hold and is offered to that agent again, keeping its wait."""

    kind: Literal[EventKind.PARKED] = EventKind.PARKED
    contact_id: ContactId
    agent_id: AgentId
    queue_id: QueueId | None
    held: bool = False
    """On hold (a receptionist's, R29): offered to the agent only when it takes it back."""


class TransferReturned(BaseEvent):
    """A caller connected blind by ``agent_id`` (a receptionist, R29) to ``to_agent_id``
    was not taken within the come-back time (declined, rung out or not answered): it came
    back to ``agent_id``, held in its personal queue, and is offered to it again."""

    kind: Literal[EventKind.TRANSFER_RETURNED] = EventKind.TRANSFER_RETURNED
    contact_id: ContactId
    agent_id: AgentId
    to_agent_id: AgentId
    queue_id: QueueId | None
    after_seconds: float = Field(ge=0)


class Moved(BaseEvent):
    """A waiting contact was moved from ``queue_id`` to another queue, keeping its wait."""

    kind: Literal[EventKind.MOVED] = EventKind.MOVED
    contact_id: ContactId
    queue_id: QueueId
    to_queue_id: QueueId
    by_agent_id: AgentId | None = None
    by_user: ByUser = None


class PriorityChanged(BaseEvent):
    """A waiting contact's priority in ``queue_id`` changed from ``from_priority`` to
    ``priority`` (higher is served first): a supervisor set it (``by_user``), or the
    queue's escalation rule raised it after the contact had waited long enough
    (``by_user`` None, R16)."""

    kind: Literal[EventKind.PRIORITY_CHANGED] = EventKind.PRIORITY_CHANGED
    contact_id: ContactId
    queue_id: QueueId
    from_priority: int
    priority: int
    by_user: ByUser = None


class Picked(BaseEvent):
    """A supervisor (``by_user``) took a contact waiting in ``queue_id`` out of its line
    for the agent ``agent_id``: it waits in that agent's personal queue, keeping its
    wait (R16). ``offered``: it was rung to the agent at once and goes back to
    ``queue_id`` if the agent does not take it; otherwise it waits there until the
    agent is free."""

    kind: Literal[EventKind.PICKED] = EventKind.PICKED
    contact_id: ContactId
    queue_id: QueueId
    agent_id: AgentId
    offered: bool
    by_user: ByUser = None


class Overflowed(BaseEvent):
    """A queue's overflow rule sent the contact elsewhere."""

    kind: Literal[EventKind.OVERFLOWED] = EventKind.OVERFLOWED
    contact_id: ContactId
    queue_id: QueueId
    rule: Literal["max_length", "max_wait", "schedule", "nobody_logged_in"]
    target: str
    wait_seconds: Seconds


class Abandoned(BaseEvent):
    """The caller hung up while waiting, at ``position`` after ``wait_seconds``."""

    kind: Literal[EventKind.ABANDONED] = EventKind.ABANDONED
    contact_id: ContactId
    queue_id: QueueId
    position: Annotated[int, Field(ge=1)]
    wait_seconds: Seconds


CallbackReason = Literal[
    "key", "long_wait", "outside_hours", "chosen", "closed", "full", "nobody_logged_in"
]
CallbackOrder = Literal["agent_first", "citizen_first"]
Attempt = Annotated[int, Field(ge=1)]


class CallbackRequested(BaseEvent):
    """The caller left the queue's line asking to be called back on ``number`` (R17):
    the contact keeps its place (it goes on waiting without a voice leg). ``reason``:
    the caller pressed the queue's callback key, or the queue imposed it (the estimated
    wait was too long, or outside its daily window). The queue's terms then, kept with
    the request so a restart does not change them: ``order``, ``tries`` in all (the
    first and the retries), ``retry_interval_s`` and the ``sms_text`` sent when the
    citizen cannot be reached.

    ``due_at``: a scheduled callback (the caller keyed a time, or the queue was closed):
    it waits out of the line until then, and then enters the line as a caller arriving
    then, with ``due_priority`` (a ``Queued`` says so). ``reason`` ``chosen``: the
    caller was sent to the callback by the configuration (a menu key, an entry point);
    ``closed``, ``full``, ``nobody_logged_in``: by the queue's rule of that name."""

    kind: Literal[EventKind.CALLBACK_REQUESTED] = EventKind.CALLBACK_REQUESTED
    contact_id: ContactId
    queue_id: QueueId
    number: str
    wait_seconds: Seconds
    reason: CallbackReason = "key"
    order: CallbackOrder = "agent_first"
    tries: Attempt = 1
    retry_interval_s: Seconds = 0.0
    sms_text: str = ""
    due_at: AwareDatetime | None = None
    due_priority: Annotated[int, Field(ge=0, le=100)] = 0


class CallbackDialled(BaseEvent):
    """Try ``attempt`` of the callback: the citizen's ``number`` is being called for the
    agent ``agent_id`` (who took the callback's offer; made citizen first, the agent
    whose offer is held meanwhile, its phone not rung yet)."""

    kind: Literal[EventKind.CALLBACK_DIALLED] = EventKind.CALLBACK_DIALLED
    contact_id: ContactId
    queue_id: QueueId
    agent_id: AgentId
    number: str
    attempt: Attempt


class CallbackAnswered(BaseEvent):
    """The citizen answered try ``attempt``; the agent talks with it now. Made citizen
    first, the citizen waits on the line while ``agent_id``'s phone rings: an
    ``Answered`` follows when the agent takes it, else a ``NotAnswered`` and the
    callback waits on in the line for the next agent."""

    kind: Literal[EventKind.CALLBACK_ANSWERED] = EventKind.CALLBACK_ANSWERED
    contact_id: ContactId
    queue_id: QueueId
    agent_id: AgentId
    number: str
    attempt: Attempt


class CallbackNoAnswer(BaseEvent):
    """Try ``attempt`` reached nobody: no answer, busy, the call failed, or the server
    restarted during it (the try is made again)."""

    kind: Literal[EventKind.CALLBACK_NO_ANSWER] = EventKind.CALLBACK_NO_ANSWER
    contact_id: ContactId
    queue_id: QueueId
    agent_id: AgentId | None = None
    number: str
    attempt: Attempt
    outcome: Literal["no_answer", "busy", "failed", "restart"]


class CallbackRetried(BaseEvent):
    """The callback waits again for try ``attempt``: back in its queue's line at its
    place (``after_s`` 0), or after ``after_s`` seconds."""

    kind: Literal[EventKind.CALLBACK_RETRIED] = EventKind.CALLBACK_RETRIED
    contact_id: ContactId
    queue_id: QueueId
    attempt: Attempt
    after_s: Seconds = 0.0


class CallbackUnreachable(BaseEvent):
    """The last try reached nobody: the callback is closed (an ``Ended`` with cause
    ``callback_unreachable`` follows) and ``sms_text`` is to be sent to ``number``."""

    kind: Literal[EventKind.CALLBACK_UNREACHABLE] = EventKind.CALLBACK_UNREACHABLE
    contact_id: ContactId
    queue_id: QueueId
    number: str
    attempts: Attempt
    sms_text: str


class CallbackCancelled(BaseEvent):
    """A supervisor (``by_user``) cancelled the waiting callback; an ``Ended`` with cause
    ``callback_cancelled`` follows."""

    kind: Literal[EventKind.CALLBACK_CANCELLED] = EventKind.CALLBACK_CANCELLED
    contact_id: ContactId
    queue_id: QueueId
    by_user: ByUser = None


class Ended(BaseEvent):
    """The contact is over; ``by`` says who ended it."""

    kind: Literal[EventKind.ENDED] = EventKind.ENDED
    contact_id: ContactId
    queue_id: QueueId | None = None
    agent_id: AgentId | None = None
    by: Literal["caller", "agent", "system"]
    talk_seconds: Seconds = 0.0
    cause: EndCause | None = None


# Agents: log-ins per queue, availability, after-call work.


class AgentLoggedIn(BaseEvent):
    """The agent joined ``queue_id``."""

    kind: Literal[EventKind.AGENT_LOGGED_IN] = EventKind.AGENT_LOGGED_IN
    agent_id: AgentId
    queue_id: QueueId
    reason: str | None = None
    """Set when the system logged a stand-by agent in (R23): why, in words."""


class AgentLoggedOut(BaseEvent):
    """The agent left ``queue_id``."""

    kind: Literal[EventKind.AGENT_LOGGED_OUT] = EventKind.AGENT_LOGGED_OUT
    agent_id: AgentId
    queue_id: QueueId
    forced: bool = False
    by_user: ByUser = None
    reason: str | None = None
    """Set when the system logged a stand-by agent out again (R23): why, in words."""


class AgentStandby(BaseEvent):
    """A stand-by agent began (``standing_by``) or stopped standing by: from now on (or
    no longer) the system logs it in to its queues when their traffic calls for it."""

    kind: Literal[EventKind.AGENT_STANDBY] = EventKind.AGENT_STANDBY
    agent_id: AgentId
    standing_by: bool


class AgentReady(BaseEvent):
    """The agent is available for contacts."""

    kind: Literal[EventKind.AGENT_READY] = EventKind.AGENT_READY
    agent_id: AgentId
    by_user: ByUser = None


class AgentPaused(BaseEvent):
    """The agent paused, giving a reason (one of the configured pause reasons)."""

    kind: Literal[EventKind.AGENT_PAUSED] = EventKind.AGENT_PAUSED
    agent_id: AgentId
    reason: str
    by_user: ByUser = None


class WrapUpStarted(BaseEvent):
    """After-call work on ``contact_id`` began, planned to last ``seconds``."""

    kind: Literal[EventKind.WRAP_UP_STARTED] = EventKind.WRAP_UP_STARTED
    agent_id: AgentId
    contact_id: ContactId
    seconds: Seconds


class WrapUpEnded(BaseEvent):
    """After-call work ended; ``early`` when the agent said "ready" before the time was up."""

    kind: Literal[EventKind.WRAP_UP_ENDED] = EventKind.WRAP_UP_ENDED
    agent_id: AgentId
    contact_id: ContactId
    early: bool
    by_user: ByUser = None


class Classified(BaseEvent):
    """The agent gave the contact a classification code."""

    kind: Literal[EventKind.CLASSIFIED] = EventKind.CLASSIFIED
    contact_id: ContactId
    agent_id: AgentId
    code: str


# Outbound calls: an agent's softphone calls an outside number through the server.


class OutboundCall(BaseEvent):
    """The agent called the outside ``number`` from its softphone; the contact is busy
    for the agent until its ``Ended`` (whose ``cause`` is ``no_route`` if the number never
    answered)."""

    kind: Literal[EventKind.OUTBOUND_CALL] = EventKind.OUTBOUND_CALL
    contact_id: ContactId
    agent_id: AgentId
    number: str


class OutboundAnswered(BaseEvent):
    """The outside number answered the agent's call; the two are bridged."""

    kind: Literal[EventKind.OUTBOUND_ANSWERED] = EventKind.OUTBOUND_ANSWERED
    contact_id: ContactId
    agent_id: AgentId
    ring_seconds: Seconds = 0.0


class StormStarted(BaseEvent):
    """A storm message was switched on at an entry point (R6): every new caller hears it
    at once, callers already waiting at their next announcement. ``audio`` is the file
    played (a recorded prompt's, or one made from ``text``)."""

    kind: Literal[EventKind.STORM_STARTED] = EventKind.STORM_STARTED
    entry_point: str
    audio: str
    text: str | None = None
    prompt: str | None = None
    by_user: ByUser = None


class StormEnded(BaseEvent):
    """The storm message of an entry point was switched off."""

    kind: Literal[EventKind.STORM_ENDED] = EventKind.STORM_ENDED
    entry_point: str
    by_user: ByUser = None


class StormHeard(BaseEvent):
    """A caller was played the storm message switched on at ``started_at``."""

    kind: Literal[EventKind.STORM_HEARD] = EventKind.STORM_HEARD
    contact_id: ContactId
    entry_point: str
    started_at: datetime


# Wallboards (R30): who saved or deleted a board, who made or revoked a board link.


class BoardSaved(BaseEvent):
    """The board ``board_id`` named ``name`` was added (``added``) or changed."""

    kind: Literal[EventKind.BOARD_SAVED] = EventKind.BOARD_SAVED
    board_id: Annotated[int, Field(ge=0)]
    name: str
    added: bool
    by_user: Annotated[int, Field(ge=0)]


class BoardDeleted(BaseEvent):
    """The board was deleted, and its links with it."""

    kind: Literal[EventKind.BOARD_DELETED] = EventKind.BOARD_DELETED
    board_id: Annotated[int, Field(ge=0)]
    name: str
    by_user: Annotated[int, Field(ge=0)]


class BoardLinkCreated(BaseEvent):
    """A link that opens the board's web page with a token alone was made."""

    kind: Literal[EventKind.BOARD_LINK_CREATED] = EventKind.BOARD_LINK_CREATED
    link_id: Annotated[int, Field(ge=0)]
    board_id: Annotated[int, Field(ge=0)]
    by_user: Annotated[int, Field(ge=0)]


class BoardLinkRevoked(BaseEvent):
    """The link no longer opens the board; its open pages were closed."""

    kind: Literal[EventKind.BOARD_LINK_REVOKED] = EventKind.BOARD_LINK_REVOKED
    link_id: Annotated[int, Field(ge=0)]
    board_id: Annotated[int, Field(ge=0)]
    by_user: Annotated[int, Field(ge=0)]


# Alarms (R24): a rule on a queue's live figure raised, cleared, acknowledged.

AlarmMetricName = Literal["waiting_count", "longest_wait_s", "service_level_pct", "agents_ready"]
AlarmSeverity = Literal["info", "warning", "critical"]


class AlarmRaised(BaseEvent):
    """The alarm rule ``rule`` held for ``queue_id``: its ``metric`` was ``value``,
    ``comparison`` ``threshold``."""

    kind: Literal[EventKind.ALARM_RAISED] = EventKind.ALARM_RAISED
    rule: str
    queue_id: QueueId
    metric: AlarmMetricName
    comparison: Literal[">", ">=", "<", "<="]
    threshold: float
    value: float
    severity: AlarmSeverity


class AlarmCleared(BaseEvent):
    """The alarm ``rule`` raised before is over: the figure is back (``value``), or the
    rule was changed or removed (``value`` None, ``reason`` says so)."""

    kind: Literal[EventKind.ALARM_CLEARED] = EventKind.ALARM_CLEARED
    rule: str
    queue_id: QueueId
    value: float | None
    reason: str | None = None


class AlarmAcknowledged(BaseEvent):
    """A supervisor or administrator (``by_user``) acknowledged the raised alarm ``rule``."""

    kind: Literal[EventKind.ALARM_ACKNOWLEDGED] = EventKind.ALARM_ACKNOWLEDGED
    rule: str
    queue_id: QueueId
    by_user: Annotated[int, Field(ge=0)]
    by_name: str | None = None
    """The user's name then, to show after a restart without asking auth."""


# SMS (R25): a message queued (with who, or what, asked for it), taken by the gateway,
# and what the gateway and the operator reported of it.


class SmsQueued(BaseEvent):
    """The SMS ``message_id`` was put in the outbox, to ``to`` as ``sender``; ``purpose``
    says why (``agent``: an agent sent it to its caller, ``by_user``; ``alarm``: an
    alarm rule's recipient); ``contact_id``: the call it is about, if any."""

    kind: Literal[EventKind.SMS_QUEUED] = EventKind.SMS_QUEUED
    message_id: Annotated[int, Field(ge=0)]
    to: str
    sender: str
    purpose: str
    template: str | None = None
    contact_id: ContactId | None = None
    by_user: ByUser = None


class SmsSent(BaseEvent):
    """The gateway took the SMS ``message_id`` after ``attempts`` tries (``gateway_ref``:
    its own id for it, an SMPP message id)."""

    kind: Literal[EventKind.SMS_SENT] = EventKind.SMS_SENT
    message_id: Annotated[int, Field(ge=0)]
    attempts: Annotated[int, Field(ge=1)]
    gateway_ref: str | None = None


class SmsReport(BaseEvent):
    """A delivery report on the SMS ``message_id``: ``status`` what it is now
    (``delivered``, ``failed``, or ``sent`` for an intermediate report), ``report`` the
    gateway's words."""

    kind: Literal[EventKind.SMS_REPORT] = EventKind.SMS_REPORT
    message_id: Annotated[int, Field(ge=0)]
    status: Literal["sent", "delivered", "failed"]
    report: str


# Voicemail (R7)


class VoicemailLeft(BaseEvent):
    """The caller of ``contact_id`` (number ``caller``) left the message ``message_id`` of
    ``seconds`` in the box ``box``; ``short`` (under a second) and ``silent`` (no voice)
    mark one kept all the same."""

    kind: Literal[EventKind.VOICEMAIL_LEFT] = EventKind.VOICEMAIL_LEFT
    contact_id: ContactId
    message_id: Annotated[int, Field(ge=0)]
    box: str
    caller: str
    seconds: Seconds
    short: bool
    silent: bool
    task_queue: str | None = None
    """The queue the box routed the message to as a voicemail task (with
    ``task_priority``), if it did: a task the log shows no ``VoicemailTaskQueued`` for (a
    server that stopped in between) is queued at the next start."""
    task_priority: Annotated[int, Field(ge=0)] = 0


class VoicemailTaskQueued(BaseEvent):
    """The message ``message_id`` (of ``seconds``, left in ``box`` by ``caller`` at
    ``received_at``) became the contact ``contact_id``, a voicemail task waiting in
    ``queue_id``'s line like a call (R7); its ``ContactEntered`` (channel ``voicemail``)
    comes just before, its ``Queued`` just after. It ends (``Ended``, cause
    ``voicemail_handled``) when the message is marked handled."""

    kind: Literal[EventKind.VOICEMAIL_TASK_QUEUED] = EventKind.VOICEMAIL_TASK_QUEUED
    contact_id: ContactId
    queue_id: QueueId
    message_id: Annotated[int, Field(ge=0)]
    box: str
    caller: str
    seconds: Seconds
    received_at: AwareDatetime
    priority: Annotated[int, Field(ge=0)] = 0


class VoicemailHandled(BaseEvent):
    """A reader of the box (``by_user``, named ``by_name`` then) marked the message
    handled."""

    kind: Literal[EventKind.VOICEMAIL_HANDLED] = EventKind.VOICEMAIL_HANDLED
    message_id: Annotated[int, Field(ge=0)]
    box: str
    by_user: Annotated[int, Field(ge=0)]
    by_name: str


class VoicemailPurged(BaseEvent):
    """The message (left at ``received_at``) was deleted, its file with it, when the
    box's retention ran out."""

    kind: Literal[EventKind.VOICEMAIL_PURGED] = EventKind.VOICEMAIL_PURGED
    message_id: Annotated[int, Field(ge=0)]
    box: str
    received_at: AwareDatetime
    retention_days: Annotated[int, Field(ge=1)]


# Call recording (R27)


class RecordingStarted(BaseEvent):
    """The call ``call_id`` of ``contact_id`` is recorded: by the recording ``rule``
    (``reason`` ``rule``; the worker reported its ``consent_prompt`` played to the end
    before the recording started), or because the agent ``by_user`` asked mid-call
    (``agent``: the whole call is kept, its start included)."""

    kind: Literal[EventKind.RECORDING_STARTED] = EventKind.RECORDING_STARTED
    contact_id: ContactId
    call_id: str
    reason: Literal["rule", "agent"]
    rule: str | None = None
    consent_prompt: str | None = None
    by_user: Annotated[int, Field(ge=0)] | None = None


class RecordingKept(BaseEvent):
    """The recording of the ended call is kept as ``recording_id``: ``seconds`` long,
    its file's SHA-256 ``sha256``."""

    kind: Literal[EventKind.RECORDING_KEPT] = EventKind.RECORDING_KEPT
    contact_id: ContactId
    recording_id: Annotated[int, Field(ge=0)]
    call_id: str
    seconds: Seconds
    sha256: str


class RecordingDiscarded(BaseEvent):
    """The call ended unrecorded: the buffer it was recorded into from its start
    (``seconds`` of it) was deleted, nobody having asked to keep it."""

    kind: Literal[EventKind.RECORDING_DISCARDED] = EventKind.RECORDING_DISCARDED
    contact_id: ContactId
    call_id: str
    seconds: Seconds


class RecordingChanged(BaseEvent):
    """A user (``by_user``, named ``by_name`` then) changed the recording's ``tags`` or
    its ``keep`` mark (kept: no retention purge); both as they are now."""

    kind: Literal[EventKind.RECORDING_CHANGED] = EventKind.RECORDING_CHANGED
    recording_id: Annotated[int, Field(ge=0)]
    tags: list[str]
    keep: bool
    by_user: Annotated[int, Field(ge=0)]
    by_name: str


class RecordingRead(BaseEvent):
    """A user (``by_user``, named ``by_name`` then) fetched the recording's sound, to
    listen or to save it, as ``format`` (``wav`` as stored, ``mp3`` or ``ogg`` encoded):
    written before the first byte is sent, so every read is in the log."""

    kind: Literal[EventKind.RECORDING_READ] = EventKind.RECORDING_READ
    recording_id: Annotated[int, Field(ge=0)]
    format: Literal["wav", "mp3", "ogg"]
    by_user: Annotated[int, Field(ge=0)]
    by_name: str


class RecordingPurged(BaseEvent):
    """The recording (of a call that started at ``started_at``) was deleted, its file
    with it, when its ``retention_days`` ran out."""

    kind: Literal[EventKind.RECORDING_PURGED] = EventKind.RECORDING_PURGED
    recording_id: Annotated[int, Field(ge=0)]
    started_at: AwareDatetime
    retention_days: Annotated[int, Field(ge=1)]


# A prompt's audio (R6, R31): uploaded or spoken from a text, or recorded by phone; the
# administrator who did it.


class PromptAudioSet(BaseEvent):
    """The prompt ``name`` in ``language`` plays from now on a sound file ``by_user``
    (named ``by_name`` then) uploaded (``source`` ``upload``) or a text the server spoke
    (``text``), kept at ``path`` (8 kHz mono)."""

    kind: Literal[EventKind.PROMPT_AUDIO_SET] = EventKind.PROMPT_AUDIO_SET
    name: str
    language: str
    source: Literal["upload", "text"]
    path: str
    by_user: Annotated[int, Field(ge=0)]
    by_name: str


class PromptRecorded(BaseEvent):
    """The prompt ``name`` in ``language`` plays from now on what ``phone`` said when the
    server called it for ``by_user`` (named ``by_name`` then): ``seconds`` long, kept at
    ``path`` (8 kHz mono)."""

    kind: Literal[EventKind.PROMPT_RECORDED] = EventKind.PROMPT_RECORDED
    call: str
    name: str
    language: str
    phone: str
    seconds: Seconds
    path: str
    by_user: Annotated[int, Field(ge=0)]
    by_name: str


class PromptRecordingFailed(BaseEvent):
    """Recording the prompt by phone for ``by_user`` failed (``reason`` in words: not
    answered, hung up before the tone, too short, silent…); the prompt is as it was."""

    kind: Literal[EventKind.PROMPT_RECORDING_FAILED] = EventKind.PROMPT_RECORDING_FAILED
    call: str
    name: str
    language: str
    phone: str
    reason: str
    by_user: Annotated[int, Field(ge=0)]
    by_name: str


class ReportScheduleSaved(BaseEvent):
    """An administrator or supervisor (``by_user``) added (``added``) or changed the
    scheduled report ``name``: the whole schedule as ``vaxla_protocol.stats.
    ReportSchedule`` gives it (R33). The schedules are this event's fold."""

    kind: Literal[EventKind.REPORT_SCHEDULE_SAVED] = EventKind.REPORT_SCHEDULE_SAVED
    name: str
    schedule: dict[str, Any]
    added: bool
    by_user: Annotated[int, Field(ge=0)]


class ReportScheduleDeleted(BaseEvent):
    kind: Literal[EventKind.REPORT_SCHEDULE_DELETED] = EventKind.REPORT_SCHEDULE_DELETED
    name: str
    by_user: Annotated[int, Field(ge=0)]


class ReportMailed(BaseEvent):
    """The scheduled report ``name`` of the period ``start`` .. ``end`` was put in the
    mail outbox for ``recipients`` (sent from there, retried until the SMTP server takes
    it)."""

    kind: Literal[EventKind.REPORT_MAILED] = EventKind.REPORT_MAILED
    name: str
    start: datetime
    end: datetime
    recipients: list[str]


# The directory and hänvisning (R29): who changed a person, who imported, and each
# user's presence set and ended (by someone, or by itself at its return time).

PresenceReasonName = Literal["lunch", "meeting", "vacation", "sick", "travel", "away"]


class PersonSaved(BaseEvent):
    """An administrator (``by_user``) added (``added``) or changed a directory person."""

    kind: Literal[EventKind.PERSON_SAVED] = EventKind.PERSON_SAVED
    person_id: Annotated[int, Field(ge=0)]
    name: str
    added: bool
    by_user: Annotated[int, Field(ge=0)]


class PersonRemoved(BaseEvent):
    kind: Literal[EventKind.PERSON_REMOVED] = EventKind.PERSON_REMOVED
    person_id: Annotated[int, Field(ge=0)]
    name: str
    by_user: Annotated[int, Field(ge=0)]


class DirectoryImported(BaseEvent):
    """People imported at once from a CSV file or an LDAP server (``source``)."""

    kind: Literal[EventKind.DIRECTORY_IMPORTED] = EventKind.DIRECTORY_IMPORTED
    source: Literal["csv", "ldap"]
    added: Annotated[int, Field(ge=0)]
    replaced: Annotated[int, Field(ge=0)]
    by_user: Annotated[int, Field(ge=0)]


class PresenceSet(BaseEvent):
    """``username``'s presence (hänvisning) was set: away for ``reason`` until ``until``
    (None: until removed), by ``by_user`` (the user itself, or a receptionist)."""

    kind: Literal[EventKind.PRESENCE_SET] = EventKind.PRESENCE_SET
    username: str
    reason: PresenceReasonName
    until: AwareDatetime | None
    note: str = ""
    by_user: Annotated[int, Field(ge=0)]
    by_name: str


class PresenceEnded(BaseEvent):
    """``username``'s presence ended: removed by ``by_user``, or by itself at its return
    time (``by_user`` None, ``expired``)."""

    kind: Literal[EventKind.PRESENCE_ENDED] = EventKind.PRESENCE_ENDED
    username: str
    expired: bool
    by_user: ByUser = None
    by_name: str | None = None


Event = Annotated[
    ContactEntered
    | MenuChoice
    | DigitsEntered
    | Queued
    | AnnouncementPlayed
    | Offered
    | Answered
    | NotAnswered
    | AgentAutoPaused
    | Transferred
    | Parked
    | TransferReturned
    | Moved
    | Overflowed
    | Abandoned
    | CallbackRequested
    | CallbackDialled
    | CallbackAnswered
    | CallbackNoAnswer
    | CallbackRetried
    | CallbackUnreachable
    | CallbackCancelled
    | Ended
    | AgentLoggedIn
    | AgentLoggedOut
    | AgentReady
    | AgentPaused
    | WrapUpStarted
    | WrapUpEnded
    | Classified
    | OutboundCall
    | OutboundAnswered
    | StormStarted
    | StormEnded
    | StormHeard
    | PriorityChanged
    | Picked
    | BoardSaved
    | BoardDeleted
    | BoardLinkCreated
    | BoardLinkRevoked
    | AgentStandby
    | AlarmRaised
    | AlarmCleared
    | AlarmAcknowledged
    | SmsQueued
    | SmsSent
    | SmsReport
    | VoicemailLeft
    | VoicemailHandled
    | VoicemailPurged
    | VoicemailTaskQueued
    | ReportScheduleSaved
    | ReportScheduleDeleted
    | ReportMailed
    | PersonSaved
    | PersonRemoved
    | DirectoryImported
    | PresenceSet
    | PresenceEnded
    | RecordingStarted
    | RecordingKept
    | RecordingDiscarded
    | RecordingChanged
    | RecordingRead
    | RecordingPurged
    | PromptAudioSet
    | PromptRecorded
    | PromptRecordingFailed,
    Field(discriminator="kind"),
]
"""Any event of the catalogue; ``kind`` says which."""

EVENT_ADAPTER: TypeAdapter[Event] = TypeAdapter(Event)

SUBJECT_FIELDS = ("contact_id", "agent_id", "queue_id")
"""The fields kept in the log's own indexed columns rather than in the payload."""
