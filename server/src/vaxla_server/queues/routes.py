"""``/queues``: every queue's live state, the contacts waiting in one, and moving a
waiting contact to another queue (supervisors)."""

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, status

from vaxla_protocol import Role
from vaxla_protocol.agent import MoveRequest, QueueState, WaitingContact
from vaxla_server.api.access import EVERY_ROLE, UNAUTHORIZED_RESPONSE, require_role
from vaxla_server.api.centre_access import (
    CENTRE_ERRORS,
    FORBIDDEN,
    NOT_FOUND,
    Centre,
    centre_errors,
)
from vaxla_server.api.deps import Board, Now
from vaxla_server.auth import User
from vaxla_server.centre import ContactView

_EPSILON = timedelta(microseconds=1)

router = APIRouter(prefix="/queues", tags=["queues"])

AnyUser = Annotated[User, Depends(require_role(*EVERY_ROLE))]
Watcher = Annotated[User, Depends(require_role(Role.SUPERVISOR, Role.OPERATOR, Role.ADMIN))]
Supervisor = Annotated[User, Depends(require_role(Role.SUPERVISOR, Role.ADMIN))]


def waiting_contact(view: ContactView) -> WaitingContact:
    assert view.queue_id is not None and view.position is not None
    return WaitingContact(
        contact_id=view.contact_id,
        queue_id=view.queue_id,
        caller=view.caller,
        entry_point=view.entry_point,
        state="offered" if view.state == "offered" else "waiting",
        position=view.position,
        wait_s=view.wait_seconds,
        estimated_wait_s=view.estimated_wait,
    )


@router.get("", responses=UNAUTHORIZED_RESPONSE)
def every_queue(_user: AnyUser, board: Board, clock: Now) -> list[QueueState]:
    """Every queue: waiting contacts, longest wait, agents by state, service level today."""
    return board.states(clock())


@router.get("/{queue_id}/contacts", responses={**UNAUTHORIZED_RESPONSE, **FORBIDDEN, **NOT_FOUND})
def waiting_in(queue_id: int, _user: Watcher, centre: Centre) -> list[WaitingContact]:
    """The contacts waiting in the queue, first in line first."""
    with centre_errors():
        centre.queue_settings(queue_id)
    views = centre.waiting_contacts(queue_id)
    return sorted((waiting_contact(v) for v in views), key=lambda c: (c.position, c.contact_id))


@router.post(
    "/{queue_id}/contacts/{contact_id}/move",
    responses={**UNAUTHORIZED_RESPONSE, **FORBIDDEN, **CENTRE_ERRORS},
)
def move(
    queue_id: int, contact_id: int, request: MoveRequest, user: Supervisor, centre: Centre
) -> WaitingContact:
    """Move a contact waiting in this queue to another one, keeping its wait."""
    with centre_errors():
        centre.queue_settings(queue_id)
        contact = centre.contact(contact_id)
        if contact.queue_id != queue_id or contact.state not in ("waiting", "offered"):
            raise HTTPException(
                status.HTTP_404_NOT_FOUND,
                detail=f"contact {contact_id} is not waiting in queue {queue_id}",
            )
        centre.move(contact_id, request.queue_id)
        return waiting_contact(centre.contact(contact_id))
