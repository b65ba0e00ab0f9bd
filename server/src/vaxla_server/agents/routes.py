"""``/agent``: the calling agent's own actions; ``/agents``: every agent's state, and a
supervisor's actions on an agent (force log-out, pause, ready)."""

from ipaddress import IPv4Address, IPv6Address, ip_address
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status

from vaxla_protocol import Role
from vaxla_protocol.agent import (
    AgentLoginRequest,
    AgentLogoutRequest,
    AgentState,
    ClassifyRequest,
    PauseRequest,
)
from vaxla_protocol.alarms import StandbyRequest
from vaxla_protocol.offers import session_key
from vaxla_protocol.outbound import AgentPhone
from vaxla_server.agents.wire import agent_state
from vaxla_server.api.access import UNAUTHORIZED_RESPONSE, BearerCredentials, require_role
from vaxla_server.api.centre_access import (
    CENTRE_ERRORS,
    FORBIDDEN,
    Centre,
    Responses,
    centre_errors,
)
from vaxla_server.api.deps import Now, RowId, Voice
from vaxla_server.auth import User
from vaxla_server.centre import UnknownSubject

AGENT_ROUTE: Responses = {**UNAUTHORIZED_RESPONSE, **FORBIDDEN, **CENTRE_ERRORS}

router = APIRouter(prefix="/agent", tags=["agent"])
agents_router = APIRouter(prefix="/agents", tags=["agent"])

AgentUser = Annotated[User, Depends(require_role(Role.AGENT, Role.SUPERVISOR, Role.OPERATOR))]
"""An agent, a supervisor that takes calls or an operator answering the switchboard (one
without an agent profile gets 404)."""
Watcher = Annotated[User, Depends(require_role(Role.SUPERVISOR, Role.OPERATOR, Role.ADMIN))]
Supervisor = Annotated[User, Depends(require_role(Role.SUPERVISOR, Role.ADMIN))]


def _own(user: User) -> int:
    return user.id


def _no_profile(user: User) -> HTTPException:
    return HTTPException(
        status.HTTP_404_NOT_FOUND,
        detail=f"user {user.username!r} has no agent profile; an administrator must give "
        "it one (PUT /config/agents/...)",
    )


@router.get("", responses=AGENT_ROUTE)
def my_state(user: AgentUser, centre: Centre) -> AgentState:
    """The calling agent's state."""
    try:
        view = centre.agent(_own(user))
    except UnknownSubject:
        raise _no_profile(user) from None
    return agent_state(centre, view)


@router.post("/login", responses=AGENT_ROUTE)
def log_in(
    request: AgentLoginRequest, user: AgentUser, centre: Centre, credentials: BearerCredentials
) -> AgentState:
    """Log in to queues (all the agent is a member of when none are named), reporting
    where the softphone takes offers. Refused (409) when the licence's limit is reached."""
    assert credentials is not None
    with centre_errors():
        try:
            view = centre.log_in(
                _own(user),
                session_key=session_key(credentials.credentials),
                queues=request.queues,
                sip_contact=request.sip_contact,
            )
        except UnknownSubject:
            raise _no_profile(user) from None
    return agent_state(centre, view)


@router.post("/standby", responses=AGENT_ROUTE)
def stand_by(
    request: StandbyRequest, user: AgentUser, centre: Centre, credentials: BearerCredentials
) -> AgentState:
    """Stand by (R23): the server logs the agent in to a queue of its own whose stand-by
    threshold is reached, and out again once it is calm. Refused (409) unless the agent's
    profile is marked stand-by."""
    assert credentials is not None
    with centre_errors():
        try:
            view = centre.stand_by(
                _own(user),
                session_key=session_key(credentials.credentials),
                sip_contact=request.sip_contact,
            )
        except UnknownSubject:
            raise _no_profile(user) from None
    return agent_state(centre, view)


@router.delete("/standby", responses=AGENT_ROUTE)
def stop_standing_by(user: AgentUser, centre: Centre) -> AgentState:
    """Stand by no longer: logged out of the queues the server logged the agent in to."""
    with centre_errors():
        try:
            view = centre.stop_standing_by(_own(user))
        except UnknownSubject:
            raise _no_profile(user) from None
    return agent_state(centre, view)


def _ip(text: str) -> IPv4Address | IPv6Address | None:
    try:
        address = ip_address(text.strip("[]"))
    except ValueError:
        return None
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped  # a dual-stack socket's view of an IPv4 client
    return address


def _host_port(address: str) -> tuple[str, str]:
    """``HOST:PORT`` split; pjsua2 writes an IPv6 host without brackets (``fd00::2:5060``)."""
    host, _, port = address.rpartition(":")
    return host.strip("[]"), port


def _sip_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def reachable_sip_address(worker_address: str, bind: str, local_host: str | None) -> str:
    """The worker's ``HOST:PORT`` as a desktop can dial it. A worker on a wildcard
    (``bind`` 0.0.0.0 or ::, or a worker that reports one) listens on every address of
    the host, but the address pjsua2 reports is only its guess at one (the default
    route's): the desktop gets ``local_host``, the address its HTTP request came in on
    (the socket's local end, so loopback for a request over loopback), with the
    worker's port. Any other worker address is given as it is."""
    host, port = _host_port(worker_address)
    bound, reported = _ip(bind), _ip(host)
    wildcard = any(a is not None and a.is_unspecified for a in (bound, reported))
    if not wildcard or not local_host or not port:
        return f"{_sip_host(host)}:{port}" if port else worker_address
    local = _ip(local_host)
    return f"{_sip_host(str(local) if local is not None else local_host)}:{port}"


@router.get("/phone", responses=AGENT_ROUTE)
def phone(
    user: AgentUser, request: Request, telephony: Voice, clock: Now, centre: Centre
) -> AgentPhone:
    """Where the agent's softphone sends its outbound calls: the SIP front's address (the
    number goes in the user part, the ``X-Vaxla-Session`` header of
    ``vaxla_protocol.outbound`` with it) and the digest credentials, good for an hour,
    that answer the front's challenge; null on a server that takes no calls. A front on
    a wildcard address is named by the address this request came in on. With SIP over
    TLS, its address and the SRTP policy too."""
    # A supervisor or operator gets a phone only with an agent profile (it takes calls,
    # or answers the switchboard); 404 without.
    if user.role in (Role.SUPERVISOR, Role.OPERATOR):
        try:
            centre.agent(_own(user))
        except UnknownSubject:
            raise _no_profile(user) from None
    if telephony is None:
        return AgentPhone(sip_uri=None, outside_calls=False)
    server = request.scope.get("server")
    local_host = server[0] if server else request.url.hostname
    address = reachable_sip_address(telephony.front_address, telephony.settings.bind, local_host)
    sip_uri = f"sip:{address}"
    tls_address = telephony.tls_address
    tls_uri = None
    if tls_address is not None:
        tls_host = reachable_sip_address(tls_address, telephony.settings.bind, local_host)
        tls_uri = f"sip:{tls_host};transport=tls"
    return AgentPhone(
        sip_uri=sip_uri,
        outside_calls=telephony.trunks.outside_line() is not None,
        credentials=telephony.agent_credentials(user.id, clock()),
        tls_uri=tls_uri,
        srtp=telephony.settings.srtp,
    )


@router.post("/logout", responses=AGENT_ROUTE)
def log_out(request: AgentLogoutRequest, user: AgentUser, centre: Centre) -> AgentState:
    """Log out of queues (of all when none are named)."""
    with centre_errors():
        return agent_state(centre, centre.log_out(_own(user), queues=request.queues))


@router.post("/ready", responses=AGENT_ROUTE)
def ready(user: AgentUser, centre: Centre) -> AgentState:
    """Ready for contacts: ends a pause, or the wrap-up early ("ready now")."""
    with centre_errors():
        return agent_state(centre, centre.ready(_own(user)))


@router.post("/pause", responses=AGENT_ROUTE)
def pause(request: PauseRequest, user: AgentUser, centre: Centre) -> AgentState:
    """Pause with an active pause reason's code."""
    with centre_errors():
        return agent_state(centre, centre.pause(_own(user), request.reason))


@router.post("/classification", responses=AGENT_ROUTE)
def classify(request: ClassifyRequest, user: AgentUser, centre: Centre) -> AgentState:
    """Classify the last answered contact with an active classification code."""
    with centre_errors():
        return agent_state(centre, centre.classify(_own(user), request.code))


@agents_router.get("", responses={**UNAUTHORIZED_RESPONSE, **FORBIDDEN})
def every_agent(_user: Watcher, centre: Centre) -> list[AgentState]:
    """Every agent with a profile, logged in or not."""
    return [agent_state(centre, view) for view in centre.agents()]


@agents_router.post("/{agent_id}/logout", responses=AGENT_ROUTE)
def force_log_out(agent_id: RowId, user: Supervisor, centre: Centre) -> AgentState:
    """Log the agent out of every queue (logged as forced, with who did it)."""
    with centre_errors():
        return agent_state(centre, centre.log_out(agent_id, forced=True, by_user=user.id))


@agents_router.post("/{agent_id}/pause", responses=AGENT_ROUTE)
def force_pause(
    agent_id: RowId, request: PauseRequest, user: Supervisor, centre: Centre
) -> AgentState:
    """Pause the agent with an active pause reason's code (logged with who did it)."""
    with centre_errors():
        return agent_state(centre, centre.pause(agent_id, request.reason, by_user=user.id))


@agents_router.post("/{agent_id}/ready", responses=AGENT_ROUTE)
def force_ready(agent_id: RowId, user: Supervisor, centre: Centre) -> AgentState:
    """Make the agent ready: ends its pause or its wrap-up (logged with who did it)."""
    with centre_errors():
        return agent_state(centre, centre.ready(agent_id, by_user=user.id))
