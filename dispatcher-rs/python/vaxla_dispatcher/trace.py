"""Recorded traces of event batches, written in the text format that
``engine/src/trace.rs`` reads (its module text describes the format)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Any

from vaxla_dispatcher import events as ev


@dataclass(slots=True)
class Batch:
    """Events applied at ``now``, and the offers ``assign(now)`` returned after them."""

    now: float
    events: list[Any]
    offers: list[tuple[int, int]]


def _opt(value: int | None) -> str:
    return "-" if value is None else str(value)


def _text(value: str) -> str:
    if not value:
        return "-"
    if any(ch.isspace() for ch in value) or value == "-":
        raise ValueError(f"a trace cannot hold the text {value!r}")
    return value


def _levels(levels: Mapping[int, int]) -> str:
    return " ".join([str(len(levels)), *(f"{s} {lvl}" for s, lvl in levels.items())])


def _queue(e: ev.QueueSettings) -> str:
    steps = " ".join(f"{s.after_s!r} {s.relax} {_opt(s.max_penalty)}" for s in e.expansion)
    return " ".join(
        [
            str(e.queue),
            _text(e.strategy),
            str(e.weight),
            _levels(e.requirements),
            _opt(e.max_penalty),
            str(len(e.expansion)),
            *([steps] if steps else []),
            repr(float(e.exclusion_s)),
            "1" if e.autopause else "0",
            repr(float(e.wrap_up_s)),
        ]
    )


def _agent(e: ev.AgentProfile) -> str:
    members = [f"{m.queue} {m.penalty} {m.order}" for m in e.memberships]
    capacity = [f"{_text(ch)} {n}" for ch, n in e.capacity.items()]
    return " ".join(
        [
            str(e.agent),
            _levels(e.skills),
            str(len(members)),
            *members,
            str(len(capacity)),
            *capacity,
            str(e.personal_weight),
        ]
    )


def encode(e: Any) -> str:
    """One event as a trace line."""
    tag = e.TAG
    if isinstance(e, ev.QueueSettings):
        body = _queue(e)
    elif isinstance(e, ev.AgentProfile):
        body = _agent(e)
    elif isinstance(e, ev.AddContact):
        body = " ".join(
            [
                str(e.contact),
                str(e.queue),
                str(e.priority),
                _text(e.channel),
                _levels(e.requirements),
                repr(float(e.waited_s)),
                _opt(e.preferred_agent),
                repr(float(e.preferred_until)),
            ]
        )
    elif isinstance(e, ev.SetAgentState):
        body = f"{e.agent} {_text(e.state)} {_text(e.reason)}"
    elif isinstance(e, ev.MoveContact):
        body = f"{e.contact} {_opt(e.queue)} {_opt(e.agent)}"
    elif isinstance(e, ev.SetPriority):
        body = f"{e.contact} {e.priority}"
    elif isinstance(e, ev.Accept | ev.Decline | ev.Timeout):
        body = f"{e.contact} {e.agent}"
    elif isinstance(e, ev.RemoveQueue):
        body = str(e.queue)
    elif isinstance(e, ev.RemoveAgent):
        body = str(e.agent)
    elif isinstance(e, ev.RemoveContact | ev.EndContact):
        body = str(e.contact)
    else:
        raise TypeError(f"not a dispatcher event: {e!r}")
    return f"{tag} {body}"


def write(batches: Iterable[Batch], out: IO[str]) -> None:
    out.write("vaxla-trace 1\n")
    for batch in batches:
        out.write(f"B {batch.now!r} {len(batch.events)}\n")
        for e in batch.events:
            out.write(encode(e))
            out.write("\n")
        flat: Sequence[str] = [f"{c} {a}" for c, a in batch.offers]
        out.write(" ".join(["O", str(len(batch.offers)), *flat]))
        out.write("\n")
