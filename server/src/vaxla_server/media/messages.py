"""The one protocol between the queue server and its media workers.

Framing: one JSON object per line (UTF-8, ``\\n``-terminated) over a TCP connection that
the worker opens to the server's control address (``--control HOST:PORT``). TCP rather
than stdin/stdout or a Unix socket because the worker must be able to live on another
host later (a pool behind a Kamailio front): the same connection then works unchanged,
and a closed connection is how either side notices the other has gone.

Every message has a ``type`` field that picks its model; unknown types and unknown fields
are refused (:class:`ProtocolError`) so a contract drift fails loudly.

Call ids are made by the worker and carry its worker id (``w1-17``), so they are unique
in the pool and the server routes every command by the call id alone. One call id names
the whole contact in the worker: the caller's leg and, once originated, the agent's leg.
A call the server starts itself (``originate``, a callback) gets its id from the pool,
the chosen worker's id with ``o`` before the number (``w1-o3``); the leg it calls is
that call's caller leg.
"""

import re
from typing import Annotated, Final, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

MAX_LINE_BYTES: Final = 64 * 1024
SRTP_HEADER: Final = "X-Vaxla-Srtp"
"""Among the headers of a leg the server asks for (an outside number through a trunk
with ``srtp`` on): ``optional`` or ``mandatory``, the SRTP the worker offers on that leg.
The worker takes it out: it is never sent."""
_T = TypeVar("_T")

CallId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
DtmfDigit = Literal["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "#", "A", "B", "C", "D"]
Side = Literal["caller", "agent", "server"]
LegEndCause = Literal[  # why a worker's leg ended (the event log's EndCause says why a contact did)
    "caller_hangup",  # the caller hung up
    "agent_hangup",  # the agent hung up a bridged call
    "server_hangup",  # the server asked (hangup command)
    "rejected",  # the server rejected the call before answering it
    "worker_died",  # the worker process was lost; reported by the pool, never by a worker
    "shutdown",  # the worker was shut down with the call still up
    "media_error",  # pjsua2 failed the call (SIP or media error)
    "media_timeout",  # a far end sent no RTP for the worker's rtp timeout
]
AgentLegStateName = Literal[
    "calling", "ringing", "answered", "bridged", "held", "resumed", "failed", "ended"
]
ConsultStateName = Literal["calling", "ringing", "answered", "failed", "ended", "completed"]
_HEADER_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9-]{0,63}$")


def _plain_headers(headers: dict[str, str]) -> dict[str, str]:
    for name, value in headers.items():
        if not _HEADER_NAME.match(name):
            raise ValueError(f"not a SIP header name: {name!r}")
        if "\r" in value or "\n" in value:
            raise ValueError(f"header {name} has a line break in its value")
    return headers


class ProtocolError(ValueError):
    """A line is not a valid message of this protocol (the message says why)."""


class _Message(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# Worker → server


class Ready(_Message):
    """The worker is listening for SIP at ``sip_address`` (``HOST:PORT``) and takes calls."""

    type: Literal["ready"] = "ready"
    worker_id: str = Field(min_length=1, max_length=32)
    sip_address: str = Field(min_length=3)
    max_calls: int = Field(ge=1, le=32)
    pid: int = Field(ge=1)
    token: str = Field(default="", max_length=64)
    """What the pool gave the zygote for this worker: a stranger cannot pass for it."""


class IncomingCall(_Message):
    """A caller from an allowed trunk address is ringing; answer or reject it.
    ``session`` is the ``X-Vaxla-Session`` header of an agent's outbound call (any
    source may send one; the server verifies it and rejects the call 403 otherwise)."""

    type: Literal["incoming_call"] = "incoming_call"
    call_id: CallId
    to_user: str
    from_uri: str
    source_address: str
    session: str | None = Field(default=None, max_length=200)


class Dtmf(_Message):
    """The caller pressed a key (RFC 2833 or SIP INFO)."""

    type: Literal["dtmf"] = "dtmf"
    call_id: CallId
    digit: DtmfDigit


class PlaybackFinished(_Message):
    """Every file of ``play_id`` has been played (never sent for looped or stopped plays)."""

    type: Literal["playback_finished"] = "playback_finished"
    call_id: CallId
    play_id: str


class AgentLegState(_Message):
    """The agent leg moved: ``answered`` means confirmed with active media (bridgeable);
    ``bridged`` confirms a ``bridge`` command (caller and agent hear each other);
    ``failed`` means it never answered (``code``: the SIP status, e.g. 486, 408, 487);
    ``ended`` means an answered leg is gone while the caller stays (after a hangup of the
    agent side ordered by the server); ``held`` means the agent's softphone put a bridged
    leg on hold (re-INVITE sendonly/inactive) and the caller hears the bridge's music on
    hold, ``resumed`` that it took it off hold and the two hear each other again."""

    type: Literal["agent_leg_state"] = "agent_leg_state"
    call_id: CallId
    state: AgentLegStateName
    code: int | None = None


OriginatedStateName = Literal["ringing", "answered", "failed"]


class OriginatedState(_Message):
    """A call the server started with ``originate`` moved: ``ringing`` when the far end
    rings (180 or 183), ``answered`` once it answered with active media (its leg is the
    call's caller leg from then on, as an incoming caller's), ``failed`` when it never
    answered (``code``: the SIP status, e.g. 486 busy, 480 or 408 no answer, 487
    cancelled); ``call_ended`` follows a failure."""

    type: Literal["originated_state"] = "originated_state"
    call_id: CallId
    state: OriginatedStateName
    code: int | None = None


class ConsultState(_Message):
    """The consultation leg of an attended transfer moved: ``answered`` means the target
    answered and is bridged with the agent (the caller hears music on hold); ``failed``
    that it never answered (``code``: the SIP status); ``ended`` that it is gone — the
    target hung up or the consultation was cancelled — and the caller is bridged back to
    the agent; ``completed`` that the target took the agent's place: the agent's leg is
    ended and the caller is bridged with the target, who is the call's agent leg from now
    on (its hang-up ends the call)."""

    type: Literal["consult_state"] = "consult_state"
    call_id: CallId
    state: ConsultStateName
    code: int | None = None


RecordingEnd = Literal[
    "max_length",  # the recording reached its maximum length
    "key",  # the caller pressed the recording's stop key
    "hangup",  # the call ended (a caller's or an agent's hang-up, the server's, a crash)
    "stopped",  # the server asked (stop_recording)
]
RecordedLeg = Literal["caller", "agent"]


class RecordingFinished(_Message):
    """A recording is closed: ``path`` holds ``seconds`` of 16-bit mono PCM at 8 kHz
    (its WAV header written); ``end`` says why it ended. Sent once pjmedia has closed
    the file: after the call's ``call_ended`` when the hang-up ended it."""

    type: Literal["recording_finished"] = "recording_finished"
    call_id: CallId
    record_id: str
    path: str
    seconds: float = Field(ge=0)
    end: RecordingEnd


class CallEnded(_Message):
    """The call is over (both legs); ``side`` is who ended it. Last message of a call."""

    type: Literal["call_ended"] = "call_ended"
    call_id: CallId
    cause: LegEndCause
    side: Side


class Stats(_Message):
    """The worker's load, sent when a call starts or ends, and when an agent or a
    consultation leg is called."""

    type: Literal["stats"] = "stats"
    active_calls: int = Field(ge=0)
    active_legs: int = Field(ge=0)  # pjsua2 calls: a bridged contact has two
    max_calls: int = Field(ge=1)  # the cap on legs
    calls_total: int = Field(ge=0)
    refused_sources: int = Field(ge=0)  # 403: not from a trunk address
    refused_busy: int = Field(ge=0)  # 486: no room for the legs a new caller may need
    room: bool = True  # a new caller would have every leg it may need (the pool's admission)


class CommandFailed(_Message):
    """A server command could not be carried out (unknown call, missing file, pjsua2 error);
    nothing changed for the call."""

    type: Literal["command_failed"] = "command_failed"
    call_id: str | None
    command: str
    reason: str


# Server → worker


class Answer(_Message):
    type: Literal["answer"] = "answer"
    call_id: CallId


class Reject(_Message):
    """Refuse a ringing call with a SIP status (4xx-6xx) and, optionally, the reason
    phrase the caller sees (``503 no outside gateway``)."""

    type: Literal["reject"] = "reject"
    call_id: CallId
    code: int = Field(ge=400, le=699)
    reason: str | None = Field(default=None, min_length=1, max_length=100, pattern=r"^[^\r\n]+$")


class Play(_Message):
    """Play ``files`` (absolute WAV paths) one after the other; ``loop`` repeats the
    sequence until stopped (music on hold). A new play replaces the current one."""

    type: Literal["play"] = "play"
    call_id: CallId
    play_id: str = Field(min_length=1, max_length=64)
    files: list[str] = Field(min_length=1, max_length=64)
    loop: bool = False


class StopPlayback(_Message):
    type: Literal["stop_playback"] = "stop_playback"
    call_id: CallId


def _caller_only() -> list[RecordedLeg]:
    return ["caller"]


class Record(_Message):
    """Record what ``legs`` say (the caller's voice, the agent's, or both mixed) into
    the WAV file ``path`` (absolute; its folder must exist; an existing file is
    replaced), written as it goes (with the caller named, the agent leg joins whenever
    the call has one: one that answers later, or a transfer's target in its place): a
    worker lost mid-way loses at most the last quarter of a second (pjmedia's write
    buffer), the header then saying no length. It ends
    after ``max_seconds``, on the caller's ``stop_key`` (when set; the key is still
    reported as ``dtmf``), on the call's end or on ``stop_recording``, each reported by
    ``recording_finished``. One recording per call at a time."""

    type: Literal["record"] = "record"
    call_id: CallId
    record_id: str = Field(min_length=1, max_length=64)
    path: str = Field(min_length=2, max_length=1024)
    legs: list[RecordedLeg] = Field(default_factory=_caller_only, min_length=1)
    max_seconds: float = Field(gt=0, le=4 * 3600)
    stop_key: DtmfDigit | None = None

    @field_validator("legs")
    @classmethod
    def _distinct(cls, legs: list[RecordedLeg]) -> list[RecordedLeg]:
        if len(set(legs)) != len(legs):
            raise ValueError(f"a leg is named twice: {legs}")
        return legs


class StopRecording(_Message):
    """End the call's recording now (``recording_finished`` with ``stopped``)."""

    type: Literal["stop_recording"] = "stop_recording"
    call_id: CallId


class Ringback(_Message):
    """The caller's call is not answered yet (an agent's outbound call while the number
    rings): send it ``183 Session Progress`` with SDP and play it the ringing tone
    (425 Hz, 1 s on and 4 s off, as Swedish ringing) as early media, until it is
    answered (``answer``; the tone stops as soon as the agent leg answers) or ends.
    When the agent leg has early media of its own (the number's network sends 183 with
    SDP), the caller hears that instead of the tone."""

    type: Literal["ringback"] = "ringback"
    call_id: CallId


class _Dial(_Message):
    """A command that calls ``sip_uri`` with extra SIP ``headers``."""

    sip_uri: str = Field(pattern=r"^sips?:[^\s<>]+$")
    headers: dict[str, str] = Field(default_factory=dict)

    @field_validator("headers")
    @classmethod
    def _plain_headers(cls, headers: dict[str, str]) -> dict[str, str]:
        return _plain_headers(headers)


class Originate(_Dial):
    """Start a call with no caller's leg (a callback, R17): call ``sip_uri`` with extra
    SIP ``headers`` under ``call_id`` (the pool makes it, with the worker's id first).
    The far end is the call's caller leg: once it answers (``originated_state``) every
    command works on it as on an incoming caller's (``ringback`` plays it the ringing
    tone as plain audio, ``originate_agent_leg`` calls the second party, ``bridge``)."""

    type: Literal["originate"] = "originate"
    call_id: CallId


class OriginateAgentLeg(_Dial):
    """Call the agent at ``sip_uri`` with extra SIP ``headers`` (e.g. ``X-Vaxla-Offer``)."""

    type: Literal["originate_agent_leg"] = "originate_agent_leg"
    call_id: CallId


class CancelAgentLeg(_Message):
    """Stop ringing the agent (ring timeout, RONA) or drop the agent leg; the caller stays."""

    type: Literal["cancel_agent_leg"] = "cancel_agent_leg"
    call_id: CallId


class Bridge(_Message):
    """Connect caller and agent audio both ways (stops any playback to the caller).
    ``music_on_hold`` (absolute WAV paths, looped) is what the caller hears while the
    agent's softphone holds the call; without it the caller hears silence."""

    type: Literal["bridge"] = "bridge"
    call_id: CallId
    music_on_hold: list[str] = Field(default_factory=list, max_length=64)


class Consult(_Dial):
    """Attended transfer: take the caller out of the bridge (the server plays it music on
    hold next) and call ``sip_uri``; once it answers, the agent and it hear each other."""

    type: Literal["consult"] = "consult"
    call_id: CallId


class CompleteConsult(_Message):
    """Attended transfer done: the agent's leg ends, the caller is bridged with the
    answered consultation leg."""

    type: Literal["complete_consult"] = "complete_consult"
    call_id: CallId


class CancelConsult(_Message):
    """Attended transfer called off: the consultation leg ends, caller and agent are
    bridged again."""

    type: Literal["cancel_consult"] = "cancel_consult"
    call_id: CallId


class Hangup(_Message):
    """``side="agent"``: drop only the agent leg (the caller stays, e.g. back to the
    queue); ``side="caller"``: end the whole call (both legs)."""

    type: Literal["hangup"] = "hangup"
    call_id: CallId
    side: Literal["caller", "agent"] = "caller"


class Shutdown(_Message):
    """Hang up every call (``call_ended`` cause ``shutdown``), then exit."""

    type: Literal["shutdown"] = "shutdown"


FromWorker = Annotated[
    Ready
    | IncomingCall
    | Dtmf
    | PlaybackFinished
    | AgentLegState
    | OriginatedState
    | ConsultState
    | RecordingFinished
    | CallEnded
    | Stats
    | CommandFailed,
    Field(discriminator="type"),
]
ToWorker = Annotated[
    Answer
    | Reject
    | Play
    | StopPlayback
    | Record
    | StopRecording
    | Ringback
    | Originate
    | OriginateAgentLeg
    | CancelAgentLeg
    | Bridge
    | Consult
    | CompleteConsult
    | CancelConsult
    | Hangup
    | Shutdown,
    Field(discriminator="type"),
]
_FROM_WORKER: Final[TypeAdapter[FromWorker]] = TypeAdapter(FromWorker)
_TO_WORKER: Final[TypeAdapter[ToWorker]] = TypeAdapter(ToWorker)


def encode(message: _Message) -> bytes:
    """One line of the protocol."""
    return message.model_dump_json().encode() + b"\n"


def _decode(adapter: TypeAdapter[_T], line: bytes | str) -> _T:
    if len(line) > MAX_LINE_BYTES:
        raise ProtocolError(f"line of {len(line)} bytes is longer than {MAX_LINE_BYTES}")
    try:
        return adapter.validate_json(line)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'message'}: {e['msg']}" for e in error.errors()
        )
        raise ProtocolError(f"not a valid message ({problems}): {line[:200]!r}") from None


def decode_from_worker(line: bytes | str) -> FromWorker:
    """A worker → server message; raises :class:`ProtocolError`."""
    return _decode(_FROM_WORKER, line)


def decode_to_worker(line: bytes | str) -> ToWorker:
    """A server → worker message; raises :class:`ProtocolError`."""
    return _decode(_TO_WORKER, line)
