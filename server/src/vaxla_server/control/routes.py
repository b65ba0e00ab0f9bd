"""``/agent/transfer``, ``/agent/park``, ``/agent/parked``: the calling agent's control of
the call it is in (see ``vaxla_protocol.control`` for the contract and
``control/flow.py`` for what happens to the call). Agents (and supervisors that take
calls, operators answering the switchboard) only, on their own calls.

Without telephony (a server that takes no calls) there is no call to control: every
route answers 409 saying so.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, status

from vaxla_protocol import Role
from vaxla_protocol.control import ParkedContact, ParkRequest, TransferRequest, TransferState
from vaxla_server.api.access import UNAUTHORIZED_RESPONSE, require_role
from vaxla_server.api.centre_access import CENTRE_ERRORS, FORBIDDEN, Responses, centre_errors
from vaxla_server.api.deps import Voice
from vaxla_server.auth import User
from vaxla_server.control.flow import CallControl, ControlError

ROUTE: Responses = {**UNAUTHORIZED_RESPONSE, **FORBIDDEN, **CENTRE_ERRORS}

router = APIRouter(prefix="/agent", tags=["agent"])

AgentUser = Annotated[User, Depends(require_role(Role.AGENT, Role.SUPERVISOR, Role.OPERATOR))]
"""An agent, a supervisor that takes calls or an operator answering the switchboard (one
without an agent profile gets 404)."""
TransferId = Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")]
ContactId = Annotated[int, Path(ge=0, le=2**53)]


def get_control(telephony: Voice) -> CallControl:
    if telephony is None:
        raise HTTPException(
            status.HTTP_409_CONFLICT,
            detail="this server takes no calls (started without --sip-port): no call to control",
        )
    return telephony.flow.control


Control = Annotated[CallControl, Depends(get_control)]


@contextmanager
def control_errors() -> Iterator[None]:
    """The centre's refusals (404, 409, 422) and the call control's own."""
    with centre_errors():
        try:
            yield
        except ControlError as error:
            raise HTTPException(error.status, detail=str(error)) from None


@router.post("/transfer", responses=ROUTE)
async def transfer(request: TransferRequest, user: AgentUser, control: Control) -> TransferState:
    """Transfer the agent's call: blind (handed over at once, the agent's leg ends) or
    attended (``consulting``: the caller on music on hold, the agent with the target)."""
    with control_errors():
        return await control.transfer(user.id, request)


@router.post("/transfer/{transfer_id}/complete", responses=ROUTE)
async def complete_transfer(
    transfer_id: TransferId, user: AgentUser, control: Control
) -> TransferState:
    """Complete an attended transfer: the caller talks with the target, the agent's leg
    ends."""
    with control_errors():
        return await control.complete(user.id, transfer_id)


@router.post("/transfer/{transfer_id}/cancel", responses=ROUTE)
async def cancel_transfer(
    transfer_id: TransferId, user: AgentUser, control: Control
) -> TransferState:
    """Cancel an attended transfer: the target's leg ends, the caller talks with the
    agent again."""
    with control_errors():
        return await control.cancel(user.id, transfer_id)


@router.post("/park", responses=ROUTE)
async def park(request: ParkRequest, user: AgentUser, control: Control) -> ParkedContact:
    """Park the agent's call in its personal queue: music on hold, the agent's leg ends;
    with ``hold`` it waits there until the agent takes it back (a receptionist's hold)."""
    with control_errors():
        return await control.park(user.id, request.contact_id, hold=request.hold)


@router.get("/parked", responses=ROUTE)
def parked(user: AgentUser, control: Control) -> list[ParkedContact]:
    """The callers parked in the agent's personal queue, longest parked first."""
    with control_errors():
        return control.parked(user.id)


@router.post("/parked/{contact_id}/take", responses=ROUTE)
def take(contact_id: ContactId, user: AgentUser, control: Control) -> ParkedContact:
    """Offer a parked caller to the agent again: it goes first in the personal queue and a
    wrap-up or pause ends, so the softphone rings with an offer as usual."""
    with control_errors():
        return control.take(user.id, contact_id)
