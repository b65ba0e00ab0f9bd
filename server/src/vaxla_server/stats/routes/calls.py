"""``/calls``: the call log, computed from the event log; newest first."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from vaxla_protocol import Role
from vaxla_protocol.calls import CallRecord
from vaxla_server.api.access import EVERY_ROLE, UNAUTHORIZED_RESPONSE, require_role
from vaxla_server.api.centre_access import Centre
from vaxla_server.api.deps import get_auth
from vaxla_server.auth import Auth, User
from vaxla_server.stats import call_log, events_between
from vaxla_server.stats.calls import transfer_target

MAX_LIMIT = 1000

router = APIRouter(prefix="/calls", tags=["calls"])

AnyUser = Annotated[User, Depends(require_role(*EVERY_ROLE))]


def user_names(auth: Auth) -> dict[int, str]:
    return {user.id: user.username for user in auth.users.list()}


@router.get(
    "",
    responses=UNAUTHORIZED_RESPONSE,
)
def calls(
    user: AnyUser,
    centre: Centre,
    auth: Annotated[Auth, Depends(get_auth)],
    since: Annotated[
        datetime | None,
        Query(description="Only calls that started at or after this time (UTC if no zone)."),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
) -> list[CallRecord]:
    """The call log, newest first. Agents see only the calls they answered."""
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    only = user.id if user.role == Role.AGENT else None
    records = call_log(
        events_between(centre.log, None, None), since=since, agent_id=only, limit=limit
    )
    queues = centre.queue_names()
    names = user_names(auth)
    return [
        CallRecord(
            id=record.id,
            entry_point=record.entry_point,
            caller=record.caller,
            channel=record.channel,
            queue=None if record.queue_id is None else queues.get(record.queue_id),
            outcome=record.outcome,
            wait_seconds=record.wait_seconds,
            agent=None if record.agent_id is None else names.get(record.agent_id),
            talk_seconds=record.talk_seconds,
            classification=record.classification,
            started_at=record.started_at,
            ended_at=record.ended_at,
            transferred_to=transfer_target(record.transfer, queues, names),
            direction=record.direction,
            end_cause=record.end_cause,
        )
        for record in records
    ]
