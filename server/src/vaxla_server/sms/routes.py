"""SMS (R25) over HTTP: ``/config/sms-gateway`` (administrators; the password
write-only), ``/agent/sms`` (an agent's SMS to its caller from the templates),
``/sms/messages`` (supervisors and administrators: what went out, and how it fared) and
``/sms/reports/{token}`` (Kannel's delivery reports: no user, the gateway's token)."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Response, status

from vaxla_protocol import Role
from vaxla_protocol.sms import (
    AgentSmsOptions,
    AgentSmsRequest,
    SmsGatewayItem,
    SmsGatewayView,
    SmsMessageView,
    SmsQueued,
)
from vaxla_server.api.access import UNAUTHORIZED_RESPONSE, require_role
from vaxla_server.api.centre_access import FORBIDDEN, Centre, Responses
from vaxla_server.api.deps import Config, Sms
from vaxla_server.auth import User
from vaxla_server.sms.agent import AgentTexts, NotAllowed
from vaxla_server.sms.gateway import NoGateway
from vaxla_server.sms.service import BadSms, UnknownMessage

router = APIRouter(tags=["sms"])

Admin = Annotated[User, Depends(require_role(Role.ADMIN))]
AgentUser = Annotated[User, Depends(require_role(Role.AGENT, Role.SUPERVISOR))]
Supervisor = Annotated[User, Depends(require_role(Role.SUPERVISOR, Role.ADMIN))]

_ANSWERS: Responses = {
    **UNAUTHORIZED_RESPONSE,
    **FORBIDDEN,
    status.HTTP_404_NOT_FOUND: {"description": "No SMS gateway, or no such message."},
    status.HTTP_400_BAD_REQUEST: {
        "description": "A number that is not one, an unknown template, no caller to send "
        "to, an unknown report type: what is wrong, in words."
    },
}


@contextmanager
def _refusals() -> Iterator[None]:
    try:
        yield
    except (NoGateway, UnknownMessage) as error:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(error)) from None
    except NotAllowed as error:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail=str(error)) from None
    except BadSms as error:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail=str(error)) from None


@router.get("/config/sms-gateway", responses=_ANSWERS)
def read_gateway(_user: Admin, sms: Sms) -> SmsGatewayView:
    """The SMS gateway: its kind, address, user, senders and templates; whether a
    password is stored, never it."""
    with _refusals():
        return sms.gateways.view()


@router.put("/config/sms-gateway", responses=_ANSWERS)
def set_gateway(_user: Admin, sms: Sms, config: Config, item: SmsGatewayItem) -> SmsGatewayView:
    """Set the SMS gateway (``kannel``: smsbox's sendsms port and user; ``smpp``: the
    SMSC and its system_id), the default sender and the senders by queue and by entry
    point (its address), the templates; left out, the stored password stays. A queue or
    entry point that does not exist is refused (400), and nothing changes."""
    queues = {queue.settings.name for queue in config.queues()}
    addresses = {entry.address for entry in config.entry_points.list()}
    with _refusals():
        for what, named, known in (
            ("queue", item.queue_senders, queues),
            ("entry point", item.entry_point_senders, addresses),
        ):
            for name in sorted(set(named) - known):
                listed = ", ".join(sorted(known)) or "none"
                raise BadSms(f"a sender for the {what} {name!r}, which does not exist ({listed})")
        return sms.gateways.set(item)


@router.delete("/config/sms-gateway", status_code=204, responses=_ANSWERS)
def delete_gateway(_user: Admin, sms: Sms) -> Response:
    """No SMS gateway: messages are still queued, and sent once one is configured."""
    with _refusals():
        sms.gateways.delete()
    return Response(status_code=204)


@router.get("/agent/sms", responses=_ANSWERS)
def agent_options(user: AgentUser, sms: Sms, centre: Centre) -> AgentSmsOptions:
    """The caller of the agent's current or last call, the sender, and the templates
    filled in for that call (Swedish and English), to preview."""
    with _refusals():
        return AgentTexts(sms.engine, sms).options(user.id, centre.queue_names())


@router.post("/agent/sms", status_code=202, responses=_ANSWERS)
def agent_send(user: AgentUser, sms: Sms, centre: Centre, request: AgentSmsRequest) -> SmsQueued:
    """Send a template to the caller of the agent's current or last call (logged with
    who). Another number (``to``) only where the configuration allows it (else 403)."""
    with _refusals():
        return AgentTexts(sms.engine, sms).send(user.id, request, centre.queue_names())


@router.get("/sms/messages", responses=_ANSWERS)
def messages(
    _user: Supervisor, sms: Sms, limit: Annotated[int, Query(ge=1, le=1000)] = 200
) -> list[SmsMessageView]:
    """The newest messages, the newest first: queued (with why the last try failed),
    sent, delivered or failed."""
    return sms.messages(limit)


@router.get(
    "/sms/reports/{token}",
    status_code=204,
    responses={
        status.HTTP_404_NOT_FOUND: {"description": "No such message or token."},
        status.HTTP_400_BAD_REQUEST: {"description": "Not a Kannel report type."},
    },
)
def delivery_report(
    token: Annotated[str, Path(min_length=1, max_length=64)],
    sms: Sms,
    message_id: Annotated[int, Query(alias="id", ge=0, le=2**31 - 1)],
    kind: Annotated[int, Query(alias="type", ge=0, le=255)],
    answer: Annotated[str, Query(max_length=500)] = "",
) -> Response:
    """Kannel's delivery report (its ``dlr-url``): ``type`` 1 delivered, 2 failed, 4
    buffered, 8 taken by the SMSC, 16 refused by it; stored on the message and logged."""
    with _refusals():
        sms.report(token, message_id, kind, answer)
    return Response(status_code=204)
