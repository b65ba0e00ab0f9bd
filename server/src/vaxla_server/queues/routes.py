"""``/queues``: every queue's live state, the contacts waiting in one, and a
supervisor's control of a waiting contact (R16): move it to another queue, set its
priority, pick it for an agent, cancel it when it is a callback (R17). Every action is
logged with who did it (``by_user``); a refused one answers why and changes nothing.

A supervisor's queues are every queue: the configuration gives supervisors no scope of
queues (the real-time view shows them all)."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status

from vaxla_protocol import Role
from vaxla_protocol.agent import (
    MoveRequest,
    PickRequest,
    PriorityRequest,
    QueueState,
    WaitingContact,
)
from vaxla_server.api.access import EVERY_ROLE, UNAUTHORIZED_RESPONSE, require_role
from vaxla_server.api.centre_access import (
    CENTRE_ERRORS,
    FORBIDDEN,
    NOT_FOUND,
    Centre,
    centre_errors,
)
from vaxla_server.api.deps import Board, Now, RowId
from vaxla_server.auth import User
from vaxla_server.queues.wire import waiting_contact

router = APIRouter(prefix="/queues", tags=["queues"])

AnyUser = Annotated[User, Depends(require_role(*EVERY_ROLE))]
Watcher = Annotated[User, Depends(require_role(Role.SUPERVISOR, Role.OPERATOR, Role.ADMIN))]
Supervisor = Annotated[User, Depends(require_role(Role.SUPERVISOR, Role.ADMIN))]


@router.get("", responses=UNAUTHORIZED_RESPONSE)
def every_queue(_user: AnyUser, board: Board, clock: Now) -> list[QueueState]:
    """Every queue: waiting contacts, longest wait, agents by state, service level today."""
    return board.states(clock())


@router.get("/{queue_id}/contacts", responses={**UNAUTHORIZED_RESPONSE, **FORBIDDEN, **NOT_FOUND})
def waiting_in(queue_id: RowId, _user: Watcher, centre: Centre) -> list[WaitingContact]:
    """The contacts waiting in the queue, first in line first, then the callbacks
    waiting out of the line for their time (``scheduled``), soonest first."""
    with centre_errors():
        centre.queue_settings(queue_id)
    views = centre.waiting_contacts(queue_id)
    scheduled = [waiting_contact(v) for v in centre.scheduled_callbacks(queue_id)]
    return sorted(
        (waiting_contact(v) for v in views), key=lambda c: (c.position, c.contact_id)
    ) + sorted(scheduled, key=lambda c: (c.callback_due, c.contact_id))


CONTROL = {**UNAUTHORIZED_RESPONSE, **FORBIDDEN, **CENTRE_ERRORS}


def _waiting_in(
    centre: Centre, queue_id: int, contact_id: int, *, or_scheduled: bool = False
) -> None:
    """Refuse (404) unless the contact waits in the queue's line now (``or_scheduled``:
    or is a callback that waits out of it for its time)."""
    centre.queue_settings(queue_id)
    contact = centre.contact(contact_id)
    scheduled = or_scheduled and contact.state == "entered" and contact.callback_due is not None
    if (
        contact.queue_id != queue_id
        or (contact.state not in ("waiting", "offered") and not scheduled)
        or contact.personal_agent is not None
    ):
        raise HTTPException(
            status.HTTP_404_NOT_FOUND,
            detail=f"contact {contact_id} is not waiting in queue {queue_id}",
        )


@router.post("/{queue_id}/contacts/{contact_id}/move", responses=CONTROL)
def move(
    queue_id: RowId, contact_id: RowId, request: MoveRequest, user: Supervisor, centre: Centre
) -> WaitingContact:
    """Move a contact waiting in this queue to another one, keeping its wait."""
    with centre_errors():
        _waiting_in(centre, queue_id, contact_id)
        centre.move(contact_id, request.queue_id, by_user=user.id)
        return waiting_contact(centre.contact(contact_id))


@router.post("/{queue_id}/contacts/{contact_id}/priority", responses=CONTROL)
def set_priority(
    queue_id: RowId, contact_id: RowId, request: PriorityRequest, user: Supervisor, centre: Centre
) -> WaitingContact:
    """Give a contact waiting in this queue another priority (higher is served first)."""
    with centre_errors():
        _waiting_in(centre, queue_id, contact_id)
        return waiting_contact(centre.set_priority(contact_id, request.priority, by_user=user.id))


@router.post("/{queue_id}/contacts/{contact_id}/pick", responses=CONTROL)
def pick(
    queue_id: RowId, contact_id: RowId, request: PickRequest, user: Supervisor, centre: Centre
) -> WaitingContact:
    """Take a contact waiting in this queue for an agent: offered to it now (``offer``,
    back in the queue if not taken) or put in its personal queue. Refused (409) when the
    agent is not logged in with a softphone, not a member of the queue, or (to offer)
    not available."""
    with centre_errors():
        _waiting_in(centre, queue_id, contact_id)
        view = centre.pick(contact_id, request.agent_id, offer=request.offer, by_user=user.id)
        assert view.queue_id is not None and view.position is not None
        return waiting_contact(view)


@router.delete(
    "/{queue_id}/contacts/{contact_id}/callback",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=CONTROL,
)
def cancel_callback(queue_id: RowId, contact_id: RowId, user: Supervisor, centre: Centre) -> None:
    """Cancel a callback waiting in this queue (R17), in its line or for its scheduled
    time: it ends, logged with who did it. Refused (409) for a contact that is not a
    callback."""
    with centre_errors():
        _waiting_in(centre, queue_id, contact_id, or_scheduled=True)
        centre.cancel_callback(contact_id, by_user=user.id)
