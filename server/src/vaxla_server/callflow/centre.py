"""The call flow's steps before and around the queue (callflow/flow.py): menu
choices, digits entered, announcements, transfers to outside numbers and callers turned
away by an overflow rule."""

from vaxla_server.centre.errors import InvalidAction
from vaxla_server.centre.kernel import CentreKernel
from vaxla_server.centre.state import OverflowRule
from vaxla_server.store.events import (
    AnnouncementKind,
    AnnouncementPlayed,
    DigitsEntered,
    MenuChoice,
    Overflowed,
    Transferred,
)


class CallFlowSteps(CentreKernel):
    """What the call flow logs of a contact before and while it waits."""

    # The call flow's steps before and around the queue (callflow/flow.py)

    def menu_choice(self, contact_id: int, menu: str, key: str) -> None:
        """The caller pressed ``key`` in ``menu`` (a key the menu lacks is logged too)."""
        with self._transaction():
            t = self._tick()
            self._contact(contact_id)
            self._finish([MenuChoice(at=self._at(t), contact_id=contact_id, menu=menu, key=key)], t)

    def put_through(self, contact_id: int, number: str) -> None:
        """The call flow put the caller through to the outside ``number`` by a configured
        transfer (a menu key, an overflow rule) and it answered: a :class:`Transferred`
        with no agent, so the call log can say where the call went."""
        with self._transaction():
            t = self._tick()
            contact = self._contact(contact_id)
            if contact.state != "entered":
                raise InvalidAction(f"contact {contact_id} is {contact.state}, not in the flow")
            event = Transferred(
                at=self._at(t),
                contact_id=contact_id,
                agent_id=None,
                queue_id=None,
                to_number=number,
            )
            self._finish([event], t)

    def digits_entered(
        self, contact_id: int, collection: str, digits: str | None, *, valid: bool, attempt: int
    ) -> None:
        """The caller keyed in digits; ``digits`` as the log may keep them (masked, or
        ``None`` for a PIN)."""
        with self._transaction():
            t = self._tick()
            contact = self._contact(contact_id)
            if valid and digits is not None:
                contact.data[collection] = digits
            event = DigitsEntered(
                at=self._at(t),
                contact_id=contact_id,
                collection=collection,
                digits=digits,
                valid=valid,
                attempt=attempt,
            )
            self._finish([event], t)

    def announced(self, contact_id: int, announcement: AnnouncementKind, prompt: str) -> None:
        """A queue announcement was played to the waiting caller."""
        with self._transaction():
            t = self._tick()
            contact = self._waiting(contact_id)
            assert contact.queue_id is not None
            event = AnnouncementPlayed(
                at=self._at(t),
                contact_id=contact_id,
                queue_id=contact.queue_id,
                announcement=announcement,
                prompt=prompt,
            )
            self._finish([event], t)

    def turned_away(self, contact_id: int, queue_id: int, rule: OverflowRule, target: str) -> None:
        """The queue's overflow rule sent the caller elsewhere before it could wait there
        (``max_length``, ``nobody_logged_in``, ``schedule``): logged as an overflow with
        no wait; the contact can go on to another step."""
        with self._transaction():
            t = self._tick()
            contact = self._contact(contact_id)
            if contact.state != "entered":
                raise InvalidAction(f"contact {contact_id} is {contact.state} already")
            self._known_queue(queue_id)
            event = Overflowed(
                at=self._at(t),
                contact_id=contact_id,
                queue_id=queue_id,
                rule=rule,
                target=target,
                wait_seconds=0.0,
            )
            self._finish([event], t)
