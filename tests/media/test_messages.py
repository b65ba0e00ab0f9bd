"""The worker protocol: every message survives a round trip; bad lines are refused."""

import pytest

from vaxla_server.media.messages import (
    AgentLegState,
    Answer,
    Bridge,
    CallEnded,
    CancelAgentLeg,
    CommandFailed,
    Dtmf,
    Hangup,
    IncomingCall,
    OriginateAgentLeg,
    Play,
    PlaybackFinished,
    ProtocolError,
    Ready,
    Record,
    RecordingFinished,
    Reject,
    Ringback,
    Shutdown,
    Stats,
    StopPlayback,
    StopRecording,
    decode_from_worker,
    decode_to_worker,
    encode,
)

FROM_WORKER = [
    Ready(worker_id="w1", sip_address="127.0.0.1:5070", max_calls=32, pid=4242),
    IncomingCall(
        call_id="w1-1", to_user="100", from_uri="sip:sipp@127.0.0.1", source_address="127.0.0.1"
    ),
    Dtmf(call_id="w1-1", digit="#"),
    PlaybackFinished(call_id="w1-1", play_id="p1"),
    AgentLegState(call_id="w1-1", state="failed", code=486),
    CallEnded(call_id="w1-1", cause="agent_hangup", side="agent"),
    Stats(
        active_calls=3,
        active_legs=4,
        max_calls=32,
        calls_total=10,
        refused_sources=1,
        refused_busy=2,
    ),
    CommandFailed(call_id="w1-9", command="answer", reason="no call w1-9"),
    RecordingFinished(call_id="w1-1", record_id="r1", path="/r.wav", seconds=2.5, end="key"),
]
TO_WORKER = [
    Answer(call_id="w1-1"),
    Reject(call_id="w1-1", code=486),
    Play(call_id="w1-1", play_id="p1", files=["/a.wav", "/b.wav"], loop=True),
    StopPlayback(call_id="w1-1"),
    Record(
        call_id="w1-1",
        record_id="r1",
        path="/r.wav",
        legs=["caller", "agent"],
        max_seconds=120,
        stop_key="#",
    ),
    StopRecording(call_id="w1-1"),
    Ringback(call_id="w1-1"),
    OriginateAgentLeg(
        call_id="w1-1", sip_uri="sip:agent@127.0.0.1:5099", headers={"X-Vaxla-Offer": "o1;ab"}
    ),
    CancelAgentLeg(call_id="w1-1"),
    Bridge(call_id="w1-1"),
    Hangup(call_id="w1-1", side="agent"),
    Shutdown(),
]


@pytest.mark.parametrize("message", FROM_WORKER, ids=lambda m: m.type)
def test_worker_messages_round_trip(message: object) -> None:
    line = encode(message)  # type: ignore[arg-type]
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert decode_from_worker(line) == message
    with pytest.raises(ProtocolError):
        decode_to_worker(line)


@pytest.mark.parametrize("message", TO_WORKER, ids=lambda m: m.type)
def test_server_messages_round_trip(message: object) -> None:
    line = encode(message)  # type: ignore[arg-type]
    assert decode_to_worker(line) == message
    with pytest.raises(ProtocolError):
        decode_from_worker(line)


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        (b"not json", "Invalid JSON"),
        (b'{"type": "dance"}', "type"),
        (b'{"type": "answer"}', "call_id"),
        (b'{"type": "answer", "call_id": "w1-1", "extra": 1}', "extra"),
        (b'{"type": "reject", "call_id": "w1-1", "code": 200}', "code"),
        (b'{"type": "play", "call_id": "w1-1", "play_id": "p", "files": []}', "files"),
        (b'{"type": "answer", "call_id": "bad id"}', "call_id"),
        (b'{"type": "originate_agent_leg", "call_id": "c", "sip_uri": "tel:1"}', "sip_uri"),
        (b'{"type": "record", "call_id": "c", "record_id": "r", "path": "/r.wav"}', "max_seconds"),
        (
            b'{"type": "record", "call_id": "c", "record_id": "r", "path": "/r.wav",'
            b' "max_seconds": 5, "legs": ["caller", "caller"]}',
            "named twice",
        ),
    ],
)
def test_bad_lines_are_refused_with_the_reason(line: bytes, problem: str) -> None:
    with pytest.raises(ProtocolError, match=problem):
        decode_to_worker(line)


def test_headers_must_be_plain_sip_headers() -> None:
    bad = '{"type": "originate_agent_leg", "call_id": "c", "sip_uri": "sip:a@h", "headers": %s}'
    with pytest.raises(ProtocolError, match="not a SIP header name"):
        decode_to_worker(bad % '{"X Bad": "1"}')
    with pytest.raises(ProtocolError, match="line break"):
        decode_to_worker(bad % '{"X-Ok": "1\\r\\nVia: evil"}')


def test_dtmf_digits_are_checked() -> None:
    with pytest.raises(ProtocolError, match="digit"):
        decode_from_worker(b'{"type": "dtmf", "call_id": "w1-1", "digit": "x"}')


def test_overlong_lines_are_refused() -> None:
    with pytest.raises(ProtocolError, match="longer than"):
        decode_to_worker(b"{" + b" " * 70_000 + b"}")
