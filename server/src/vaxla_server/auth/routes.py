"""``/auth``: log in for a bearer token, log out, and ask who the token belongs to."""

import math
from collections.abc import Sequence
from ipaddress import IPv4Network, IPv6Network, ip_address
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, Response, status

from vaxla_protocol import CurrentUser, LoginRequest, LoginResponse
from vaxla_server.api.access import (
    EVERY_ROLE,
    UNAUTHORIZED_RESPONSE,
    BearerCredentials,
    require_role,
)
from vaxla_server.api.deps import Now, get_auth
from vaxla_server.auth import Auth, LoginFailed, LoginThrottled, User

router = APIRouter(prefix="/auth", tags=["auth"])

AnyUser = Annotated[User, Depends(require_role(*EVERY_ROLE))]


@router.post(
    "/login",
    responses={
        status.HTTP_401_UNAUTHORIZED: {"description": "Unknown user name or wrong password."},
        status.HTTP_429_TOO_MANY_REQUESTS: {
            "description": "Too many failed logins for this user name (from this address "
            "or from anywhere); see Retry-After."
        },
    },
)
def login(
    credentials: LoginRequest,
    request: Request,
    auth: Annotated[Auth, Depends(get_auth)],
    clock: Now,
) -> LoginResponse:
    """Open a session; the token goes in ``Authorization: Bearer TOKEN`` from then on."""
    address = client_address(request, auth.trusted_proxies)
    try:
        issued = auth.sessions.login(credentials.username, credentials.password, address, clock())
    except LoginFailed as error:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, detail=str(error), headers={"WWW-Authenticate": "Bearer"}
        ) from None
    except LoginThrottled as error:
        retry_after = max(1, math.ceil(error.retry_after.total_seconds()))
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            detail=str(error),
            headers={"Retry-After": str(retry_after)},
        ) from None
    return LoginResponse(token=issued.token)


def client_address(request: Request, proxies: Sequence[IPv4Network | IPv6Network]) -> str:
    """Where the request came from: the connection's address, or, when that is one of
    the configured reverse proxies, the nearest address in ``X-Forwarded-For`` that is
    not one (a header from anyone else is ignored: a client could name any address)."""
    peer = request.client.host if request.client is not None else "unknown"

    def trusted(host: str) -> bool:
        try:
            address = ip_address(host.strip())
        except ValueError:
            return False
        return any(address in network for network in proxies)

    if not proxies or not trusted(peer):
        return peer
    hops = [h.strip() for v in request.headers.getlist("x-forwarded-for") for h in v.split(",")]
    for hop in reversed(hops):
        if hop and not trusted(hop):
            return hop
    return peer


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT, responses=UNAUTHORIZED_RESPONSE)
def logout(
    _user: AnyUser,
    credentials: BearerCredentials,
    auth: Annotated[Auth, Depends(get_auth)],
    clock: Now,
) -> Response:
    """End the session of the token this request carries."""
    assert credentials is not None
    auth.sessions.logout(credentials.credentials, clock())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", responses=UNAUTHORIZED_RESPONSE)
def me(user: AnyUser) -> CurrentUser:
    """The user the bearer token belongs to."""
    return CurrentUser(username=user.username, display_name=user.display_name, role=user.role)
