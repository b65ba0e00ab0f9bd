"""The running contact centre: one dispatcher, the event log and the timers, composed.

Every change of a contact or an agent goes through ``ContactCentre``: it checks the
request against the configuration and the current state, applies the dispatcher's
events, appends the typed events to the log and hands them to subscribers, in that
order and under one lock. A refused request raises a ``CentreError`` before any of that.

Time is the injected clock's; the centre keeps its own seconds line for the dispatcher
(starting at the first reading, never running backwards). Ring timeouts and wrap-up ends
are timers on that line, run by ``tick()`` — which every action calls first, and which
the server's timer task calls when the next timer is due.

The centre is a small kernel (this package) and the features that use it, each in its
own slice, composed here in ``ContactCentre``:

- ``centre/kernel.py`` — ``CentreKernel``: construction and state (the contacts,
  sessions and offers, the dispatcher, the timers, the journal, the lock, the notifier,
  the clock and the centre's seconds line), the write-ahead transaction
  (``_transaction``, ``_changing_dispatcher``, ``_apply``, ``_finish``), start, reload
  and the timers, and the helpers more than one feature uses;
- ``centre/state.py`` — the journaled records (``_Contact``, ``_Session``, ``_Offer``)
  and the views handed out (``AgentView``, ``ContactView``, ``QueueView``);
- ``agents/centre.py`` — ``AgentDesk``: log-in, log-out, ready, pause, classify, agent
  views;
- ``queues/centre.py`` — ``Contacts``: enter, queue, answered, declined, abandoned,
  ended, move, overflowed, contact and queue views;
- ``callbacks/centre.py`` — ``Callbacks``: callbacks that keep the caller's place, their
  tries, retries and close (R17);
- ``callflow/centre.py`` — ``CallFlowSteps``: the call flow's steps around the queue;
- ``control/centre.py`` — ``CallControlSteps``: transfers, parking, the agent's own call;
- ``outbound/centre.py`` — ``OutboundCalls``: the agent's calls to outside numbers;
- ``storm/centre.py`` — ``StormSwitch``: storm messages at the entry points (R6);
- ``alarms/centre.py`` — ``AlarmDesk``: the alarm rules evaluated, the raised alarms;
- ``directory/centre.py`` — ``PresenceDesk``: hänvisning, each user's presence (R29);
- ``voicemail/centre.py`` — ``VoicemailTasks``: messages routed to agents like calls (R7).

Each feature derives from the kernel and holds only its public methods and the helpers
no other feature needs; a feature never calls another feature. The rest of the server
takes ``ContactCentre`` from this module and the views and errors from the package
(``vaxla_server.centre``), never a feature's centre part (``make lint`` checks both).
"""

from vaxla_server.agents.centre import AgentDesk
from vaxla_server.alarms.centre import AlarmDesk, AlarmView
from vaxla_server.callbacks.centre import Callbacks
from vaxla_server.callflow.centre import CallFlowSteps
from vaxla_server.centre.kernel import CENTRE_EVENTS, TIMER_POLL_S
from vaxla_server.centre.state import (
    AgentStatus,
    AgentView,
    ConfigSource,
    ContactView,
    EndedBy,
    Listener,
    OverflowRule,
    PresenceView,
    QueueView,
    StormView,
    WallClock,
)
from vaxla_server.control.centre import TRANSFER_TAKEN_S, CallControlSteps
from vaxla_server.directory.centre import PresenceDesk
from vaxla_server.outbound.centre import OutboundCalls
from vaxla_server.queues.centre import Contacts
from vaxla_server.storm.centre import StormSwitch
from vaxla_server.voicemail.centre import VoicemailTasks

__all__ = [
    "CENTRE_EVENTS",
    "TIMER_POLL_S",
    "TRANSFER_TAKEN_S",
    "AgentStatus",
    "AgentView",
    "AlarmView",
    "ConfigSource",
    "ContactCentre",
    "ContactView",
    "EndedBy",
    "Listener",
    "OverflowRule",
    "PresenceView",
    "QueueView",
    "StormView",
    "WallClock",
]


class ContactCentre(
    AgentDesk,
    Contacts,
    Callbacks,
    CallFlowSteps,
    CallControlSteps,
    OutboundCalls,
    StormSwitch,
    AlarmDesk,
    PresenceDesk,
    VoicemailTasks,
):
    """The running contact centre over one dispatcher and the event log.

    Write-ahead: a change's events are appended to the log before anyone can see the
    state they describe. Every public method is one transaction under the lock (see
    ``_transaction``): its changes are recorded in a journal and kept only once their
    events are written (``_finish``); a failed write, or any error, undoes them, so a
    reader never sees a state the log does not hold."""
