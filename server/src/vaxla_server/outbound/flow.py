"""An agent's outbound call (R1): the softphone's INVITE for a number reaches a media
worker with an ``X-Vaxla-Session`` header (:mod:`vaxla_protocol.outbound`); the server
checks it against the agent's session, calls the number from that worker through the
trunk that carries outside calls (or the outside gateway), plays the agent the ringing
tone as early media while the number rings (or passes on the number's own early media),
answers the agent's leg once the number answers and bridges the two.

What is refused, and how the softphone hears it:

* a header that no open session of the agent made for this number, or an agent without
  an agent profile: ``403`` (as any caller that is not from a trunk address). The
  sessions are the agent's queue log-in and its open API sessions (``session_keys``), so
  a ``tel:`` link works before the agent joins a queue;
* not a number (digits, optionally a leading ``+``): ``484``;
* no trunk carries outside calls and no outside gateway is configured: ``503 no
  outside gateway``;
* the agent is on a call already or being offered one: ``486``;
* the number does not answer: its own SIP status (or ``480`` after the ring time).

Every call that passed the header check is in the event log (``outbound_call``, then
``outbound_answered`` and ``ended``), so the call log shows it, and the agent is busy,
offered no queue call, from the INVITE until the hang-up. The agent's desktop hears the
call's progress on the event socket: ``ringing`` when the number rings (the softphone
itself hears only early media), ``bridged`` once the number answered and talks with it.
"""

import asyncio
import itertools
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Protocol

from vaxla_protocol.control import CallProgressState
from vaxla_protocol.outbound import InvalidSessionHeader, header_agent, verify_session_header
from vaxla_server.callflow.legs import CallGone, CallLeg
from vaxla_server.centre import CentreError, EndedBy, UnknownSubject
from vaxla_server.centre.contact_centre import ContactCentre
from vaxla_server.media.trunks import OutsideLine
from vaxla_server.offload import Offload
from vaxla_server.store.events import EndCause

log = logging.getLogger(__name__)

NUMBER = re.compile(r"^\+?[0-9]{2,20}$")
"""An outside number: digits, optionally a leading ``+``."""
OUTSIDE_RING_S = 60.0
"""How long an outside number may ring before the call to it gives up (an agent's
outbound call answers 480; a transfer to it fails)."""
NO_GATEWAY = "no outside gateway"


class Progress(Protocol):
    """Publishes a step of an agent's call (``Calls.progress``)."""

    def __call__(self, agent_id: int, contact_id: int, state: CallProgressState) -> None: ...


def _unheard(agent_id: int, contact_id: int, state: CallProgressState) -> None:
    """Nobody listens: the steps go nowhere."""


async def outbound_call(
    leg: CallLeg,
    *,
    centre: ContactCentre,
    line: OutsideLine | None,
    session_keys: Callable[[int], Iterable[str]] = lambda agent_id: (),
    progress: Progress = _unheard,
    offload: Offload,
) -> None:
    """Carry out one agent's outbound call from INVITE to hang-up; ``session_keys`` gives
    the keys of the agent's open API sessions (the queue log-in's key is the centre's),
    ``progress`` is told when the number rings and when it is bridged with the agent."""
    number = leg.to_user
    try:
        # The centre's lock and (for an API session's key) the store: off the loop.
        agent_id = await offload(_verified_agent, leg.session, number, centre, session_keys)
    except InvalidSessionHeader as error:
        log.warning("outbound call %s to %r from %s refused: %s", leg.call_id, number,
                    leg.source_address, error)  # fmt: skip
        await leg.reject(403, "not an agent's session")
        return
    if not NUMBER.fullmatch(number):
        log.warning("agent %d: outbound call to %r refused: not a number", agent_id, number)
        await leg.reject(484, "not a number")
        return
    if line is None:
        log.warning(
            "agent %d: outbound call to %s refused: no outside gateway is configured "
            "(a trunk with outbound: true, or vaxla-server serve --outside-gateway)",
            agent_id,
            number,
        )
        await leg.reject(503, NO_GATEWAY)
        return
    try:
        contact_id = await offload(centre.outbound_started, agent_id, number)
    except UnknownSubject as error:
        log.warning("outbound call %s to %s refused: %s", leg.call_id, number, error)
        await leg.reject(403, "not an agent")
        return
    except CentreError as error:
        log.warning("agent %d: outbound call to %s refused: %s", agent_id, number, error)
        await leg.reject(486, "on a call already")
        return
    uri = line.uri(number)
    log.info("contact %d: agent %d calls %s", contact_id, agent_id, uri)
    by: EndedBy = "system"
    cause: EndCause | None = None
    try:
        await leg.originate_agent_leg(uri, dict(line.headers))
        await leg.ringback()  # the agent hears it ring until the number answers
        state = await leg.agent_leg_outcome(
            OUTSIDE_RING_S, ringing=lambda: progress(agent_id, contact_id, "ringing")
        )
        if state is None or state.state == "failed":
            code = 480 if state is None or state.code is None else state.code
            log.info("contact %d: %s did not answer (SIP %d)", contact_id, uri, code)
            cause = "no_route"
            busy = code in (486, 600)
            reason = "the number is busy" if busy else "the number did not answer"
            await leg.reject(code if 400 <= code <= 699 else 480, reason)
            return
        await offload(centre.outbound_answered, contact_id)
        await leg.answer()
        await leg.bridge()
        progress(agent_id, contact_id, "bridged")
        ended = await asyncio.shield(leg.ended)
        # The worker's "caller" is the agent's softphone here, its "agent" the number.
        by = "agent" if ended.side == "caller" else "caller"
    except CallGone as gone:
        by = "agent" if gone.side == "caller" else "system"
        if gone.side == "server":
            cause = "worker_died" if gone.cause == "worker_died" else "error"
    finally:
        try:
            await offload(centre.ended, contact_id, by, cause=cause)
        except CentreError as error:
            log.warning("outbound contact %d could not be ended: %s", contact_id, error)
        log.info("contact %d: agent %d's call to %s ended (by %s)", contact_id, agent_id,
                 number, by)  # fmt: skip


def outside_uri(gateway: str, number: str) -> str:
    """The request URI for ``number`` through ``gateway`` (``sip:host[:port][;params]``):
    the number becomes the user part, e.g. ``sip:+46701234567@gw.example.net:5060``."""
    return OutsideLine.of_gateway(gateway).uri(number)


def _lazily(keys: Callable[[int], Iterable[str]], agent_id: int) -> Iterator[str]:
    """``keys(agent_id)``, not asked for until the first key is wanted."""
    yield from keys(agent_id)


def _verified_agent(
    header: str | None,
    number: str,
    centre: ContactCentre,
    session_keys: Callable[[int], Iterable[str]],
) -> int:
    """The agent whose open session made ``header`` for ``number``; raises
    ``InvalidSessionHeader`` otherwise."""
    agent_id = header_agent(header)
    logged_in = centre.session_key_of(agent_id)
    # The queue log-in's key first: the store is asked for the API sessions' keys only
    # when that one does not verify (an agent in no queue, a tel: link at log-in).
    keys = itertools.chain([logged_in] if logged_in else [], _lazily(session_keys, agent_id))
    for key in keys:
        try:
            return verify_session_header(key, header, number)
        except InvalidSessionHeader:
            continue
    raise InvalidSessionHeader(f"not made by an open session of agent {agent_id}")
