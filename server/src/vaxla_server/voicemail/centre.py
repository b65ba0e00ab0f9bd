"""Voicemail tasks in the running centre (R7): a message left in a box whose
``task_queue`` is set becomes a contact of channel ``voicemail`` in that queue's line,
offered to its agents in turn with its calls.

A task waits in the queue's voice line (the dispatcher sees it as a voice contact), so
it keeps its turn among the calls by priority and wait, an agent takes one task or one
call at a time, and an offer not taken rings out (RONA) or is declined as a call's. It
has no voice leg: the offer reaches the agent's desktop over the event socket (never
its softphone), and the agent takes or declines it through the API. Marking the message
handled ends the task, whoever does it: the agent who holds it (its wrap-up follows as
after a call) or a reader in the Voicemail tab (a task still waiting leaves the line).
Every step is an event; a restart puts the open tasks back in their lines with their
wait, and queues the messages a stopped server left untasked (``_restore_voicemail_tasks``).
"""

from datetime import datetime

from vaxla_server.centre.engine import AddContact, EndContact, RemoveContact
from vaxla_server.centre.errors import InvalidValue
from vaxla_server.centre.kernel import CentreKernel
from vaxla_server.centre.recovery import LeftOpen
from vaxla_server.centre.state import EndedBy, VoicemailTaskView, _Contact
from vaxla_server.config import MAX_PRIORITY
from vaxla_server.store.events import (
    ContactEntered,
    EndCause,
    Ended,
    Event,
    VoicemailTaskQueued,
)

TASK_CHANNEL = "voice"
"""The dispatcher's line a voicemail task waits in: the calls', so it keeps its turn
among them and takes the agent's voice capacity as a call does."""


class VoicemailTasks(CentreKernel):
    """A voicemail task's way from the message left to its handling."""

    def queue_voicemail_task(
        self, task: VoicemailTaskView, queue: str, *, priority: int = 0
    ) -> int:
        """The message ``task`` waits as a voicemail task in the line of the queue named
        ``queue``; the task's contact id. A message that is a task already keeps it (its
        id is answered again)."""
        with self._transaction():
            t = self._tick()
            known = self._task_of(task.message_id)
            if known is not None:
                return known.id
            queue_id = self._queue_named(queue)
            if isinstance(priority, bool) or not 0 <= priority <= MAX_PRIORITY:
                raise InvalidValue(f"a priority is 0 to {MAX_PRIORITY}, not {priority!r}")
            contact, out = self._new_task(task, queue_id, priority, t, t)
            self._finish(out, t)
            return contact.id

    def end_voicemail_task(
        self,
        message_id: int,
        *,
        by_agent: int | None = None,
        cause: EndCause = "voicemail_handled",
    ) -> bool:
        """The message ``message_id`` was handled (``by_agent``: the agent, if an agent
        did it) or purged: its task ends. Taken by an agent, it ends as an answered call
        (its talk time logged, its agent's wrap-up begun); still waiting, it leaves the
        line. Whether the message had a task."""
        with self._transaction():
            t = self._tick()
            contact = self._task_of(message_id)
            if contact is None:
                return False
            self._timers.cancel(("escalate", contact.id))
            out: list[Event]
            if contact.state == "active" and contact.agent_id is not None:
                by: EndedBy = "agent" if by_agent == contact.agent_id else "system"
                out = self._end_answered(contact, by, cause, t)
            else:
                if contact.state == "waiting":
                    self._apply([RemoveContact(contact.id)], t)
                for agent_id in list(contact.offers):
                    self._drop_offer(contact, agent_id, withdraw=True)
                out = [
                    Ended(
                        at=self._at(t),
                        contact_id=contact.id,
                        queue_id=contact.queue_id,
                        by="system",
                        cause=cause,
                    )
                ]
            del self._contacts[contact.id]
            self._finish(out, t)
            return True

    def voicemail_task_for(self, message_id: int, agent_id: int) -> int | None:
        """The task's contact id when the message is a voicemail task offered to or
        taken by ``agent_id`` (who may then read that message), else None."""
        with self._transaction():
            contact = self._task_of(message_id)
            if contact is None:
                return None
            if agent_id in contact.offers or (
                contact.state == "active" and contact.agent_id == agent_id
            ):
                return contact.id
            return None

    def voicemail_tasks_of(self, agent_id: int) -> list[tuple[int, VoicemailTaskView, bool]]:
        """The voicemail tasks offered to ``agent_id`` or taken by it, as (contact id, the
        message, taken), by contact id: what its desktop shows again after a reconnect."""
        with self._transaction():
            found = []
            for contact in sorted(self._contacts.values(), key=lambda c: c.id):
                taken = contact.state == "active" and contact.agent_id == agent_id
                if contact.voicemail is not None and (taken or agent_id in contact.offers):
                    found.append((contact.id, contact.voicemail, taken))
            return found

    def voicemail_tasks(self) -> list[VoicemailTaskView]:
        """The messages that are open voicemail tasks now."""
        with self._transaction():
            return [c.voicemail for c in self._contacts.values() if c.voicemail is not None]

    # Restart

    def _restore_voicemail_tasks(self, found: LeftOpen, at: datetime) -> list[Event]:
        t = self._now
        out: list[Event] = []
        for open_contact in list(found.contacts.values()):
            queued = open_contact.voicemail
            entered = open_contact.entered
            if queued is None or entered is None or open_contact.queue_id not in self._queues:
                continue  # a task whose queue is gone ends with the other contacts
            del found.contacts[open_contact.contact_id]
            contact = _Contact(
                open_contact.contact_id,
                entered.entry_point,
                entered.caller,
                entered.channel,
                entered.at,
                queue_id=open_contact.queue_id,
                priority=open_contact.priority,
                wait_started=self._seconds_at(queued.at),
            )
            contact.voicemail = _view(queued)
            self._contacts[contact.id] = contact
            self._line_up(contact, t)
            if open_contact.agent_id is not None:
                out.append(self._queued(contact, t))  # taken when the server stopped: again
            else:
                self._escalate_later(contact, t)
        names = {settings.name: queue_id for queue_id, settings in self._queues.items()}
        for left in found.untasked.values():
            queue_id = names.get(left.task_queue or "")
            if queue_id is None:
                continue
            task = VoicemailTaskView(left.message_id, left.box, left.caller, left.at, left.seconds)
            since = self._seconds_at(left.at)
            _, events = self._new_task(task, queue_id, left.task_priority, t, since)
            out.extend(events)
        return out

    # Internals

    def _tasks_left_by(self, agent_id: int, t: float) -> list[Event]:
        out: list[Event] = []
        for contact in list(self._contacts.values()):
            held = contact.state == "active" and contact.agent_id == agent_id
            if contact.voicemail is None or not held or contact.queue_id not in self._queues:
                continue
            assert contact.answered_at is not None and contact.wait_started is not None
            waited = contact.answered_at - contact.wait_started
            self._apply([EndContact(contact.id)], t)
            session = self._sessions.get(agent_id)
            if session is not None:
                session.active.discard(contact.id)
            contact.agent_id = contact.answered_at = None
            contact.wait_started = t - waited
            self._line_up(contact, t)
            out.append(self._queued(contact, t))
        return out

    def _new_task(
        self, task: VoicemailTaskView, queue_id: int, priority: int, t: float, since: float
    ) -> tuple[_Contact, list[Event]]:
        contact_id = self._next_contact
        self._next_contact += 1
        at = self._at(t)
        entry_point = f"voicemail:{task.box}"
        contact = _Contact(
            contact_id,
            entry_point,
            task.caller,
            "voicemail",
            at,
            queue_id=queue_id,
            priority=priority,
            wait_started=min(since, t),
        )
        contact.voicemail = task
        self._contacts[contact_id] = contact
        self._line_up(contact, t)
        return contact, [
            ContactEntered(
                at=at,
                contact_id=contact_id,
                entry_point=entry_point,
                channel="voicemail",
                caller=task.caller,
            ),
            VoicemailTaskQueued(
                at=at,
                contact_id=contact_id,
                queue_id=queue_id,
                message_id=task.message_id,
                box=task.box,
                caller=task.caller,
                seconds=task.seconds,
                received_at=task.received_at,
                priority=priority,
            ),
            self._queued(contact, t),
        ]

    def _line_up(self, contact: _Contact, t: float) -> None:
        """The task waits in its queue's voice line with the wait it has."""
        assert contact.queue_id is not None and contact.wait_started is not None
        self._apply(
            [
                AddContact(
                    contact.id,
                    queue=contact.queue_id,
                    priority=contact.priority,
                    channel=TASK_CHANNEL,
                    requirements=dict(contact.requirements),
                    waited_s=max(0.0, t - contact.wait_started),
                )
            ],
            t,
        )
        contact.state, contact.position = "waiting", None

    def _task_of(self, message_id: int) -> _Contact | None:
        return next(
            (
                contact
                for contact in self._contacts.values()
                if contact.voicemail is not None and contact.voicemail.message_id == message_id
            ),
            None,
        )

    def _queue_named(self, name: str) -> int:
        for queue_id, settings in self._queues.items():
            if settings.name == name:
                return queue_id
        raise InvalidValue(f"no queue named {name!r} to route voicemail tasks to")


def _view(queued: VoicemailTaskQueued) -> VoicemailTaskView:
    return VoicemailTaskView(
        queued.message_id, queued.box, queued.caller, queued.received_at, queued.seconds
    )
