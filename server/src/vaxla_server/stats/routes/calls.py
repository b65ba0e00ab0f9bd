"""``/calls``: the call log, computed from the event log; newest first."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from vaxla_protocol import Role
from vaxla_protocol.calls import CallOutcome, CallRecord
from vaxla_server.api.access import EVERY_ROLE, UNAUTHORIZED_RESPONSE, require_role
from vaxla_server.api.centre_access import Centre
from vaxla_server.api.deps import Summary, get_auth
from vaxla_server.auth import Auth, User
from vaxla_server.stats.calls import CallFilter, transfer_target

MAX_LIMIT = 1000

router = APIRouter(prefix="/calls", tags=["calls"])

AnyUser = Annotated[User, Depends(require_role(*EVERY_ROLE))]


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def user_names(auth: Auth) -> dict[int, str]:
    return {user.id: user.username for user in auth.users.list()}


@router.get(
    "",
    responses=UNAUTHORIZED_RESPONSE,
)
def calls(
    user: AnyUser,
    centre: Centre,
    summaries: Summary,
    auth: Annotated[Auth, Depends(get_auth)],
    since: Annotated[
        datetime | None,
        Query(description="Only calls that started at or after this time (UTC if no zone)."),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
    until: Annotated[
        datetime | None, Query(description="Only calls that started before this time.")
    ] = None,
    queue_id: Annotated[int | None, Query(alias="queue", description="Queue id.")] = None,
    agent_id: Annotated[
        int | None, Query(alias="agent", description="The answering agent's id.")
    ] = None,
    outcome: CallOutcome | None = None,
    entry_point: str | None = None,
    classification: str | None = None,
) -> list[CallRecord]:
    """The call log, newest first, filtered by start time, queue, agent, outcome, entry
    point and classification. Agents see only the calls they answered."""
    if user.role == Role.AGENT:
        agent_id = user.id if agent_id in (None, user.id) else -1
    wanted = CallFilter(
        since=None if since is None else _utc(since),
        until=None if until is None else _utc(until),
        agent_id=agent_id,
        queue_id=queue_id,
        outcome=outcome,
        entry_point=entry_point,
        classification=classification,
    )
    records = summaries.calls(wanted, limit)
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
