"""What a stopped server left open, read back from the event log at start.

The log is the only memory that survives a crash or a restart, so the centre folds it
once at start: contacts that entered and never ended (callbacks and voicemail tasks among
them, which wait on), messages left for a voicemail task that never became one, agents
still logged in to queues,
wrap-ups that never ended, alarms raised and not cleared, and the highest contact id
given out (ids are never reused).
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from vaxla_server.store import EventLog
from vaxla_server.store.events import (
    AgentLoggedIn,
    AgentLoggedOut,
    AlarmAcknowledged,
    AlarmCleared,
    AlarmRaised,
    Answered,
    CallbackAnswered,
    CallbackDialled,
    CallbackNoAnswer,
    CallbackRequested,
    CallbackRetried,
    ContactEntered,
    Ended,
    Event,
    Moved,
    NotAnswered,
    Offered,
    OutboundAnswered,
    Overflowed,
    PresenceEnded,
    PresenceSet,
    PriorityChanged,
    Queued,
    StormEnded,
    StormStarted,
    VoicemailHandled,
    VoicemailLeft,
    VoicemailPurged,
    VoicemailTaskQueued,
    WrapUpEnded,
    WrapUpStarted,
)

PAGE = 1000


@dataclass
class OpenCallback:
    """A callback not over (R17): what it was asked as, and its tries so far."""

    requested: CallbackRequested
    attempt: int = 1
    """The try in progress, or the next."""
    retry_at: datetime | None = None
    """When it goes back into its queue's line, while it waits out a retry interval or,
    scheduled, for its time."""
    scheduled: bool = False
    """A scheduled callback that has not yet entered its queue's line."""
    dialled_for: int | None = None
    """Citizen first: the agent whose offer was held while the citizen's number was
    called (or the citizen waited on the line for that agent's answer)."""


@dataclass
class OpenContact:
    contact_id: int
    queue_id: int | None = None
    agent_id: int | None = None
    answered_at: datetime | None = None
    entered: ContactEntered | None = None
    priority: int = 0
    callback: OpenCallback | None = None
    """Set while the contact is a callback not yet answered by the citizen."""
    voicemail: VoicemailTaskQueued | None = None
    """Set when the contact is a voicemail task (R7): the message it is about."""


@dataclass
class LeftOpen:
    """Everything the log shows as begun and not finished."""

    contacts: dict[int, OpenContact] = field(default_factory=dict)
    logged_in: dict[int, set[int]] = field(default_factory=dict)
    wrap_ups: dict[int, int] = field(default_factory=dict)
    """agent id → the contact whose wrap-up never ended."""
    storms: dict[str, StormStarted] = field(default_factory=dict)
    """entry point → the storm message switched on there and not off."""
    presences: dict[str, PresenceSet] = field(default_factory=dict)
    """user name → the presence set and not ended."""
    alarms: dict[str, tuple[AlarmRaised, AlarmAcknowledged | None]] = field(default_factory=dict)
    """Rule name → the alarm raised and not cleared, and its acknowledgement if any."""
    untasked: dict[int, VoicemailLeft] = field(default_factory=dict)
    """Message id → a message left for a voicemail task that the log shows neither as a
    task nor handled nor purged (the server stopped between the two)."""
    last_contact_id: int = -1
    last_at: datetime | None = None
    """When the newest event happened (a lower bound of when the server was last alive)."""


def all_events(log: EventLog) -> Iterator[Event]:
    """Every event of the log in order, read a page at a time."""
    since = 0
    while True:
        page = log.read(since_id=since, limit=PAGE)
        for logged in page:
            yield logged.event
        if len(page) < PAGE:
            return
        since = page[-1].id


def _callback_step(
    found: LeftOpen,
    event: CallbackDialled | CallbackAnswered | CallbackNoAnswer | CallbackRetried,
) -> None:
    contact = found.contacts.get(event.contact_id)
    if contact is None or contact.callback is None:
        return
    match event:
        case CallbackAnswered() if contact.callback.requested.order == "citizen_first":
            pass  # the citizen waits for the agent: a callback until the agent answers
        case CallbackAnswered():
            contact.callback = None  # a call like any other from here on
            contact.answered_at = event.at
        case CallbackNoAnswer():
            contact.agent_id = contact.answered_at = None
            contact.callback.dialled_for = None
        case CallbackRetried():
            contact.callback.attempt = event.attempt
            contact.callback.dialled_for = None
            if event.after_s > 0:
                contact.callback.retry_at = event.at + timedelta(seconds=event.after_s)
        case CallbackDialled() if contact.agent_id is None:
            contact.callback.dialled_for = event.agent_id  # citizen first: offer held
        case CallbackDialled():
            pass


def left_open(log: EventLog) -> LeftOpen:
    found = LeftOpen()
    for event in all_events(log):
        if found.last_at is None or event.at > found.last_at:
            found.last_at = event.at
        match event:
            case ContactEntered():
                found.contacts[event.contact_id] = OpenContact(event.contact_id, entered=event)
                found.last_contact_id = max(found.last_contact_id, event.contact_id)
            case Queued():
                if (contact := found.contacts.get(event.contact_id)) is not None:
                    contact.queue_id, contact.priority = event.queue_id, event.priority
                    if contact.callback is not None:
                        contact.callback.retry_at = None
                        contact.callback.scheduled = False
            case PriorityChanged():
                if (contact := found.contacts.get(event.contact_id)) is not None:
                    contact.priority = event.priority
            case CallbackRequested():
                if (contact := found.contacts.get(event.contact_id)) is not None:
                    contact.callback = OpenCallback(event)
                    # Sent to the callback from outside a line, it has no Queued yet.
                    contact.queue_id = event.queue_id
                    if event.due_at is not None:
                        contact.callback.retry_at, contact.callback.scheduled = event.due_at, True
            case CallbackDialled() | CallbackAnswered() | CallbackNoAnswer() | CallbackRetried():
                _callback_step(found, event)
            case VoicemailLeft():
                if event.task_queue is not None:
                    found.untasked[event.message_id] = event
            case VoicemailTaskQueued():
                found.untasked.pop(event.message_id, None)
                if (contact := found.contacts.get(event.contact_id)) is not None:
                    contact.voicemail = event
            case VoicemailHandled() | VoicemailPurged():
                found.untasked.pop(event.message_id, None)
            case Moved():
                if (contact := found.contacts.get(event.contact_id)) is not None:
                    contact.queue_id = event.to_queue_id
            case Overflowed():
                if (contact := found.contacts.get(event.contact_id)) is not None:
                    contact.queue_id = None
            case Answered():
                if (contact := found.contacts.get(event.contact_id)) is not None:
                    contact.agent_id = event.agent_id
                    contact.answered_at = event.at
                    callback = contact.callback
                    if callback is not None and callback.requested.order == "citizen_first":
                        contact.callback = None  # the agent took the citizen waiting
            case Offered() | NotAnswered():
                # Citizen first: an offer held for the citizen's call ended unanswered
                # (or a new one was made): no try is in progress for it any more.
                contact = found.contacts.get(event.contact_id)
                if contact is not None and contact.callback is not None:
                    contact.callback.dialled_for = None
            case OutboundAnswered():
                if (contact := found.contacts.get(event.contact_id)) is not None:
                    contact.agent_id = event.agent_id
                    contact.answered_at = event.at
            case Ended():
                found.contacts.pop(event.contact_id, None)
            case AgentLoggedIn():
                found.logged_in.setdefault(event.agent_id, set()).add(event.queue_id)
            case AgentLoggedOut():
                queues = found.logged_in.get(event.agent_id, set())
                queues.discard(event.queue_id)
                if not queues:
                    found.logged_in.pop(event.agent_id, None)
            case WrapUpStarted():
                found.wrap_ups[event.agent_id] = event.contact_id
            case WrapUpEnded():
                found.wrap_ups.pop(event.agent_id, None)
            case StormStarted():
                found.storms[event.entry_point] = event
            case StormEnded():
                found.storms.pop(event.entry_point, None)
            case PresenceSet():
                found.presences[event.username] = event
            case PresenceEnded():
                found.presences.pop(event.username, None)
            case AlarmRaised():
                found.alarms[event.rule] = (event, None)
            case AlarmAcknowledged():
                if (raised := found.alarms.get(event.rule)) is not None:
                    found.alarms[event.rule] = (raised[0], event)
            case AlarmCleared():
                found.alarms.pop(event.rule, None)
            case _:
                pass
    return found
