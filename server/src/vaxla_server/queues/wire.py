"""A contact waiting in a queue on the wire: for ``/queues/{id}/contacts`` and for the
event socket's list of every waiting contact (supervisors and administrators)."""

from vaxla_protocol.agent import WaitingContact
from vaxla_server.centre import ContactView
from vaxla_server.centre.contact_centre import ContactCentre


def waiting_contact(view: ContactView) -> WaitingContact:
    """The view of a contact that waits (or is offered) in a queue, or a callback that
    waits out of the line for its time (``scheduled``, position 0), as the wire has it.
    ``data`` is already as the agent sees it: the call flow keeps only the masked form."""
    assert view.queue_id is not None
    scheduled = view.state == "entered" and view.callback_due is not None
    assert scheduled or view.position is not None
    return WaitingContact(
        contact_id=view.contact_id,
        queue_id=view.queue_id,
        caller=view.caller,
        entry_point=view.entry_point,
        state="scheduled" if scheduled else "offered" if view.state == "offered" else "waiting",
        position=view.position or 0,
        wait_s=view.wait_seconds,
        estimated_wait_s=view.estimated_wait,
        priority=view.queue_priority,
        data=dict(view.data),
        callback_number=view.callback_number,
        callback_due=view.callback_due,
    )


def every_waiting_contact(centre: ContactCentre) -> list[WaitingContact]:
    """Every contact waiting in a queue's line, by queue and position, then the
    callbacks waiting out of the line for their time, soonest first."""
    contacts = [waiting_contact(view) for view in centre.waiting_contacts()]
    scheduled = [waiting_contact(view) for view in centre.scheduled_callbacks()]
    return sorted(contacts, key=lambda c: (c.queue_id, c.position, c.contact_id)) + sorted(
        scheduled, key=lambda c: (c.callback_due, c.contact_id)
    )
