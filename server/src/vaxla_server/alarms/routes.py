"""``/alarms``: the raised alarms and their acknowledgement (R24), for supervisors and
administrators. Raising and clearing is the server's own (``watch.py``)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from vaxla_protocol import Role
from vaxla_protocol.alarms import AlarmState
from vaxla_server.alarms.wire import alarm_state, alarm_states
from vaxla_server.api.access import UNAUTHORIZED_RESPONSE, require_role
from vaxla_server.api.centre_access import (
    CENTRE_ERRORS,
    FORBIDDEN,
    Centre,
    Responses,
    centre_errors,
)
from vaxla_server.auth import User

ALARM_ROUTE: Responses = {**UNAUTHORIZED_RESPONSE, **FORBIDDEN, **CENTRE_ERRORS}

router = APIRouter(prefix="/alarms", tags=["alarms"])

Supervisor = Annotated[User, Depends(require_role(Role.SUPERVISOR, Role.ADMIN))]


@router.get("", responses=ALARM_ROUTE)
def raised_alarms(_user: Supervisor, centre: Centre) -> list[AlarmState]:
    """The raised alarms, the newest first, each with who acknowledged it."""
    return alarm_states(centre)


@router.post("/{rule}/acknowledge", responses=ALARM_ROUTE)
def acknowledge(
    rule: Annotated[str, Path(min_length=1, max_length=64)], user: Supervisor, centre: Centre
) -> AlarmState:
    """Acknowledge the raised alarm ``rule`` (logged with who did it). Refused (404) when
    no alarm of that rule is raised, (409) when it is acknowledged already."""
    with centre_errors():
        view = centre.acknowledge_alarm(rule, by_user=user.id, by_name=user.username)
    return alarm_state(view, centre.queue_names())
